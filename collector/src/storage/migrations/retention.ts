// Retention is a TTL on every table that holds spans or data derived from them. The TTL expression per table lives
// here so that creating a table and later changing the retention use the very same text.
import { assertPositiveInteger, qualifiedName } from '../sql.js';
import { TABLES } from '../tables.js';
import { type ClusterLayout, localTableName, onClusterClause } from './ddl.js';

/** Table → the time expression its TTL counts from. */
export const RETENTION_COLUMNS: Readonly<Record<string, string>> = {
  // Both as the contrib exporter writes them (GenerateTTLExpr(ttl, "toDateTime(Timestamp)") / "toDateTime(Start)").
  [TABLES.traces]: 'toDateTime(Timestamp)',
  [TABLES.traceIdTs]: 'toDateTime(Start)',
  [TABLES.genaiSpans]: 'toDateTime(Timestamp)',
  [TABLES.messages]: 'toDateTime(FirstSeen)',
  [TABLES.traceSummaries]: 'toDateTime(Start)',
  // Counted from the version's write: a tag or annotation outlives its spans by at most the time between the span
  // and the edit, and a newer version always outlives the older ones.
  [TABLES.traceTags]: 'toDateTime(UpdatedAt)',
  [TABLES.spanAnnotations]: 'toDateTime(UpdatedAt)',
  // Counted from the version's creation, like the tags: a prompt version lives as long as the replay trace it ran.
  [TABLES.promptVersions]: 'toDateTime(CreatedAt)',
  [TABLES.spanFailures]: 'toDateTime(Timestamp)',
  // Counted from the mark, like the tags: it outlives its trace by at most the time between the trace and the mark.
  [TABLES.baselines]: 'toDateTime(UpdatedAt)',
  // Counted from the version's write: a link never outlives the retention of the trace it shows by much.
  [TABLES.shareLinks]: 'toDateTime(UpdatedAt)',
  // Counted from the end of the row's month: a monthly budget always sees its whole month, whatever the retention.
  [TABLES.spendMinutely]: 'toDateTime(toLastDayOfMonth(Minute))',
};

/**
 * TTLs are computed in DateTime, which ends in 2106: a longer retention would wrap around and expire everything at
 * once, so it is refused.
 */
export const MAX_RETENTION_DAYS = 25_000;

/** The TTL expression (without the `TTL` keyword), as ClickHouse prints it back in system.tables.engine_full. */
export function ttlExpression(table: string, retentionDays: number): string {
  const column = RETENTION_COLUMNS[table];
  if (!column) throw new Error(`no retention column for table ${table}`);
  assertPositiveInteger('retentionDays', retentionDays);
  if (retentionDays > MAX_RETENTION_DAYS) {
    throw new RangeError(
      `retentionDays must be at most ${MAX_RETENTION_DAYS} (ClickHouse DateTime ends in 2106)`,
    );
  }
  return `${column} + toIntervalDay(${retentionDays})`;
}

export function ttlClause(table: string, retentionDays: number): string {
  return `TTL ${ttlExpression(table, retentionDays)}`;
}

/** The table holding `table`'s rows and TTL: itself on a single node, its local twin on a cluster. */
export function ttlTableName(table: string, cluster: ClusterLayout | undefined): string {
  return cluster ? localTableName(table) : table;
}

/**
 * Changes `table`'s retention. On a cluster the TTL belongs to the local tables (a Distributed table has none) and
 * the change runs ON CLUSTER so that every shard follows.
 */
export function modifyTtlStatement(
  database: string,
  table: string,
  retentionDays: number,
  cluster: ClusterLayout | undefined,
): string {
  const stored = qualifiedName(database, ttlTableName(table, cluster));
  return `ALTER TABLE ${stored}${onClusterClause(cluster)} MODIFY TTL ${ttlExpression(table, retentionDays)}`;
}
