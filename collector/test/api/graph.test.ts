// GET /traces/{id}/graph of a multi-agent run: a planner hands off to two worker agents, each calling a model and a
// tool, and a sub-agent run exported as a trace of its own links back to the planner's delegate tool call.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { GraphNode, TraceDetailResponse, TraceGraphResponse } from '../../src/contract/index.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { type ApiSpanSpec, getOk, newSpanId, newTraceId, sendTraces } from './helpers.js';

let collector: TestCollector;
const main = newTraceId();
const sub = newTraceId();
const planner = newSpanId();
const delegate = newSpanId();
const workerA = newSpanId();
const workerB = newSpanId();
const research = newSpanId();

const agent = (name: string, spanId: string, parent?: string, startOffsetMs = 0): ApiSpanSpec => ({
  name: `invoke_agent ${name}`,
  spanId,
  ...(parent ? { parent } : {}),
  startOffsetMs,
  durationMs: 1000,
  attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name },
});
const chat = (model: string, parent: string, startOffsetMs: number, tokens: number): ApiSpanSpec => ({
  name: `chat ${model}`,
  parent,
  startOffsetMs,
  durationMs: 200,
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': tokens,
    'gen_ai.usage.output_tokens': tokens / 10,
  },
});
const tool = (
  name: string,
  parent: string,
  startOffsetMs: number,
  extra: Partial<ApiSpanSpec> = {},
): ApiSpanSpec => ({
  name: `execute_tool ${name}`,
  parent,
  startOffsetMs,
  durationMs: 50,
  attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name },
  ...extra,
});

beforeAll(async () => {
  collector = await startTestCollector();
  const start = Date.now() - 60_000;
  await sendTraces(collector.httpUrl, [
    {
      traceId: main,
      service: 'agents',
      startMs: start,
      spans: [
        agent('planner', planner),
        chat('gpt-4o', planner, 10, 1000),
        tool('delegate', planner, 300, { spanId: delegate }),
        agent('worker-a', workerA, planner, 400),
        chat('gpt-4o-mini', workerA, 410, 500),
        chat('gpt-4o-mini', workerA, 700, 300),
        tool('web_search', workerA, 650),
        agent('worker-b', workerB, planner, 420),
        chat('gpt-4o-mini', workerB, 430, 200),
        tool('calculator', workerB, 800, { error: 'division by zero' }),
        // A plain span between an agent and its tool is transparent.
        { name: 'http GET', parent: workerB, startOffsetMs: 850, spanId: 'abcdef0123456789' },
        tool('fetch', 'abcdef0123456789', 860),
      ],
    },
    {
      traceId: sub,
      service: 'researcher-svc',
      startMs: start + 310,
      spans: [
        { ...agent('researcher', research), links: [{ traceId: main, spanId: delegate }] },
        chat('gpt-4o-mini', research, 20, 700),
        {
          name: 'retrieval docs',
          parent: research,
          startOffsetMs: 5,
          attributes: { 'gen_ai.operation.name': 'retrieval' },
        },
      ],
    },
  ]);
  await collector.writer.flush();
});
afterAll(async () => {
  await collector?.dispose();
});

const byId = (graph: TraceGraphResponse) => new Map(graph.nodes.map((n) => [n.id, n]));
const edgeList = (graph: TraceGraphResponse) =>
  graph.edges.map((e) => `${e.kind} ${e.source} -> ${e.target}`).sort();

