// Limits on what a client controls, seen from the client and from the stored trace: oversized requests are refused
// naming the limit, oversized spans are stored cut down and flagged.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TraceDetailResponse } from '../../src/contract/index.js';
import { ExportTraceServiceRequest } from '../../src/receivers/otlp-proto.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { type AttrInput, newTraceId, postTraces, type SpanSpec, traceRequest } from '../support/otlp-json.js';

let collector: TestCollector;
beforeAll(async () => {
  collector = await startTestCollector({
    maxSpansPerRequest: '20',
    maxJsonDepth: '32',
    maxAttributesPerSpan: '5',
    maxAttributeValueChars: '100',
    maxEventsPerSpan: '3',
    maxLinksPerSpan: '2',
  });
});
afterAll(async () => {
  await collector?.dispose();
});

async function trace(traceId: string): Promise<TraceDetailResponse> {
  await collector.writer.flush();
  const res = await fetch(`${collector.apiUrl}/api/v1/traces/${traceId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as TraceDetailResponse;
}

async function storedCount(traceId: string): Promise<number> {
  const rows = await collector.query<{ n: string }>(
    'SELECT count() AS n FROM otel_traces WHERE TraceId = {t:String}',
    { t: traceId },
  );
  return Number(rows[0]?.n ?? 0);
}

const spans = (n: number): SpanSpec[] =>
  Array.from({ length: n }, (_, i) => ({ name: `step ${i}`, attributes: {} }));

test('a request over BEACON_MAX_SPANS_PER_REQUEST is refused whole with 400 naming the limit', async () => {
  const traceId = newTraceId();
  const res = await postTraces(collector.httpUrl, traceRequest('svc', spans(21), traceId));
  expect(res.status).toBe(400);
  expect(JSON.parse(res.text).message).toMatch(/21 spans.*BEACON_MAX_SPANS_PER_REQUEST=20/);

  const atLimit = newTraceId();
  const ok = await postTraces(collector.httpUrl, traceRequest('svc', spans(20), atLimit));
  expect(ok.status).toBe(200);
  expect(await storedCount(traceId)).toBe(0);
  expect(await storedCount(atLimit)).toBe(20);
});

test('gRPC: a request over the span limit gets INVALID_ARGUMENT naming the limit', async () => {
  const request = JSON.parse(traceRequest('svc', spans(25))) as object;
  // OTLP/JSON ids are hex; protobufjs wants bytes.
  const json = JSON.stringify(request).replace(/"(traceId|spanId)":"([0-9a-f]+)"/g, (_, k, hex) => {
    return `"${k}":"${Buffer.from(hex, 'hex').toString('base64')}"`;
  });
  const bytes = ExportTraceServiceRequest.encode(
    ExportTraceServiceRequest.fromObject(JSON.parse(json)),
  ).finish();
  const client = new grpc.Client(`127.0.0.1:${collector.ports.grpc}`, grpc.credentials.createInsecure());
  const error = await new Promise<grpc.ServiceError | null>((resolve) => {
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(bytes),
      (err) => resolve(err),
    );
  });
  client.close();
  expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
  expect(error?.details).toMatch(/25 spans.*BEACON_MAX_SPANS_PER_REQUEST=20/);
});

test('OTLP/JSON nested deeper than BEACON_MAX_JSON_DEPTH is refused with 400, even 100 000 levels deep', async () => {
  let value: unknown = { stringValue: 'leaf' };
  for (let i = 0; i < 10; i++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
  const traceId = newTraceId();
  const body = JSON.parse(traceRequest('svc', [{ name: 'deep', attributes: {} }], traceId));
  body.resourceSpans[0].scopeSpans[0].spans[0].attributes = [{ key: 'nested', value }];
  const res = await postTraces(collector.httpUrl, JSON.stringify(body));
  expect(res.status).toBe(400);
  expect(JSON.parse(res.text).message).toContain('BEACON_MAX_JSON_DEPTH=32');

  const hostile = `{"resourceSpans":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const hostileRes = await postTraces(collector.httpUrl, hostile);
  expect(hostileRes.status).toBe(400);

  // Still serving, and a shallow request is stored.
  const ok = await postTraces(collector.httpUrl, traceRequest('svc', spans(1), traceId));
  expect(ok.status).toBe(200);
  expect(await storedCount(traceId)).toBe(1);
});

test('a span over the attribute limits is stored with its first attributes, values cut, and flagged', async () => {
  const traceId = newTraceId();
  const attributes: Record<string, AttrInput> = {};
  for (let i = 0; i < 8; i++) attributes[`attr.${i}`] = `value ${i}`;
  attributes['attr.1'] = 'x'.repeat(500);
  const res = await postTraces(
    collector.httpUrl,
    traceRequest(
      'svc',
      [
        { name: 'big', attributes },
        { name: 'small', attributes: { a: 'short' } },
      ],
      traceId,
    ),
  );
  expect(res.status).toBe(200);

  const detail = await trace(traceId);
  const big = detail.spans.find((s) => s.name === 'big')!;
  expect(Object.keys(big.attributes).filter((k) => k.startsWith('attr.'))).toEqual([
    'attr.0',
    'attr.1',
    'attr.2',
    'attr.3',
    'attr.4',
  ]);
  expect(big.attributes['attr.1']).toBe('x'.repeat(100));
  expect(big.attributes['beacon.truncated']).toBe('true');
  expect(big.attributes['beacon.dropped_attributes_count']).toBe('3');

  const small = detail.spans.find((s) => s.name === 'small')!;
  expect(small.attributes).toEqual({ a: 'short' });

  const metrics = await (await fetch(`${collector.apiUrl}/metrics`)).text();
  expect(metrics).toMatch(/^beacon_spans_truncated_total [1-9]/m);
});

test('a span over the event and link limits keeps its first ones, counted and flagged', async () => {
  const traceId = newTraceId();
  const body = JSON.parse(traceRequest('svc', [{ name: 'chatty', attributes: {} }], traceId));
  const span = body.resourceSpans[0].scopeSpans[0].spans[0];
  span.events = Array.from({ length: 5 }, (_, i) => ({
    name: `event ${i}`,
    timeUnixNano: span.startTimeUnixNano,
    attributes: [],
  }));
  span.links = Array.from({ length: 4 }, () => ({ traceId: newTraceId(), spanId: '0102030405060708' }));
  expect((await postTraces(collector.httpUrl, JSON.stringify(body))).status).toBe(200);

  const chatty = (await trace(traceId)).spans[0]!;
  expect(chatty.events.map((e) => e.name)).toEqual(['event 0', 'event 1', 'event 2']);
  expect(chatty.links.map((l) => l.traceId)).toEqual(
    span.links.slice(0, 2).map((l: { traceId: string }) => l.traceId),
  );
  expect(chatty.attributes).toMatchObject({
    'beacon.truncated': 'true',
    'beacon.dropped_events_count': '2',
    'beacon.dropped_links_count': '2',
  });
});
