// Acceptance: a collector with BEACON_FORWARD_OTLP_ENDPOINT pointing at a second Beacon collector (its own process,
// its own embedded ClickHouse) — every span it accepted over gRPC, HTTP protobuf and HTTP JSON is stored by the
// second one exactly as by the first, field by field, as the query API shows them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TraceDetailResponse } from '../../src/contract/index.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { type CollectorProcess, spawnCollector } from '../e2e/process.js';
import {
  encodeJson,
  encodeProtobuf,
  eventually,
  sample,
  scrape,
  sendGrpc,
  sendHttp,
  variedRequest,
} from './helpers.js';

let second: CollectorProcess;
let secondDataDir: string;
let first: TestCollector;
const secondApi = () => `http://127.0.0.1:${second.ports.api}`;

beforeAll(async () => {
  secondDataDir = await mkdtemp(path.join(tmpdir(), 'beacon-forward-target-'));
  second = await spawnCollector({ BEACON_DATA_DIR: secondDataDir, BEACON_FLUSH_INTERVAL_MS: '50' });
  first = await startTestCollector({ forwardOtlpEndpoint: `http://127.0.0.1:${second.ports.grpc}` });
});
afterAll(async () => {
  await first?.dispose();
  if (second) {
    second.child.kill('SIGTERM');
    await second.exited;
  }
  if (secondDataDir) await rm(secondDataDir, { recursive: true, force: true });
});

async function traceFrom(apiUrl: string, traceId: string): Promise<TraceDetailResponse | undefined> {
  const response = await fetch(`${apiUrl}/api/v1/traces/${traceId}`);
  if (response.status === 404) return undefined;
  expect(response.status).toBe(200);
  return (await response.json()) as TraceDetailResponse;
}

test('every span the first collector accepts is stored unchanged by the second', async () => {
  const requests = [variedRequest('grpc'), variedRequest('protobuf'), variedRequest('json')];
  expect(await sendGrpc(`127.0.0.1:${first.ports.grpc}`, encodeProtobuf(requests[0]!.object))).toBeNull();
  expect((await sendHttp(first.httpUrl, encodeProtobuf(requests[1]!.object))).status).toBe(200);
  expect((await sendHttp(first.httpUrl, encodeJson(requests[2]!.object))).status).toBe(200);
  await first.writer.flush();

  const traceIds = requests.flatMap((request) => request.traceIds);
  for (const traceId of traceIds) {
    const original = await traceFrom(first.apiUrl, traceId);
    expect(original, `trace ${traceId} stored by the first collector`).toBeDefined();
    // The second collector writes a batch's tables one insert after another (spans, GenAI facts, failures), so
    // wait until the trace is complete there, summary included, not just until its spans are.
    const forwarded = await eventually(`trace ${traceId} on the second collector`, async () => {
      const trace = await traceFrom(secondApi(), traceId);
      const complete =
        trace &&
        trace.spans.length === original!.spans.length &&
        trace.trace.failureCategories.length === original!.trace.failureCategories.length;
      return complete ? trace : undefined;
    });
    // Field by field: ids, names, kinds, times, attributes, events, links, status, resource, scope and version,
    // trace state, and everything Beacon derives from them (GenAI facts, trace summary).
    expect(forwarded.spans).toEqual(original!.spans);
    expect(forwarded.trace).toEqual(original!.trace);
  }

  // The same rows in both: compared above through the API; here the first's raw table for the ids and count.
  const rows = await first.query<{ SpanName: string; TraceState: string; ScopeVersion: string }>(
    'SELECT SpanName, TraceState, ScopeVersion FROM otel_traces WHERE TraceId IN {ids:Array(String)} ORDER BY SpanName',
    { ids: traceIds },
  );
  expect(rows).toHaveLength(3 * requests[0]!.validSpans);
  expect(rows.filter((row) => row.TraceState === 'vendor=a,other=b')).toHaveLength(3);
  expect(rows.filter((row) => row.ScopeVersion === '0.9.1')).toHaveLength(9);
  expect(rows.some((row) => row.SpanName === 'invalid span')).toBe(false);

  const detail = (await traceFrom(secondApi(), requests[2]!.traceIds[0]!))!;
  const root = detail.spans.find((span) => span.name === 'invoke_agent json')!;
  expect(root).toMatchObject({
    kind: 'Server',
    traceState: 'vendor=a,other=b',
    scopeVersion: '0.9.1',
    statusCode: 'Ok',
  });
  expect(root.attributes).toMatchObject({ 'int.big': '9007199254740993', 'double.whole': '1', bool: 'true' });
  expect(root.events.map((event) => event.name)).toEqual(['gen_ai.user.message', 'exception']);
  expect(root.links).toHaveLength(1);

  const metrics = await scrape(first.apiUrl);
  expect(sample(metrics, 'beacon_forward_spans_total{outcome="sent"}')).toBe(3 * requests[0]!.validSpans);
  expect(sample(metrics, 'beacon_forward_spans_total{outcome="dropped"}')).toBe(0);
});
