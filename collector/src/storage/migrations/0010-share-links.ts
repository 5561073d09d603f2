// beacon_share_links: read-only links to one trace (api/shares-api.ts). Only a SHA-256 of each token is stored.
//
// Append-only like the tags (migration 0005): creating a link writes its first version, revoking it writes a new
// version with RevokedAt set; readers take the newest row per link. The public lookup reads by TokenHash — the first
// column of the sort key, so a token is one primary-key lookup however many links exist. The tenant's own listing
// (by TraceId) and revocation (by ShareId) are rare and served by bloom-filter skip indexes.
import { TABLES } from '../tables.js';
import type { TableDdl } from './ddl.js';
import { ttlClause } from './retention.js';
import { defineMigration, type Migration, type SchemaContext } from './types.js';

function shareLinksTable(ctx: SchemaContext): TableDdl {
  return {
    kind: 'table',
    table: TABLES.shareLinks,
    columns: `    TokenHash String CODEC(ZSTD(1)),
    ShareId String CODEC(ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    Note String CODEC(ZSTD(1)),
    CreatedAt DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    ExpiresAt DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    RevokedAt Nullable(DateTime64(9)) CODEC(ZSTD(1)),
    UpdatedAt DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    INDEX idx_share_id ShareId TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1`,
    engine: 'MergeTree',
    clauses: `PARTITION BY toYYYYMM(UpdatedAt)
ORDER BY (TokenHash, UpdatedAt)
${ttlClause(TABLES.shareLinks, ctx.retentionDays)}
SETTINGS index_granularity = 8192`,
    shardingKey: 'cityHash64(TraceId)',
  };
}

export const shareLinks: Migration = defineMigration({
  version: 10,
  name: 'beacon_share_links',
  objects: (ctx) => [shareLinksTable(ctx)],
});
