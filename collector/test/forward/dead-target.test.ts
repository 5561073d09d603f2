// A dead forward target — a closed port, or one that takes the TCP connection and never answers — neither slows
// nor fails ingest: the receivers answer success as fast as a collector without forwarding (measured here as a
// behaviour check, not a benchmark), every span is stored, and /metrics shows the spans that could not be forwarded.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CollectorProcess, spawnCollector } from '../e2e/process.js';
import {
  closedPort,
  encodeProtobuf,
  eventually,
  sample,
  scrape,
  sendGrpc,
  sendHttp,
  startBlackhole,
} from './helpers.js';

const REQUESTS = 30;
const SPANS_PER_REQUEST = 50;
const QUEUE_MAX_SPANS = 200;

const dirs: string[] = [];
const children: CollectorProcess[] = [];
let blackhole: Awaited<ReturnType<typeof startBlackhole>>;

async function start(env: Record<string, string> = {}): Promise<CollectorProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'beacon-forward-dead-'));
  dirs.push(dataDir);
  const child = await spawnCollector({
    BEACON_DATA_DIR: dataDir,
    BEACON_FLUSH_INTERVAL_MS: '50',
    BEACON_SHUTDOWN_TIMEOUT_MS: '2000',
    BEACON_FORWARD_TIMEOUT_MS: '500',
    BEACON_FORWARD_QUEUE_MAX_SPANS: String(QUEUE_MAX_SPANS),
    ...env,
  });
  children.push(child);
  return child;
}

let baseline: CollectorProcess;
let toClosedPort: CollectorProcess;
let toBlackhole: CollectorProcess;

beforeAll(async () => {
  blackhole = await startBlackhole();
  [baseline, toClosedPort, toBlackhole] = await Promise.all([
    start(),
    start({ BEACON_FORWARD_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}` }),
    start({ BEACON_FORWARD_OTLP_ENDPOINT: `http://127.0.0.1:${blackhole.port}` }),
  ]);
});
afterAll(async () => {
  for (const child of children) {
    child.child.kill('SIGTERM');
    await child.exited;
  }
  await blackhole?.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function request(traceId: string): Buffer {
  const now = BigInt(Date.now()) * 1_000_000n;
  return encodeProtobuf({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'dead-target' } }] },
        scopeSpans: [
          {
            scope: { name: 'load' },
            spans: Array.from({ length: SPANS_PER_REQUEST }, (_, i) => ({
              traceId: Buffer.from(traceId, 'hex'),
              spanId: randomBytes(8),
              name: `step ${i}`,
              kind: 1,
              startTimeUnixNano: String(now + BigInt(i)),
              endTimeUnixNano: String(now + BigInt(i) + 1_000_000n),
            })),
          },
        ],
      },
    ],
  });
}

/** Sends REQUESTS requests one after another (alternating HTTP and gRPC); returns the elapsed ms and trace ids. */
async function ingest(collector: CollectorProcess): Promise<{ ms: number; traceIds: string[] }> {
  const traceIds = Array.from({ length: REQUESTS }, () => randomBytes(16).toString('hex'));
  const bodies = traceIds.map(request);
  const started = performance.now();
  for (const [i, body] of bodies.entries()) {
    if (i % 2 === 0) {
      const response = await sendHttp(`http://127.0.0.1:${collector.ports.http}`, body);
      expect(response.status).toBe(200);
    } else {
      expect(await sendGrpc(`127.0.0.1:${collector.ports.grpc}`, body)).toBeNull();
    }
  }
  return { ms: performance.now() - started, traceIds };
}

async function storedSpans(collector: CollectorProcess, traceIds: string[]): Promise<number> {
  let total = 0;
  for (const traceId of traceIds) {
    const response = await fetch(`http://127.0.0.1:${collector.ports.api}/api/v1/traces/${traceId}`);
    if (response.status !== 200) continue;
    total += ((await response.json()) as { spans: unknown[] }).spans.length;
  }
  return total;
}

describe.each([
  ['a closed port', () => toClosedPort],
  ['a target that accepts TCP and never answers', () => toBlackhole],
])('forwarding to %s', (_name, collector) => {
  test('does not slow or fail ingest, and counts the spans it could not forward', async () => {
    // Warm both (connections, JIT), then measure the same load against each.
    await ingest(baseline);
    await ingest(collector());
    const withoutForwarding = await ingest(baseline);
    const withDeadTarget = await ingest(collector());
    expect(withDeadTarget.ms).toBeLessThan(withoutForwarding.ms * 3 + 500);

    const expected = REQUESTS * SPANS_PER_REQUEST;
    await eventually('every span stored', async () =>
      (await storedSpans(collector(), withDeadTarget.traceIds)) === expected ? true : undefined,
    );

    const metrics = await scrape(`http://127.0.0.1:${collector().ports.api}`);
    expect(sample(metrics, 'beacon_forward_spans_total{outcome="sent"}')).toBe(0);
    // Two loads (warm-up and measured) went through a 200-span queue: every span is either waiting (queued or in
    // the call that hangs) or counted dropped; none made ingest wait.
    const dropped = sample(metrics, 'beacon_forward_spans_total{outcome="dropped"}')!;
    const waiting = sample(metrics, 'beacon_forward_queue_spans')!;
    expect(dropped + waiting).toBe(2 * expected);
    expect(dropped).toBeGreaterThan(0);
    expect(waiting).toBeLessThanOrEqual(2 * QUEUE_MAX_SPANS);
    expect(sample(metrics, 'beacon_spans_rejected_total{reason="queue_full"}')).toBe(0);
    expect(collector().logs.some((line) => line.includes('forward queue full'))).toBe(true);
  });
});

test('shutting down with a dead target ends within the shutdown timeout, the unsent spans counted as dropped', async () => {
  const started = performance.now();
  toBlackhole.child.kill('SIGTERM');
  expect(await toBlackhole.exited).toBe(0);
  expect(performance.now() - started).toBeLessThan(2000 + 3000);
  const stopped = toBlackhole.logs.find((line) => line.includes('unsent spans dropped'));
  expect(stopped).toBeDefined();
});
