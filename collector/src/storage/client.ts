// One ClickHouse client for the whole collector: a ClickHouse server over HTTP when a URL is configured, else the
// embedded engine (chDB) in this process. Both speak through @clickhouse/client, so every query, insert and
// migration runs the same code path on either engine.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type ClickHouseClient, type ClickHouseClientConfigOptions, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { quoteIdentifier } from './sql.js';

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
  close(): Promise<void>;
}

type EmbeddedConnection = NonNullable<ClickHouseClientConfigOptions['connection']>;

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

async function connectEmbedded(options: ClickHouseOptions): Promise<ClickHouseClient> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  // The injected connection ignores createClient's `database` (that is an HTTP URL parameter). The chDB session
  // keeps `USE` for its lifetime, and every request of this client goes through that one session.
  // chdb types its connection against @clickhouse/client-common while @clickhouse/client bundles its own copy of
  // the same interface; the two declarations differ only nominally.
  const connection = createChdbConnection({ path: dataDir }) as unknown as EmbeddedConnection;
  const client = createClient({ connection });
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
  return client;
}

/** Connects, makes sure the database exists, and makes it the default for every later query. */
export async function createClickHouse(options: ClickHouseOptions): Promise<ClickHouseStorage> {
  if (options.cluster && !options.url) {
    throw new Error(
      `ClickHouse cluster ${options.cluster} needs a ClickHouse server URL: the embedded engine is single-node`,
    );
  }
  const engine: ClickHouseEngine = options.url ? 'server' : 'embedded';
  const client = options.url
    ? await connectServer({ ...options, url: options.url })
    : await connectEmbedded(options);
  let closed: Promise<void> | undefined;
  return {
    client,
    engine,
    database: options.database,
    close: () => {
      closed ??= client.close();
      return closed;
    },
  };
}
