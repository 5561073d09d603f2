// Export and import: a trace exported from one collector and imported into an empty one (a second collector
// process, with its own data directory: the embedded engine binds one per process) exports back identically.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type {
  SpanAnnotationsResponse,
  TraceExportJson,
  TraceImportResponse,
  TraceListResponse,
} from '../../src/contract/index.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { type CollectorProcess, spawnCollector } from '../e2e/process.js';
import { postTraces } from '../support/otlp-json.js';
import {
  type ApiTraceSpec,
  api,
  expectBadRequest,
  getOk,
  newSpanId,
  newTraceId,
  otlpRequest,
  sendTraces,
} from './helpers.js';

let source: TestCollector;
let target: CollectorProcess;
let targetDir: string;
let targetApi: string;

function richTrace(traceId: string, service: string): ApiTraceSpec {
  const root = newSpanId();
  const chat = newSpanId();
  return {
    traceId,
    service,
    resource: { 'deployment.environment': 'staging', 'host.cores': 8 },
    scopeVersion: '0.9.1',
    startMs: Date.now() - 30_000,
    spans: [
      {
        name: 'invoke_agent travel-planner',
        spanId: root,
        kind: 2,
        durationMs: 2500.123456,
        traceState: 'rojo=00f067aa0ba902b7',
        attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'travel-planner' },
        links: [
          { traceId: newTraceId(), spanId: newSpanId(), attributes: { reason: 'retry of', attempt: 2 } },
        ],
      },
      {
        name: 'chat gpt-4o-mini',
        spanId: chat,
        parent: root,
        startOffsetMs: 12.5,
        durationMs: 1500,
        kind: 3,
        events: [
          { name: 'gen_ai.content.chunk', offsetMs: 100, attributes: { index: 0, final: false } },
          { name: 'exception', offsetMs: 1400, attributes: { 'exception.type': 'Timeout' } },
        ],
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
          'gen_ai.usage.input_tokens': 1500,
          'gen_ai.usage.output_tokens': 250,
          'gen_ai.usage.cache_read.input_tokens': 500,
          'gen_ai.request.temperature': 0.7,
          'gen_ai.response.finish_reasons': ['stop'],
          'gen_ai.input.messages': JSON.stringify([
            {
              role: 'system',
              parts: [{ type: 'text', content: 'Plan trips, "carefully", <briefly> & well.' }],
            },
            { role: 'user', parts: [{ type: 'text', content: 'Two days in Lisbon — café ☕ tips?' }] },
          ]),
          'gen_ai.output.messages': JSON.stringify([
            {
              role: 'assistant',
              parts: [{ type: 'text', content: 'Day 1: Alfama.' }],
              finish_reason: 'stop',
            },
          ]),
          'app.flags': ['a', 'b'],
          'app.retry': true,
        },
      },
      {
        name: 'execute_tool get_weather',
        parent: root,
        startOffsetMs: 1600,
        durationMs: 80,
        error: 'upstream 503',
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'get_weather',
          'gen_ai.tool.call.id': 'call_42',
        },
      },
    ],
  };
}

const sourceTrace = newTraceId();
const otlpTrace = newTraceId();

beforeAll(async () => {
  targetDir = await mkdtemp(path.join(tmpdir(), 'beacon-import-target-'));
  [source, target] = await Promise.all([
    startTestCollector(),
    spawnCollector({ BEACON_DATA_DIR: targetDir, BEACON_FLUSH_INTERVAL_MS: '50' }),
  ]);
  targetApi = `http://127.0.0.1:${target.ports.api}`;
  await sendTraces(source.httpUrl, [richTrace(sourceTrace, 'travel'), richTrace(otlpTrace, 'travel-otlp')]);
  await source.writer.flush();
});
afterAll(async () => {
  await source?.dispose();
  if (target) {
    target.child.kill('SIGTERM');
    await target.exited;
  }
  if (targetDir) await rm(targetDir, { recursive: true, force: true });
});

