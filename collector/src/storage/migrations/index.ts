// Versioned, idempotent schema migrations. Applied versions are recorded in beacon_schema_migrations; running
// migrate() again applies nothing new. Afterwards the retention TTL of every table is reconciled with the configured
// retention, so changing BEACON_RETENTION_DAYS between starts takes effect on existing tables.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { qualifiedName, queryRows } from '../sql.js';
import { TABLES } from '../tables.js';
import { otelTraces } from './0001-otel-traces.js';
import { genaiSpans } from './0002-genai-spans.js';
import { messages } from './0003-messages.js';
import { traceSummaries } from './0004-trace-summaries.js';
import { tagsAndAnnotations } from './0005-tags-annotations.js';
import { promptVersions } from './0006-prompt-versions.js';
import { failuresAndBaselines } from './0007-failures-baselines.js';
import { RETENTION_COLUMNS, ttlExpression } from './retention.js';
import type { Migration, SchemaContext } from './types.js';

export { RETENTION_COLUMNS, ttlExpression } from './retention.js';
export type { Migration, SchemaContext } from './types.js';

export const MIGRATIONS: readonly Migration[] = [
  otelTraces,
  genaiSpans,
  messages,
  traceSummaries,
  tagsAndAnnotations,
  promptVersions,
  failuresAndBaselines,
];

export interface MigrateOptions {
  database: string;
  retentionDays: number;
  logger?: Logger;
}

export interface MigrateResult {
  /** Versions applied by this call, in order. */
  applied: number[];
  /** Versions found already applied. */
  alreadyApplied: number[];
  /** Tables whose TTL was changed to the configured retention. */
  retentionUpdated: string[];
  /** Which otel_traces index flavour this server gets (see SchemaContext.fullTextIndexes). */
  fullTextIndexes: boolean;
}

/** The contrib exporter's versionFullTextSearch: `TYPE text()` indexes from ClickHouse 26.2. */
const FULL_TEXT_SINCE: readonly [number, number] = [26, 2];

export function supportsFullTextIndexes(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major > FULL_TEXT_SINCE[0] || (major === FULL_TEXT_SINCE[0] && minor >= FULL_TEXT_SINCE[1]);
}

async function appliedVersions(client: ClickHouseClient, database: string): Promise<Set<number>> {
  const table = qualifiedName(database, TABLES.schemaMigrations);
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${table} (
    Version UInt32,
    Name String,
    AppliedAt DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplacingMergeTree()
ORDER BY (Version)`,
  });
  // ReplacingMergeTree + DISTINCT: two collectors migrating at once may both record a version; that is harmless.
  const rows = await queryRows<{ Version: number }>(client, `SELECT DISTINCT Version FROM ${table}`);
  return new Set(rows.map((row) => Number(row.Version)));
}

/** The TTL expression in system.tables.engine_full (`… TTL <expr> SETTINGS …`), or null when there is none. */
function currentTtl(engineFull: string): string | null {
  return /\bTTL (.+?)(?: SETTINGS |$)/.exec(engineFull)?.[1] ?? null;
}

/** Brings every Beacon table's TTL to `retentionDays`; returns the tables that changed. */
async function reconcileRetention(
  client: ClickHouseClient,
  database: string,
  retentionDays: number,
): Promise<string[]> {
  const tables = Object.keys(RETENTION_COLUMNS);
  const rows = await queryRows<{ name: string; engine_full: string }>(
    client,
    'SELECT name, engine_full FROM system.tables WHERE database = {database:String} AND name IN {tables:Array(String)}',
    { database, tables },
  );
  const changed: string[] = [];
  for (const { name, engine_full } of rows) {
    const expected = ttlExpression(name, retentionDays);
    if (currentTtl(engine_full) === expected) continue;
    // Also recalculates TTL info of existing parts (materialize_ttl_after_modify), so the change applies to old data.
    await client.command({ query: `ALTER TABLE ${qualifiedName(database, name)} MODIFY TTL ${expected}` });
    changed.push(name);
  }
  return changed;
}

export async function migrate(client: ClickHouseClient, options: MigrateOptions): Promise<MigrateResult> {
  const { database, retentionDays, logger } = options;
  const [server] = await queryRows<{ version: string }>(client, 'SELECT version() AS version');
  const ctx: SchemaContext = {
    database,
    retentionDays,
    fullTextIndexes: supportsFullTextIndexes(server?.version ?? ''),
  };

  const done = await appliedVersions(client, database);
  const applied: number[] = [];
  const alreadyApplied: number[] = [];
  for (const migration of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) {
      alreadyApplied.push(migration.version);
      continue;
    }
    for (const statement of migration.statements(ctx)) await client.command({ query: statement });
    await client.insert({
      table: qualifiedName(database, TABLES.schemaMigrations),
      values: [{ Version: migration.version, Name: migration.name }],
      format: 'JSONEachRow',
    });
    applied.push(migration.version);
    logger?.info({ version: migration.version, migration: migration.name }, 'applied schema migration');
  }

  const retentionUpdated = await reconcileRetention(client, database, retentionDays);
  if (retentionUpdated.length > 0)
    logger?.info({ tables: retentionUpdated, retentionDays }, 'retention TTL changed');
  return { applied, alreadyApplied, retentionUpdated, fullTextIndexes: ctx.fullTextIndexes };
}
