// The memory limiter: with the heap above BEACON_MEMORY_LIMIT_MIB's soft limit, requests are refused with OTLP's
// retryable answers (429 + Retry-After, gRPC UNAVAILABLE + RetryInfo) before their body is even read, nothing is
// stored, and /metrics counts the refusals.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { jsonBatch, newSpanIds } from './helpers.js';

let collector: TestCollector;
beforeAll(async () => {
  // 1 MiB: any running Node heap is above it.
  collector = await startTestCollector({ memoryLimitMib: '1' });
});
afterAll(async () => {
  await collector?.dispose();
});

test('above the heap limit: 429 with Retry-After, nothing stored, refusals on /metrics', async () => {
  const res = await fetch(`${collector.httpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: jsonBatch(newSpanIds(7)),
  });
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe('1');
  await res.arrayBuffer();

  const [stored] = await collector.query<{ n: string }>('SELECT toString(count()) AS n FROM otel_traces');
  expect(stored!.n).toBe('0');
  const metrics = await (await fetch(`${collector.apiUrl}/metrics`)).text();
  expect(metrics).toMatch(/beacon_memory_limiter_refused_requests_total 1/);
  expect(metrics).toMatch(/beacon_memory_limiter_forced_gcs_total [1-9]/);
  expect(metrics).toMatch(/beacon_memory_limit_bytes 1048576/);
});
