// The writer under real failures of the embedded engine (tables detached, then attached again): retries with
// backoff, exactly-once storage, backpressure through a bounded queue, batching, the flush interval, and close().
import { type Logger, pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EnrichedSpan } from '../../src/model.js';
import { DEFAULT_TENANT } from '../../src/model.js';
import { TABLES } from '../../src/storage/index.js';
import {
  DATABASE,
  makeCost,
  makeFacts,
  makeSpan,
  openTestDatabase,
  type TestDatabase,
  traceId,
} from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  // Spans here are stamped "now": well inside the retention.
  db = await openTestDatabase({ retentionDays: 30 });
});
afterAll(async () => {
  await db?.dispose();
});

const NOW = BigInt(Date.now()) * 1_000_000n;

/** `count` GenAI spans of one new trace, each with a message, stamped now. */
function genaiSpans(count: number): EnrichedSpan[] {
  const trace = traceId();
  return Array.from({ length: count }, (_, i) =>
    makeSpan({
      traceId: trace,
      startTimeUnixNano: NOW + BigInt(i),
      endTimeUnixNano: NOW + BigInt(i) + 1000n,
      genai: makeFacts({
        usage: { ...makeFacts().usage, inputTokens: 10, outputTokens: 1 },
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: `message ${trace} ${i % 3}` }] }],
      }),
      cost: makeCost({ costUsd: 0.001 }),
    }),
  );
}

/** (TraceId, SpanId) → stored row count, in otel_traces and beacon_genai_spans, for the given spans' traces. */
async function storedCounts(
  spans: EnrichedSpan[],
): Promise<{ traces: Map<string, number>; genai: Map<string, number> }> {
  const traces = [...new Set(spans.map((span) => span.traceId))];
  const count = async (table: string) => {
    const rows = await db.query<{ TraceId: string; SpanId: string; n: string }>(
      `SELECT TraceId, SpanId, toString(count()) AS n FROM ${table} WHERE TraceId IN {traces:Array(String)} GROUP BY TraceId, SpanId`,
      { traces },
    );
    return new Map(rows.map((row) => [`${row.TraceId}/${row.SpanId}`, Number(row.n)]));
  };
  return { traces: await count(TABLES.traces), genai: await count(TABLES.genaiSpans) };
}

async function tracesStored(spans: EnrichedSpan[]): Promise<number> {
  const [row] = await db.query<{ n: string }>(
    'SELECT toString(count()) AS n FROM otel_traces WHERE TraceId IN {traces:Array(String)}',
    { traces: [...new Set(spans.map((span) => span.traceId))] },
  );
  return Number(row!.n);
}

