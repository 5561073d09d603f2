// beacon_messages: content-addressed message store. Agents resend the whole conversation on every model call, so
// a span references its messages by hash and each distinct message is stored once per day it is referenced:
// storage grows with new content, not with history length. Partitioning by that day lets the retention TTL drop
// whole days, while a message still referenced recently lives on in a newer day's row.
//
// AggregatingMergeTree keeps one row per hash and day after merges (min FirstSeen, any Role/Content — identical
// for one hash). Reads never need FINAL: aggregate (`min(FirstSeen)`, `any(Content)` … GROUP BY Hash) or
// `LIMIT 1 BY Hash`.
import { TABLES } from '../tables.js';
import type { TableDdl } from './ddl.js';
import { ttlClause } from './retention.js';
import { defineMigration, type Migration, type SchemaContext } from './types.js';

function messagesTable(ctx: SchemaContext): TableDdl {
  return {
    kind: 'table',
    table: TABLES.messages,
    columns: `    Hash String CODEC(ZSTD(1)),
    Role SimpleAggregateFunction(any, LowCardinality(String)) CODEC(ZSTD(1)),
    Content SimpleAggregateFunction(any, String) CODEC(ZSTD(3)),
    FirstSeen SimpleAggregateFunction(min, DateTime64(9)) CODEC(ZSTD(1))`,
    engine: 'AggregatingMergeTree',
    clauses: `PARTITION BY toDate(FirstSeen)
ORDER BY (Hash)
${ttlClause(TABLES.messages, ctx.retentionDays)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
    shardingKey: 'cityHash64(Hash)',
  };
}

export const messages: Migration = defineMigration({
  version: 3,
  name: 'beacon_messages',
  objects: (ctx) => [messagesTable(ctx)],
});
