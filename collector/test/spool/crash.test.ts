// Acceptance (issue 7/9, the SIGKILL half of 1): continuous ingest, the collector killed with SIGKILL mid-batch and
// restarted on the same data directory, with a torn record at the spool's tail as a killed write leaves it: every
// span that was acknowledged (HTTP 200) is stored, exactly once (count by span id). And a replay of batches that
// ClickHouse had already stored (killed between the insert and the spool's release) stores nothing twice.
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { expectStoredExactlyOnce, storedCounts } from '../chaos/helpers.js';
import { type CollectorProcess, spawnCollector } from '../e2e/process.js';
import { jsonBatch, newSpanIds, segmentFiles } from './helpers.js';

const dirs: string[] = [];
const children: CollectorProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.child.exitCode === null) child.child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const PER_REQUEST = 50;
const CONCURRENCY = 4;

async function spawn(env: Record<string, string>): Promise<CollectorProcess> {
  const child = await spawnCollector(env);
  children.push(child);
  return child;
}

/** Sends batches from CONCURRENCY clients until `stop()` says so; returns the span ids answered 200. */
async function ingest(url: string, stop: (acked: number) => boolean): Promise<string[]> {
  const acked: string[] = [];
  let stopped = false;
  const worker = async () => {
    while (!stopped) {
      const ids = newSpanIds(PER_REQUEST);
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: jsonBatch(ids),
        });
        await res.arrayBuffer();
        if (res.status === 200) acked.push(...ids);
      } catch {
        // Killed mid-request: not acknowledged, so the client would retry it; no claim on it.
        stopped = true;
      }
      if (stop(acked.length)) stopped = true;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return acked;
}

test('SIGKILL mid-ingest, torn spool tail, restart: every acknowledged span stored exactly once', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'beacon-sigkill-'));
  dirs.push(dataDir);
  // Writes every 300 ms: at the kill, some acknowledged batches are stored and some are only in the spool.
  const env = { BEACON_DATA_DIR: dataDir, BEACON_FLUSH_INTERVAL_MS: '300', BEACON_LOG_LEVEL: 'info' };
  const first = await spawn(env);
  const url = `http://127.0.0.1:${first.ports.http}/v1/traces`;
  let killed = false;
  const acked = await ingest(url, (count) => {
    if (!killed && count >= 4_000) {
      killed = true;
      first.child.kill('SIGKILL');
    }
    return false;
  });
  expect(await first.exited).toBe(null);
  expect(acked.length).toBeGreaterThanOrEqual(4_000);

  // What a write cut short leaves: a header promising more bytes than the file holds.
  const spoolDir = path.join(dataDir, 'spool');
  const segments = segmentFiles(spoolDir);
  expect(segments.length).toBeGreaterThan(0);
  const header = Buffer.alloc(8);
  header.writeUInt32LE(4096, 0);
  appendFileSync(segments.at(-1)!, Buffer.concat([header, Buffer.from('{"torn":')]));

  const second = await spawn(env);
  // More ingest on the restarted collector, then a graceful stop that writes everything.
  const secondUrl = `http://127.0.0.1:${second.ports.http}/v1/traces`;
  acked.push(...(await ingest(secondUrl, (count) => count >= 500)));
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  const logs = second.logs.join('\n');
  expect(logs).toMatch(/replaying spooled batches/);
  expect(logs).toMatch(/ends inside a record/);
  expect(segmentFiles(spoolDir)).toEqual([]);

  expectStoredExactlyOnce(await storedCounts(dataDir), acked);
}, 120_000);

test('replaying batches ClickHouse already stored (killed before the spool heard) stores nothing twice', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'beacon-replay-'));
  dirs.push(dataDir);
  const spoolDir = path.join(dataDir, 'spool');
  const copy = mkdtempSync(path.join(tmpdir(), 'beacon-spool-copy-'));
  dirs.push(copy);
  // No write before shutdown: the acknowledged batches wait in the spool.
  const env = { BEACON_DATA_DIR: dataDir, BEACON_FLUSH_INTERVAL_MS: '600000', BEACON_BATCH_SPANS: '1000000' };
  const first = await spawn(env);
  const acked = await ingest(`http://127.0.0.1:${first.ports.http}/v1/traces`, (count) => count >= 1_000);
  cpSync(spoolDir, copy, { recursive: true });
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  // Stored and released: the graceful stop wrote everything and emptied the spool. Put the old segments back, as if
  // the process had died right after ClickHouse confirmed the insert.
  expect(segmentFiles(spoolDir)).toEqual([]);
  cpSync(copy, spoolDir, { recursive: true });

  const second = await spawn(env);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  expect(second.logs.join('\n')).toMatch(/replaying spooled batches/);
  expect(second.logs.join('\n')).toMatch(/skipping rows a failed attempt stored/);

  expectStoredExactlyOnce(await storedCounts(dataDir), acked);
}, 120_000);
