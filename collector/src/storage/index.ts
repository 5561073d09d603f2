// Storage: the ClickHouse connection, schema and migrations.
export {
  type ClickHouseEngine,
  type ClickHouseOptions,
  type ClickHouseStorage,
  createClickHouse,
  jsonEachRowInserter,
  nativeInserter,
} from './client.js';
export {
  type ClusterLayout,
  clusterLayout,
  localTableName,
  MIGRATIONS,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  migrate,
  modifyTtlStatement,
  RETENTION_COLUMNS,
  renderDdl,
  type SchemaContext,
  supportsFullTextIndexes,
  ttlExpression,
} from './migrations/index.js';
export { qualifiedName, quoteIdentifier } from './sql.js';
export { TABLES } from './tables.js';
export { TenantDatabases, type TenantDatabasesOptions, tenantDatabase } from './tenants.js';
