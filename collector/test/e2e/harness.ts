// Starts a real collector in this test process over the embedded ClickHouse engine, on ephemeral ports.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CollectorConfig, loadConfig, type RunningCollector, startCollector } from '../../src/index.js';
import { createLogger } from '../../src/logger.js';

export interface TestCollector extends RunningCollector {
  dataDir: string;
  httpUrl: string;
  grpcUrl: string;
  apiUrl: string;
  /** Writes every accepted span, then runs a query against the collector's own ClickHouse connection. */
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  /** Stops the collector and removes its data directory. */
  dispose(): Promise<void>;
  /** Every line the collector logged, when started with `captureLogs` (else empty). */
  logs: string[];
}

export interface TestCollectorOptions {
  /** Keep the collector's log lines (pino JSON) in `logs` instead of discarding them. */
  captureLogs?: boolean;
  /** Log level; default BEACON_TEST_LOG_LEVEL, else silent (debug when capturing). */
  logLevel?: string;
}

export async function startTestCollector(
  overrides: Partial<Record<keyof CollectorConfig, string>> = {},
  options: TestCollectorOptions = {},
): Promise<TestCollector> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'beacon-test-'));
  const config = loadConfig(
    {
      host: '127.0.0.1',
      otlpGrpcPort: '0',
      otlpHttpPort: '0',
      apiPort: '0',
      dataDir,
      flushIntervalMs: '50',
      ...overrides,
    },
    {},
  );
  const logs: string[] = [];
  const logger = options.captureLogs
    ? createLogger(options.logLevel ?? 'debug', { write: (line: string) => void logs.push(line) })
    : createLogger(options.logLevel ?? process.env.BEACON_TEST_LOG_LEVEL ?? 'silent');
  const collector = await startCollector(config, { logger });
  const query = async <T>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> => {
    await collector.writer.flush();
    const result = await collector.storage.client.query({
      query: sql,
      query_params: params,
      format: 'JSONEachRow',
    });
    return result.json<T>();
  };
  return Object.assign(collector, {
    dataDir,
    httpUrl: `http://127.0.0.1:${collector.ports.http}`,
    grpcUrl: `http://127.0.0.1:${collector.ports.grpc}`,
    apiUrl: `http://127.0.0.1:${collector.ports.api}`,
    query,
    logs,
    dispose: async () => {
      await collector.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}
