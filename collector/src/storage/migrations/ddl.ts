// Schema objects as data, rendered to DDL for one of two layouts:
//
// - single node: each object is one statement (CREATE TABLE … ENGINE = MergeTree(), a materialized view, an ALTER);
// - cluster (BEACON_CLICKHOUSE_CLUSTER): every statement runs ON CLUSTER; each table becomes a `<table>_local`
//   Replicated*MergeTree table on every node plus a Distributed table under the contract name, sharded so that a
//   trace stays on one shard. Readers and writers keep using the contract names. Materialized views read the local
//   source table and write the local target table of their own shard: rows sharded by TraceId meet the other rows
//   of their trace there.
//
// Migrations declare their objects here rather than SQL text, so that the cluster rewrite is a rendering choice,
// not a regex over statements.
import { qualifiedName, quoteIdentifier } from '../sql.js';

/** The MergeTree engines Beacon uses; each has a Replicated* twin. */
export type MergeTreeEngine = 'MergeTree' | 'AggregatingMergeTree' | 'ReplacingMergeTree';

export interface TableDdl {
  kind: 'table';
  /** Contract name (readers and writers use it in both layouts). */
  table: string;
  /** The column and index list between the parentheses, one per line, indented. */
  columns: string;
  engine: MergeTreeEngine;
  /** Everything after the engine: PARTITION BY, ORDER BY, TTL, SETTINGS. */
  clauses: string;
  /** Distributed sharding expression (cluster layout): rows with equal keys land on the same shard. */
  shardingKey: string;
}

export interface MaterializedViewDdl {
  kind: 'materializedView';
  view: string;
  /** Contract name of the target table. */
  to: string;
  /** Contract name of the source table. */
  from: string;
  /** The SELECT list, one expression per line, indented. */
  select: string;
  /** What follows FROM: WHERE / GROUP BY. */
  tail: string;
}

/** The only ALTER Beacon's migrations need; Distributed tables accept it too, so both twins get it. */
export interface AddColumnDdl {
  kind: 'addColumn';
  table: string;
  /** `Name Type` */
  column: string;
}

export type Ddl = TableDdl | MaterializedViewDdl | AddColumnDdl;

export interface ClusterLayout {
  /** Cluster name as in the servers' remote_servers configuration. */
  name: string;
  /**
   * Replicated*MergeTree local tables (Keeper path `/clickhouse/tables/{shard}/{database}/<table>`, replica
   * `{replica}` — both macros from the servers' configuration). Off only where no Keeper is available: the embedded
   * engine in tests, whose Replicated tables stay read-only.
   */
  replicated: boolean;
  /** Statements run ON CLUSTER (distributed DDL through Keeper). Off only where there is no DDL worker (the embedded engine). */
  onCluster: boolean;
}

/** The production cluster layout for a cluster name. */
export function clusterLayout(name: string): ClusterLayout {
  return { name, replicated: true, onCluster: true };
}

/** The per-node table behind a Distributed table. */
export function localTableName(table: string): string {
  return `${table}_local`;
}

/** A ClickHouse string literal. Only configured names (validated) and Beacon's own names reach it. */
function stringLiteral(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** ` ON CLUSTER <name>` for the cluster layout, else nothing. */
export function onClusterClause(cluster: ClusterLayout | undefined): string {
  return cluster?.onCluster ? ` ON CLUSTER ${quoteIdentifier(cluster.name)}` : '';
}

function engineClause(table: TableDdl, cluster: ClusterLayout | undefined): string {
  if (!cluster?.replicated) return `${table.engine}()`;
  // {database} is expanded when the table is created; the table part of the path is the contract name so that a
  // later rename of the local table keeps its replicas' path.
  const path = `/clickhouse/tables/{shard}/{database}/${table.table}`;
  return `Replicated${table.engine}(${stringLiteral(path)}, '{replica}')`;
}

function createTable(database: string, table: TableDdl, cluster?: ClusterLayout): string[] {
  const name = cluster ? localTableName(table.table) : table.table;
  const local = `CREATE TABLE IF NOT EXISTS ${qualifiedName(database, name)}${onClusterClause(cluster)} (
${table.columns}
) ENGINE = ${engineClause(table, cluster)}
${table.clauses}`;
  if (!cluster) return [local];
  const distributed = `CREATE TABLE IF NOT EXISTS ${qualifiedName(database, table.table)}${onClusterClause(cluster)}
AS ${qualifiedName(database, name)}
ENGINE = Distributed(${stringLiteral(cluster.name)}, ${stringLiteral(database)}, ${stringLiteral(name)}, ${table.shardingKey})`;
  return [local, distributed];
}

function createView(database: string, view: MaterializedViewDdl, cluster?: ClusterLayout): string {
  const table = (name: string) => qualifiedName(database, cluster ? localTableName(name) : name);
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qualifiedName(database, view.view)}${onClusterClause(cluster)}
TO ${table(view.to)}
AS SELECT
${view.select}
FROM ${table(view.from)}
${view.tail}`;
}

function addColumn(database: string, alter: AddColumnDdl, cluster?: ClusterLayout): string[] {
  const statement = (name: string) => `ALTER TABLE ${qualifiedName(database, name)}${onClusterClause(cluster)}
    ADD COLUMN IF NOT EXISTS ${alter.column}`;
  if (!cluster) return [statement(alter.table)];
  // The local tables first: the Distributed table may only name columns its shards have.
  return [statement(localTableName(alter.table)), statement(alter.table)];
}

/** The statements creating `objects` in `database`, in order, for the single-node or the cluster layout. */
export function renderDdl(database: string, objects: readonly Ddl[], cluster?: ClusterLayout): string[] {
  return objects.flatMap((object) => {
    if (object.kind === 'table') return createTable(database, object, cluster);
    if (object.kind === 'materializedView') return [createView(database, object, cluster)];
    return addColumn(database, object, cluster);
  });
}
