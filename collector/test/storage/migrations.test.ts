// Migrations on the embedded engine: the contrib exporter's otel_traces schema, Beacon's tables, idempotence,
// the version table, the database every unqualified query hits, and retention changes reaching the TTLs.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  MIGRATIONS,
  migrate,
  quoteIdentifier,
  RETENTION_COLUMNS,
  supportsFullTextIndexes,
  TABLES,
} from '../../src/storage/index.js';
import { DATABASE, openTestDatabase, type TestDatabase } from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase({ migrate: false });
});
afterAll(async () => {
  await db?.dispose();
});

const engineFull = async (table: string) => {
  const [row] = await db.query<{ engine_full: string }>(
    'SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = {table:String}',
    { db: DATABASE, table },
  );
  return row?.engine_full ?? '';
};

describe('migrate', () => {
  test('applies every version once; a second run is a no-op and the version table says so', async () => {
    const versions = MIGRATIONS.map((m) => m.version);
    const first = await migrate(db.storage.client, { database: DATABASE, retentionDays: 30 });
    expect(first.applied).toEqual(versions);
    expect(first.alreadyApplied).toEqual([]);

    const tablesBefore = await db.query<{ name: string; metadata_modification_time: string }>(
      'SELECT name, toString(metadata_modification_time) AS metadata_modification_time FROM system.tables WHERE database = {db:String} ORDER BY name',
      { db: DATABASE },
    );
    const second = await migrate(db.storage.client, { database: DATABASE, retentionDays: 30 });
    expect(second).toMatchObject({ applied: [], alreadyApplied: versions, retentionUpdated: [] });

    const recorded = await db.query<{ Version: number; Name: string; n: string }>(
      `SELECT Version, any(Name) AS Name, toString(count()) AS n FROM ${TABLES.schemaMigrations} GROUP BY Version ORDER BY Version`,
    );
    expect(recorded.map((r) => [r.Version, r.n])).toEqual(versions.map((v) => [v, '1']));
    expect(recorded.map((r) => r.Name)).toEqual(MIGRATIONS.map((m) => m.name));
    // Nothing was re-created or altered.
    const tablesAfter = await db.query(
      'SELECT name, toString(metadata_modification_time) AS metadata_modification_time FROM system.tables WHERE database = {db:String} ORDER BY name',
      { db: DATABASE },
    );
    expect(tablesAfter).toEqual(tablesBefore);
  });

  test('unqualified queries resolve in the configured database', async () => {
    const [row] = await db.query<{ db: string }>('SELECT currentDatabase() AS db');
    expect(row!.db).toBe(DATABASE);
    const tables = await db.query<{ name: string }>(
      'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name',
    );
    expect(tables.map((t) => t.name)).toEqual(
      [
        TABLES.genaiSpans,
        TABLES.messages,
        TABLES.promptVersions,
        TABLES.schemaMigrations,
        TABLES.spanAnnotations,
        TABLES.traceSummaries,
        TABLES.traceSummariesFromGenAIView,
        TABLES.traceSummariesFromTracesView,
        TABLES.traceSummariesFromFailuresView,
        TABLES.traceSummariesFromLoopsView,
        TABLES.spanFailures,
        TABLES.baselines,
        TABLES.budgets,
        TABLES.spendMinutely,
        TABLES.spendMinutelyView,
        TABLES.shareLinks,
        TABLES.traceTags,
        TABLES.traces,
        TABLES.traceIdTs,
        TABLES.traceIdTsView,
      ].sort(),
    );
  });
});

