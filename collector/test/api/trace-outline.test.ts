// GET /traces/{traceId}?spans=outline and GET /traces/{traceId}/spans/{spanId} on the generated 600-span run: the
// outline is every span the whole answer holds, with the same names, times, status and GenAI facts, and none of
// its attributes, tool text or messages; the span endpoint gives one span exactly as the whole answer does.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type {
  SpanDetailResponse,
  SpanView,
  TraceDetailResponse,
  TraceGraphResponse,
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

/** What an outline keeps of a span: everything but attributes, tool text and messages. */
function outlineOf(span: SpanView) {
  const { attributes: _a, resourceAttributes: _r, genai, ...rest } = span;
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

beforeAll(async () => {
  collector = await startTestCollector();
  await ingestRuns(collector, [run]);
}, 120_000);

afterAll(async () => {
  await collector?.dispose();
});

test('outline: every span with its facts, none of its attributes, tool text or messages, in a fifth of the bytes or less', async () => {
  const whole = await get<TraceDetailResponse>('');
  const outline = await get<TraceDetailResponse>('?spans=outline');
  expect(outline.status).toBe(200);
  expect(outline.body.outline).toBe(true);
  expect(whole.body.outline).toBeUndefined();
  expect(outline.body.trace).toEqual(whole.body.trace);
  expect(outline.body.spans.map(outlineOf)).toEqual(whole.body.spans.map(outlineOf));
  expect(outline.body.spans).toHaveLength(run.manifest.spanCount);
  for (const span of outline.body.spans) {
    expect(span.attributes).toEqual({});
    expect(span.resourceAttributes).toEqual({});
    if (!span.genai) continue;
    expect([span.genai.toolArguments, span.genai.toolResult]).toEqual([null, null]);
    expect([span.genai.inputMessages, span.genai.outputMessages, span.genai.systemInstructions]).toEqual([
      [],
      [],
      [],
    ]);
  }
  // the planted failures are all there to draw: status and error type come with the outline
  const failedTools = outline.body.spans.filter((s) => s.statusCode === 'Error' && s.genai?.toolName);
  expect(failedTools.length).toBeGreaterThan(0);
  expect(outline.bytes).toBeLessThan(whole.bytes / 5);
});

test('include=graph: the outline carries the same agent graph GET /graph answers', async () => {
  const graph = await get<TraceGraphResponse>('/graph');
  const outline = await get<TraceDetailResponse>('?spans=outline&include=graph');
  expect(outline.status).toBe(200);
  expect(graph.body.nodes.length).toBeGreaterThan(5);
  expect(outline.body.graph).toEqual(graph.body);
  expect((await get<TraceDetailResponse>('?spans=outline')).body.graph).toBeUndefined();
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
