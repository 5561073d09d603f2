// Budgets: the stored definitions (append-only versions in beacon_budgets, newest per name wins, a tombstone
// deletes) and the spend they are measured against (see migration 0008).
//
// Spend comes from the per-minute rollup beacon_spend_minutely, except for budgets scoped to a trace tag: tags are
// edited after the spans are stored (and can be removed), so such budgets are computed from beacon_genai_spans
// joined with each trace's latest tag set at evaluation time — exact for the tags as they are now, at the cost of
// reading the period's inference spans (restricted to the tagged traces) rather than rollup rows.
import type { BudgetScope } from '../../contract/index.js';
import { type QueryContext, select, table } from './context.js';
import { versionNow } from './tags.js';

export interface StoredBudgetRow {
  name: string;
  /** The definition as JSON (validated again when read: the table is not the only writer one could imagine). */
  definition: string;
}

/** The current definitions: the newest version of each name, tombstones left out. */
export async function listStoredBudgets(ctx: QueryContext): Promise<StoredBudgetRow[]> {
  const rows = await select<{ name: string; definition: string; deleted: number }>(
    ctx,
    `SELECT Name AS name, Definition AS definition, Deleted AS deleted
FROM ${table(ctx, 'budgets')}
ORDER BY Name, UpdatedAt DESC
LIMIT 1 BY Name`,
  );
  return rows
    .filter((row) => Number(row.deleted) === 0)
    .map(({ name, definition }) => ({ name, definition }));
}

/** Writes a new version of `name`: its definition, or (definition null) a tombstone. */
export async function writeBudgetVersion(
  ctx: QueryContext,
  name: string,
  definition: string | null,
): Promise<void> {
  await ctx.client.command({
    query: `INSERT INTO ${table(ctx, 'budgets')} (Name, Definition, Deleted, UpdatedAt)
SELECT {name:String}, {definition:String}, {deleted:UInt8}, fromUnixTimestamp64Nano({updatedAt:Int64})`,
    query_params: {
      name,
      definition: definition ?? '',
      deleted: definition === null ? 1 : 0,
      updatedAt: versionNow().toString(),
    },
  });
}

export interface Spend {
  usd: number;
  /** Input + output tokens. */
  tokens: number;
}

export interface SpendBucket extends Spend {
  /** Bucket start, epoch seconds. */
  bucket: number;
}

interface SpendQuery {
  scope: BudgetScope;
  /** Epoch ms, inclusive / exclusive; multiples of a minute (period bounds are). */
  startMs: number;
  endMs: number;
}

/** FROM + WHERE over the rollup, or over the tagged traces' inference spans; `time` is the row's instant. */
function source(
  ctx: QueryContext,
  q: SpendQuery,
): { from: string; time: string; usd: string; tokens: string } {
  const conditions: string[] = [];
  if (q.scope.tag === undefined) {
    conditions.push(
      "Minute >= toDateTime({startS:UInt32}, 'UTC')",
      "Minute < toDateTime({endS:UInt32}, 'UTC')",
    );
    if (q.scope.service !== undefined) conditions.push('ServiceName = {service:String}');
    if (q.scope.agent !== undefined) conditions.push('AgentName = {agent:String}');
    if (q.scope.model !== undefined) conditions.push('Model = {model:String}');
    return {
      from: `${table(ctx, 'spendMinutely')} WHERE ${conditions.join(' AND ')}`,
      time: 'Minute',
      usd: 'sum(SpentUsd)',
      tokens: 'sum(SpentInputTokens) + sum(SpentOutputTokens)',
    };
  }
  conditions.push(
    'IsInference = 1',
    "Timestamp >= toDateTime64({startS:UInt32}, 9, 'UTC')",
    "Timestamp < toDateTime64({endS:UInt32}, 9, 'UTC')",
    `TraceId IN (
    SELECT TraceId FROM (
        SELECT TraceId, argMax(Tags, UpdatedAt) AS currentTags FROM ${table(ctx, 'traceTags')} GROUP BY TraceId
    ) WHERE has(currentTags, {tag:String}))`,
  );
  if (q.scope.service !== undefined) conditions.push('ServiceName = {service:String}');
  if (q.scope.agent !== undefined) conditions.push('AgentName = {agent:String}');
  if (q.scope.model !== undefined)
    conditions.push("if(ResponseModel != '', ResponseModel, RequestModel) = {model:String}");
  return {
    from: `${table(ctx, 'genaiSpans')} WHERE ${conditions.join('\n    AND ')}`,
    time: "toDateTime(Timestamp, 'UTC')",
    usd: 'sum(ifNull(CostUsd, 0))',
    tokens: 'sum(toUInt64(ifNull(InputTokens, 0))) + sum(toUInt64(ifNull(OutputTokens, 0)))',
  };
}

function params(q: SpendQuery): Record<string, unknown> {
  return {
    ...q.scope,
    startS: Math.floor(q.startMs / 1000),
    endS: Math.floor(q.endMs / 1000),
  };
}

/** Spend matching the scope between the two instants. */
export async function spendBetween(ctx: QueryContext, q: SpendQuery): Promise<Spend> {
  const s = source(ctx, q);
  const [row] = await select<{ usd: number; tokens: number }>(
    ctx,
    `SELECT toFloat64(${s.usd}) AS usd, toFloat64(${s.tokens}) AS tokens FROM ${s.from}`,
    params(q),
  );
  return { usd: Number(row?.usd ?? 0), tokens: Number(row?.tokens ?? 0) };
}

/** Spend per bucket of `stepSeconds` (buckets without spend are absent), oldest first. */
export async function spendByBucket(
  ctx: QueryContext,
  q: SpendQuery & { stepSeconds: number },
): Promise<SpendBucket[]> {
  const s = source(ctx, q);
  const rows = await select<{ bucket: number; usd: number; tokens: number }>(
    ctx,
    `SELECT toUInt32(toStartOfInterval(${s.time}, toIntervalSecond({step:UInt32}))) AS bucket,
    toFloat64(${s.usd}) AS usd, toFloat64(${s.tokens}) AS tokens
FROM ${s.from}
GROUP BY bucket
ORDER BY bucket`,
    { ...params(q), step: q.stepSeconds },
  );
  return rows.map((row) => ({
    bucket: Number(row.bucket),
    usd: Number(row.usd),
    tokens: Number(row.tokens),
  }));
}
