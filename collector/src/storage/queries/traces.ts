// Trace roll-ups: the trace list (GET /traces) and the summary of one trace, both from beacon_trace_summaries.
//
// The list runs in two phases inside one statement:
//   1. pick the page's TraceIds: GROUP BY TraceId over the summary rows, computing only the aggregates the filters
//      need, ORDER BY (min(Start), TraceId) DESC with the keyset cursor in HAVING, LIMIT page + 1;
//   2. compute every column of the summary for those ids only (TraceId is the table's primary key).
// A trace's summary is spread over several rows (one per insert batch and materialized view), so a filter on a
// single row cannot decide for the trace: filters on the summary's own facts are aggregates in HAVING (one pass),
// and filters on other tables (service, text, tag) and the time window are pushed down as `TraceId IN (<rows
// matching>)` — a superset that is exact where the filter is existential (some span is in the service, the
// earliest row lies inside the window) — with the exact decision left to HAVING.
import type { FailureCategory } from '@beacon/semconv';
import type { TraceStatus, TraceSummary } from '../../contract/index.js';
import {
  COST_DECIMALS,
  instantParam,
  nanosText,
  nanosToMs,
  orNull,
  type QueryContext,
  select,
  table,
} from './context.js';
import { failingParents, IS_FAILURE_ROW, type TraceFailureCounts, traceFailureCounts } from './failures.js';
import { latestTags } from './tags.js';

export interface TraceCursor {
  startNs: bigint;
  traceId: string;
}

export interface TraceListFilter {
  /** At least one span of the trace is from this service. */
  service?: string | undefined;
  /** The trace ran this agent (any span's own or inherited agent). */
  agent?: string | undefined;
  /** One of the trace's models (TraceSummary.models: the response model, else the requested one). */
  model?: string | undefined;
  status?: TraceStatus | undefined;
  /** Case-insensitive text: span and service names, agents, models, tags, or the trace id itself. */
  q?: string | undefined;
  tag?: string | undefined;
  /** A failure of this category started in the trace (TraceSummary.failureCategories; a propagated one does not
   * count). `loop`, which is a warning and no failure, selects the traces with a loop warning (loopCallCount). */
  failure?: FailureCategory | undefined;
  /** Trace start within [fromNs, toNs]. */
  fromNs?: bigint | undefined;
  toNs?: bigint | undefined;
  minCostUsd?: number | undefined;
  minDurationMs?: number | undefined;
  cursor?: TraceCursor | undefined;
  limit: number;
}

export interface TraceListPage {
  traces: TraceSummary[];
  /** The last trace of the page when more follow. */
  next: TraceCursor | null;
}

interface SummaryRow {
  traceId: string;
  startNs: string;
  durationNs: string;
  rootServiceName: string;
  rootSpanName: string;
  rootAgent: string;
  agents: string[];
  models: string[];
  spanCount: number;
  errorCount: number;
  llmCallCount: number;
  toolCallCount: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedCount: number;
  usageMissingCount: number;
  loopCallCount: number;
}

/**
 * Every column of TraceSummary but tags and failures, aggregated over a trace's summary rows. (The summaries'
 * FailureCategories, migration 0007, holds every failing span's category, propagated ones included: the failures
 * are read from beacon_span_failures instead, see traceFailureCounts.)
 */
const SUMMARY_COLUMNS = `
    TraceId AS traceId,
    ${nanosText('min(Start)')} AS startNs,
    toString(toUnixTimestamp64Nano(max(End)) - toUnixTimestamp64Nano(min(Start))) AS durationNs,
    argMinMerge(RootServiceName) AS rootServiceName,
    argMinMerge(RootSpanName) AS rootSpanName,
    argMinMerge(RootAgentName) AS rootAgent,
    arraySort(groupUniqArrayArray(AgentNames)) AS agents,
    arraySort(groupUniqArrayArray(Models)) AS models,
    toFloat64(sum(SpanCount)) AS spanCount,
    toFloat64(sum(ErrorCount)) AS errorCount,
    toFloat64(sum(InferenceCount)) AS llmCallCount,
    toFloat64(sum(ToolCallCount)) AS toolCallCount,
    toFloat64(sum(TotalInputTokens)) AS inputTokens,
    toFloat64(sum(TotalOutputTokens)) AS outputTokens,
    round(sum(TotalCostUsd), ${COST_DECIMALS}) AS costUsd,
    toFloat64(sum(UnpricedCount)) AS unpricedCount,
    toFloat64(sum(UsageMissingCount)) AS usageMissingCount,
    toFloat64(sum(LoopCallCount)) AS loopCallCount`;

