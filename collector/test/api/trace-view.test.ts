// BEACON_MAX_SPANS_PER_TRACE_VIEW against a real collector: a trace larger than the cap is answered with at most
// that many spans by the detail, the graph and a share link — every error span and its ancestors kept, then the
// earliest — with how many were left out; the export still returns every span.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import type {
  CreateShareResponse,
  SharedTraceResponse,
  SpanView,
  TraceDetailResponse,
  TraceExportJson,
  TraceGraphResponse,
} from '../../src/contract/index.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { type ApiSpanSpec, api, getOk, newSpanId, newTraceId, sendTraces } from './helpers.js';

const MAX_SPANS = 50;
const AGENTS = 10;
const TOOLS_PER_AGENT = 19;

let collector: TestCollector;
let base: string;
const bigTraceId = newTraceId();
const smallTraceId = newTraceId();
const longValueTraceId = newTraceId();
const LONG_VALUE = 'x'.repeat(10_000);

/**
 * An orchestrator handing work to 10 agents one after the other, 19 tool calls each; failures planted late in the
 * run (past the earliest 50 spans): a tool's HTTP call under agent 7, a tool of agent 8, and agent 9 with its last
 * tool. 1 + 10 × 20 + 1 = 202 spans.
 */
function bigTrace(): ApiSpanSpec[] {
  const root = newSpanId();
  const spans: ApiSpanSpec[] = [{ name: 'invoke_agent orchestrator', spanId: root, durationMs: 11_000 }];
  for (let a = 0; a < AGENTS; a++) {
    const agent = newSpanId();
    spans.push({
      name: `invoke_agent agent-${a}`,
      spanId: agent,
      parent: root,
      startOffsetMs: 1000 * a + 1,
      durationMs: 900,
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': `agent-${a}` },
      ...(a === 9 ? { error: 'tool failed' } : {}),
    });
    for (let t = 0; t < TOOLS_PER_AGENT; t++) {
      const tool = newSpanId();
      const failed = (a === 8 && t === 5) || (a === 9 && t === 18);
      spans.push({
        name: `execute_tool tool-${t}`,
        spanId: tool,
        parent: agent,
        startOffsetMs: 1000 * a + 10 * t + 2,
        durationMs: 8,
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': `tool-${t}` },
        ...(failed ? { error: 'timeout' } : {}),
      });
      if (a === 7 && t === 3) {
        spans.push({ name: 'GET', parent: tool, startOffsetMs: 7033, durationMs: 2, error: 'HTTP 503' });
      }
    }
  }
  return spans;
}

beforeAll(async () => {
  collector = await startTestCollector({ maxSpansPerTraceView: String(MAX_SPANS) });
  base = collector.apiUrl;
  await sendTraces(collector.httpUrl, [
    { traceId: bigTraceId, service: 'big-run', spans: bigTrace() },
    { traceId: smallTraceId, service: 'small-run', spans: bigTrace().slice(0, 21) },
    {
      traceId: longValueTraceId,
      service: 'long-values',
      spans: [{ name: 'tool', attributes: { 'app.dump': LONG_VALUE, 'app.short': 'kept' } }],
    },
  ]);
  await collector.writer.flush();
}, 120_000);

afterAll(async () => {
  await collector?.dispose();
});

const keyOf = (s: SpanView) => `${s.startTimeUnixNano.padStart(20, '0')}/${s.spanId}`;

/** The error spans of the whole trace with all their ancestors. */
function errorChains(all: SpanView[]): Set<string> {
  const byId = new Map(all.map((s) => [s.spanId, s]));
  const chain = new Set<string>();
  for (const span of all.filter((s) => s.statusCode === 'Error')) {
    for (let s: SpanView | undefined = span; s && !chain.has(s.spanId); s = byId.get(s.parentSpanId))
      chain.add(s.spanId);
  }
  return chain;
}