// After the migrations the tests above applied.
describe('migrated schema: the contrib exporter tables', () => {
  test('otel_traces has exactly the contrib exporter columns, types, keys, indexes and settings', async () => {
    const columns = await db.query<{
      name: string;
      type: string;
      default_kind: string;
      compression_codec: string;
    }>(
      `SELECT name, type, default_kind, compression_codec FROM system.columns
       WHERE database = {db:String} AND table = 'otel_traces' ORDER BY position`,
      { db: DATABASE },
    );
    const map = 'Map(LowCardinality(String), String)';
    expect(columns.map((c) => [c.name, c.type])).toEqual([
      ['Timestamp', 'DateTime64(9)'],
      ['TraceId', 'String'],
      ['SpanId', 'String'],
      ['ParentSpanId', 'String'],
      ['TraceState', 'String'],
      ['SpanName', 'LowCardinality(String)'],
      ['SpanKind', 'LowCardinality(String)'],
      ['ServiceName', 'LowCardinality(String)'],
      ['ResourceAttributes', map],
      ['ScopeName', 'String'],
      ['ScopeVersion', 'String'],
      ['SpanAttributes', map],
      ['Duration', 'UInt64'],
      ['StatusCode', 'LowCardinality(String)'],
      ['StatusMessage', 'String'],
      ['Events.Timestamp', 'Array(DateTime64(9))'],
      ['Events.Name', 'Array(LowCardinality(String))'],
      ['Events.Attributes', `Array(${map})`],
      ['Links.TraceId', 'Array(String)'],
      ['Links.SpanId', 'Array(String)'],
      ['Links.TraceState', 'Array(String)'],
      ['Links.Attributes', `Array(${map})`],
      ['ResourceAttributeItems', 'Array(String)'],
      ['SpanAttributeItems', 'Array(String)'],
    ]);
    const byName = new Map(columns.map((c) => [c.name, c]));
    expect(byName.get('Timestamp')!.compression_codec).toBe('CODEC(Delta(8), ZSTD(1))');
    expect(byName.get('Duration')!.compression_codec).toBe('CODEC(T64, ZSTD(1))');
    expect(byName.get('SpanAttributeItems')!.default_kind).toBe('ALIAS');

    expect(await engineFull(TABLES.traces)).toBe(
      'MergeTree PARTITION BY toDate(Timestamp) PRIMARY KEY (ServiceName, SpanName, toDateTime(Timestamp)) ' +
        'ORDER BY (ServiceName, SpanName, toDateTime(Timestamp), Timestamp) TTL toDateTime(Timestamp) + toIntervalDay(30) ' +
        'SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1',
    );
    const indexes = await db.query<{ name: string; type_full: string; expr: string; granularity: number }>(
      `SELECT name, type_full, expr, granularity FROM system.data_skipping_indices
       WHERE database = {db:String} AND table = 'otel_traces' ORDER BY name`,
      { db: DATABASE },
    );
    // ClickHouse 26.7 (≥ 26.2): the contrib exporter's text-index branch. ALIAS columns print expanded.
    const items = (map: string) =>
      `arrayMap(kv -> concat(kv.1, '=', kv.2), CAST(${map}, 'Array(Tuple(String, String))'))`;
    expect(indexes.map((i) => [i.name, i.expr, i.type_full])).toEqual([
      ['idx_duration', 'Duration', 'minmax'],
      ['idx_lower_span_name', 'lower(SpanName)', 'tokenbf_v1(32768, 3, 0)'],
      ['idx_res_attr_items', items('ResourceAttributes'), "text(tokenizer = 'array')"],
      ['idx_res_attr_key', 'mapKeys(ResourceAttributes)', "text(tokenizer = 'array')"],
      ['idx_span_attr_items', items('SpanAttributes'), "text(tokenizer = 'array')"],
      ['idx_span_attr_key', 'mapKeys(SpanAttributes)', "text(tokenizer = 'array')"],
      ['idx_trace_id', 'TraceId', "text(tokenizer = 'array')"],
    ]);
  });

  test('otel_traces_trace_id_ts and its materialized view match the contrib exporter', async () => {
    const columns = await db.query<{ name: string; type: string }>(
      `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = 'otel_traces_trace_id_ts' ORDER BY position`,
      { db: DATABASE },
    );
    expect(columns.map((c) => [c.name, c.type])).toEqual([
      ['TraceId', 'String'],
      ['Start', 'SimpleAggregateFunction(min, DateTime)'],
      ['End', 'SimpleAggregateFunction(max, DateTime)'],
    ]);
    expect(await engineFull(TABLES.traceIdTs)).toBe(
      'AggregatingMergeTree PARTITION BY toStartOfWeek(Start) ORDER BY (TraceId) TTL toDateTime(Start) + toIntervalDay(30) ' +
        'SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1',
    );
    const [view] = await db.query<{ as_select: string }>(
      `SELECT as_select FROM system.tables WHERE database = {db:String} AND name = 'otel_traces_trace_id_ts_mv'`,
      { db: DATABASE },
    );
    expect(view!.as_select).toMatch(
      /min\(toDateTime\(Timestamp\)\) AS Start, max\(toDateTime\(Timestamp\)\) AS End/,
    );
    expect(view!.as_select).toMatch(/WHERE TraceId != ''\s+GROUP BY TraceId/);
  });
});

describe('migrate: retention changes and older servers', () => {
  test('a retention change between starts modifies the TTL of every table', async () => {
    const tables = Object.keys(RETENTION_COLUMNS).sort();
    for (const table of tables) expect(await engineFull(table)).toContain('+ toIntervalDay(30)');

    const changed = await migrate(db.storage.client, { database: DATABASE, retentionDays: 3 });
    expect(changed.applied).toEqual([]);
    expect(changed.retentionUpdated.sort()).toEqual(tables);
    for (const table of tables) {
      expect(await engineFull(table)).toContain(
        `TTL ${RETENTION_COLUMNS[table]} + toIntervalDay(3) SETTINGS`,
      );
    }
    // Same retention again: nothing to do (3 must not be mistaken for a prefix of 30, or the reverse).
    expect(
      (await migrate(db.storage.client, { database: DATABASE, retentionDays: 3 })).retentionUpdated,
    ).toEqual([]);
    expect(
      (await migrate(db.storage.client, { database: DATABASE, retentionDays: 30 })).retentionUpdated.sort(),
    ).toEqual(tables);
  });

  test("servers before ClickHouse 26.2 get the contrib exporter's bloom-filter indexes", async () => {
    expect(supportsFullTextIndexes('26.7.2.1')).toBe(true);
    expect(supportsFullTextIndexes('26.2.1')).toBe(true);
    expect(supportsFullTextIndexes('26.1.3.1')).toBe(false);
    expect(supportsFullTextIndexes('25.8.1')).toBe(false);
    // The fallback DDL is valid too (rendered for another database on the same engine).
    const other = 'beacon_bloom';
    await db.command(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(other)}`);
    for (const statement of MIGRATIONS[0]!.statements({
      database: other,
      retentionDays: 7,
      fullTextIndexes: false,
    })) {
      await db.command(statement);
    }
    const indexes = await db.query<{ name: string; type_full: string }>(
      `SELECT name, type_full FROM system.data_skipping_indices WHERE database = {db:String} AND table = 'otel_traces' ORDER BY name`,
      { db: other },
    );
    expect(indexes.map((i) => [i.name, i.type_full])).toEqual([
      ['idx_duration', 'minmax'],
      ['idx_lower_span_name', 'tokenbf_v1(32768, 3, 0)'],
      ['idx_res_attr_key', 'bloom_filter(0.01)'],
      ['idx_res_attr_value', 'bloom_filter(0.01)'],
      ['idx_span_attr_key', 'bloom_filter(0.01)'],
      ['idx_span_attr_value', 'bloom_filter(0.01)'],
      ['idx_trace_id', 'bloom_filter(0.001)'],
    ]);
  });
});
