// The cluster-mode DDL (BEACON_CLICKHOUSE_CLUSTER) as text: what a ClickHouse cluster is sent. The embedded engine
// has no Keeper and no DDL worker, so the Replicated / ON CLUSTER parts cannot run there; cluster-layout.test.ts
// runs the same layout without them on the embedded engine.
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import {
  clusterLayout,
  createClickHouse,
  MIGRATIONS,
  modifyTtlStatement,
  RETENTION_COLUMNS,
  type SchemaContext,
  TABLES,
} from '../../src/storage/index.js';

const single: SchemaContext = { database: 'beacon', retentionDays: 30, fullTextIndexes: true };
const cluster: SchemaContext = { ...single, cluster: clusterLayout('beacon_cluster') };
const statements = (ctx: SchemaContext, version?: number) =>
  MIGRATIONS.filter((m) => version === undefined || m.version === version).flatMap((m) => m.statements(ctx));

describe('cluster-mode statements', () => {
  test('a table becomes a Replicated local table plus a Distributed table under the contract name', () => {
    const [local, distributed, view] = statements(cluster, 1).slice(2);
    expect(
      local,
    ).toBe(`CREATE TABLE IF NOT EXISTS \`beacon\`.\`otel_traces_trace_id_ts_local\` ON CLUSTER \`beacon_cluster\` (
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime) CODEC(ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime) CODEC(ZSTD(1))
) ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/otel_traces_trace_id_ts', '{replica}')
PARTITION BY toStartOfWeek(Start)
ORDER BY (TraceId)
TTL toDateTime(Start) + toIntervalDay(30)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`);
    expect(
      distributed,
    ).toBe(`CREATE TABLE IF NOT EXISTS \`beacon\`.\`otel_traces_trace_id_ts\` ON CLUSTER \`beacon_cluster\`
AS \`beacon\`.\`otel_traces_trace_id_ts_local\`
ENGINE = Distributed('beacon_cluster', 'beacon', 'otel_traces_trace_id_ts_local', cityHash64(TraceId))`);
    // The view runs on every node, reading the rows inserted into its shard and writing that shard's table.
    expect(
      view,
    ).toBe(`CREATE MATERIALIZED VIEW IF NOT EXISTS \`beacon\`.\`otel_traces_trace_id_ts_mv\` ON CLUSTER \`beacon_cluster\`
TO \`beacon\`.\`otel_traces_trace_id_ts_local\`
AS SELECT
    TraceId,
    min(toDateTime(Timestamp)) AS Start,
    max(toDateTime(Timestamp)) AS End
FROM \`beacon\`.\`otel_traces_local\`
WHERE TraceId != ''
GROUP BY TraceId`);
  });

  test("migration 7's ALTER reaches the local tables first, then the Distributed table, before the view that writes the column", () => {
    const v7 = statements(cluster, 7);
    const column =
      'ADD COLUMN IF NOT EXISTS FailureCategories SimpleAggregateFunction(groupUniqArrayArray, Array(String))';
    expect(v7.slice(2, 5)).toEqual([
      `ALTER TABLE \`beacon\`.\`beacon_trace_summaries_local\` ON CLUSTER \`beacon_cluster\`\n    ${column}`,
      `ALTER TABLE \`beacon\`.\`beacon_trace_summaries\` ON CLUSTER \`beacon_cluster\`\n    ${column}`,
      expect.stringMatching(
        /^CREATE MATERIALIZED VIEW IF NOT EXISTS `beacon`.`beacon_trace_summaries_failures_mv` ON CLUSTER `beacon_cluster`\nTO `beacon`.`beacon_trace_summaries_local`\n/,
      ),
    ]);
    expect(statements(single, 7)[1]).toBe(`ALTER TABLE \`beacon\`.\`beacon_trace_summaries\`\n    ${column}`);
  });

  test("every local table keeps the single-node table's columns, keys, TTL and settings; only name and engine differ", () => {
    const singleTables = statements(single).filter((s) => s.startsWith('CREATE TABLE'));
    const clusterTables = statements(cluster).filter((s) => s.startsWith('CREATE TABLE'));
    expect(clusterTables).toHaveLength(singleTables.length * 2);
    for (const [i, statement] of singleTables.entries()) {
      const table = /^CREATE TABLE IF NOT EXISTS `beacon`\.`(\w+)`/.exec(statement)![1]!;
      const engine = /\) ENGINE = (\w+)\(\)\n/.exec(statement)![1]!;
      const expectedLocal = statement
        .replace(`\`${table}\` (`, `\`${table}_local\` ON CLUSTER \`beacon_cluster\` (`)
        .replace(
          `ENGINE = ${engine}()`,
          `ENGINE = Replicated${engine}('/clickhouse/tables/{shard}/{database}/${table}', '{replica}')`,
        );
      expect(clusterTables[2 * i]).toBe(expectedLocal);
      expect(clusterTables[2 * i + 1]).toMatch(
        new RegExp(
          `^CREATE TABLE IF NOT EXISTS \`beacon\`\\.\`${table}\` ON CLUSTER \`beacon_cluster\`\\nAS \`beacon\`\\.\`${table}_local\`\\n` +
            `ENGINE = Distributed\\('beacon_cluster', 'beacon', '${table}_local', cityHash64\\((TraceId|Hash|PromptKey|BaselineKey|Name|ServiceName)\\)\\)$`,
        ),
      );
    }
  });

  test('spans, GenAI facts, summaries, failures, tags and annotations of one trace share a shard', () => {
    const shardingKeys = new Map(
      statements(cluster)
        .map((s) => /ENGINE = Distributed\('beacon_cluster', 'beacon', '(\w+)_local', (.+)\)$/.exec(s))
        .filter((m) => m !== null)
        .map((m) => [m[1]!, m[2]!]),
    );
    for (const table of [
      TABLES.traces,
      TABLES.traceIdTs,
      TABLES.genaiSpans,
      TABLES.traceSummaries,
      TABLES.spanFailures,
      TABLES.traceTags,
      TABLES.spanAnnotations,
    ]) {
      expect(shardingKeys.get(table), table).toBe('cityHash64(TraceId)');
    }
    // Rows that belong to no trace: messages are content-addressed (one row per hash after merges, on one shard).
    expect(shardingKeys.get(TABLES.messages)).toBe('cityHash64(Hash)');
  });

  test('every statement runs ON CLUSTER, and every view reads and writes local tables only', () => {
    for (const statement of statements(cluster)) {
      expect(statement.split('\n')[0]).toMatch(/ ON CLUSTER `beacon_cluster`( \($|$)/);
      if (statement.startsWith('CREATE MATERIALIZED VIEW')) {
        expect(statement).toMatch(/\nTO `beacon`\.`\w+_local`\n/);
        expect(statement).toMatch(/\nFROM `beacon`\.`\w+_local`\n/);
      }
    }
  });

  test('single-node statements carry nothing of the cluster layout', () => {
    for (const statement of statements(single)) {
      expect(statement).not.toMatch(/ON CLUSTER|_local|Replicated|Distributed/);
    }
  });

  test('retention changes go to the local tables ON CLUSTER', () => {
    expect(modifyTtlStatement('beacon', TABLES.traces, 7, cluster.cluster)).toBe(
      'ALTER TABLE `beacon`.`otel_traces_local` ON CLUSTER `beacon_cluster` MODIFY TTL toDateTime(Timestamp) + toIntervalDay(7)',
    );
    expect(modifyTtlStatement('beacon', TABLES.traces, 7, undefined)).toBe(
      'ALTER TABLE `beacon`.`otel_traces` MODIFY TTL toDateTime(Timestamp) + toIntervalDay(7)',
    );
    // Every table with a TTL exists as a local table in the cluster layout.
    const created = statements(cluster).join('\n');
    for (const table of Object.keys(RETENTION_COLUMNS)) {
      expect(created).toContain(`CREATE TABLE IF NOT EXISTS \`beacon\`.\`${table}_local\``);
    }
  });
});

describe('BEACON_CLICKHOUSE_CLUSTER', () => {
  test('is a cluster name; anything else stops start-up naming the setting', () => {
    expect(loadConfig({}, {}).clickhouseCluster).toBeUndefined();
    expect(loadConfig({}, { BEACON_CLICKHOUSE_CLUSTER: 'beacon-prod_1' }).clickhouseCluster).toBe(
      'beacon-prod_1',
    );
    expect(() => loadConfig({}, { BEACON_CLICKHOUSE_CLUSTER: "x' ON CLUSTER y" })).toThrow(ConfigError);
    expect(() => loadConfig({}, { BEACON_CLICKHOUSE_CLUSTER: 'a b' })).toThrow(/BEACON_CLICKHOUSE_CLUSTER/);
  });

  test('needs a ClickHouse server: the embedded engine is single-node', async () => {
    await expect(
      createClickHouse({
        database: 'beacon',
        dataDir: '/nonexistent/never-created',
        cluster: 'beacon_cluster',
      }),
    ).rejects.toThrow(
      /cluster beacon_cluster needs a ClickHouse server URL: the embedded engine is single-node/,
    );
  });
});
