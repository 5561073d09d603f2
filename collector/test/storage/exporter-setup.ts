// Shared by the exporter tests (exporter*.test.ts): one database and writer per file, the spans the file wrote, and
// the check that closes each file: every one of them is stored exactly once.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ClickHouseWriter } from '../../src/exporters/clickhouse/index.js';
import type { EnrichedSpan } from '../../src/model.js';
import { DEFAULT_TENANT } from '../../src/model.js';
import { DATABASE, openTestDatabase, silentLogger, type TestDatabase } from './helpers.js';

export interface ExporterStore {
  /** Set in beforeAll. */
  db: TestDatabase;
  /** Set in beforeAll. */
  writer: ClickHouseWriter;
  /** Every span this file writes through write(): the exactly-once check at the end counts each of them. */
  readonly sent: EnrichedSpan[];
  /** Spans written by writers other than `writer`. */
  otherWriterSpans: number;
  /** Writes each batch through `writer` and waits until it is stored. */
  write(...batches: EnrichedSpan[][]): Promise<void>;
}

/** Opens the file's database and writer before its tests, and closes them after. */
export function useExporterStore(): ExporterStore {
  const store: ExporterStore = {
    db: undefined as unknown as TestDatabase,
    writer: undefined as unknown as ClickHouseWriter,
    sent: [],
    otherWriterSpans: 0,
    async write(...batches) {
      for (const spans of batches) {
        store.sent.push(...spans);
        expect(store.writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
        await store.writer.flush();
      }
    },
  };
  beforeAll(async () => {
    // Ten years of retention: the fixed 2026-01-02 timestamps of the tests must not expire on insert.
    store.db = await openTestDatabase({ retentionDays: 3650 });
    store.writer = new ClickHouseWriter({
      storage: store.db.storage,
      databaseFor: async () => DATABASE,
      logger: silentLogger,
      maxQueueSpans: 10_000,
      batchSpans: 500,
      flushIntervalMs: 20,
    });
  });
  afterAll(async () => {
    await store.writer?.close({ timeoutMs: 10_000 });
    await store.db?.dispose();
  });
  return store;
}

/** The last test of each exporter test file. */
export function describeExactlyOnce(store: ExporterStore): void {
  describe('exactly once', () => {
    test('every span written in this file is stored exactly once', async () => {
      const { db, writer, sent } = store;
      await writer.flush();
      const rows = await db.query<{ TraceId: string; SpanId: string; n: string }>(
        `SELECT TraceId, SpanId, toString(count()) AS n FROM otel_traces
       WHERE TraceId IN {traces:Array(String)} GROUP BY TraceId, SpanId`,
        { traces: [...new Set(sent.map((span) => span.traceId))] },
      );
      const stored = new Map(rows.map((row) => [`${row.TraceId}/${row.SpanId}`, row.n]));
      // Other writers may add spans to a trace written here (the restarted writer of the messages test adds one).
      expect(stored.size).toBe(sent.length + store.otherWriterSpans);
      for (const span of sent) expect(stored.get(`${span.traceId}/${span.spanId}`)).toBe('1');
      expect([...stored.values()].every((n) => n === '1')).toBe(true);
      expect(writer.stats).toMatchObject({ queueDepth: 0, spansDropped: 0, writeErrors: 0, healthy: true });
    });
  });
}
