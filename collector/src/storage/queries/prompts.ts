// Prompt versions (migration 0006): append-only rows, numbered 1, 2, … per prompt key. The edit is stored as the
// PromptEdit's JSON; readers parse it back.
import type { PromptEdit, PromptVersion } from '../../contract/index.js';
import { nanosText, orNull, type QueryContext, select, table } from './context.js';
import { versionNow } from './tags.js';

interface PromptVersionRow {
  id: string;
  promptKey: string;
  version: number;
  label: string | null;
  createdAt: string;
  sourceTraceId: string;
  sourceSpanId: string;
  edit: string;
  replayTraceId: string;
}

const COLUMNS = `Id AS id, PromptKey AS promptKey, Version AS version, Label AS label,
    ${nanosText('CreatedAt')} AS createdAt, SourceTraceId AS sourceTraceId, SourceSpanId AS sourceSpanId,
    Edit AS edit, ReplayTraceId AS replayTraceId`;

function toPromptVersion(row: PromptVersionRow): PromptVersion {
  return {
    id: row.id,
    promptKey: row.promptKey,
    version: Number(row.version),
    label: row.label ?? null,
    createdAt: row.createdAt,
    sourceTraceId: row.sourceTraceId,
    sourceSpanId: row.sourceSpanId,
    edit: JSON.parse(row.edit) as PromptEdit,
    replayTraceId: orNull(row.replayTraceId),
  };
}

/** The highest version number of the prompt key; 0 when it has none. */
export async function latestPromptVersionNumber(ctx: QueryContext, promptKey: string): Promise<number> {
  const [row] = await select<{ n: number }>(
    ctx,
    `SELECT toFloat64(max(Version)) AS n FROM ${table(ctx, 'promptVersions')} WHERE PromptKey = {promptKey:String}`,
    { promptKey },
  );
  return Number(row?.n ?? 0);
}

/** Stores a version as given (its number already chosen) and returns it as read back would show it. */
export async function insertPromptVersion(
  ctx: QueryContext,
  version: Omit<PromptVersion, 'createdAt'>,
): Promise<PromptVersion> {
  const createdAt = versionNow().toString();
  await ctx.client.command({
    query: `INSERT INTO ${table(ctx, 'promptVersions')}
    (Id, PromptKey, Version, Label, CreatedAt, SourceTraceId, SourceSpanId, Edit, ReplayTraceId)
SELECT {id:String}, {promptKey:String}, {version:UInt32}, {label:Nullable(String)},
    fromUnixTimestamp64Nano({createdAt:Int64}), {sourceTraceId:String}, {sourceSpanId:String}, {edit:String},
    {replayTraceId:String}`,
    query_params: {
      id: version.id,
      promptKey: version.promptKey,
      version: version.version,
      label: version.label,
      createdAt,
      sourceTraceId: version.sourceTraceId,
      sourceSpanId: version.sourceSpanId,
      edit: JSON.stringify(version.edit),
      replayTraceId: version.replayTraceId ?? '',
    },
  });
  return { ...version, createdAt };
}

/** The prompt key's versions, newest first. */
export async function listPromptVersions(
  ctx: QueryContext,
  promptKey: string,
  limit: number,
): Promise<PromptVersion[]> {
  const rows = await select<PromptVersionRow>(
    ctx,
    `SELECT ${COLUMNS}
FROM ${table(ctx, 'promptVersions')}
WHERE PromptKey = {promptKey:String}
ORDER BY Version DESC, CreatedAt DESC
LIMIT {limit:UInt32}`,
    { promptKey, limit },
  );
  return rows.map(toPromptVersion);
}

export async function getPromptVersion(ctx: QueryContext, id: string): Promise<PromptVersion | null> {
  const [row] = await select<PromptVersionRow>(
    ctx,
    `SELECT ${COLUMNS} FROM ${table(ctx, 'promptVersions')} WHERE Id = {id:String} LIMIT 1`,
    { id },
  );
  return row ? toPromptVersion(row) : null;
}
