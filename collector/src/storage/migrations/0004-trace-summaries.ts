// beacon_trace_summaries: one row per trace (after merges), maintained incrementally by two materialized views —
// one over otel_traces (timing, span and error counts, root span), one over beacon_genai_spans (agent, tokens,
// cost, models). Spans of one trace may arrive in any number of batches; readers always aggregate:
//
//   SELECT TraceId, min(Start), max(End), sum(SpanCount), argMinMerge(RootServiceName), sum(TotalCostUsd), …
//   FROM beacon_trace_summaries WHERE … GROUP BY TraceId
//
// so no FINAL and no mutation is ever needed. Summary columns are named apart from the source columns: an alias
// equal to a column used inside its own aggregate is a cyclic alias on older ClickHouse analyzers.
import { TABLES } from '../tables.js';
import type { MaterializedViewDdl, TableDdl } from './ddl.js';
import { ttlClause } from './retention.js';
import { defineMigration, type Migration, type SchemaContext } from './types.js';

/** argMin keyed by (0 for the preferred rows, then start time): the root span wins, else the earliest span. */
const ROOT_FIRST = 'AggregateFunction(argMin, String, Tuple(UInt8, DateTime64(9)))';

function summariesTable(ctx: SchemaContext): TableDdl {
  return {
    kind: 'table',
    table: TABLES.traceSummaries,
    columns: `    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime64(9)) CODEC(ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime64(9)) CODEC(ZSTD(1)),
    SpanCount SimpleAggregateFunction(sum, UInt64),
    ErrorCount SimpleAggregateFunction(sum, UInt64),
    HasRoot SimpleAggregateFunction(max, UInt8),
    RootServiceName ${ROOT_FIRST},
    RootSpanName ${ROOT_FIRST},
    RootAgentName ${ROOT_FIRST},
    AgentNames SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    GenAISpanCount SimpleAggregateFunction(sum, UInt64),
    InferenceCount SimpleAggregateFunction(sum, UInt64),
    ToolCallCount SimpleAggregateFunction(sum, UInt64),
    TotalInputTokens SimpleAggregateFunction(sum, UInt64),
    TotalOutputTokens SimpleAggregateFunction(sum, UInt64),
    TotalCostUsd SimpleAggregateFunction(sum, Float64),
    Models SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    UnpricedCount SimpleAggregateFunction(sum, UInt64),
    UsageMissingCount SimpleAggregateFunction(sum, UInt64)`,
    engine: 'AggregatingMergeTree',
    clauses: `PARTITION BY toDate(Start)
ORDER BY (TraceId)
${ttlClause(TABLES.traceSummaries, ctx.retentionDays)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
    shardingKey: 'cityHash64(TraceId)',
  };
}

function fromTracesView(): MaterializedViewDdl {
  return {
    kind: 'materializedView',
    view: TABLES.traceSummariesFromTracesView,
    to: TABLES.traceSummaries,
    from: TABLES.traces,
    select: `    TraceId,
    min(Timestamp) AS Start,
    max(addNanoseconds(Timestamp, Duration)) AS End,
    count() AS SpanCount,
    countIf(StatusCode = 'Error') AS ErrorCount,
    max(ParentSpanId = '') AS HasRoot,
    argMinState(CAST(ServiceName, 'String'), (toUInt8(ParentSpanId != ''), Timestamp)) AS RootServiceName,
    argMinState(CAST(SpanName, 'String'), (toUInt8(ParentSpanId != ''), Timestamp)) AS RootSpanName`,
    tail: `GROUP BY TraceId`,
  };
}

/** Tokens and cost are summed over inference spans only: agent and workflow spans may repeat their children's. */
function fromGenAIView(): MaterializedViewDdl {
  return {
    kind: 'materializedView',
    view: TABLES.traceSummariesFromGenAIView,
    to: TABLES.traceSummaries,
    from: TABLES.genaiSpans,
    select: `    TraceId,
    min(Timestamp) AS Start,
    max(addNanoseconds(Timestamp, Duration)) AS End,
    argMinState(CAST(AgentName, 'String'), (toUInt8(AgentName = ''), Timestamp)) AS RootAgentName,
    groupUniqArrayArray(if(AgentName != '', [CAST(AgentName, 'String')], [])) AS AgentNames,
    count() AS GenAISpanCount,
    countIf(IsInference = 1) AS InferenceCount,
    countIf(Operation = 'execute_tool') AS ToolCallCount,
    sumIf(toUInt64(ifNull(InputTokens, 0)), IsInference = 1) AS TotalInputTokens,
    sumIf(toUInt64(ifNull(OutputTokens, 0)), IsInference = 1) AS TotalOutputTokens,
    sumIf(ifNull(CostUsd, 0), IsInference = 1) AS TotalCostUsd,
    groupUniqArrayArray(if(IsInference = 1 AND (ResponseModel != '' OR RequestModel != ''),
        [CAST(if(ResponseModel != '', ResponseModel, RequestModel), 'String')], [])) AS Models,
    countIf(Unpriced = 1) AS UnpricedCount,
    countIf(UsageMissing = 1) AS UsageMissingCount`,
    tail: `GROUP BY TraceId`,
  };
}

export const traceSummaries: Migration = defineMigration({
  version: 4,
  name: 'beacon_trace_summaries + materialized views',
  objects: (ctx) => [summariesTable(ctx), fromTracesView(), fromGenAIView()],
});