async function expectStoredExactlyOnce(spans: EnrichedSpan[]): Promise<void> {
  const { traces, genai } = await storedCounts(spans);
  expect(traces.size).toBe(spans.length);
  expect(genai.size).toBe(spans.filter((span) => span.genai).length);
  for (const span of spans) {
    const key = `${span.traceId}/${span.spanId}`;
    expect(traces.get(key), `otel_traces ${key}`).toBe(1);
    if (span.genai) expect(genai.get(key), `beacon_genai_spans ${key}`).toBe(1);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: parsed pino JSON lines
type LogEntry = Record<string, any>;

function capturingLogger(level: string): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const logger = pino({ level }, { write: (line: string) => entries.push(JSON.parse(line)) });
  return { logger, entries };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const detach = (table: string) => db.command(`DETACH TABLE ${DATABASE}.${table}`);
const attach = (table: string) => db.command(`ATTACH TABLE ${DATABASE}.${table}`);

describe('retries', () => {
  test('otel_traces unavailable: the batch is retried, stays queued, and is stored exactly once when it is back', async () => {
    const writer = db.newWriter();
    const spans = genaiSpans(120);
    await detach(TABLES.traces);
    try {
      expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
      const flushed = writer.flush();
      await until(() => writer.stats.writeErrors >= 3, 'three failed attempts');
      expect(writer.healthy).toBe(false);
      expect(writer.lastWriteError).toMatch(/otel_traces/);
      // Still counted: the receivers keep seeing backpressure while the batch waits.
      expect(writer.queueDepth).toBe(120);
      expect(writer.stats.spansWritten).toBe(0);
      await attach(TABLES.traces);
      await flushed;
    } finally {
      await attach(TABLES.traces).catch(() => {});
    }
    expect(writer.stats).toMatchObject({
      queueDepth: 0,
      spansWritten: 120,
      spansDropped: 0,
      healthy: true,
      lastWriteError: null,
    });
    await expectStoredExactlyOnce(spans);
  });

  test('only beacon_genai_spans fails: otel_traces rows already written are not written again', async () => {
    const writer = db.newWriter();
    const spans = [
      ...genaiSpans(40),
      makeSpan({ startTimeUnixNano: NOW }),
      makeSpan({ startTimeUnixNano: NOW }),
    ];
    await detach(TABLES.genaiSpans);
    try {
      expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
      const flushed = writer.flush();
      await until(() => writer.stats.writeErrors >= 2, 'two failed attempts');
      // Messages and raw spans are in; the GenAI facts are what is being retried.
      expect(await tracesStored(spans)).toBe(42);
      await attach(TABLES.genaiSpans);
      await flushed;
    } finally {
      await attach(TABLES.genaiSpans).catch(() => {});
    }
    expect(writer.stats).toMatchObject({ spansWritten: 42, queueDepth: 0, healthy: true });
    await expectStoredExactlyOnce(spans);
  });

  test('a failure after otel_traces stored the rows (a view throwing): reconciled by span id, no duplicates', async () => {
    // A view on otel_traces that throws while `fail_switch` has a row. ClickHouse writes the otel_traces part
    // before pushing the block to the views, so the insert fails with the rows stored: the uncertain case.
    await db.command('CREATE TABLE fail_switch (on UInt8) ENGINE = Memory');
    await db.command('CREATE TABLE fail_sink (n UInt8) ENGINE = Null');
    await db.command(
      `CREATE MATERIALIZED VIEW fail_view TO fail_sink AS
       SELECT throwIf((SELECT count() FROM fail_switch) > 0, 'injected failure after the insert') AS n FROM otel_traces`,
    );
    await db.command('INSERT INTO fail_switch VALUES (1)');
    const { logger, entries } = capturingLogger('info');
    const writer = db.newWriter({ logger });
    const spans = genaiSpans(30);
    try {
      expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
      await writer.flush();
    } finally {
      await db.command('DROP TABLE IF EXISTS fail_view');
      await db.command('DROP TABLE IF EXISTS fail_switch');
      await db.command('DROP TABLE IF EXISTS fail_sink');
    }
    // One failed attempt; the retry found all 30 rows stored, skipped them, and wrote the GenAI facts.
    const failure = entries.find((entry) => entry.level === 40);
    expect(failure?.err?.message).toMatch(/injected failure after the insert/);
    expect(entries.find((entry) => entry.msg === 'skipping rows a failed attempt stored')).toMatchObject({
      table: TABLES.traces,
      alreadyStored: 30,
    });
    expect(writer.stats).toMatchObject({ writeErrors: 1, spansWritten: 30, queueDepth: 0, healthy: true });
    await expectStoredExactlyOnce(spans);
  });

  test('an MV target table missing fails the insert before anything is stored; retried exactly once', async () => {
    const writer = db.newWriter();
    const spans = genaiSpans(30);
    await detach(TABLES.traceSummaries);
    try {
      expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
      const flushed = writer.flush();
      await until(() => writer.stats.writeErrors >= 2, 'two failed attempts');
      await attach(TABLES.traceSummaries);
      await flushed;
    } finally {
      await attach(TABLES.traceSummaries).catch(() => {});
    }
    expect(writer.stats).toMatchObject({ spansWritten: 30, queueDepth: 0, healthy: true });
    await expectStoredExactlyOnce(spans);
  });

  test('failed messages are written again on retry (the recent-message cache only learns stored hashes)', async () => {
    const writer = db.newWriter();
    const spans = genaiSpans(9);
    await detach(TABLES.messages);
    try {
      expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
      const flushed = writer.flush();
      await until(() => writer.stats.writeErrors >= 2, 'two failed attempts');
      await attach(TABLES.messages);
      await flushed;
    } finally {
      await attach(TABLES.messages).catch(() => {});
    }
    const [row] = await db.query<{ missing: string }>(
      `SELECT toString(countIf(h NOT IN (SELECT Hash FROM beacon_messages))) AS missing
       FROM (SELECT arrayJoin(InputMessageHashes) AS h FROM beacon_genai_spans WHERE TraceId = {trace:String})`,
      { trace: spans[0]!.traceId },
    );
    expect(row!.missing).toBe('0');
    expect(writer.stats.messagesWritten).toBe(3);
    await expectStoredExactlyOnce(spans);
  });
});

describe('queue', () => {
  test('a full queue refuses a batch whole (nothing taken) and accepts again once written', async () => {
    const writer = db.newWriter({ maxQueueSpans: 10 });
    const first = genaiSpans(6);
    const second = genaiSpans(5);
    const third = genaiSpans(4);
    await detach(TABLES.traces);
    try {
      expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: first })).toBe(true);
      expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: second })).toBe(false);
      expect(writer.queueDepth).toBe(6);
      expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: third })).toBe(true);
      expect(writer.queueDepth).toBe(10);
      expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: genaiSpans(1) })).toBe(false);
      await until(() => writer.stats.writeErrors >= 1, 'a failed attempt');
      expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: genaiSpans(1) })).toBe(false);
      await attach(TABLES.traces);
      await writer.flush();
    } finally {
      await attach(TABLES.traces).catch(() => {});
    }
    expect(writer.queueDepth).toBe(0);
    expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: second })).toBe(true);
    await writer.flush();
    await expectStoredExactlyOnce([...first, ...second, ...third]);
  });

  test('a batch larger than the whole queue is accepted into an empty queue (never refused forever)', async () => {
    const writer = db.newWriter({ maxQueueSpans: 10 });
    const big = genaiSpans(25);
    expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: big })).toBe(true);
    expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: genaiSpans(1) })).toBe(false);
    await writer.flush();
    await expectStoredExactlyOnce(big);
  });

  test('spans are written in batches of batchSpans', async () => {
    const writer = db.newWriter({ batchSpans: 100, flushIntervalMs: 60_000 });
    const spans = genaiSpans(250);
    expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans.slice(0, 130) })).toBe(true);
    expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans.slice(130) })).toBe(true);
    // Two full batches go without waiting for the (long) interval; the remaining 50 wait for it or a flush.
    await until(() => writer.stats.batchesWritten === 2, 'two full batches');
    expect(writer.queueDepth).toBe(50);
    await writer.flush();
    expect(writer.stats).toMatchObject({ batchesWritten: 3, spansWritten: 250, queueDepth: 0 });
    await expectStoredExactlyOnce(spans);
  });

  test('a partial batch is written after flushIntervalMs without any flush()', async () => {
    const writer = db.newWriter({ batchSpans: 1000, flushIntervalMs: 30 });
    const spans = genaiSpans(3);
    expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
    await until(() => writer.stats.spansWritten === 3, 'the interval flush', 5000);
    await expectStoredExactlyOnce(spans);
  });
});

