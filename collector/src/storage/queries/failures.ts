// Failures of error spans, classified at ingest (beacon_span_failures, migration 0007): the error patterns across
// traces. (The failure categories of traces come with their summaries, see traces.ts.)
import type { FailureCategory } from '@beacon/semconv';
import type { ErrorPattern } from '../../contract/index.js';
import { instantParam, nanosText, type QueryContext, select, table } from './context.js';

export interface FailurePatternFilter {
  fromNs: bigint;
  toNs: bigint;
  /** Only this trace's failures. */
  traceId?: string;
  /** Most patterns, largest first. */
  limit: number;
}

/** Trace ids listed per pattern (ErrorPattern.traceIds). */
const MAX_TRACE_IDS = 20;

interface PatternRow {
  category: FailureCategory;
  signature: string;
  spanCount: number;
  traceCount: number;
  traceIds: string[];
  example: [string, string, string, string];
  firstSeen: string;
  lastSeen: string;
}

/**
 * Failures grouped by (category, signature), largest group first; loop patterns (warnings, not failures) after
 * every failure pattern, so the limit never drops a failure for a loop. Each failure counts once, where it
 * started: a failure row with a failing (non-loop) child in the same trace failed because of that child
 * (propagated) and is left out. Two levels: per (pattern, trace) first, so the newest trace ids are picked from
 * one row per trace with a bounded groupArraySorted, never from every failure.
 */
export async function failurePatterns(
  ctx: QueryContext,
  filter: FailurePatternFilter,
): Promise<ErrorPattern[]> {
  const params: Record<string, unknown> = {
    fromNs: filter.fromNs.toString(),
    toNs: filter.toNs.toString(),
    limit: filter.limit,
  };
  if (filter.traceId !== undefined) params.traceId = filter.traceId;
  const oneTrace = filter.traceId === undefined ? '' : ' AND TraceId = {traceId:String}';
  const rows = await select<PatternRow>(
    ctx,
    `SELECT
    category,
    signature,
    toFloat64(sum(failures)) AS spanCount,
    toFloat64(count()) AS traceCount,
    arrayMap(t -> t.2, groupArraySorted(${MAX_TRACE_IDS})((-toUnixTimestamp64Nano(last), traceId))) AS traceIds,
    argMax(example, last) AS example,
    ${nanosText('min(first)')} AS firstSeen,
    ${nanosText('max(last)')} AS lastSeen
FROM (
    SELECT
        CAST(Category, 'String') AS category,
        Signature AS signature,
        TraceId AS traceId,
        count() AS failures,
        min(Timestamp) AS first,
        max(Timestamp) AS last,
        argMax((TraceId, SpanId, CAST(SpanName, 'String'), Message), Timestamp) AS example
    FROM ${table(ctx, 'spanFailures')}
    WHERE Timestamp >= ${instantParam('fromNs')} AND Timestamp <= ${instantParam('toNs')}${oneTrace}
      AND (TraceId, SpanId) NOT IN (
        -- A child starts no earlier than its parent: children of the range's failures start after fromNs.
        SELECT TraceId, ParentSpanId FROM ${table(ctx, 'spanFailures')}
        WHERE Timestamp >= ${instantParam('fromNs')} AND Category != 'loop' AND ParentSpanId != ''${oneTrace}
      )
    GROUP BY category, signature, traceId
)
GROUP BY category, signature
ORDER BY category = 'loop', spanCount DESC, traceCount DESC, lastSeen DESC, category, signature
LIMIT {limit:UInt32}`,
    params,
  );
  return rows.map((row) => ({
    category: row.category,
    signature: row.signature,
    spanCount: Number(row.spanCount),
    traceCount: Number(row.traceCount),
    traceIds: row.traceIds,
    example: {
      traceId: row.example[0],
      spanId: row.example[1],
      spanName: row.example[2],
      message: row.example[3],
    },
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
  }));
}
