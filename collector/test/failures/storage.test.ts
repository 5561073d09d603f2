// beacon_span_failures on the embedded engine: the writer stores failure rows exactly once through real failures
// (table detached, a view throwing after the insert), migration 7 re-runs cleanly, and the summaries' failure
// categories keep each trace's start and end.
import type { Failure } from '@beacon/semconv';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EnrichedSpan } from '../../src/model.js';
import { DEFAULT_TENANT } from '../../src/model.js';
import { MIGRATIONS, TABLES } from '../../src/storage/index.js';
import { listTraces } from '../../src/storage/queries/index.js';
import {
  DATABASE,
  makeFacts,
  makeSpan,
  openTestDatabase,
  type TestDatabase,
  traceId,
} from '../storage/helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase({ retentionDays: 30 });
});
afterAll(async () => {
  await db?.dispose();
});

const NOW = BigInt(Date.now()) * 1_000_000n;
const MS = 1_000_000n;

const rateLimit: Failure = {
  category: 'rate_limit',
  signature: 'Rate limit reached: Used <n>',
  message: 'Rate limit reached: Used 29000',
};

/** One trace: a healthy root and `failing` failed model calls under it. */
function failingTrace(failing: number, failure: Failure = rateLimit): EnrichedSpan[] {
  const trace = traceId();
  const root = makeSpan({
    traceId: trace,
    name: 'invoke_agent a',
    startTimeUnixNano: NOW,
    endTimeUnixNano: NOW + 1000n * MS,
  });
  const calls = Array.from({ length: failing }, (_, i) =>
    makeSpan({
      traceId: trace,
      parentSpanId: root.spanId,
      name: 'chat gpt-4o',
      startTimeUnixNano: NOW + BigInt(10 + i) * MS,
      endTimeUnixNano: NOW + BigInt(20 + i) * MS,
      statusCode: 2,
      statusMessage: failure.message,
      genai: makeFacts({ errorType: 'RateLimitError' }),
      failure,
    }),
  );
  return [root, ...calls];
}

/** (SpanId → stored failure rows) for the spans' traces. */
async function failureCounts(spans: EnrichedSpan[]): Promise<Map<string, number>> {
  const rows = await db.query<{ SpanId: string; n: string }>(
    `SELECT SpanId, toString(count()) AS n FROM ${TABLES.spanFailures}
     WHERE TraceId IN {traces:Array(String)} GROUP BY SpanId`,
    { traces: [...new Set(spans.map((s) => s.traceId))] },
  );
  return new Map(rows.map((row) => [row.SpanId, Number(row.n)]));
}

