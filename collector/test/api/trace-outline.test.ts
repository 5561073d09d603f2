// GET /traces/{traceId}?spans=outline and GET /traces/{traceId}/spans/{spanId} on the generated 600-span run: the
// outline is every span the whole answer holds, with the same names, times, status and GenAI facts (a field left out
// is empty in the whole span), none of its attributes, tool text or messages; the span endpoint gives one span
// exactly as the whole answer does.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type {
  SpanDetailResponse,
  SpanView,
  TraceDetailResponse,
  TraceGraphResponse,
  TraceOutlineResponse,
} from '../../src/contract/index.js';
import { generateAgentRun, ingestRuns } from '../analysis/planted-runs.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';

let collector: TestCollector;
const run = generateAgentRun({ seed: 1, size: 'small' });

async function get<T>(path: string): Promise<{ body: T; bytes: number; status: number; text: string }> {
  const res = await fetch(`${collector.apiUrl}/api/v1/traces/${run.traceId}${path}`);
  const text = await res.text();
  return { body: (res.ok ? JSON.parse(text) : {}) as T, bytes: text.length, status: res.status, text };
}

/** What a whole span holds of what an outline carries: all but trace id, attributes, tool text and messages. */
function outlineOf(span: SpanView) {
  const { traceId: _t, attributes: _a, resourceAttributes: _r, genai, ...rest } = span;
  if (!genai) return { ...rest, genai };
  const {
    toolArguments: _ta,
    toolResult: _tr,
    inputMessages: _i,
    outputMessages: _o,
    systemInstructions: _s,
    ...facts
  } = genai;
  return { ...rest, genai: facts };
}

const isEmpty = (v: unknown) =>
  v === '' ||
  v === null ||
  v === false ||
  (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v as object).length === 0);

/** Field by field: what the outline carries equals the whole span's; what it leaves out is empty there. */
function expectSameFacts(outline: Record<string, unknown>, whole: Record<string, unknown>, at: string) {
  for (const [key, value] of Object.entries(whole)) {
    if (key === 'genai' || key === 'usage') {
      if (value === null) expect(outline[key], `${at}.${key}`).toBeUndefined();
      else
        expectSameFacts(
          (outline[key] ?? {}) as Record<string, unknown>,
          value as Record<string, unknown>,
          `${at}.${key}`,
        );
    } else if (key in outline) expect(outline[key], `${at}.${key}`).toEqual(value);
    else expect(isEmpty(value), `${at}.${key} left out but ${JSON.stringify(value)}`).toBe(true);
  }
  for (const key of Object.keys(outline))
    expect(whole, `${at}: ${key} is no field of the span`).toHaveProperty(key);
}

beforeAll(async () => {
  collector = await startTestCollector();
  await ingestRuns(collector, [run]);
}, 120_000);

afterAll(async () => {
  await collector?.dispose();
});

test('outline: every span with its facts, none of its attributes, tool text or messages, in under half the bytes', async () => {
  const whole = await get<TraceDetailResponse>('');
  const outline = await get<TraceOutlineResponse>('?spans=outline');
  expect(outline.status).toBe(200);
  expect(outline.body.outline).toBe(true);
  expect(outline.body.trace).toEqual(whole.body.trace);
  expect(outline.body.spans).toHaveLength(run.manifest.spanCount);
  expect(outline.body.spans.map((s) => s.spanId)).toEqual(whole.body.spans.map((s) => s.spanId));
  outline.body.spans.forEach((span, i) => {
    const from = whole.body.spans[i]!;
    expect(span).not.toHaveProperty('traceId');
    expect(span).not.toHaveProperty('attributes');
    expect(span.genai ?? {}).not.toHaveProperty('toolResult');
    expect(span.genai ?? {}).not.toHaveProperty('inputMessages');
    expectSameFacts(span as Record<string, unknown>, outlineOf(from) as Record<string, unknown>, from.spanId);
  });
  // the planted failures are all there to draw: status and error type come with the outline
  const failedTools = outline.body.spans.filter((s) => s.statusCode === 'Error' && s.genai?.toolName);
  expect(failedTools.length).toBeGreaterThan(0);
  expect(outline.bytes).toBeLessThan(whole.bytes / 2);
});

test('include=graph: the outline carries the same agent graph GET /graph answers', async () => {
  const graph = await get<TraceGraphResponse>('/graph');
  const outline = await get<TraceOutlineResponse>('?spans=outline&include=graph');
  expect(outline.status).toBe(200);
  expect(graph.body.nodes.length).toBeGreaterThan(5);
  expect(outline.body.graph).toEqual(graph.body);
  expect((await get<TraceOutlineResponse>('?spans=outline')).body.graph).toBeUndefined();
  expect((await get<unknown>('?include=everything')).status).toBe(400);
});

test('a span whole: exactly as the whole trace answer gives it; 404 for a span the trace does not hold', async () => {
  const whole = await get<TraceDetailResponse>('');
  const longest = [...whole.body.spans].sort(
    (a, b) => (b.genai?.inputMessages.length ?? 0) - (a.genai?.inputMessages.length ?? 0),
  )[0]!;
  expect(longest.genai!.inputMessages.length).toBeGreaterThan(20);
  const tool = whole.body.spans.find((s) => s.genai?.toolArguments)!;
  for (const span of [longest, tool]) {
    const one = await get<SpanDetailResponse>(`/spans/${span.spanId}`);
    expect(one.status).toBe(200);
    expect(one.body.span).toEqual(span);
  }
  const missing = await get<unknown>('/spans/00000000000000aa');
  expect(missing.status).toBe(404);
  expect(missing.text).toContain('00000000000000aa');
  expect((await get<unknown>('/spans/nothex')).status).toBe(400);
  expect((await get<unknown>('?spans=all')).status).toBe(400);
});
