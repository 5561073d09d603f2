// What a migration is: a version, a name, and idempotent DDL rendered for one database and layout.
import { type ClusterLayout, type Ddl, renderDdl } from './ddl.js';

export interface SchemaContext {
  /** Database name (unquoted); statements qualify every table with it. */
  database: string;
  retentionDays: number;
  /**
   * The server supports `TYPE text(...)` skip indexes (ClickHouse ≥ 26.2). The contrib exporter picks its
   * otel_traces indexes by this, so Beacon does too.
   */
  fullTextIndexes: boolean;
  /** Unset: single node. Set: local Replicated tables + Distributed tables, ON CLUSTER (see ddl.ts). */
  cluster?: ClusterLayout;
}

export interface Migration {
  /** Strictly increasing; recorded in beacon_schema_migrations once every statement succeeded. */
  version: number;
  name: string;
  /** The schema objects this version adds, in order. */
  objects(ctx: SchemaContext): Ddl[];
  /** Each statement must be idempotent (IF NOT EXISTS): a crash between two of them re-runs the migration. */
  statements(ctx: SchemaContext): string[];
}

export function defineMigration(migration: Omit<Migration, 'statements'>): Migration {
  return {
    ...migration,
    statements: (ctx) => renderDdl(ctx.database, migration.objects(ctx), ctx.cluster),
  };
}