async function expectFailuresOnce(spans: EnrichedSpan[]): Promise<void> {
  const counts = await failureCounts(spans);
  const failing = spans.filter((s) => s.failure);
  expect(counts.size).toBe(failing.length);
  for (const span of failing) expect(counts.get(span.spanId), span.spanId).toBe(1);
  const [traces] = await db.query<{ n: string }>(
    `SELECT toString(count()) AS n FROM ${TABLES.traces} WHERE TraceId IN {traces:Array(String)}`,
    { traces: [...new Set(spans.map((s) => s.traceId))] },
  );
  expect(Number(traces!.n)).toBe(spans.length);
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('writer', () => {
  test('beacon_span_failures unavailable: retried, and stored exactly once when it is back', async () => {
    const writer = db.newWriter();
    const spans = failingTrace(25);
    await db.command(`DETACH TABLE ${DATABASE}.${TABLES.spanFailures}`);
    try {
      expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
      const flushed = writer.flush();
      await until(() => writer.stats.writeErrors >= 2, 'two failed attempts');
      expect(writer.lastWriteError).toMatch(/beacon_span_failures/);
      // The spans themselves are in; the failures are what is being retried, and the batch still counts.
      expect(writer.queueDepth).toBe(26);
      await db.command(`ATTACH TABLE ${DATABASE}.${TABLES.spanFailures}`);
      await flushed;
    } finally {
      await db.command(`ATTACH TABLE ${DATABASE}.${TABLES.spanFailures}`).catch(() => {});
    }
    expect(writer.stats).toMatchObject({ spansWritten: 26, queueDepth: 0, healthy: true });
    await expectFailuresOnce(spans);
  });

  test('a failure after the rows were stored (a view throwing): reconciled by span id, no duplicates', async () => {
    await db.command('CREATE TABLE failures_switch (on UInt8) ENGINE = Memory');
    await db.command('CREATE TABLE failures_sink (n UInt8) ENGINE = Null');
    await db.command(
      `CREATE MATERIALIZED VIEW failures_view TO failures_sink AS
       SELECT throwIf((SELECT count() FROM failures_switch) > 0, 'injected failure after the insert') AS n
       FROM ${TABLES.spanFailures}`,
    );
    await db.command('INSERT INTO failures_switch VALUES (1)');
    const entries: Record<string, unknown>[] = [];
    const writer = db.newWriter({
      logger: pino({ level: 'info' }, { write: (line: string) => entries.push(JSON.parse(line)) }),
    });
    const spans = failingTrace(12);
    try {
      expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
      await until(() => writer.stats.writeErrors >= 1, 'a failed attempt');
      await db.command('TRUNCATE TABLE failures_switch');
      await writer.flush();
    } finally {
      await db.command('DROP TABLE IF EXISTS failures_view');
      await db.command('DROP TABLE IF EXISTS failures_switch');
      await db.command('DROP TABLE IF EXISTS failures_sink');
    }
    expect(entries.find((entry) => entry.msg === 'skipping rows a failed attempt stored')).toMatchObject({
      table: TABLES.spanFailures,
      alreadyStored: 12,
    });
    await expectFailuresOnce(spans);
  });
});

describe('trace summaries', () => {
  test("a trace's failure categories: every category once, sorted; start and end stay the spans'", async () => {
    const writer = db.newWriter();
    const spans = failingTrace(2);
    const trace = spans[0]!.traceId;
    const timeout: Failure = {
      category: 'timeout',
      signature: 'Request timed out.',
      message: 'Request timed out.',
    };
    // A late export of the same trace with only a failing span: its summary row must not move start or end.
    const late = makeSpan({
      traceId: trace,
      parentSpanId: spans[0]!.spanId,
      name: 'chat gpt-4o',
      startTimeUnixNano: NOW + 500n * MS,
      endTimeUnixNano: NOW + 600n * MS,
      statusCode: 2,
      failure: timeout,
    });
    writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans });
    await writer.flush();
    writer.enqueue({ tenant: DEFAULT_TENANT, spans: [late] });
    await writer.flush();
    const page = await listTraces({ client: db.storage.client, database: DATABASE }, { q: trace, limit: 10 });
    expect(page.traces).toHaveLength(1);
    expect(page.traces[0]).toMatchObject({
      traceId: trace,
      failureCategories: ['rate_limit', 'timeout'],
      startTimeUnixNano: NOW.toString(),
      durationMs: 1000,
      spanCount: 4,
      errorCount: 3,
    });
    const timeouts = await listTraces(
      { client: db.storage.client, database: DATABASE },
      { failure: 'timeout', limit: 500 },
    );
    expect(timeouts.traces.map((t) => t.traceId)).toContain(trace);
    const loops = await listTraces(
      { client: db.storage.client, database: DATABASE },
      { failure: 'loop', limit: 500 },
    );
    expect(loops.traces.map((t) => t.traceId)).not.toContain(trace);
  });
});

describe('migration 7', () => {
  const failuresMigration = () => MIGRATIONS.find((m) => m.version === 7)!;

  test('its statements re-run cleanly (a crash between two re-runs the migration) and change nothing', async () => {
    const before = await db.query(
      `SELECT name, create_table_query FROM system.tables WHERE database = {db:String} ORDER BY name`,
      { db: DATABASE },
    );
    for (const statement of failuresMigration().statements({
      database: DATABASE,
      retentionDays: 30,
      fullTextIndexes: true,
    })) {
      await db.command(statement);
    }
    const after = await db.query(
      `SELECT name, create_table_query FROM system.tables WHERE database = {db:String} ORDER BY name`,
      { db: DATABASE },
    );
    expect(after).toEqual(before);
  });

  test('schema: failures ordered by (TraceId, SpanId) in daily partitions; summaries gained FailureCategories', async () => {
    const [failures] = await db.query<{ engine_full: string }>(
      'SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = {table:String}',
      { db: DATABASE, table: TABLES.spanFailures },
    );
    expect(failures!.engine_full).toBe(
      'MergeTree PARTITION BY toDate(Timestamp) ORDER BY (TraceId, SpanId) ' +
        'TTL toDateTime(Timestamp) + toIntervalDay(30) SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1',
    );
    const [column] = await db.query<{ type: string }>(
      `SELECT type FROM system.columns WHERE database = {db:String} AND table = {table:String} AND name = 'FailureCategories'`,
      { db: DATABASE, table: TABLES.traceSummaries },
    );
    expect(column?.type).toBe('SimpleAggregateFunction(groupUniqArrayArray, Array(String))');
    const [baselines] = await db.query<{ sorting_key: string }>(
      'SELECT sorting_key FROM system.tables WHERE database = {db:String} AND name = {table:String}',
      { db: DATABASE, table: TABLES.baselines },
    );
    expect(baselines?.sorting_key).toBe('BaselineKey, UpdatedAt');
  });
});