describe('export → import into an empty collector → export', () => {
  test('format=json: the identical document, tags and annotations included', async () => {
    const chatSpanId = (
      await getOk<TraceExportJson>(source.apiUrl, `/api/v1/traces/${sourceTrace}/export`)
    ).spans.find((s) => s.genai?.operation === 'chat')!.spanId;
    await api(source.apiUrl, `/api/v1/traces/${sourceTrace}/tags`, {
      method: 'PUT',
      json: { tags: ['golden', 'lisbon'] },
    });
    const annotated = await api<SpanAnnotationsResponse>(
      source.apiUrl,
      `/api/v1/spans/${sourceTrace}/${chatSpanId}/annotations`,
      { method: 'PUT', json: { annotations: [{ text: 'Good answer', author: 'qa' }] } },
    );
    expect(annotated.status).toBe(200);

    const exported = await api<TraceExportJson>(
      source.apiUrl,
      `/api/v1/traces/${sourceTrace}/export?format=json`,
    );
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toBe(
      `attachment; filename="trace-${sourceTrace}.json"`,
    );
    const doc = exported.body;
    expect(doc.format).toBe('beacon.trace.v1');
    expect(doc.trace.tags).toEqual(['golden', 'lisbon']);
    expect(doc.spans).toHaveLength(3);
    expect(doc.spans.find((s) => s.spanId === chatSpanId)!.annotations).toEqual(annotated.body.annotations);

    const imported = await api<TraceImportResponse>(targetApi, '/api/v1/traces/import', {
      method: 'POST',
      json: doc,
    });
    expect(imported.status).toBe(200);
    expect(imported.body).toEqual({ imported: 3, traceIds: [sourceTrace] });

    const roundTrip = await getOk<TraceExportJson>(
      targetApi,
      `/api/v1/traces/${sourceTrace}/export?format=json`,
    );
    expect(roundTrip).toEqual(doc);
    expect(JSON.stringify(roundTrip)).toBe(exported.text);

    // Importing again adds nothing.
    const again = await api<TraceImportResponse>(targetApi, '/api/v1/traces/import', {
      method: 'POST',
      json: doc,
    });
    expect(again.body).toEqual({ imported: 0, traceIds: [sourceTrace] });
    const { traces } = await getOk<TraceListResponse>(targetApi, `/api/v1/traces?q=${sourceTrace}`);
    expect(traces.map((t) => t.spanCount)).toEqual([3]);
  });

  test('format=otlp: an OTLP/JSON request the collector ingests, importing to the same trace', async () => {
    const otlp = await api<{ resourceSpans: unknown[] }>(
      source.apiUrl,
      `/api/v1/traces/${otlpTrace}/export?format=otlp`,
    );
    expect(otlp.status).toBe(200);
    expect(otlp.headers.get('content-disposition')).toBe(
      `attachment; filename="trace-${otlpTrace}.otlp.json"`,
    );
    expect(otlp.body.resourceSpans).toHaveLength(1);
    const json = await getOk<TraceExportJson>(source.apiUrl, `/api/v1/traces/${otlpTrace}/export`);

    const imported = await api<TraceImportResponse>(targetApi, '/api/v1/traces/import', {
      method: 'POST',
      json: otlp.body,
    });
    expect(imported.body).toEqual({ imported: 3, traceIds: [otlpTrace] });
    expect(await getOk<TraceExportJson>(targetApi, `/api/v1/traces/${otlpTrace}/export`)).toEqual(json);

    // The collector's own OTLP/HTTP receiver takes the document as it is.
    expect((await postTraces(source.httpUrl, otlp.text)).status).toBe(200);
  });

  test('format=csv: a header and one row per span', async () => {
    const csv = await api(source.apiUrl, `/api/v1/traces/${sourceTrace}/export?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = csv.text.trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 4)).toEqual(['traceId', 'spanId', 'parentSpanId', 'name']);
    expect(header).toContain('costUsd');
    // Quoted fields (the attributes JSON) hold commas and doubled quotes but no line breaks.
    expect(lines).toHaveLength(4);
    const chat = lines.find((line) => line.includes('chat gpt-4o-mini'))!;
    expect(chat.startsWith(`${sourceTrace},`)).toBe(true);
    expect(chat).toContain('"{""gen_ai.operation.name"":""chat""');
    expect(chat).toContain(',1500,250,');
  });
});

describe('POST /api/v1/traces/import rejects what it cannot import', () => {
  test('400 for bodies that are neither format, 415 for other content types', async () => {
    const post = (body: string, contentType = 'application/json') =>
      api(targetApi, '/api/v1/traces/import', {
        method: 'POST',
        body,
        headers: { 'content-type': contentType },
      });
    expectBadRequest(await post('{"format":"beacon.trace.v1"'), 'body');
    expectBadRequest(await post('[]'), 'body');
    expectBadRequest(await post('{"hello":"world"}'), 'body');
    expectBadRequest(
      await post('{"format":"beacon.trace.v1","trace":{"traceId":"xyz"},"spans":[]}'),
      'body.trace.traceId',
    );
    const doc = await getOk<TraceExportJson>(source.apiUrl, `/api/v1/traces/${sourceTrace}/export`);
    const broken = structuredClone(doc);
    broken.spans[1]!.startTimeUnixNano = 'soon';
    expectBadRequest(await post(JSON.stringify(broken)), 'body.spans[1].startTimeUnixNano');
    expectBadRequest(
      await post(otlpRequest([{ service: 's', spans: [{ name: 'x', spanId: 'zz' }] }])),
      'body',
    );
    expect((await post(JSON.stringify(doc), 'text/plain')).status).toBe(415);
  });
});
