// beacon_span_failures, the failure categories of trace summaries, and beacon_baselines.
//
// beacon_span_failures holds one row per failing span, classified at ingest (category, signature, message). Its two
// reads are (1) error patterns over a time range — GROUP BY Category, Signature, optionally for one trace — and
// (2) a trace's failures (one trace's patterns, the writer's exactly-once reconcile by TraceId/SpanId). The
// failure categories of a page of traces (the trace list) are not read from here at all: a materialized view rolls
// them into beacon_trace_summaries, which the list already aggregates. So: ORDER BY (TraceId, SpanId) serves the
// per-trace reads from the primary key, and the time range of (1) is pruned by the daily partitions (and each
// part's min/max Timestamp). Ordering by (Category, Signature, …) would only speed up the GROUP BY of a table that
// holds failing spans alone — small next to otel_traces — while every per-trace read would scan a whole partition.
//
// beacon_baselines is append-only like the tags (migration 0005): marking a baseline writes a row, the newest row
// per BaselineKey wins.
import { TABLES } from '../tables.js';
import type { AddColumnDdl, MaterializedViewDdl, TableDdl } from './ddl.js';
import { ttlClause } from './retention.js';
import { defineMigration, type Migration, type SchemaContext } from './types.js';

function spanFailuresTable(ctx: SchemaContext): TableDdl {
  return {
    kind: 'table',
    table: TABLES.spanFailures,
    columns: `    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    Duration UInt64 CODEC(T64, ZSTD(1)),
    AgentName LowCardinality(String) CODEC(ZSTD(1)),
    Operation LowCardinality(String) CODEC(ZSTD(1)),
    ErrorType LowCardinality(String) CODEC(ZSTD(1)),
    Category LowCardinality(String) CODEC(ZSTD(1)),
    Signature String CODEC(ZSTD(1)),
    Message String CODEC(ZSTD(3))`,
    engine: 'MergeTree',
    clauses: `PARTITION BY toDate(Timestamp)
ORDER BY (TraceId, SpanId)
${ttlClause(TABLES.spanFailures, ctx.retentionDays)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
    shardingKey: 'cityHash64(TraceId)',
  };
}

/** The summaries' new column; rows written before it read as no categories. */
const failureCategoriesColumn: AddColumnDdl = {
  kind: 'addColumn',
  table: TABLES.traceSummaries,
  column: 'FailureCategories SimpleAggregateFunction(groupUniqArrayArray, Array(String))',
};

/**
 * Start and End as the other two views compute them: a summary row may not carry a Start/End that is not the
 * trace's, since readers take min(Start) / max(End) over all its rows.
 */
function fromFailuresView(): MaterializedViewDdl {
  return {
    kind: 'materializedView',
    view: TABLES.traceSummariesFromFailuresView,
    to: TABLES.traceSummaries,
    from: TABLES.spanFailures,
    select: `    TraceId,
    min(Timestamp) AS Start,
    max(addNanoseconds(Timestamp, Duration)) AS End,
    groupUniqArray(CAST(Category, 'String')) AS FailureCategories`,
    tail: `GROUP BY TraceId`,
  };
}

function baselinesTable(ctx: SchemaContext): TableDdl {
  return {
    kind: 'table',
    table: TABLES.baselines,
    columns: `    BaselineKey String CODEC(ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    UpdatedAt DateTime64(9) CODEC(Delta(8), ZSTD(1))`,
    engine: 'MergeTree',
    clauses: `PARTITION BY toYYYYMM(UpdatedAt)
ORDER BY (BaselineKey, UpdatedAt)
${ttlClause(TABLES.baselines, ctx.retentionDays)}
SETTINGS index_granularity = 8192`,
    shardingKey: 'cityHash64(BaselineKey)',
  };
}

export const failuresAndBaselines: Migration = defineMigration({
  version: 7,
  name: 'beacon_span_failures + trace failure categories + beacon_baselines',
  // The column before the view that writes it.
  objects: (ctx) => [
    spanFailuresTable(ctx),
    failureCategoriesColumn,
    fromFailuresView(),
    baselinesTable(ctx),
  ],
});
