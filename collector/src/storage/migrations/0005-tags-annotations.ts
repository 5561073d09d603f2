// beacon_trace_tags and beacon_span_annotations: what users add to traces through the query API. Both are
// append-only: a PUT writes the whole new set as one immutable row stamped with UpdatedAt, and readers take the
// newest row per key (`ORDER BY UpdatedAt DESC LIMIT 1 BY TraceId`, or argMax(…, UpdatedAt)). No FINAL, no
// mutation, and the history of edits stays (until the retention TTL) for free.
//
// Read patterns: by TraceId (detail, export, the trace list's page of ids) and, for the `tag` / `q` filters of the
// trace list, a scan of the whole (small) tag table grouped by TraceId — both served by ORDER BY (TraceId, …).
import { TABLES } from '../tables.js';
import type { TableDdl } from './ddl.js';
import { ttlClause } from './retention.js';
import { defineMigration, type Migration, type SchemaContext } from './types.js';

function traceTagsTable(ctx: SchemaContext): TableDdl {
  return {
    kind: 'table',
    table: TABLES.traceTags,
    columns: `    TraceId String CODEC(ZSTD(1)),
    Tags Array(String) CODEC(ZSTD(1)),
    UpdatedAt DateTime64(9) CODEC(Delta(8), ZSTD(1))`,
    engine: 'MergeTree',
    clauses: `PARTITION BY toYYYYMM(UpdatedAt)
ORDER BY (TraceId, UpdatedAt)
${ttlClause(TABLES.traceTags, ctx.retentionDays)}
SETTINGS index_granularity = 8192`,
    shardingKey: 'cityHash64(TraceId)',
  };
}

/**
 * One row = the span's whole annotation list at UpdatedAt, as parallel arrays (one element per annotation); an
 * Authors element of '' means no author.
 */
function spanAnnotationsTable(ctx: SchemaContext): TableDdl {
  return {
    kind: 'table',
    table: TABLES.spanAnnotations,
    columns: `    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    AnnotationIds Array(String) CODEC(ZSTD(1)),
    Texts Array(String) CODEC(ZSTD(3)),
    Authors Array(String) CODEC(ZSTD(1)),
    CreatedAt Array(DateTime64(9)) CODEC(ZSTD(1)),
    UpdatedAt DateTime64(9) CODEC(Delta(8), ZSTD(1))`,
    engine: 'MergeTree',
    clauses: `PARTITION BY toYYYYMM(UpdatedAt)
ORDER BY (TraceId, SpanId, UpdatedAt)
${ttlClause(TABLES.spanAnnotations, ctx.retentionDays)}
SETTINGS index_granularity = 8192`,
    shardingKey: 'cityHash64(TraceId)',
  };
}

export const tagsAndAnnotations: Migration = defineMigration({
  version: 5,
  name: 'beacon_trace_tags + beacon_span_annotations',
  objects: (ctx) => [traceTagsTable(ctx), spanAnnotationsTable(ctx)],
});
