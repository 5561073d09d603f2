// Tenants are databases: the default tenant's data lives in the configured database (BEACON_CLICKHOUSE_DATABASE), tenant
// `acme`'s in `<database>__acme`, each with the whole schema. Isolation is then structural: a query can only read the
// database its request's tenant names, no statement needs a tenant filter that one forgotten WHERE would undo, the
// contrib exporter's otel_traces schema stays exactly as Grafana's ClickHouse data source expects it, and a
// tenant's Grafana data source is that database. A tenant's database is created and migrated the first time the
// tenant writes or reads.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../logger.js';
import { DEFAULT_TENANT, TENANT_ID_PATTERN } from '../model.js';
import { type ClusterLayout, clusterLayout, onClusterClause } from './migrations/ddl.js';
import { migrate } from './migrations/index.js';
import { queryRows, quoteIdentifier } from './sql.js';

/** The database holding `tenant`'s tables. */
export function tenantDatabase(baseDatabase: string, tenant: string): string {
  if (tenant === DEFAULT_TENANT) return baseDatabase;
  // Checked again here because the name is spliced into DDL: keys are validated when read, this is the backstop.
  if (!TENANT_ID_PATTERN.test(tenant)) throw new RangeError(`invalid tenant id ${JSON.stringify(tenant)}`);
  return `${baseDatabase}__${tenant}`;
}

export interface TenantDatabasesOptions {
  client: ClickHouseClient;
  /** The configured database: the default tenant's, and the prefix of the others'. */
  database: string;
  retentionDays: number;
  cluster?: ClusterLayout | string;
  logger?: Logger;
}

export class TenantDatabases {
  readonly #options: TenantDatabasesOptions;
  readonly #ready = new Map<string, Promise<string>>();
  readonly #existing = new Set<string>();

  constructor(options: TenantDatabasesOptions) {
    this.#options = options;
  }

  /**
   * Whether `tenant` has a database, without creating one (a share token naming a tenant nobody uses must not).
   * Tenants seen to exist are remembered; negative answers are not, so they cannot fill memory.
   */
  async exists(tenant: string): Promise<boolean> {
    if (tenant === DEFAULT_TENANT || this.#ready.has(tenant) || this.#existing.has(tenant)) return true;
    const rows = await queryRows<{ n: number }>(
      this.#options.client,
      'SELECT toFloat64(count()) AS n FROM system.databases WHERE name = {name:String}',
      { name: tenantDatabase(this.#options.database, tenant) },
    );
    if (!rows[0] || Number(rows[0].n) === 0) return false;
    this.#existing.add(tenant);
    return true;
  }

  /** `tenant`'s database, created and migrated on first use; concurrent first uses share one migration. */
  ensure(tenant: string): Promise<string> {
    let ready = this.#ready.get(tenant);
    if (!ready) {
      ready = this.#prepare(tenant);
      this.#ready.set(tenant, ready);
      // A failed attempt (ClickHouse down) is not remembered: the next use tries again.
      ready.catch(() => this.#ready.delete(tenant));
    }
    return ready;
  }

  /** Tenants other than the default one whose databases exist (for background work such as budget evaluation). */
  async known(): Promise<string[]> {
    const prefix = `${this.#options.database}__`;
    const rows = await queryRows<{ name: string }>(
      this.#options.client,
      'SELECT name FROM system.databases WHERE startsWith(name, {prefix:String}) ORDER BY name',
      { prefix },
    );
    return rows
      .map((row) => row.name.slice(prefix.length))
      .filter((tenant) => TENANT_ID_PATTERN.test(tenant) && tenant !== DEFAULT_TENANT);
  }

  async #prepare(tenant: string): Promise<string> {
    const { client, database: base, retentionDays, cluster, logger } = this.#options;
    const database = tenantDatabase(base, tenant);
    const layout = typeof cluster === 'string' ? clusterLayout(cluster) : cluster;
    await client.command({
      query: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}${onClusterClause(layout)}`,
    });
    const result = await migrate(client, { database, retentionDays, cluster: layout, logger });
    if (result.applied.length > 0) logger?.info({ tenant, database }, 'tenant database ready');
    return database;
  }
}
