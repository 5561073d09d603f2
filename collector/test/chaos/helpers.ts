// Shared by the chaos and soak tests: a collector child's /metrics, polling with deadlines, and what the embedded
// ClickHouse holds once the child has exited (one chDB per data directory, so never while it runs).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { createClickHouse } from '../../src/storage/index.js';

/** The preload that fails ClickHouse requests while a file exists (see clickhouse-faults.mjs). */
export const FAULTS_PRELOAD = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'clickhouse-faults.mjs',
);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** NODE_OPTIONS for a child: the test runner's own plus `extra`. */
export const nodeOptions = (...extra: string[]) =>
  [process.env.NODE_OPTIONS ?? '', ...extra].filter(Boolean).join(' ');

/** Polls `condition` every `intervalMs` until it holds; fails naming `what` after `timeoutMs`. */
export async function until(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** Prometheus text → value of a metric, summed over its label sets; NaN when absent. */
export function metricValue(text: string, name: string): number {
  let sum = Number.NaN;
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) {
    sum = (Number.isNaN(sum) ? 0 : sum) + Number(match[1]);
  }
  return sum;
}

export async function scrape(apiUrl: string): Promise<string> {
  const res = await fetch(`${apiUrl}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

export async function metric(apiUrl: string, name: string): Promise<number> {
  return metricValue(await scrape(apiUrl), name);
}

/** Per span id, how many rows otel_traces holds. Only after the collector using `dataDir` has exited. */
export async function storedCounts(dataDir: string): Promise<Map<string, number>> {
  const storage = await createClickHouse({ database: 'beacon', dataDir });
  try {
    const result = await storage.client.query({
      query: 'SELECT SpanId, toString(count()) AS n FROM otel_traces GROUP BY SpanId',
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ SpanId: string; n: string }>();
    return new Map(rows.map((row) => [row.SpanId, Number(row.n)]));
  } finally {
    await storage.close();
  }
}

/** Every acknowledged span id is stored, and no span id is stored more than once. */
export function expectStoredExactlyOnce(counts: ReadonlyMap<string, number>, acked: Iterable<string>): void {
  const missing: string[] = [];
  for (const id of acked) if (!counts.has(id)) missing.push(id);
  // Only a sample in the failure message: tens of thousands of ids would bury it.
  expect({ missing: missing.length, sample: missing.slice(0, 5) }).toEqual({ missing: 0, sample: [] });
  const duplicated = [...counts].filter(([, n]) => n !== 1);
  expect({ duplicated: duplicated.length, sample: duplicated.slice(0, 5) }).toEqual({
    duplicated: 0,
    sample: [],
  });
}
