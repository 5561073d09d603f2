// GET /agents/map over 20 runs of planner → worker_a / worker_b → tools: worker_b runs as a trace of its own
// (linked to the planner span) in 5 runs and fails in 5, its tool sits behind a plain HTTP span. Every number of
// the map is computed here from what was sent. Agents and tools are keyed by (service, name): worker_b in
// planner-svc and worker_b in workers-svc (its linked runs) are two nodes.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AgentMapEdge, AgentMapNode, AgentMapResponse } from '../../src/contract/index.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { type ApiTraceSpec, api, expectBadRequest, getOk, newSpanId, sendTraces } from './helpers.js';
import {
  buildAgentRuns,
  callCost,
  PLANNER_CALL,
  PRICED_MODEL,
  p95,
  WORKER_A_CALL,
  WORKER_A_DURATION,
  WORKER_B_DURATION,
  writeSessionPriceFile,
} from './sessions-fixtures.js';

const RUNS = 20;
const LINKED = [3, 7, 11, 15, 19];
const FAILING = [0, 4, 8, 12, 16];
const start = Date.now() - 120_000;
const window = () => `from=${start - 60_000}&to=${Date.now() + 60_000}`;
const runs = Array.from({ length: RUNS }, (_, i) => i);
const PLANNER_SVC = 'planner-svc';
const WORKERS_SVC = 'workers-svc';
const agent = (name: string, service = PLANNER_SVC) => `agent:${service}/${name}`;
const tool = (name: string, service = PLANNER_SVC) => `tool:${service}/${name}`;
const unlinked = runs.filter((i) => !LINKED.includes(i));

let collector: TestCollector;

beforeAll(async () => {
  collector = await startTestCollector({ priceOverridesFile: writeSessionPriceFile() });
  const { traces } = buildAgentRuns({
    count: RUNS,
    startMs: start,
    service: PLANNER_SVC,
    subService: WORKERS_SVC,
    linkedWorkerB: LINKED,
    failingWorkerB: FAILING,
  });
  await sendTraces(collector.httpUrl, traces);
  await collector.writer.flush();
}, 60_000);

afterAll(async () => {
  await collector?.dispose();
});

const nodeOf = (map: AgentMapResponse, id: string): AgentMapNode => {
  const node = map.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`no node ${id} in ${map.nodes.map((n) => n.id)}`);
  return node;
};
const edgeOf = (map: AgentMapResponse, source: string, target: string): AgentMapEdge => {
  const edge = map.edges.find((e) => e.source === source && e.target === target);
  if (!edge) throw new Error(`no edge ${source} -> ${target} in ${map.edges.map((e) => e.id)}`);
  return edge;
};

