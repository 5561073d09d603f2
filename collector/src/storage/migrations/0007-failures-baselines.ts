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
import { qualifiedName } from '../sql.js';
import { TABLES } from '../tables.js';
import { ttlClause } from './retention.js';
import type { Migration, SchemaContext } from './types.js';

function spanFailuresTable(ctx: SchemaContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(ctx.database, TABLES.spanFailures)} (
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
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
    Message String CODEC(ZSTD(3))
) ENGINE = MergeTree()
PARTITION BY toDate(Timestamp)
ORDER BY (TraceId, SpanId)
${ttlClause(TABLES.spanFailures, ctx.retentionDays)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`;
}

/** The summaries' new column; rows written before it read as no categories. */
function failureCategoriesColumn(ctx: SchemaContext): string {
  return `ALTER TABLE ${qualifiedName(ctx.database, TABLES.traceSummaries)}
    ADD COLUMN IF NOT EXISTS FailureCategories SimpleAggregateFunction(groupUniqArrayArray, Array(String))`;
}

/**
 * Start and End as the other two views compute them: a summary row may not carry a Start/End that is not the
 * trace's, since readers take min(Start) / max(End) over all its rows.
 */
function fromFailuresView(ctx: SchemaContext): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qualifiedName(ctx.database, TABLES.traceSummariesFromFailuresView)}
TO ${qualifiedName(ctx.database, TABLES.traceSummaries)}
AS SELECT
    TraceId,
    min(Timestamp) AS Start,
    max(addNanoseconds(Timestamp, Duration)) AS End,
    groupUniqArray(CAST(Category, 'String')) AS FailureCategories
FROM ${qualifiedName(ctx.database, TABLES.spanFailures)}
GROUP BY TraceId`;
}

function baselinesTable(ctx: SchemaContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(ctx.database, TABLES.baselines)} (
    BaselineKey String CODEC(ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    UpdatedAt DateTime64(9) CODEC(Delta(8), ZSTD(1))
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(UpdatedAt)
ORDER BY (BaselineKey, UpdatedAt)
${ttlClause(TABLES.baselines, ctx.retentionDays)}
SETTINGS index_granularity = 8192`;
}

export const failuresAndBaselines: Migration = {
  version: 7,
  name: 'beacon_span_failures + trace failure categories + beacon_baselines',
  // The column before the view that writes it.
  statements: (ctx) => [
    spanFailuresTable(ctx),
    failureCategoriesColumn(ctx),
    fromFailuresView(ctx),
    baselinesTable(ctx),
  ],
};
