// What the analyses read beyond one trace: the earlier traces of the same task (root service + root span name),
// from beacon_trace_summaries.
import type { TraceSummary } from '../../contract/index.js';
import {
  COST_DECIMALS,
  instantParam,
  nanosText,
  nanosToMs,
  type QueryContext,
  select,
  table,
} from './context.js';

/** The roll-up numbers of a trace that anomalies measure. */
export type TraceMeasuresRow = Pick<
  TraceSummary,
  'traceId' | 'startTimeUnixNano' | 'durationMs' | 'costUsd' | 'inputTokens' | 'outputTokens' | 'llmCallCount'
>;

export interface EarlierTracesFilter {
  rootServiceName: string;
  rootSpanName: string;
  /** Traces that started strictly before this instant… */
  beforeNs: bigint;
  /** …other than this one. */
  excludeTraceId: string;
  limit: number;
}

interface Row {
  traceId: string;
  startNs: string;
  durationNs: string;
  llmCallCount: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  pricedCalls: number;
}

/**
 * The latest `limit` traces with the same root service and root span name that started before `beforeNs`, newest
 * first. Candidates are the traces with a summary row starting before the instant (a trace starting earlier has
 * its earliest row there); every row of a candidate is then aggregated, as the trace list does.
 */
export async function earlierTraces(
  ctx: QueryContext,
  filter: EarlierTracesFilter,
): Promise<TraceMeasuresRow[]> {
  const summaries = table(ctx, 'traceSummaries');
  const rows = await select<Row>(
    ctx,
    `SELECT
    TraceId AS traceId,
    ${nanosText('min(Start)')} AS startNs,
    toString(toUnixTimestamp64Nano(max(End)) - toUnixTimestamp64Nano(min(Start))) AS durationNs,
    toFloat64(sum(InferenceCount)) AS llmCallCount,
    toFloat64(sum(TotalInputTokens)) AS inputTokens,
    toFloat64(sum(TotalOutputTokens)) AS outputTokens,
    round(sum(TotalCostUsd), ${COST_DECIMALS}) AS costUsd,
    toFloat64(sum(InferenceCount)) - toFloat64(sum(UnpricedCount)) - toFloat64(sum(UsageMissingCount)) AS pricedCalls
FROM ${summaries}
WHERE TraceId IN (
    SELECT TraceId FROM ${summaries}
    WHERE Start < ${instantParam('beforeNs')} AND TraceId != {excludeTraceId:String}
)
GROUP BY TraceId
HAVING argMinMerge(RootServiceName) = {rootServiceName:String}
   AND argMinMerge(RootSpanName) = {rootSpanName:String}
   AND min(Start) < ${instantParam('beforeNs')}
ORDER BY min(Start) DESC, TraceId DESC
LIMIT {limit:UInt32}`,
    {
      rootServiceName: filter.rootServiceName,
      rootSpanName: filter.rootSpanName,
      beforeNs: filter.beforeNs.toString(),
      excludeTraceId: filter.excludeTraceId,
      limit: filter.limit,
    },
  );
  return rows.map((row) => ({
    traceId: row.traceId,
    startTimeUnixNano: row.startNs,
    durationMs: nanosToMs(row.durationNs),
    llmCallCount: Number(row.llmCallCount),
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    // As in the trace list: no priced call → the cost is unknown, not 0.
    costUsd: Number(row.pricedCalls) > 0 ? Number(row.costUsd) : null,
  }));
}