const NO_FAILURES: TraceFailureCounts = { categories: [], failureCount: 0, propagatedCount: 0 };

function toSummary(row: SummaryRow, tags: string[], failures: TraceFailureCounts): TraceSummary {
  const llmCallCount = Number(row.llmCallCount);
  const unpricedCount = Number(row.unpricedCount);
  const usageMissingCount = Number(row.usageMissingCount);
  const errorCount = Number(row.errorCount);
  // Model calls without a price or without usage carry no cost: when that is all of them, the cost is unknown.
  const pricedCalls = llmCallCount - unpricedCount - usageMissingCount;
  return {
    traceId: row.traceId,
    startTimeUnixNano: row.startNs,
    durationMs: nanosToMs(row.durationNs),
    rootServiceName: row.rootServiceName,
    rootSpanName: row.rootSpanName,
    rootAgent: orNull(row.rootAgent),
    agents: row.agents,
    models: row.models,
    spanCount: Number(row.spanCount),
    errorCount,
    status: errorCount > 0 ? 'error' : 'ok',
    llmCallCount,
    toolCallCount: Number(row.toolCallCount),
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    costUsd: pricedCalls > 0 ? Number(row.costUsd) : null,
    unpricedCount,
    usageMissingCount,
    tags,
    failureCategories: failures.categories,
    failureCount: failures.failureCount,
    propagatedFailureCount: failures.propagatedCount,
    loopCallCount: Number(row.loopCallCount),
  };
}

async function withTagsAndFailures(ctx: QueryContext, rows: SummaryRow[]): Promise<TraceSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.traceId);
  const [tags, failures] = await Promise.all([latestTags(ctx, ids), traceFailureCounts(ctx, ids)]);
  return rows.map((row) =>
    toSummary(row, tags.get(row.traceId) ?? [], failures.get(row.traceId) ?? NO_FAILURES),
  );
}

/** The summary of one trace, or null when no span of it is stored. */
export async function traceSummary(ctx: QueryContext, traceId: string): Promise<TraceSummary | null> {
  const rows = await select<SummaryRow>(
    ctx,
    `SELECT ${SUMMARY_COLUMNS}
FROM ${table(ctx, 'traceSummaries')}
WHERE TraceId = {traceId:String}
GROUP BY TraceId`,
    { traceId },
  );
  const [summary] = await withTagsAndFailures(ctx, rows);
  return summary ?? null;
}

