// Failures of error spans, classified at ingest (beacon_span_failures, migration 0007): the error patterns across
// traces and each trace's failure counts; and the loop warnings marked at ingest (beacon_genai_spans.LoopRepeats,
// migration 0011), which are patterns of their own, never failures.
//
// One failure per cause: a failing span with a failing child in the same trace failed because of that child — it is
// "propagated" (analysis/propagation.ts draws the same line over a trace's spans), counted apart and never as a
// failure of its own. That is decided here, at read time, and not at ingest: a parent span usually ends (and is
// exported) in a later batch than its children, so only the stored rows of the whole trace can tell.
import type { FailureCategory } from '@beacon/semconv';
import type { ErrorPattern } from '../../contract/index.js';
import { instantParam, nanosText, type QueryContext, select, table } from './context.js';

/**
 * Rows of beacon_span_failures that are failures: migration 0007's table also holds `loop` rows written before
 * loops became warnings (migration 0011), read as neither.
 */
export const IS_FAILURE_ROW = "Category != 'loop'";

/**
 * SQL: (TraceId, ParentSpanId) of the failure rows matching `where` — the spans with a failing child, i.e. the
 * propagated ones. `(TraceId, SpanId) NOT IN (<this>)` keeps the failures that started where they are.
 */
export function failingParents(ctx: QueryContext, where: string): string {
  return `SELECT TraceId, ParentSpanId FROM ${table(ctx, 'spanFailures')}
        WHERE ${where} AND ${IS_FAILURE_ROW} AND ParentSpanId != ''`;
}

/** A trace's failures as the trace list shows them: the failures that started, and the propagated ones apart. */
export interface TraceFailureCounts {
  /** Categories of the failures that started (sorted): a parent failing only because of its child adds none. */
  categories: FailureCategory[];
  /** Failing spans where a failure started: one per cause. */
  failureCount: number;
  /** Failing spans that failed only because a child failed. */
  propagatedCount: number;
}

/** The failure counts of a page of traces (TraceId leads the table's primary key: one range read per trace). */
export async function traceFailureCounts(
  ctx: QueryContext,
  traceIds: readonly string[],
): Promise<Map<string, TraceFailureCounts>> {
  const out = new Map<string, TraceFailureCounts>();
  if (traceIds.length === 0) return out;
  const rows = await select<{
    traceId: string;
    categories: FailureCategory[];
    failureCount: number;
    propagatedCount: number;
  }>(
    ctx,
    `SELECT
    TraceId AS traceId,
    arraySort(groupUniqArrayIf(category, NOT propagated)) AS categories,
    toFloat64(uniqExactIf(SpanId, NOT propagated)) AS failureCount,
    toFloat64(uniqExactIf(SpanId, propagated)) AS propagatedCount
FROM (
    SELECT TraceId, SpanId, CAST(Category, 'String') AS category,
        (TraceId, SpanId) IN (${failingParents(ctx, 'TraceId IN {traceIds:Array(String)}')}) AS propagated
    FROM ${table(ctx, 'spanFailures')}
    WHERE TraceId IN {traceIds:Array(String)} AND ${IS_FAILURE_ROW}
)
GROUP BY TraceId`,
    { traceIds },
  );
  for (const row of rows) {
    out.set(row.traceId, {
      categories: row.categories,
      failureCount: Number(row.failureCount),
      propagatedCount: Number(row.propagatedCount),
    });
  }
  return out;
}

export interface FailurePatternFilter {
  fromNs: bigint;
  toNs: bigint;
  /** Only this trace's failures. */
  traceId?: string;
  /** Most patterns: failure patterns first (largest first), loop patterns in what room is left. */
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

function toPattern(row: PatternRow): ErrorPattern {
  return {
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
  };
}

/** The outer level of both pattern queries: per pattern, from one row per (pattern, trace). */
const PATTERN_COLUMNS = `category,
    signature,
    toFloat64(sum(spans)) AS spanCount,
    toFloat64(count()) AS traceCount,
    arrayMap(t -> t.2, groupArraySorted(${MAX_TRACE_IDS})((-toUnixTimestamp64Nano(last), traceId))) AS traceIds,
    argMax(example, last) AS example,
    ${nanosText('min(first)')} AS firstSeen,
    ${nanosText('max(last)')} AS lastSeen`;

/**
 * Failure patterns (largest first), then loop patterns (warnings, not failures) in the room the limit leaves, so
 * the limit never drops a failure for a loop. Each failure counts once, where it started: a propagated failure
 * row is left out. Two levels: per (pattern, trace) first, so the newest trace ids are picked from one row per trace
 * with a bounded groupArraySorted, never from every failure.
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
  const inRange = `Timestamp >= ${instantParam('fromNs')} AND Timestamp <= ${instantParam('toNs')}${oneTrace}`;
  const failures = await select<PatternRow>(
    ctx,
    `SELECT ${PATTERN_COLUMNS}
FROM (
    SELECT
        CAST(Category, 'String') AS category,
        Signature AS signature,
        TraceId AS traceId,
        count() AS spans,
        min(Timestamp) AS first,
        max(Timestamp) AS last,
        argMax((TraceId, SpanId, CAST(SpanName, 'String'), Message), Timestamp) AS example
    FROM ${table(ctx, 'spanFailures')}
    WHERE ${inRange} AND ${IS_FAILURE_ROW}
      -- A child starts no earlier than its parent: children of the range's failures start after fromNs.
      AND (TraceId, SpanId) NOT IN (${failingParents(ctx, `Timestamp >= ${instantParam('fromNs')}${oneTrace}`)})
    GROUP BY category, signature, traceId
)
GROUP BY category, signature
ORDER BY spanCount DESC, traceCount DESC, lastSeen DESC, category, signature
LIMIT {limit:UInt32}`,
    params,
  );
  params.limit = filter.limit - failures.length;
  if (params.limit === 0) return failures.map(toPattern);
  const loops = await select<PatternRow>(
    ctx,
    `SELECT ${PATTERN_COLUMNS}
FROM (
    SELECT
        'loop' AS category,
        concat('repeated call: ', CAST(SpanName, 'String')) AS signature,
        TraceId AS traceId,
        count() AS spans,
        min(Timestamp) AS first,
        max(Timestamp) AS last,
        argMax((TraceId, SpanId, CAST(SpanName, 'String'),
            concat(CAST(SpanName, 'String'), ' ran ', toString(LoopRepeats), ' times with identical input')),
            Timestamp) AS example
    FROM ${table(ctx, 'genaiSpans')}
    WHERE ${inRange} AND LoopRepeats > 0
    GROUP BY signature, traceId
)
GROUP BY category, signature
ORDER BY spanCount DESC, traceCount DESC, lastSeen DESC, signature
LIMIT {limit:UInt32}`,
    params,
  );
  return [...failures, ...loops].map(toPattern);
}
