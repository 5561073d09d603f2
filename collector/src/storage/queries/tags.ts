// Tags of traces and annotations of spans: append-only versions (see migration 0005). A write inserts the whole new
// set stamped with UpdatedAt; a read takes the newest row per key with ORDER BY UpdatedAt DESC LIMIT 1 BY key.
import type { Annotation } from '../../contract/index.js';
import { nanosText, orNull, type QueryContext, select, table } from './context.js';

let lastVersion = 0n;

/**
 * Nanoseconds now, strictly increasing within this process: two writes in the same millisecond still order as
 * they were made. (Across replicas the clock decides; the later edit wins.)
 */
export function versionNow(): bigint {
  const now = BigInt(Date.now()) * 1_000_000n;
  lastVersion = now > lastVersion ? now : lastVersion + 1n;
  return lastVersion;
}

/** TraceId → its current tags, for the traces that have any tag version. */
export async function latestTags(ctx: QueryContext, traceIds: string[]): Promise<Map<string, string[]>> {
  if (traceIds.length === 0) return new Map();
  const rows = await select<{ traceId: string; tags: string[] }>(
    ctx,
    `SELECT TraceId AS traceId, Tags AS tags
FROM ${table(ctx, 'traceTags')}
WHERE TraceId IN {traceIds:Array(String)}
ORDER BY TraceId, UpdatedAt DESC
LIMIT 1 BY TraceId`,
    { traceIds },
  );
  return new Map(rows.map((row) => [row.traceId, row.tags]));
}

export async function writeTags(ctx: QueryContext, traceId: string, tags: string[]): Promise<void> {
  await ctx.client.command({
    query: `INSERT INTO ${table(ctx, 'traceTags')} (TraceId, Tags, UpdatedAt)
SELECT {traceId:String}, {tags:Array(String)}, fromUnixTimestamp64Nano({updatedAt:Int64})`,
    query_params: { traceId, tags, updatedAt: versionNow().toString() },
  });
}

/** SpanId → its current annotations, for the spans of one trace (or one span of it) that have any. */
export async function latestAnnotations(
  ctx: QueryContext,
  traceId: string,
  spanId?: string,
): Promise<Map<string, Annotation[]>> {
  const rows = await select<{
    spanId: string;
    ids: string[];
    texts: string[];
    authors: string[];
    createdAt: string[];
  }>(
    ctx,
    `SELECT SpanId AS spanId, AnnotationIds AS ids, Texts AS texts, Authors AS authors,
    arrayMap(t -> ${nanosText('t')}, CreatedAt) AS createdAt
FROM ${table(ctx, 'spanAnnotations')}
WHERE TraceId = {traceId:String}${spanId === undefined ? '' : ' AND SpanId = {spanId:String}'}
ORDER BY SpanId, UpdatedAt DESC
LIMIT 1 BY SpanId`,
    spanId === undefined ? { traceId } : { traceId, spanId },
  );
  return new Map(
    rows.map((row) => [
      row.spanId,
      row.ids.map((id, i) => ({
        id,
        text: row.texts[i] ?? '',
        author: orNull(row.authors[i]),
        createdAt: row.createdAt[i] ?? '0',
      })),
    ]),
  );
}

export async function writeAnnotations(
  ctx: QueryContext,
  traceId: string,
  spanId: string,
  annotations: readonly Annotation[],
): Promise<void> {
  await ctx.client.command({
    query: `INSERT INTO ${table(ctx, 'spanAnnotations')} (TraceId, SpanId, AnnotationIds, Texts, Authors, CreatedAt, UpdatedAt)
SELECT {traceId:String}, {spanId:String}, {ids:Array(String)}, {texts:Array(String)}, {authors:Array(String)},
    arrayMap(ns -> fromUnixTimestamp64Nano(ns), {createdAt:Array(Int64)}), fromUnixTimestamp64Nano({updatedAt:Int64})`,
    query_params: {
      traceId,
      spanId,
      ids: annotations.map((a) => a.id),
      texts: annotations.map((a) => a.text),
      authors: annotations.map((a) => a.author ?? ''),
      // Numbers, not strings, inside an array parameter: ['1'] does not parse as Array(Int64).
      createdAt: annotations.map((a) => BigInt(a.createdAt)),
      updatedAt: versionNow().toString(),
    },
  });
}