test('agents, model calls and tools become nodes; calls, handoffs and the sub-agent link become edges', async () => {
  const graph = await getOk<TraceGraphResponse>(collector.apiUrl, `/api/v1/traces/${main}/graph`);
  const nodes = byId(graph);
  const p = 'agent:planner';
  const a = 'agent:worker-a';
  const b = 'agent:worker-b';
  const r = `${sub}/agent:researcher`;
  expect([...nodes.keys()].sort()).toEqual(
    [
      p,
      `llm:${p}:gpt-4o`,
      `tool:${p}:delegate`,
      a,
      `llm:${a}:gpt-4o-mini`,
      `tool:${a}:web_search`,
      b,
      `llm:${b}:gpt-4o-mini`,
      `tool:${b}:calculator`,
      `tool:${b}:fetch`,
      r,
      `${sub}/llm:${r}:gpt-4o-mini`,
      `${sub}/retrieval:${r}:retrieval docs`,
    ].sort(),
  );
  expect(edgeList(graph)).toEqual(
    [
      `call ${p} -> llm:${p}:gpt-4o`,
      `call ${p} -> tool:${p}:delegate`,
      `handoff ${p} -> ${a}`,
      `handoff ${p} -> ${b}`,
      `call ${a} -> llm:${a}:gpt-4o-mini`,
      `call ${a} -> tool:${a}:web_search`,
      `call ${b} -> llm:${b}:gpt-4o-mini`,
      `call ${b} -> tool:${b}:calculator`,
      `call ${b} -> tool:${b}:fetch`,
      `call ${r} -> ${sub}/llm:${r}:gpt-4o-mini`,
      `call ${r} -> ${sub}/retrieval:${r}:retrieval docs`,
      `link tool:${p}:delegate -> ${r}`,
    ].sort(),
  );

  // Each edge counts the calls it stands for: worker-a called gpt-4o-mini twice, the planner handed off once.
  const calls = (id: string) => graph.edges.find((e) => e.id === id)?.calls;
  expect(calls(`call:${a}->llm:${a}:gpt-4o-mini`)).toBe(2);
  expect(calls(`handoff:${p}->${a}`)).toBe(1);
  expect(calls(`link:tool:${p}:delegate->${r}`)).toBe(1);

  const node = (id: string) => nodes.get(id) as GraphNode;
  expect(node(p)).toMatchObject({
    kind: 'agent',
    label: 'planner',
    spanIds: [planner],
    traceId: main,
    error: false,
  });
  expect(node(`llm:${a}:gpt-4o-mini`)).toMatchObject({
    kind: 'llm',
    label: 'gpt-4o-mini',
    tokens: 880,
    durationMs: 400,
  });
  expect(node(`llm:${a}:gpt-4o-mini`).spanIds).toHaveLength(2);
  expect(node(`tool:${b}:calculator`)).toMatchObject({
    kind: 'tool',
    label: 'calculator',
    error: true,
    costUsd: null,
  });
  expect(node(r)).toMatchObject({ kind: 'agent', traceId: sub, spanIds: [research], tokens: 770 });
  expect(node(`${sub}/retrieval:${r}:retrieval docs`).kind).toBe('retrieval');
  // Agents add up every model call beneath them, sub-agents included; the linked run is not the planner's.
  expect(node(a).tokens).toBe(880);
  expect(node(b).tokens).toBe(220);
  expect(node(p).tokens).toBe(1100 + 880 + 220);

  // Cost roll-up matches the stored per-call costs.
  const detail = await getOk<TraceDetailResponse>(collector.apiUrl, `/api/v1/traces/${main}`);
  const costOf = (spanIds: string[]) =>
    detail.spans
      .filter((s) => spanIds.includes(s.spanId))
      .reduce((sum, s) => sum + (s.genai?.costUsd ?? 0), 0);
  expect(node(`llm:${a}:gpt-4o-mini`).costUsd).toBeCloseTo(costOf(node(`llm:${a}:gpt-4o-mini`).spanIds), 12);
  expect(node(p).costUsd).toBeCloseTo(detail.trace.costUsd!, 9);

  // Nodes come in start order.
  const starts = graph.nodes.map((n) => BigInt(n.startTimeUnixNano));
  expect(starts.every((s, i) => i === 0 || s >= starts[i - 1]!)).toBe(true);
});

test("the sub-agent's own graph reaches back to its parent run through the same link", async () => {
  const graph = await getOk<TraceGraphResponse>(collector.apiUrl, `/api/v1/traces/${sub}/graph`);
  const nodes = byId(graph);
  expect(nodes.get('agent:researcher')).toMatchObject({ traceId: sub });
  expect(nodes.get(`${main}/agent:planner`)).toMatchObject({ traceId: main, kind: 'agent' });
  expect(edgeList(graph)).toContain(`link ${main}/tool:${main}/agent:planner:delegate -> agent:researcher`);
});
