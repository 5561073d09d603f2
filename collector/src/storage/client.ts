// One ClickHouse client for the whole collector: a ClickHouse server over HTTP when a URL is configured, else the
// embedded engine (chDB) in this process. Both speak through @clickhouse/client, so every query, insert and
// migration runs the same code path on either engine.
import { mkdir, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { type ClickHouseClient, type ClickHouseClientConfigOptions, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { qualifiedName, quoteIdentifier } from './sql.js';

export type ClickHouseEngine = 'server' | 'embedded';

export interface ClickHouseOptions {
  /** HTTP(S) URL of a ClickHouse server; unset = embedded engine at `dataDir`. */
  url?: string;
  username?: string;
  password?: string;
  /** Created when missing; every unqualified table name in later queries resolves in it. */
  database: string;
  /** Data directory of the embedded engine (created when missing); ignored with a server. */
  dataDir: string;
  /** ClickHouse cluster name (Distributed tables, see migrations/ddl.ts); needs a server: chDB is single-node. */
  cluster?: string;
}

export interface ClickHouseStorage {
  readonly client: ClickHouseClient;
  readonly engine: ClickHouseEngine;
  readonly database: string;
  /** Inserts rows as JSONEachRow into `database.table` (the writer's hot path). */
  insertJsonEachRow(database: string, table: string, rows: readonly unknown[]): Promise<void>;
  /** One insert of Native `blocks` (exporters/clickhouse/native.ts), consecutive blocks holding `columns`. */
  insertNative(
    database: string,
    table: string,
    columns: readonly string[],
    blocks: readonly Uint8Array[],
  ): Promise<void>;
  close(): Promise<void>;
}

type EmbeddedConnection = NonNullable<ClickHouseClientConfigOptions['connection']>;
type ChdbConnection = ReturnType<typeof createChdbConnection>;

/** What chDB's raw insert accepts as a table name: [A-Za-z0-9_] segments joined by '.'. */
const RAW_INSERT_TABLE = /^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/;

/**
 * JSONEachRow inserts. On the embedded engine, the rows are serialized into one Buffer and handed to chDB's raw
 * insert, which passes it to the engine without a copy. @clickhouse/client's insert serializes them into a stream,
 * which chDB's connection then concatenates into one string with the SQL before converting it for the engine: at
 * saturation those steps cost about 10% of the collector's main thread (bench/ingest profile).
 */
export function jsonEachRowInserter(client: ClickHouseClient, chdb: ChdbConnection | undefined) {
  return async (database: string, table: string, rows: readonly unknown[]): Promise<void> => {
    if (rows.length === 0) return;
    const target = `${database}.${table}`;
    if (chdb && RAW_INSERT_TABLE.test(target)) {
      let body = '';
      for (const row of rows) body += `${JSON.stringify(row)}\n`;
      await chdb.chdb.rawInsert({ table: target, values: Buffer.from(body), format: 'JSONEachRow' });
      return;
    }
    await client.insert({ table: qualifiedName(database, table), values: [...rows], format: 'JSONEachRow' });
  };
}

/**
 * Native inserts. A server takes the block as the body of `INSERT … FORMAT Native`. chDB's connection turns any
 * insert body into a string (not binary-safe) and its raw insert fails on binary input past ~2 MB, so on the
 * embedded engine the block goes through a file the engine reads with `file()`: written to page cache, read and
 * deleted before the kernel would write it back (../shared/reference/ingest-limits.md measured this path).
 */
export function nativeInserter(client: ClickHouseClient, scratchDir: string | undefined) {
  let sequence = 0;
  return async (
    database: string,
    table: string,
    columns: readonly string[],
    blocks: readonly Uint8Array[],
  ) => {
    const target = `${qualifiedName(database, table)} (${columns.map(quoteIdentifier).join(', ')})`;
    if (scratchDir === undefined) {
      const result = await client.exec({
        query: `INSERT INTO ${target} FORMAT Native`,
        values: Readable.from(blocks),
      });
      result.stream.destroy();
      return;
    }
    const file = path.join(scratchDir, `${table}-${process.pid}-${sequence++}.native`);
    await writeFile(file, blocks);
    try {
      await client.command({
        query: `INSERT INTO ${target} SELECT * FROM file({file:String}, 'Native')`,
        query_params: { file },
      });
    } finally {
      await unlink(file).catch(() => undefined);
    }
  };
}

const CREATE_DATABASE = (database: string) => `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}`;

async function connectServer(options: ClickHouseOptions & { url: string }): Promise<ClickHouseClient> {
  const auth = { username: options.username ?? 'default', password: options.password ?? '' };
  // The configured database may not exist yet, and the HTTP interface refuses any request naming a missing
  // database, so it is created through a connection to `default` first (as the contrib exporter does).
  const bootstrap = createClient({ url: options.url, ...auth, database: 'default' });
  try {
    await bootstrap.command({ query: CREATE_DATABASE(options.database) });
  } finally {
    await bootstrap.close();
  }
  return createClient({
    url: options.url,
    ...auth,
    database: options.database,
    application: 'beacon-collector',
    // Writes go through Distributed tables on a cluster. In the foreground, an insert succeeds only once every
    // shard it touches has its rows, so the writer's retry covers a shard being down and a read after a flush (import,
    // replay) sees what was written — rather than rows waiting in the node's background send queue.
    ...(options.cluster ? { clickhouse_settings: { distributed_foreground_insert: 1 } } : {}),
  });
}

/** Where Native blocks wait for the embedded engine; emptied at start (a killed process leaves its last block). */
const scratchDirOf = (dataDir: string) => path.join(path.resolve(dataDir), 'native-inserts');

async function connectEmbedded(
  options: ClickHouseOptions,
): Promise<{ client: ClickHouseClient; connection: ChdbConnection }> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const scratchDir = scratchDirOf(dataDir);
  await rm(scratchDir, { recursive: true, force: true });
  await mkdir(scratchDir);
  // The injected connection ignores createClient's `database` (that is an HTTP URL parameter). The chDB session
  // keeps `USE` for its lifetime, and every request of this client goes through that one session.
  // chdb types its connection against @clickhouse/client-common while @clickhouse/client bundles its own copy of
  // the same interface; the two declarations differ only nominally.
  const connection = createChdbConnection({ path: dataDir });
  const client = createClient({ connection: connection as unknown as EmbeddedConnection });
  try {
    await client.command({ query: CREATE_DATABASE(options.database) });
    await client.command({ query: `USE ${quoteIdentifier(options.database)}` });
    const result = await client.query({ query: 'SELECT currentDatabase() AS db', format: 'JSONEachRow' });
    const [row] = await result.json<{ db: string }>();
    if (row?.db !== options.database) {
      throw new Error(
        `embedded ClickHouse did not switch to database ${options.database} (current: ${row?.db})`,
      );
    }
  } catch (err) {
    await client.close();
    throw err;
  }
  return { client, connection };
}

/** Connects, makes sure the database exists, and makes it the default for every later query. */
export async function createClickHouse(options: ClickHouseOptions): Promise<ClickHouseStorage> {
  if (options.cluster && !options.url) {
    throw new Error(
      `ClickHouse cluster ${options.cluster} needs a ClickHouse server URL: the embedded engine is single-node`,
    );
  }
  const engine: ClickHouseEngine = options.url ? 'server' : 'embedded';
  const { client, connection } = options.url
    ? { client: await connectServer({ ...options, url: options.url }), connection: undefined }
    : await connectEmbedded(options);
  let closed: Promise<void> | undefined;
  return {
    client,
    engine,
    database: options.database,
    insertJsonEachRow: jsonEachRowInserter(client, connection),
    insertNative: nativeInserter(client, connection ? scratchDirOf(options.dataDir) : undefined),
    close: () => {
      closed ??= client.close();
      return closed;
    },
  };
}
