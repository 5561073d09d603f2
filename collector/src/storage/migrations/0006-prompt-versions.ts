// beacon_prompt_versions: the edited prompts replays ran, versioned per prompt key (`<service>/<agent or span
// name>`). Append-only: a replay or a restore inserts one row; nothing is updated. The edit is the PromptEdit as
// JSON (provider, model, system, messages, sampling, tools) — never a key or endpoint.
//
// Read patterns: the versions of one prompt key, newest first (ORDER BY (PromptKey, Version)), and one version by
// id (a bloom filter on Id skips granules; the table holds one row per replay, so it stays small).
import { TABLES } from '../tables.js';
import type { TableDdl } from './ddl.js';
import { ttlClause } from './retention.js';
import { defineMigration, type Migration, type SchemaContext } from './types.js';

function promptVersionsTable(ctx: SchemaContext): TableDdl {
  return {
    kind: 'table',
    table: TABLES.promptVersions,
    columns: `    Id String CODEC(ZSTD(1)),
    PromptKey String CODEC(ZSTD(1)),
    Version UInt32 CODEC(ZSTD(1)),
    Label Nullable(String) CODEC(ZSTD(1)),
    CreatedAt DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    SourceTraceId String CODEC(ZSTD(1)),
    SourceSpanId String CODEC(ZSTD(1)),
    Edit String CODEC(ZSTD(3)),
    ReplayTraceId String CODEC(ZSTD(1)),
    INDEX idx_id Id TYPE bloom_filter(0.01) GRANULARITY 1`,
    engine: 'MergeTree',
    clauses: `PARTITION BY toYYYYMM(CreatedAt)
ORDER BY (PromptKey, Version, Id)
${ttlClause(TABLES.promptVersions, ctx.retentionDays)}
SETTINGS index_granularity = 8192`,
    shardingKey: 'cityHash64(PromptKey)',
  };
}

export const promptVersions: Migration = defineMigration({
  version: 6,
  name: 'beacon_prompt_versions',
  objects: (ctx) => [promptVersionsTable(ctx)],
});