describe('a trace larger than BEACON_MAX_SPANS_PER_TRACE_VIEW', () => {
  test('the detail keeps every error with its ancestors, then the earliest spans, and says how many it left out', async () => {
    const detail = await getOk<TraceDetailResponse>(base, `/api/v1/traces/${bigTraceId}`);
    const all = (await getOk<TraceExportJson>(base, `/api/v1/traces/${bigTraceId}/export`)).spans;
    expect(all).toHaveLength(202);
    expect(detail.spans).toHaveLength(MAX_SPANS);
    expect(detail.truncated).toEqual({ totalSpans: 202, returnedSpans: MAX_SPANS });
    expect(detail.trace.spanCount).toBe(202);

    const returned = new Set(detail.spans.map((s) => s.spanId));
    const chain = errorChains(all);
    expect(chain.size).toBe(8); // 4 errors and their 4 other ancestors (root, agents 7 and 8, the tool above the GET)
    for (const id of chain) expect(returned, `error chain span ${id}`).toContain(id);
    // The others are exactly the earliest spans outside the chains.
    const earliestOthers = all.filter((s) => !chain.has(s.spanId)).slice(0, MAX_SPANS - chain.size);
    expect(detail.spans.filter((s) => !chain.has(s.spanId)).map((s) => s.spanId)).toEqual(
      earliestOthers.map((s) => s.spanId),
    );
    // Still in start order, each span whole (GenAI facts and all).
    const keys = detail.spans.map(keyOf);
    expect(keys).toEqual([...keys].sort());
    const agent9 = detail.spans.find((s) => s.name === 'invoke_agent agent-9');
    expect(agent9?.genai?.agentName).toBe('agent-9');
    expect(agent9?.statusMessage).toBe('tool failed');

    // The same choice every time.
    const again = await getOk<TraceDetailResponse>(base, `/api/v1/traces/${bigTraceId}`);
    expect(again.spans.map((s) => s.spanId)).toEqual(detail.spans.map((s) => s.spanId));
  });

  test('the graph is built from the same spans and says so; a share link shows the same view', async () => {
    const detail = await getOk<TraceDetailResponse>(base, `/api/v1/traces/${bigTraceId}`);
    const returned = new Set(detail.spans.map((s) => s.spanId));
    const graph = await getOk<TraceGraphResponse>(base, `/api/v1/traces/${bigTraceId}/graph`);
    expect(graph.truncated).toEqual({ totalSpans: 202, returnedSpans: MAX_SPANS });
    const graphSpans = graph.nodes.flatMap((n) => n.spanIds);
    expect(graphSpans.length).toBeGreaterThan(0);
    for (const id of graphSpans) expect(returned).toContain(id);
    expect(graph.nodes.some((n) => n.label.includes('agent-9') && n.error)).toBe(true);

    const made = await api<CreateShareResponse>(base, `/api/v1/traces/${bigTraceId}/shares`, {
      method: 'POST',
      json: {},
    });
    expect(made.status, made.text).toBe(201);
    const shared = await getOk<SharedTraceResponse>(base, `/api/v1/shared/${made.body.token}`);
    expect(shared.trace.truncated).toEqual(detail.truncated);
    expect(shared.trace.spans.map((s) => s.spanId)).toEqual(detail.spans.map((s) => s.spanId));
    expect(shared.graph.truncated).toEqual(detail.truncated);
  });

  test('a trace within the cap is whole, and says nothing was left out', async () => {
    const detail = await getOk<TraceDetailResponse>(base, `/api/v1/traces/${smallTraceId}`);
    expect(detail.spans).toHaveLength(21);
    expect(detail.truncated).toBeNull();
    const graph = await getOk<TraceGraphResponse>(base, `/api/v1/traces/${smallTraceId}/graph`);
    expect(graph.truncated).toBeNull();
  });

  test('a view cuts attribute values past 4,096 characters, saying so; the export keeps them whole', async () => {
    const [span] = (await getOk<TraceDetailResponse>(base, `/api/v1/traces/${longValueTraceId}`)).spans;
    expect(span?.attributes['app.short']).toBe('kept');
    expect(span?.attributes['app.dump']).toBe(
      `${'x'.repeat(4096)}… [10000 characters: cut in this view, whole in the export]`,
    );
    const exported = await getOk<TraceExportJson>(base, `/api/v1/traces/${longValueTraceId}/export`);
    expect(exported.spans[0]?.attributes['app.dump']).toBe(LONG_VALUE);
  });

  test('the OpenAPI document describes truncated on the detail and the graph', async () => {
    const doc = await getOk<{ components: { schemas: Record<string, { properties?: object }> } }>(
      base,
      '/api/v1/openapi.json',
    );
    expect(doc.components.schemas.TraceDetailResponse?.properties).toHaveProperty('truncated');
    expect(doc.components.schemas.TraceGraphResponse?.properties).toHaveProperty('truncated');
    expect(doc.components.schemas.TraceTruncation?.properties).toHaveProperty('totalSpans');
    expect(JSON.stringify(doc)).toContain(`At most ${MAX_SPANS} spans (BEACON_MAX_SPANS_PER_TRACE_VIEW)`);
  });

  test('the setting defaults to 20,000 and must be a positive whole number', () => {
    expect(loadConfig({}, {}).maxSpansPerTraceView).toBe(20_000);
    expect(loadConfig({}, { BEACON_MAX_SPANS_PER_TRACE_VIEW: '500' }).maxSpansPerTraceView).toBe(500);
    for (const bad of ['0', '-1', '2.5', 'many']) {
      expect(() => loadConfig({}, { BEACON_MAX_SPANS_PER_TRACE_VIEW: bad })).toThrow(ConfigError);
      expect(() => loadConfig({}, { BEACON_MAX_SPANS_PER_TRACE_VIEW: bad })).toThrow(
        /BEACON_MAX_SPANS_PER_TRACE_VIEW/,
      );
    }
  });
});
