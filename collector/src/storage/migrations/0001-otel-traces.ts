// otel_traces, otel_traces_trace_id_ts and otel_traces_trace_id_ts_mv exactly as the OpenTelemetry Collector contrib
// ClickHouse exporter creates them (exporter/clickhouseexporter/internal/sqltemplates/traces_table.sql,
// traces_id_ts_lookup_table.sql, traces_id_ts_lookup_mv.sql; engines from exporter_traces.go: MergeTree() and
// AggregatingMergeTree()), so Grafana's ClickHouse data source shows Beacon's traces with no configuration.
import { TABLES } from '../tables.js';
import type { MaterializedViewDdl, TableDdl } from './ddl.js';
import { ttlClause } from './retention.js';
import { defineMigration, type Migration, type SchemaContext } from './types.js';

/** The contrib template's `{{if .HasFullTextSearch}}` branch (ClickHouse ≥ 26.2) and its bloom-filter fallback. */
function attributeIndexes(fullText: boolean): string {
  return fullText
    ? `    INDEX idx_trace_id TraceId TYPE text(tokenizer = 'array'),
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE text(tokenizer = 'array'),
    INDEX idx_res_attr_items ResourceAttributeItems TYPE text(tokenizer = 'array'),
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE text(tokenizer = 'array'),
    INDEX idx_span_attr_items SpanAttributeItems TYPE text(tokenizer = 'array'),`
    : `    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,`;
}

function tracesTable(ctx: SchemaContext): TableDdl {
  return {
    kind: 'table',
    table: TABLES.traces,
    columns: `    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    TraceState String CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion String CODEC(ZSTD(1)),
    SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    Duration UInt64 CODEC(T64, ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    StatusMessage String CODEC(ZSTD(1)),
    Events Nested (
        Timestamp DateTime64(9),
        Name LowCardinality(String),
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    Links Nested (
        TraceId String,
        SpanId String,
        TraceState String,
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    ResourceAttributeItems Array(String) ALIAS arrayMap(kv -> concat(kv.1, '=', kv.2), CAST(ResourceAttributes, 'Array(Tuple(String, String))')),
    SpanAttributeItems Array(String) ALIAS arrayMap(kv -> concat(kv.1, '=', kv.2), CAST(SpanAttributes, 'Array(Tuple(String, String))')),
${attributeIndexes(ctx.fullTextIndexes)}
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1,
    INDEX idx_lower_span_name lower(SpanName) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8`,
    engine: 'MergeTree',
    clauses: `PARTITION BY toDate(Timestamp)
PRIMARY KEY (ServiceName, SpanName, toDateTime(Timestamp))
ORDER BY (ServiceName, SpanName, toDateTime(Timestamp), Timestamp)
${ttlClause(TABLES.traces, ctx.retentionDays)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
    shardingKey: 'cityHash64(TraceId)',
  };
}

function traceIdTsTable(ctx: SchemaContext): TableDdl {
  return {
    kind: 'table',
    table: TABLES.traceIdTs,
    columns: `    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime) CODEC(ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime) CODEC(ZSTD(1))`,
    engine: 'AggregatingMergeTree',
    clauses: `PARTITION BY toStartOfWeek(Start)
ORDER BY (TraceId)
${ttlClause(TABLES.traceIdTs, ctx.retentionDays)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
    shardingKey: 'cityHash64(TraceId)',
  };
}

function traceIdTsView(): MaterializedViewDdl {
  return {
    kind: 'materializedView',
    view: TABLES.traceIdTsView,
    to: TABLES.traceIdTs,
    from: TABLES.traces,
    select: `    TraceId,
    min(toDateTime(Timestamp)) AS Start,
    max(toDateTime(Timestamp)) AS End`,
    tail: `WHERE TraceId != ''
GROUP BY TraceId`,
  };
}

export const otelTraces: Migration = defineMigration({
  version: 1,
  name: 'otel_traces (contrib exporter schema)',
  objects: (ctx) => [tracesTable(ctx), traceIdTsTable(ctx), traceIdTsView()],
});