describe('close', () => {
  test('writes every accepted span, then refuses new ones', async () => {
    const writer = db.newWriter({ flushIntervalMs: 60_000 });
    const spans = genaiSpans(77);
    expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
    await writer.close({ timeoutMs: 10_000 });
    expect(writer.stats).toMatchObject({ spansWritten: 77, spansDropped: 0, queueDepth: 0 });
    expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: genaiSpans(1) })).toBe(false);
    await expectStoredExactlyOnce(spans);
  });

  test('with ClickHouse failing past the timeout: unwritten spans are counted as dropped, and logged', async () => {
    const { logger, entries } = capturingLogger('warn');
    const writer = db.newWriter({ logger, batchSpans: 10 });
    await detach(TABLES.traces);
    try {
      expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: genaiSpans(25) })).toBe(true);
      await until(() => writer.stats.writeErrors >= 1, 'a failed attempt');
      const started = Date.now();
      await writer.close({ timeoutMs: 300 });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await attach(TABLES.traces);
    }
    expect(writer.stats).toMatchObject({ spansDropped: 25, spansWritten: 0, queueDepth: 0, healthy: false });
    const dropped = entries.find((entry) => entry.level === 50);
    expect(dropped).toMatchObject({ spansDropped: 25 });
    expect(dropped?.msg).toMatch(/25 accepted spans were not written/);
    // A flush() after the give-up resolves (dropped spans are settled) instead of hanging.
    await writer.flush();
  });
});
