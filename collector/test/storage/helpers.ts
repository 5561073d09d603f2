// Shared by the storage tests: span and GenAI-facts builders, a fresh embedded database per test file, queries.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { ClickHouseWriter, type ClickHouseWriterOptions } from '../../src/exporters/clickhouse/index.js';
import { type ClickHouseStorage, createClickHouse, migrate } from '../../src/storage/index.js';

export const DATABASE = 'beacon_test';
export const silentLogger = pino({ level: process.env.BEACON_TEST_LOG_LEVEL ?? 'silent' });

export { makeCost, makeFacts, makeSpan, spanId, T0, traceId } from '../support/spans.js';

export interface TestDatabase {
  storage: ClickHouseStorage;
  dataDir: string;
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  command(sql: string): Promise<void>;
  /** A writer into this database that flushes and retries fast, so that failures play out within a test; closed
   * by dispose(). */
  newWriter(options?: Partial<ClickHouseWriterOptions>): ClickHouseWriter;
  dispose(): Promise<void>;
}

/** One per test file: libchdb binds a single data directory per process (and each file runs in its own). */
export async function openTestDatabase(
  options: { retentionDays?: number; migrate?: boolean } = {},
): Promise<TestDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'beacon-storage-test-'));
  const storage = await createClickHouse({ database: DATABASE, dataDir });
  if (options.migrate !== false) {
    await migrate(storage.client, { database: DATABASE, retentionDays: options.retentionDays ?? 30 });
  }
  const writers: ClickHouseWriter[] = [];
  return {
    storage,
    dataDir,
    async query<T>(sql: string, params: Record<string, unknown> = {}) {
      const result = await storage.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return result.json<T>();
    },
    async command(sql: string) {
      await storage.client.command({ query: sql });
    },
    newWriter(options = {}) {
      const writer = new ClickHouseWriter({
        storage,
        databaseFor: async () => DATABASE,
        logger: silentLogger,
        maxQueueSpans: 10_000,
        batchSpans: 1000,
        flushIntervalMs: 20,
        retryInitialDelayMs: 10,
        retryMaxDelayMs: 50,
        ...options,
      });
      writers.push(writer);
      return writer;
    },
    async dispose() {
      for (const writer of writers) await writer.close({ timeoutMs: 1000 });
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
