// Spans forwarded to BEACON_FORWARD_OTLP_ENDPOINT arrive exactly as sent, on the wire: every OTLP field with its
// type (checked by decoding what a gRPC OTLP target received), whichever protocol brought them in; spans the
// collector rejected are not forwarded; a target that is down and comes back later receives the queued spans.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import {
  encodeJson,
  encodeProtobuf,
  eventually,
  type GrpcCapture,
  sample,
  scrape,
  sendGrpc,
  sendHttp,
  startGrpcCapture,
  variedRequest,
  wireView,
  wireViewOf,
  withoutInvalidSpans,
} from './helpers.js';

let capture: GrpcCapture;
let collector: TestCollector;

beforeAll(async () => {
  capture = await startGrpcCapture();
  collector = await startTestCollector(
    { forwardOtlpEndpoint: `http://127.0.0.1:${capture.port}`, forwardTimeoutMs: '1000' },
    { captureLogs: true, logLevel: 'info' },
  );
});
afterAll(async () => {
  await collector?.dispose();
  await capture?.close();
});

/** Every ResourceSpans the target received, in order, across however many requests the forwarder batched. */
function receivedResourceSpans(): unknown[] {
  return capture.requests.flatMap((bytes) => (wireView(bytes).resourceSpans as unknown[]) ?? []);
}

test('spans received over gRPC, HTTP protobuf and HTTP JSON are forwarded unchanged, rejected ones not at all', async () => {
  const viaGrpc = variedRequest('grpc');
  const viaProtobuf = variedRequest('protobuf');
  const viaJson = variedRequest('json');

  expect(await sendGrpc(`127.0.0.1:${collector.ports.grpc}`, encodeProtobuf(viaGrpc.object))).toBeNull();
  expect((await sendHttp(collector.httpUrl, encodeProtobuf(viaProtobuf.object))).status).toBe(200);
  expect((await sendHttp(collector.httpUrl, encodeJson(viaJson.object))).status).toBe(200);

  const expected = [viaGrpc, viaProtobuf, viaJson].flatMap(
    (sent) => wireViewOf(withoutInvalidSpans(sent.object)).resourceSpans as unknown[],
  );
  const received = await eventually('the forwarded spans', () =>
    receivedResourceSpans().length >= expected.length ? receivedResourceSpans() : undefined,
  );
  expect(received).toEqual(expected);

  // Spot checks of what a lossy re-encoding would get wrong, on the JSON-sent copy.
  const jsonCopy = JSON.stringify(received[4]);
  expect(jsonCopy).toContain('"key":"double.whole","value":{"doubleValue":1}');
  expect(jsonCopy).toContain('"key":"int.big","value":{"intValue":"9007199254740993"}');
  expect(jsonCopy).toContain('"flags":769');
  expect(jsonCopy).not.toContain('invalid span');

  const spans = 3 * viaGrpc.validSpans;
  expect(collector.forwarders.spans?.stats).toMatchObject({ sent: spans, dropped: 0, failed: 0 });
  expect(sample(await scrape(collector.apiUrl), 'beacon_forward_spans_total{outcome="sent"}')).toBe(spans);
});

test('a target that fails and then recovers receives the queued spans (retry with backoff)', async () => {
  const before = collector.forwarders.spans!.stats.sent;
  capture.requests.length = 0;
  capture.failWith = grpc.status.UNAVAILABLE;
  const sent = variedRequest('retry');
  expect((await sendHttp(collector.httpUrl, encodeProtobuf(sent.object))).status).toBe(200);

  await eventually('a failed forward attempt', () =>
    collector.logs.some((line) => line.includes('forwarding spans failed: retrying')) ? true : undefined,
  );
  expect(collector.forwarders.spans!.stats.queueDepth).toBe(sent.validSpans);
  capture.failWith = null;

  await eventually('the retried spans', () => (capture.requests.length > 0 ? true : undefined));
  expect(receivedResourceSpans()).toEqual(wireViewOf(withoutInvalidSpans(sent.object)).resourceSpans);
  await eventually('the queue to empty once the target answers', () =>
    collector.forwarders.spans!.stats.queueDepth === 0 ? true : undefined,
  );
  expect(collector.forwarders.spans!.stats).toMatchObject({
    sent: before + sent.validSpans,
    dropped: 0,
    failed: 0,
    queueDepth: 0,
  });
});

test('a target that goes away and comes back on the same port receives the spans queued meanwhile', async () => {
  const port = capture.port;
  await capture.close();
  const sent = variedRequest('outage');
  expect(await sendGrpc(`127.0.0.1:${collector.ports.grpc}`, encodeProtobuf(sent.object))).toBeNull();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(collector.forwarders.spans!.stats.queueDepth).toBe(sent.validSpans);

  capture = await startGrpcCapture(port);
  await eventually('the spans queued during the outage', () =>
    capture.requests.length > 0 ? true : undefined,
  );
  expect(receivedResourceSpans()).toEqual(wireViewOf(withoutInvalidSpans(sent.object)).resourceSpans);
  // The target has the request before the forwarder has its answer; the queue empties on the answer.
  await eventually('the queue to empty once the target answers', () =>
    collector.forwarders.spans!.stats.queueDepth === 0 ? true : undefined,
  );
});
