// The cluster layout applied to the embedded engine: local tables, Distributed tables under the contract names,
// materialized views between local tables, retention on the local tables — with the real writer and the real
// queries of the API going through the Distributed tables.
//
// What the embedded engine cannot run, and so what this leaves to cluster-ddl.test.ts (statement text):
// - ON CLUSTER: clickhouse-local has no DDL worker ("Replicated DDL queries are disabled"), whatever the config;
// - Replicated*MergeTree: with an in-memory test Keeper the tables are created but stay read-only (no replication
//   threads run), inserts fail and the engine does not shut down.
// So the layout runs with { replicated: false, onCluster: false } on a one-shard cluster defined in a config file
// (remote_servers; tcp_port makes the shard local, so no network is involved).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { Session } from 'chdb';
import { createChdbConnection } from 'chdb/connection';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ClickHouseWriter } from '../../src/exporters/clickhouse/index.js';
import type { EnrichedSpan } from '../../src/model.js';
import { DEFAULT_TENANT } from '../../src/model.js';
import {
  type ClusterLayout,
  jsonEachRowInserter,
  MIGRATIONS,
  migrate,
  nativeInserter,
  RETENTION_COLUMNS,
  TABLES,
} from '../../src/storage/index.js';
import {
  latestTags,
  listTraces,
  loadSpans,
  traceBounds,
  writeTags,
} from '../../src/storage/queries/index.js';
import { makeCost, makeFacts, makeSpan, silentLogger, spanId, traceId } from './helpers.js';

const CLUSTER: ClusterLayout = { name: 'beacon_test_cluster', replicated: false, onCluster: false };
const DATABASE = 'beacon_cluster';
const SINGLE = 'beacon_single';

const ENGINE_CONFIG = `<clickhouse>
  <tcp_port>9000</tcp_port>
  <remote_servers>
    <${CLUSTER.name}>
      <shard><replica><host>localhost</host><port>9000</port></replica></shard>
    </${CLUSTER.name}>
  </remote_servers>
</clickhouse>
`;

let dir: string;
let session: Session;
let client: ClickHouseClient;
let writer: ClickHouseWriter;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'beacon-cluster-test-'));
  const configFile = path.join(dir, 'config.xml');
  await writeFile(configFile, ENGINE_CONFIG);
  // Engine arguments only apply when the engine starts: this session starts it with the cluster configuration, and
  // the client's connection to the same directory shares that engine.
  session = new Session(path.join(dir, 'data'), { connectionArgs: [`--config-file=${configFile}`] });
  client = createClient({
    connection: createChdbConnection({ path: path.join(dir, 'data') }) as unknown as NonNullable<
      Parameters<typeof createClient>[0]
    >['connection'],
  });
  await mkdir(path.join(dir, 'native-inserts'));
  for (const db of [DATABASE, SINGLE]) await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
});

