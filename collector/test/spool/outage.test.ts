// ClickHouse unavailable (its spans table detached): ingest keeps being acknowledged into the spool, writes back off,
// /readyz says not ready and /metrics counts the failed attempts; once the table is back, writes resume, /readyz
// recovers, the spool empties, and every acknowledged span is stored exactly once.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { jsonBatch, newSpanIds, segmentFiles } from './helpers.js';

let collector: TestCollector;
beforeAll(async () => {
  collector = await startTestCollector();
});
afterAll(async () => {
  await collector?.storage.client.command({ query: 'ATTACH TABLE beacon.otel_traces' }).catch(() => {});
  await collector?.dispose();
});

const post = async (body: string) => {
  const res = await fetch(`${collector.httpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await res.arrayBuffer();
  return res.status;
};
const readyz = async () => (await fetch(`${collector.apiUrl}/readyz`)).status;
const metric = async (name: string) => {
  const text = await (await fetch(`${collector.apiUrl}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
};

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('writes back off during an outage and resume after it; readiness and metrics follow', async () => {
  expect(await readyz()).toBe(200);
  const before = newSpanIds(10);
  expect(await post(jsonBatch(before))).toBe(200);
  await collector.writer.flush();

  await collector.storage.client.command({ query: 'DETACH TABLE beacon.otel_traces' });
  const during: string[] = [];
  for (let i = 0; i < 5; i++) {
    const ids = newSpanIds(20);
    expect(await post(jsonBatch(ids))).toBe(200);
    during.push(...ids);
  }
  await until(async () => (await readyz()) === 503, 10_000);
  expect(await metric('beacon_clickhouse_write_errors_total')).toBeGreaterThan(0);
  // Acknowledged, not stored: on disk in the spool meanwhile.
  expect(await metric('beacon_spool_bytes')).toBeGreaterThan(0);
  expect(segmentFiles(`${collector.dataDir}/spool`).length).toBeGreaterThan(0);

  // Backoff: attempts are spaced out, not a busy loop (100 ms doubling, so a few per second at most).
  const errorsAt = await metric('beacon_clickhouse_write_errors_total');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect((await metric('beacon_clickhouse_write_errors_total')) - errorsAt).toBeLessThan(6);

  await collector.storage.client.command({ query: 'ATTACH TABLE beacon.otel_traces' });
  await collector.writer.flush();
  expect(await readyz()).toBe(200);
  expect(segmentFiles(`${collector.dataDir}/spool`)).toEqual([]);

  const rows = await collector.query<{ SpanId: string; n: string }>(
    'SELECT SpanId, toString(count()) AS n FROM otel_traces GROUP BY SpanId',
  );
  expect(new Map(rows.map((row) => [row.SpanId, Number(row.n)]))).toEqual(
    new Map([...before, ...during].map((id) => [id, 1])),
  );
}, 60_000);
