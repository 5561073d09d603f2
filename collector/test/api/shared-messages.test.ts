// GET /traces/{traceId}?messages=shared on the generated 600-span run (a conversation resent, growing, with every
// model call): each message is sent once and each span names its own by position; filled back, every span has
// exactly the messages the inline answer gives it, in a much smaller answer.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SpanView, TraceDetailResponse } from '../../src/contract/index.js';
import { generateAgentRun, ingestRuns } from '../analysis/planted-runs.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';

let collector: TestCollector;
const run = generateAgentRun({ seed: 1, size: 'small' });

async function detail(query: string): Promise<{ body: TraceDetailResponse; bytes: number; status: number }> {
  const res = await fetch(`${collector.apiUrl}/api/v1/traces/${run.traceId}${query}`);
  const text = await res.text();
  return {
    body: res.ok ? (JSON.parse(text) as TraceDetailResponse) : ({} as TraceDetailResponse),
    bytes: text.length,
    status: res.status,
  };
}

const messagesOf = (span: SpanView) => {
  const g = span.genai;
  return g && { system: g.systemInstructions, input: g.inputMessages, output: g.outputMessages };
};

beforeAll(async () => {
  collector = await startTestCollector();
  await ingestRuns(collector, [run]);
}, 120_000);

afterAll(async () => {
  await collector?.dispose();
});

test('shared: every span names the messages the inline answer gives it, each message sent once', async () => {
  const inline = await detail('');
  const shared = await detail('?messages=shared');
  expect(shared.status).toBe(200);
  const list = shared.body.messages!;
  expect(new Set(list.map((m) => JSON.stringify(m))).size).toBe(list.length);
  const byId = new Map(inline.body.spans.map((s) => [s.spanId, s]));
  let llmCalls = 0;
  for (const span of shared.body.spans) {
    const expected = messagesOf(byId.get(span.spanId)!);
    const refs = span.genai?.messageRefs;
    if (!expected) {
      expect(span.genai).toBeNull();
      continue;
    }
    expect(span.genai!.inputMessages).toEqual([]);
    const at = (positions: number[]) => positions.map((i) => list[i]!);
    expect({
      system: at(refs!.system).flatMap((m) => m.parts),
      input: at(refs!.input),
      output: at(refs!.output),
    }).toEqual(expected);
    if (expected.input.length > 0) llmCalls++;
  }
  expect(llmCalls).toBe(run.manifest.llmCalls);
  // The history grows turn by turn: sent once, the answer is a fraction of the inline one.
  expect(shared.bytes).toBeLessThan(inline.bytes / 2);
});

test('shared: a message history held as an attribute is a note (it is the span’s messages); short values stay whole', async () => {
  const { body } = await detail('?messages=shared');
  const late = body.spans.filter((s) => (s.genai?.messageRefs?.input.length ?? 0) > 20);
  expect(late.length).toBeGreaterThan(0);
  for (const span of late) {
    expect(span.attributes['gen_ai.input.messages']).toMatch(
      /^\[\d+ characters of message content: shown as the span's messages/,
    );
    expect(span.attributes['gen_ai.request.model']).toBe(span.genai!.requestModel);
  }
});

test('messages must be inline or shared', async () => {
  const res = await fetch(`${collector.apiUrl}/api/v1/traces/${run.traceId}?messages=all`);
  expect(res.status).toBe(400);
  expect(await res.text()).toContain('messages');
});