describe('GET /api/v1/agents/map', () => {
  test('planner → two workers → tools, with calls, errors, p95 and cost per edge and node', async () => {
    const map = await getOk<AgentMapResponse>(collector.apiUrl, `/api/v1/agents/map?${window()}`);
    expect(map.traces).toBe(RUNS + LINKED.length);
    expect(map.nodes.map((n) => n.id).sort()).toEqual(
      [
        agent('planner'),
        agent('worker_a'),
        agent('worker_b'),
        agent('worker_b', WORKERS_SVC),
        tool('calculator'),
        tool('calculator', WORKERS_SVC),
        tool('search'),
      ].sort(),
    );
    expect(map.edges.map((e) => e.id).sort()).toEqual(
      [
        `${agent('planner')}->${agent('worker_a')}`,
        `${agent('planner')}->${agent('worker_b')}`,
        `${agent('planner')}->${agent('worker_b', WORKERS_SVC)}`,
        `${agent('worker_a')}->${tool('search')}`,
        `${agent('worker_b')}->${tool('calculator')}`,
        `${agent('worker_b', WORKERS_SVC)}->${tool('calculator', WORKERS_SVC)}`,
      ].sort(),
    );

    const toA = edgeOf(map, agent('planner'), agent('worker_a'));
    expect(toA).toMatchObject({ calls: RUNS, errors: 0, errorRate: 0, linkedCalls: 0 });
    expect(toA.p95DurationMs).toBeCloseTo(p95(runs.map(WORKER_A_DURATION)), 6);
    expect(toA.costUsd).toBeCloseTo(RUNS * callCost(WORKER_A_CALL.input, WORKER_A_CALL.output), 9);

    // worker_b in the planner's service (the failing runs are all here), and in its own (the linked runs).
    const toB = edgeOf(map, agent('planner'), agent('worker_b'));
    expect(toB).toMatchObject({
      calls: unlinked.length,
      errors: FAILING.length,
      errorRate: FAILING.length / unlinked.length,
      linkedCalls: 0,
      costUsd: 0,
    });
    expect(toB.p95DurationMs).toBeCloseTo(p95(unlinked.map(WORKER_B_DURATION)), 6);
    expect(edgeOf(map, agent('planner'), agent('worker_b', WORKERS_SVC))).toMatchObject({
      calls: LINKED.length,
      errors: 0,
      linkedCalls: LINKED.length,
    });

    expect(edgeOf(map, agent('worker_a'), tool('search'))).toMatchObject({ calls: 2 * RUNS, errors: 0 });
    // Reached through a plain HTTP span: the agent it ran under calls it.
    expect(edgeOf(map, agent('worker_b'), tool('calculator'))).toMatchObject({
      calls: unlinked.length,
      errors: 0,
    });
    expect(edgeOf(map, agent('worker_b', WORKERS_SVC), tool('calculator', WORKERS_SVC)).calls).toBe(
      LINKED.length,
    );

    const planner = nodeOf(map, agent('planner'));
    expect(planner).toMatchObject({
      kind: 'agent',
      service: PLANNER_SVC,
      name: 'planner',
      calls: RUNS,
      errors: 0,
    });
    expect(planner.p95DurationMs).toBeCloseTo(1000, 6);
    expect(planner.costUsd).toBeCloseTo(RUNS * callCost(PLANNER_CALL.input, PLANNER_CALL.output), 9);
    expect(nodeOf(map, agent('worker_b'))).toMatchObject({
      calls: unlinked.length,
      errors: 5,
      errorRate: 5 / unlinked.length,
    });
    expect(nodeOf(map, agent('worker_b', WORKERS_SVC))).toMatchObject({ calls: LINKED.length, errors: 0 });
    expect(nodeOf(map, tool('search'))).toMatchObject({ kind: 'tool', name: 'search', calls: 2 * RUNS });
    expect(nodeOf(map, tool('calculator'))).toMatchObject({ calls: unlinked.length });
  });

  test('models=true adds the model calls as nodes, with their own cost', async () => {
    const map = await getOk<AgentMapResponse>(collector.apiUrl, `/api/v1/agents/map?${window()}&models=true`);
    const model = `model:${PRICED_MODEL}`;
    expect(nodeOf(map, model)).toMatchObject({
      kind: 'model',
      service: null,
      name: PRICED_MODEL,
      calls: 2 * RUNS,
    });
    const fromPlanner = edgeOf(map, agent('planner'), model);
    expect(fromPlanner.calls).toBe(RUNS);
    expect(fromPlanner.costUsd).toBeCloseTo(RUNS * callCost(PLANNER_CALL.input, PLANNER_CALL.output), 9);
    expect(edgeOf(map, agent('worker_a'), model).calls).toBe(RUNS);
    expect(edgeOf(map, agent('planner'), agent('worker_a')).calls).toBe(RUNS);
  });

  test('service and time range restrict the calls counted', async () => {
    const workers = await getOk<AgentMapResponse>(
      collector.apiUrl,
      `/api/v1/agents/map?${window()}&service=${WORKERS_SVC}`,
    );
    // The linked sub-agent runs only; their caller (in another service) is shown without calls of its own.
    expect(edgeOf(workers, agent('planner'), agent('worker_b', WORKERS_SVC))).toMatchObject({
      calls: LINKED.length,
      linkedCalls: LINKED.length,
      errors: 0,
    });
    expect(edgeOf(workers, agent('worker_b', WORKERS_SVC), tool('calculator', WORKERS_SVC)).calls).toBe(
      LINKED.length,
    );
    expect(nodeOf(workers, agent('planner')).calls).toBe(0);
    expect(workers.traces).toBe(LINKED.length);

    // The first ten runs (2 s apart).
    const firstTen = await getOk<AgentMapResponse>(
      collector.apiUrl,
      `/api/v1/agents/map?from=${start}&to=${start + 9 * 2000 + 999}`,
    );
    expect(nodeOf(firstTen, agent('planner')).calls).toBe(10);
    expect(edgeOf(firstTen, agent('worker_a'), tool('search')).calls).toBe(20);

    const before = await getOk<AgentMapResponse>(
      collector.apiUrl,
      `/api/v1/agents/map?from=${start - 60_000}&to=${start - 1}`,
    );
    expect(before).toMatchObject({ traces: 0, nodes: [], edges: [] });
  });

  test('bad parameters get a 400 naming them', async () => {
    expectBadRequest(await api(collector.apiUrl, '/api/v1/agents/map?models=yes'), 'models');
    expectBadRequest(
      await api(collector.apiUrl, `/api/v1/agents/map?from=${Date.now()}&to=${start}`),
      'from',
    );
    expectBadRequest(await api(collector.apiUrl, '/api/v1/agents/map?to=soon'), 'to');
  });
});

/** orchestrator → researcher → `calls` web_search calls, all in `service`. */
function researchRun(service: string, startMs: number, calls: number): ApiTraceSpec {
  const root = newSpanId();
  const researcher = newSpanId();
  return {
    service,
    startMs,
    spans: [
      {
        name: 'invoke_agent orchestrator',
        spanId: root,
        durationMs: 80,
        attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'orchestrator' },
      },
      {
        name: 'invoke_agent researcher',
        spanId: researcher,
        parent: root,
        startOffsetMs: 5,
        durationMs: 60,
        attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'researcher' },
      },
      ...Array.from({ length: calls }, (_, k) => ({
        name: 'execute_tool web_search',
        parent: researcher,
        startOffsetMs: 10 + k * 10,
        durationMs: 5,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'web_search',
          'gen_ai.tool.call.arguments': `{"q":"${service} ${k}"}`,
        },
      })),
    ],
  };
}

describe('agents keyed by (service, agent)', () => {
  test('three services each running a "researcher": three researcher nodes, each with its own calls', async () => {
    const services = ['research-eu', 'research-us', 'research-asia'];
    const at = start + 30_000;
    await sendTraces(
      collector.httpUrl,
      services.map((service, i) => researchRun(service, at + i * 100, i + 1)),
    );
    await collector.writer.flush();
    const map = await getOk<AgentMapResponse>(collector.apiUrl, `/api/v1/agents/map?${window()}`);
    const researchers = map.nodes.filter((n) => n.kind === 'agent' && n.name === 'researcher');
    expect(researchers.map((n) => n.service).sort()).toEqual([...services].sort());
    expect(new Set(researchers.map((n) => n.id)).size).toBe(3);
    for (const [i, service] of services.entries()) {
      expect(nodeOf(map, agent('researcher', service)).calls).toBe(1);
      expect(edgeOf(map, agent('orchestrator', service), agent('researcher', service)).calls).toBe(1);
      expect(edgeOf(map, agent('researcher', service), tool('web_search', service)).calls).toBe(i + 1);
    }
  });
});
