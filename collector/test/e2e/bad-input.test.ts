// Acceptance: every bad input gets its status and a message naming the problem, nothing valid is lost, and the
// collector keeps serving afterwards (HTTP and gRPC).
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from './harness.js';

let collector: TestCollector;
beforeAll(async () => {
  collector = await startTestCollector({ maxRequestBytes: String(64 * 1024) });
});
afterAll(async () => {
  await collector?.dispose();
});

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** Now: older spans would fall outside the retention TTL and never be stored. */
const NOW_NS = BigInt(Date.now()) * 1_000_000n;

function span(traceId: string, spanId: string, overrides: Record<string, unknown> = {}) {
  return {
    traceId,
    spanId,
    name: 'chat gpt-4o-mini',
    kind: 3,
    startTimeUnixNano: String(NOW_NS),
    endTimeUnixNano: String(NOW_NS + 1_000_000_000n),
    ...overrides,
  };
}

function request(spans: unknown[]) {
  return { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] };
}

async function post(body: string | Buffer, headers: Record<string, string>) {
  const res = await fetch(`${collector.httpUrl}/v1/traces`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers };
}

async function storedSpanIds(traceId: string): Promise<string[]> {
  const rows = await collector.query<{ SpanId: string }>(
    'SELECT SpanId FROM otel_traces WHERE TraceId = {t:String} ORDER BY SpanId',
    {
      t: traceId,
    },
  );
  return rows.map((r) => r.SpanId);
}

test('HTTP: malformed protobuf → 400 naming the problem', async () => {
  const res = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), {
    'content-type': 'application/x-protobuf',
  });
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toContain('application/x-protobuf');
  expect(res.text.length).toBeGreaterThan(0);
});

test('HTTP: malformed JSON → 400 with a JSON google.rpc.Status message', async () => {
  const res = await post('{"resourceSpans": [', { 'content-type': 'application/json' });
  expect(res.status).toBe(400);
  expect(JSON.parse(res.text).message).toMatch(/json/i);

  const wrongShape = await post(JSON.stringify({ resourceSpans: 'nope' }), {
    'content-type': 'application/json',
  });
  expect(wrongShape.status).toBe(400);
  expect(JSON.parse(wrongShape.text).message).toMatch(/resourceSpans/);
});

test('HTTP: wrong content type → 415; too large (raw or after gunzip) → 413', async () => {
  const wrongType = await post('hello', { 'content-type': 'text/plain' });
  expect(wrongType.status).toBe(415);
  expect(wrongType.text).toMatch(/application\/x-protobuf|application\/json/);

  const big = JSON.stringify(request([span(hex(16), hex(8), { name: 'x'.repeat(100 * 1024) })]));
  expect((await post(big, { 'content-type': 'application/json' })).status).toBe(413);
  const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
  expect(bomb.length).toBeLessThan(64 * 1024);
  const res = await post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  expect(res.status).toBe(413);
});

test('HTTP: invalid ids or timestamps reject only those spans (partial_success); the rest are stored', async () => {
  const traceId = hex(16);
  const good = [hex(8), hex(8)];
  const body = request([
    span(traceId, good[0]!),
    span(traceId, 'zz'),
    span('00000000000000000000000000000000', hex(8)),
    span(traceId, hex(8), { startTimeUnixNano: '0' }),
    span(traceId, good[1]!),
  ]);
  const res = await post(JSON.stringify(body), { 'content-type': 'application/json' });
  expect(res.status).toBe(200);
  const answer = JSON.parse(res.text);
  expect(Number(answer.partialSuccess.rejectedSpans)).toBe(3);
  expect(answer.partialSuccess.errorMessage).toMatch(/spanId|traceId|time/i);
  expect(await storedSpanIds(traceId)).toEqual([...good].sort());
});

test('gRPC: garbage bytes → INVALID_ARGUMENT, and the collector keeps serving both protocols', async () => {
  const client = new grpc.Client(`127.0.0.1:${collector.ports.grpc}`, grpc.credentials.createInsecure());
  const code = await new Promise<number>((resolve) => {
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]),
      (err) => resolve(err?.code ?? grpc.status.OK),
    );
  });
  client.close();
  expect(code).toBe(grpc.status.INVALID_ARGUMENT);

  const traceId = hex(16);
  const spanId = hex(8);
  const res = await post(gzipSync(JSON.stringify(request([span(traceId, spanId)]))), {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
  });
  expect(res.status).toBe(200);
  expect(await storedSpanIds(traceId)).toEqual([spanId]);
  expect((await fetch(`${collector.apiUrl}/healthz`)).status).toBe(200);
});
