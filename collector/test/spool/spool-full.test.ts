// A full spool pushes back: OTLP/HTTP 429 with Retry-After (the OTLP retryable answer), and once ClickHouse has
// stored what is spooled, the same client is accepted again. Nothing acknowledged is lost on the way.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { jsonBatch, newSpanIds, segmentFiles } from './helpers.js';

let collector: TestCollector;
beforeAll(async () => {
  // Nothing is written until flush(): the first batch stays spooled and fills the 4 KB spool.
  collector = await startTestCollector({
    spoolMaxBytes: '4000',
    flushIntervalMs: '600000',
    batchSpans: '100000',
  });
});
afterAll(async () => {
  await collector?.dispose();
});

const post = (body: string) =>
  fetch(`${collector.httpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });

test('spool full → 429 Retry-After; accepted again after ClickHouse confirms; every acknowledged span stored once', async () => {
  const first = newSpanIds(20);
  const accepted = await post(jsonBatch(first));
  expect(accepted.status).toBe(200);
  // Acknowledged means on disk: the batch is in a spool segment before the answer.
  expect(segmentFiles(`${collector.dataDir}/spool`)).toHaveLength(1);

  const refused = await post(jsonBatch(newSpanIds(5)));
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  await refused.arrayBuffer();

  await collector.writer.flush();
  expect(segmentFiles(`${collector.dataDir}/spool`)).toEqual([]);
  const second = newSpanIds(5);
  expect((await post(jsonBatch(second))).status).toBe(200);

  const rows = await collector.query<{ SpanId: string; n: string }>(
    'SELECT SpanId, toString(count()) AS n FROM otel_traces GROUP BY SpanId',
  );
  expect(new Map(rows.map((row) => [row.SpanId, Number(row.n)]))).toEqual(
    new Map([...first, ...second].map((id) => [id, 1])),
  );
  const metrics = await (await fetch(`${collector.apiUrl}/metrics`)).text();
  expect(metrics).toMatch(/beacon_spans_rejected_total\{reason="queue_full"\} 5/);
  expect(metrics).toMatch(/beacon_spool_bytes 0/);
});
