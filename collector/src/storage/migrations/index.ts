// Versioned, idempotent schema migrations. Applied versions are recorded in beacon_schema_migrations; running
// migrate() again applies nothing new. Afterwards the retention TTL of every table is reconciled with the configured
// retention, so changing BEACON_RETENTION_DAYS between starts takes effect on existing tables. With a cluster
// (BEACON_CLICKHOUSE_CLUSTER) every statement runs ON CLUSTER and the TTLs live on the local tables (see ddl.ts).
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
import { budgets } from './0008-budgets.js';
import { shareLinks } from './0010-share-links.js';
import { loopWarnings } from './0011-loop-warnings.js';
import { type ClusterLayout, clusterLayout, renderDdl, type TableDdl } from './ddl.js';
import { modifyTtlStatement, RETENTION_COLUMNS, ttlExpression, ttlTableName } from './retention.js';
import type { Migration, SchemaContext } from './types.js';

export {
  type AddColumnDdl,
  type ClusterLayout,
  clusterLayout,
  type Ddl,
  localTableName,
  type MaterializedViewDdl,
  renderDdl,
  type TableDdl,
} from './ddl.js';
export { modifyTtlStatement, RETENTION_COLUMNS, ttlExpression } from './retention.js';
export type { Migration, SchemaContext } from './types.js';

/**
 * Every migration, in version order. Add a new table or column here: one file `NNNN-<name>.ts` in this folder
 * (`defineMigration` with the next version, IF NOT EXISTS DDL; never edit a released one), one line below, and its
 * table in ../tables.ts.
 */
export const MIGRATIONS: readonly Migration[] = [
  otelTraces,
  genaiSpans,
  messages,
  traceSummaries,
  tagsAndAnnotations,
  promptVersions,
  failuresAndBaselines,
  budgets,
  shareLinks,
  loopWarnings,
];

export interface MigrateOptions {
  database: string;
  retentionDays: number;
  /**
   * A cluster name (BEACON_CLICKHOUSE_CLUSTER) or layout: local Replicated tables + Distributed tables, ON CLUSTER.
   * Unset: single node.
   */
  cluster?: string | ClusterLayout;
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

const schemaMigrationsTable: TableDdl = {
  kind: 'table',
  table: TABLES.schemaMigrations,
  columns: `    Version UInt32,
    Name String,
    AppliedAt DateTime64(3, 'UTC') DEFAULT now64(3)`,
  engine: 'ReplacingMergeTree',
  clauses: 'ORDER BY (Version)',
  shardingKey: 'Version',
};

async function appliedVersions(
  client: ClickHouseClient,
  database: string,
  cluster: ClusterLayout | undefined,
): Promise<Set<number>> {
  for (const query of renderDdl(database, [schemaMigrationsTable], cluster)) await client.command({ query });
  // ReplacingMergeTree + DISTINCT: two collectors migrating at once may both record a version; that is harmless.
  const rows = await queryRows<{ Version: number }>(
    client,
    `SELECT DISTINCT Version FROM ${qualifiedName(database, TABLES.schemaMigrations)}`,
  );
  return new Set(rows.map((row) => Number(row.Version)));
}

/** The TTL expression in system.tables.engine_full (`… TTL <expr> SETTINGS …`), or null when there is none. */
function currentTtl(engineFull: string): string | null {
  return /\bTTL (.+?)(?: SETTINGS |$)/.exec(engineFull)?.[1] ?? null;
}

/**
 * Brings every Beacon table's TTL to `retentionDays`; returns the (contract names of the) tables that changed. On a
 * cluster the TTLs are read from the local tables on the node this client talks to (see modifyTtlStatement).
 */
async function reconcileRetention(
  client: ClickHouseClient,
  database: string,
  retentionDays: number,
  cluster: ClusterLayout | undefined,
): Promise<string[]> {
  const byStoredName = new Map(
    Object.keys(RETENTION_COLUMNS).map((table) => [ttlTableName(table, cluster), table]),
  );
  const rows = await queryRows<{ name: string; engine_full: string }>(
    client,
    'SELECT name, engine_full FROM system.tables WHERE database = {database:String} AND name IN {tables:Array(String)}',
    { database, tables: [...byStoredName.keys()] },
  );
  const changed: string[] = [];
  for (const { name, engine_full } of rows) {
    const table = byStoredName.get(name);
    if (!table || currentTtl(engine_full) === ttlExpression(table, retentionDays)) continue;
    // Also recalculates TTL info of existing parts (materialize_ttl_after_modify), so the change applies to old data.
    await client.command({ query: modifyTtlStatement(database, table, retentionDays, cluster) });
    changed.push(table);
  }
  return changed;
}

export async function migrate(client: ClickHouseClient, options: MigrateOptions): Promise<MigrateResult> {
  const { database, retentionDays, logger } = options;
  const cluster = typeof options.cluster === 'string' ? clusterLayout(options.cluster) : options.cluster;
  const [server] = await queryRows<{ version: string }>(client, 'SELECT version() AS version');
  const ctx: SchemaContext = {
    database,
    retentionDays,
    fullTextIndexes: supportsFullTextIndexes(server?.version ?? ''),
    ...(cluster ? { cluster } : {}),
  };

  const done = await appliedVersions(client, database, cluster);
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

  const retentionUpdated = await reconcileRetention(client, database, retentionDays, cluster);
  if (retentionUpdated.length > 0)
    logger?.info({ tables: retentionUpdated, retentionDays }, 'retention TTL changed');
  return { applied, alreadyApplied, retentionUpdated, fullTextIndexes: ctx.fullTextIndexes };
}
