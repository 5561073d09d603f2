// Storage: the ClickHouse connection, schema and migrations.
export {
  type ClickHouseEngine,
  type ClickHouseOptions,
  type ClickHouseStorage,
  createClickHouse,
} from './client.js';
export {
  MIGRATIONS,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  migrate,
  RETENTION_COLUMNS,
  type SchemaContext,
  supportsFullTextIndexes,
  ttlExpression,
} from './migrations/index.js';
export { qualifiedName, quoteIdentifier } from './sql.js';
export { TABLES } from './tables.js';
