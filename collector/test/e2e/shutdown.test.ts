// Acceptance: SIGTERM during a load of 20k spans — after restart, every span acknowledged to a client is stored,
// exactly once. Also: start-up refuses an invalid setting with one line naming it.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createClickHouse } from '../../src/storage/index.js';
import { jsonBatch, newSpanIds } from '../support/load.js';
import { CLI, spawnCollector } from './process.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const SPANS = 20_000;
const PER_REQUEST = 100;
const CONCURRENCY = 4;

test('SIGTERM under load: every acknowledged span is stored exactly once after restart', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'beacon-sigterm-'));
  dirs.push(dataDir);
  const env = { BEACON_DATA_DIR: dataDir, BEACON_LOG_LEVEL: 'info' };
  const first = await spawnCollector(env);
  const url = `http://127.0.0.1:${first.ports.http}/v1/traces`;

  const batches: string[][] = [];
  for (let b = 0; b < SPANS / PER_REQUEST; b++) {
    batches.push(newSpanIds(PER_REQUEST));
  }
  const acked: string[] = [];
  const refusedStatuses = new Set<number | string>();
  let sent = 0;
  let signalled = false;
  let next = 0;

  const worker = async () => {
    while (next < batches.length) {
      const ids = batches[next++]!;
      sent++;
      if (!signalled && sent >= batches.length / 4) {
        signalled = true;
        first.child.kill('SIGTERM');
      }
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: jsonBatch(ids),
        });
        await res.arrayBuffer();
        if (res.status === 200) acked.push(...ids);
        else refusedStatuses.add(res.status);
      } catch {
        refusedStatuses.add('connection refused');
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  expect(await first.exited).toBe(0);
  expect(signalled).toBe(true);
  // Some load was accepted before the signal and some was refused after it: the test really raced the shutdown.
  expect(acked.length).toBeGreaterThanOrEqual(SPANS / 4 - PER_REQUEST * CONCURRENCY);
  expect(acked.length).toBeLessThan(SPANS);
  for (const status of refusedStatuses) expect([503, 'connection refused']).toContain(status);

  // Restart on the same data directory: start-up (migrations) must accept the existing data, then stop again.
  const second = await spawnCollector(env);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);

  // The collector has exited, so this process may open its data directory.
  const storage = await createClickHouse({ database: 'beacon', dataDir });
  try {
    const result = await storage.client.query({
      query: `SELECT count() AS rows, uniqExact(SpanId) AS distinct_spans, countIf(SpanId IN {acked:Array(String)}) AS acked_stored
              FROM otel_traces`,
      query_params: { acked },
      format: 'JSONEachRow',
    });
    const [counts] = await result.json<{ rows: string; distinct_spans: string; acked_stored: string }>();
    expect(Number(counts!.acked_stored)).toBe(acked.length);
    expect(Number(counts!.rows)).toBe(Number(counts!.distinct_spans));
  } finally {
    await storage.close();
  }
});

test('an invalid setting stops start-up with one line naming it', () => {
  const flag = spawnSync(process.execPath, [CLI, 'start', '--otlp-grpc-port', 'abc'], { encoding: 'utf8' });
  expect(flag.status).toBe(2);
  expect(flag.stderr.trim().split('\n')).toHaveLength(1);
  expect(flag.stderr).toMatch(/--otlp-grpc-port="abc"/);

  const env = spawnSync(process.execPath, [CLI, 'start'], {
    encoding: 'utf8',
    env: { ...process.env, BEACON_RETENTION_DAYS: '-3' },
  });
  expect(env.status).toBe(2);
  expect(env.stderr).toMatch(/BEACON_RETENTION_DAYS="-3"/);

  const help = spawnSync(process.execPath, [CLI, 'start', '--help'], { encoding: 'utf8' });
  expect(help.status).toBe(0);
  for (const name of [
    'BEACON_OTLP_GRPC_PORT',
    'BEACON_CLICKHOUSE_URL',
    'BEACON_DATA_DIR',
    'BEACON_RETENTION_DAYS',
  ]) {
    expect(help.stdout).toContain(name);
  }
});