/** One page of the trace list, newest first. */
export async function listTraces(ctx: QueryContext, filter: TraceListFilter): Promise<TraceListPage> {
  const summaries = table(ctx, 'traceSummaries');
  const params: Record<string, unknown> = { limit: filter.limit + 1 };
  const candidates: string[] = [];
  const having: string[] = [];
  const since = (column: string) =>
    filter.fromNs !== undefined ? ` AND ${column} >= ${instantParam('fromNs')}` : '';

  // Time window. The earliest row of a trace lies inside the window when the trace starts inside it, so "some row
  // inside the window" is an exact superset, and it prunes partitions; HAVING then checks the trace's real start.
  // Only worth it with a lower bound: an upper bound alone (`to`, the cursor) keeps most rows anyway.
  if (filter.fromNs !== undefined) {
    params.fromNs = filter.fromNs.toString();
    const upper = filter.toNs !== undefined ? ` AND Start <= ${instantParam('toNs')}` : '';
    candidates.push(`SELECT TraceId FROM ${summaries} WHERE Start >= ${instantParam('fromNs')}${upper}`);
    having.push(`min(Start) >= ${instantParam('fromNs')}`);
  }
  if (filter.toNs !== undefined) {
    params.toNs = filter.toNs.toString();
    having.push(`min(Start) <= ${instantParam('toNs')}`);
  }
  if (filter.cursor) {
    params.cursorNs = filter.cursor.startNs.toString();
    params.cursorTraceId = filter.cursor.traceId;
    having.push(`(min(Start), TraceId) < (${instantParam('cursorNs')}, {cursorTraceId:String})`);
  }

  if (filter.service !== undefined) {
    // ServiceName leads otel_traces' primary key.
    params.service = filter.service;
    candidates.push(
      `SELECT TraceId FROM ${table(ctx, 'traces')} WHERE ServiceName = {service:String}${since('Timestamp')}`,
    );
  }
  // Facts held in the summary rows themselves are decided in the same pass (cheaper than a second scan).
  if (filter.agent !== undefined) {
    params.agent = filter.agent;
    having.push('max(has(AgentNames, {agent:String})) = 1');
  }
  if (filter.model !== undefined) {
    params.model = filter.model;
    having.push('max(has(Models, {model:String})) = 1');
  }
  if (filter.status !== undefined)
    having.push(filter.status === 'error' ? 'sum(ErrorCount) > 0' : 'sum(ErrorCount) = 0');
  if (filter.failure === 'loop') having.push('sum(LoopCallCount) > 0');
  else if (filter.failure !== undefined) {
    // A failure of that category that started in the trace: a propagated one (its child failed) does not count.
    params.failure = filter.failure;
    const failures = table(ctx, 'spanFailures');
    candidates.push(
      `SELECT TraceId FROM ${failures} WHERE Category = {failure:String} AND ${IS_FAILURE_ROW}${since('Timestamp')}
         AND (TraceId, SpanId) NOT IN (${failingParents(ctx, `1${since('Timestamp')}`)})`,
    );
  }
  if (filter.tag !== undefined) {
    params.tag = filter.tag;
    candidates.push(
      `SELECT TraceId FROM ${table(ctx, 'traceTags')} GROUP BY TraceId HAVING has(argMax(Tags, UpdatedAt), {tag:String})`,
    );
  }
  if (filter.q !== undefined) {
    params.q = filter.q;
    const matches = (expr: string) => `positionCaseInsensitiveUTF8(${expr}, {q:String}) > 0`;
    candidates.push(
      `SELECT TraceId FROM ${table(ctx, 'traces')}
        WHERE (${matches('SpanName')} OR ${matches('ServiceName')})${since('Timestamp')}
       UNION ALL
       SELECT TraceId FROM ${summaries}
        WHERE (TraceId = lower({q:String}) OR arrayExists(a -> ${matches('a')}, AgentNames)
               OR arrayExists(m -> ${matches('m')}, Models))${since('Start')}
       UNION ALL
       SELECT TraceId FROM ${table(ctx, 'traceTags')}
        GROUP BY TraceId HAVING arrayExists(t -> ${matches('t')}, argMax(Tags, UpdatedAt))`,
    );
  }
  if (filter.minCostUsd !== undefined) {
    params.minCostUsd = filter.minCostUsd;
    having.push('sum(TotalCostUsd) >= {minCostUsd:Float64}');
  }
  if (filter.minDurationMs !== undefined) {
    params.minDurationNs = BigInt(Math.ceil(filter.minDurationMs * 1e6)).toString();
    having.push(
      'toUnixTimestamp64Nano(max(End)) - toUnixTimestamp64Nano(min(Start)) >= {minDurationNs:Int64}',
    );
  }

  const where = candidates.map((subquery) => `TraceId IN (${subquery})`);
  const rows = await select<SummaryRow>(
    ctx,
    `SELECT ${SUMMARY_COLUMNS}
FROM ${summaries}
WHERE TraceId IN (
    SELECT TraceId FROM ${summaries}
    ${where.length > 0 ? `WHERE ${where.join('\n      AND ')}` : ''}
    GROUP BY TraceId
    ${having.length > 0 ? `HAVING ${having.join('\n      AND ')}` : ''}
    ORDER BY min(Start) DESC, TraceId DESC
    LIMIT {limit:UInt32}
)
GROUP BY TraceId
ORDER BY min(Start) DESC, TraceId DESC`,
    params,
  );
  const hasMore = rows.length > filter.limit;
  const traces = await withTagsAndFailures(ctx, hasMore ? rows.slice(0, filter.limit) : rows);
  const last = traces.at(-1);
  return {
    traces,
    next: hasMore && last ? { startNs: BigInt(last.startTimeUnixNano), traceId: last.traceId } : null,
  };
}

/** TraceId → the whole seconds its spans start in, from the contrib exporter's lookup table (as Grafana uses it). */
export interface TraceBounds {
  /** Seconds since the epoch, inclusive. */
  startSeconds: number;
  endSeconds: number;
}

export async function traceBounds(ctx: QueryContext, traceId: string): Promise<TraceBounds | null> {
  const [row] = await select<{ n: number; start: string; end: string }>(
    ctx,
    `SELECT toFloat64(count()) AS n, toString(toUnixTimestamp(min(Start))) AS start, toString(toUnixTimestamp(max(End))) AS end
FROM ${table(ctx, 'traceIdTs')}
WHERE TraceId = {traceId:String}`,
    { traceId },
  );
  if (!row || Number(row.n) === 0) return null;
  return { startSeconds: Number(row.start), endSeconds: Number(row.end) };
}
