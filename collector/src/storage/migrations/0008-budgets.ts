// beacon_budgets and beacon_spend_minutely: what budgets are and what they are measured against.
//
// beacon_budgets holds the budgets defined through the API (those of BEACON_BUDGETS_FILE live in the file only).
// Append-only like the tags (migration 0005): a PUT writes the whole definition as one row stamped with UpdatedAt,
// a DELETE writes a tombstone (Deleted = 1), readers take the newest row per Name. No TTL: a definition is
// configuration, not data derived from spans, and must not silently expire with the retention.
//
// beacon_spend_minutely rolls the spend of inference spans up per minute × service × agent × model (cost, input and
// output tokens, calls), fed by a materialized view over beacon_genai_spans — inference spans only, as
// beacon_trace_summaries sums them, since agent and workflow spans may repeat their children's usage. Budget
// evaluation then reads at most minutes × series rows per period instead of every span: the evaluation runs every
// few seconds for every budget. Readers always sum (rows of one key may not be merged yet), so no FINAL is needed.
// Its columns are named apart from the source columns (Spent*): an alias equal to a column used inside its own
// aggregate is a cyclic alias on older ClickHouse analyzers.
import { TABLES } from '../tables.js';
import type { MaterializedViewDdl, TableDdl } from './ddl.js';
import { ttlClause } from './retention.js';
import { defineMigration, type Migration, type SchemaContext } from './types.js';

function budgetsTable(): TableDdl {
  return {
    kind: 'table',
    table: TABLES.budgets,
    columns: `    Name String CODEC(ZSTD(1)),
    Definition String CODEC(ZSTD(1)),
    Deleted UInt8 CODEC(ZSTD(1)),
    UpdatedAt DateTime64(9) CODEC(Delta(8), ZSTD(1))`,
    engine: 'MergeTree',
    clauses: `ORDER BY (Name, UpdatedAt)
SETTINGS index_granularity = 8192`,
    shardingKey: 'cityHash64(Name)',
  };
}

function spendTable(ctx: SchemaContext): TableDdl {
  return {
    kind: 'table',
    table: TABLES.spendMinutely,
    columns: `    Minute DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    AgentName LowCardinality(String) CODEC(ZSTD(1)),
    Model LowCardinality(String) CODEC(ZSTD(1)),
    SpentUsd SimpleAggregateFunction(sum, Float64),
    SpentInputTokens SimpleAggregateFunction(sum, UInt64),
    SpentOutputTokens SimpleAggregateFunction(sum, UInt64),
    Calls SimpleAggregateFunction(sum, UInt64)`,
    engine: 'AggregatingMergeTree',
    clauses: `PARTITION BY toYYYYMM(Minute)
ORDER BY (Minute, ServiceName, AgentName, Model)
${ttlClause(TABLES.spendMinutely, ctx.retentionDays)}
SETTINGS index_granularity = 8192`,
    shardingKey: 'cityHash64(ServiceName)',
  };
}

/** The model as the trace summaries name it: the response's, else the request's. */
function spendView(): MaterializedViewDdl {
  return {
    kind: 'materializedView',
    view: TABLES.spendMinutelyView,
    to: TABLES.spendMinutely,
    from: TABLES.genaiSpans,
    select: `    toStartOfMinute(toDateTime(Timestamp, 'UTC')) AS Minute,
    ServiceName,
    AgentName,
    CAST(if(ResponseModel != '', ResponseModel, RequestModel), 'LowCardinality(String)') AS Model,
    sum(ifNull(CostUsd, 0)) AS SpentUsd,
    sum(toUInt64(ifNull(InputTokens, 0))) AS SpentInputTokens,
    sum(toUInt64(ifNull(OutputTokens, 0))) AS SpentOutputTokens,
    count() AS Calls`,
    tail: `WHERE IsInference = 1
GROUP BY Minute, ServiceName, AgentName, Model`,
  };
}

export const budgets: Migration = defineMigration({
  version: 8,
  name: 'beacon_budgets + beacon_spend_minutely',
  objects: (ctx) => [budgetsTable(), spendTable(ctx), spendView()],
});