afterAll(async () => {
  await writer?.close({ timeoutMs: 1000 });
  await client?.close();
  session?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}

const tablesOf = (database: string) =>
  rows<{ name: string; engine: string; engine_full: string; create_table_query: string }>(
    'SELECT name, engine, engine_full, create_table_query FROM system.tables WHERE database = {database:String} ORDER BY name',
    { database },
  );

const contractTables = () => Object.keys(RETENTION_COLUMNS).concat(TABLES.schemaMigrations).sort();

describe('the cluster layout on the embedded engine', () => {
  test('migrates into local tables and Distributed tables under the contract names; a second run is a no-op', async () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(
      (await migrate(client, { database: DATABASE, retentionDays: 30, cluster: CLUSTER })).applied,
    ).toEqual(versions);
    expect(await migrate(client, { database: DATABASE, retentionDays: 30, cluster: CLUSTER })).toMatchObject({
      applied: [],
      alreadyApplied: versions,
      retentionUpdated: [],
    });

    const tables = new Map((await tablesOf(DATABASE)).map((t) => [t.name, t]));
    for (const name of contractTables()) {
      expect(tables.get(name)?.engine_full, name).toMatch(
        new RegExp(
          `^Distributed\\('${CLUSTER.name}', '${DATABASE}', '${name}_local', (cityHash64\\(\\w+\\)|Version)\\)$`,
        ),
      );
      expect(tables.get(`${name}_local`)?.engine, `${name}_local`).toMatch(/MergeTree$/);
    }
    // The views read local tables and write local tables.
    for (const view of [
      TABLES.traceIdTsView,
      TABLES.traceSummariesFromTracesView,
      TABLES.traceSummariesFromGenAIView,
      TABLES.traceSummariesFromFailuresView,
    ]) {
      const query = tables.get(view)!.create_table_query;
      expect(query).toMatch(new RegExp(`TO ${DATABASE}\\.\\w+_local`));
      expect(query).toMatch(new RegExp(`FROM ${DATABASE}\\.\\w+_local`));
    }
  });

  test('readers and writers see the same columns under the contract names as on a single node', async () => {
    await migrate(client, { database: SINGLE, retentionDays: 30 });
    const columns = (database: string) =>
      rows<{ table: string; name: string; type: string }>(
        'SELECT table, name, type FROM system.columns WHERE database = {database:String} AND table IN {tables:Array(String)} ORDER BY table, position',
        { database, tables: contractTables() },
      );
    const singleColumns = await columns(SINGLE);
    expect(singleColumns.length).toBeGreaterThan(100);
    expect(await columns(DATABASE)).toEqual(singleColumns);
    // And the local tables have the single node's engines, keys, TTLs and settings.
    const singleTables = new Map((await tablesOf(SINGLE)).map((t) => [t.name, t.engine_full]));
    const clusterTables = new Map((await tablesOf(DATABASE)).map((t) => [t.name, t.engine_full]));
    for (const name of contractTables())
      expect(clusterTables.get(`${name}_local`)).toBe(singleTables.get(name));
  });

  test("spans written through the Distributed tables come back through the API's queries, summaries included", async () => {
    writer = new ClickHouseWriter({
      // As with a ClickHouse server: JSON inserts through @clickhouse/client, into the Distributed tables. The Native
      // block goes through the embedded engine's file, as chDB's connection cannot carry a binary body.
      storage: {
        client,
        insertJsonEachRow: jsonEachRowInserter(client, undefined),
        insertNative: nativeInserter(client, path.join(dir, 'native-inserts')),
      },
      databaseFor: async () => DATABASE,
      logger: silentLogger,
      maxQueueSpans: 10_000,
      batchSpans: 1000,
      flushIntervalMs: 20,
    });
    const now = BigInt(Date.now()) * 1_000_000n;
    const trace = traceId();
    const root = spanId();
    const spans: EnrichedSpan[] = [
      makeSpan({
        traceId: trace,
        spanId: root,
        name: 'agent run',
        startTimeUnixNano: now,
        endTimeUnixNano: now + 5_000_000n,
      }),
      makeSpan({
        traceId: trace,
        parentSpanId: root,
        name: 'chat gpt-4o-mini',
        startTimeUnixNano: now + 1_000_000n,
        endTimeUnixNano: now + 2_000_000n,
        genai: makeFacts({
          usage: { ...makeFacts().usage, inputTokens: 12, outputTokens: 3 },
          inputMessages: [{ role: 'user', parts: [{ type: 'text', content: `hello from ${trace}` }] }],
        }),
        cost: makeCost({ costUsd: 0.002 }),
      }),
      makeSpan({
        traceId: trace,
        parentSpanId: root,
        name: 'chat gpt-4o-mini',
        statusCode: 2,
        statusMessage: 'rate limited',
        startTimeUnixNano: now + 3_000_000n,
        endTimeUnixNano: now + 4_000_000n,
        failure: { category: 'rate_limit', signature: 'rate limited', message: 'rate limited' },
      }),
    ];
    expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
    await writer.flush();

    const ctx = { client, database: DATABASE };
    const page = await listTraces(ctx, { limit: 10 });
    expect(page.traces).toHaveLength(1);
    expect(page.traces[0]).toMatchObject({
      traceId: trace,
      rootSpanName: 'agent run',
      spanCount: 3,
      errorCount: 1,
      llmCallCount: 1,
      inputTokens: 12,
      outputTokens: 3,
      costUsd: 0.002,
      models: ['gpt-4o-mini-2024-07-18'],
      failureCategories: ['rate_limit'],
    });

    const bounds = await traceBounds(ctx, trace);
    expect(bounds).not.toBeNull();
    const loaded = await loadSpans(ctx, trace, bounds!);
    expect(loaded.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.spanId).sort());
    const chat = loaded.find((s) => s.genai?.inputMessages.length);
    expect(chat?.genai?.inputMessages[0]?.parts).toEqual([{ type: 'text', content: `hello from ${trace}` }]);

    await writeTags(ctx, trace, ['prod', 'checkout']);
    expect((await latestTags(ctx, [trace])).get(trace)?.sort()).toEqual(['checkout', 'prod']);

    // The rows live in the local tables behind the Distributed ones.
    const [local] = await rows<{ n: string }>(
      `SELECT toString(count()) AS n FROM ${DATABASE}.otel_traces_local WHERE TraceId = {trace:String}`,
      { trace },
    );
    expect(local!.n).toBe('3');
  });

  test('a retention change modifies the TTL of the local tables', async () => {
    const changed = await migrate(client, { database: DATABASE, retentionDays: 3, cluster: CLUSTER });
    expect(changed.retentionUpdated.sort()).toEqual(Object.keys(RETENTION_COLUMNS).sort());
    const tables = new Map((await tablesOf(DATABASE)).map((t) => [t.name, t.engine_full]));
    for (const [table, column] of Object.entries(RETENTION_COLUMNS)) {
      expect(tables.get(`${table}_local`), table).toContain(`TTL ${column} + toIntervalDay(3) SETTINGS`);
    }
    expect(
      (await migrate(client, { database: DATABASE, retentionDays: 3, cluster: CLUSTER })).retentionUpdated,
    ).toEqual([]);
  });
});
