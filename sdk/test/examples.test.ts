// Acceptance 2: each example runs end-to-end into a real collector (OTLP/gRPC through init(), mock provider),
// its spans are normalized with no mapper fallback, and the multi-agent run shows planner → worker agents in the
// graph API. The last test runs an example the way a user does: `node sdk/examples/run.mjs <name>`.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BeaconHandle, init } from '@beacon/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TraceGraphResponse } from '../../collector/src/contract/index.js';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import { type MockLlm, startMockLlm } from '../../collector/test/fixtures/mock-llm.js';
import * as multiAgent from '../examples/multi-agent.js';
import * as streamingChat from '../examples/streaming-chat.js';
import * as toolAgent from '../examples/tool-agent.js';
import { type StoredGenAIRow, storedGenAI, traceDetail } from './presets-harness.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let collector: TestCollector;
let mock: MockLlm;
let beacon: BeaconHandle;

beforeAll(async () => {
  [collector, mock] = await Promise.all([startTestCollector(), startMockLlm()]);
  beacon = init({
    serviceName: 'beacon-examples-test',
    endpoint: collector.grpcUrl,
    presets: false,
    captureContent: true,
    flushOnExit: false,
  });
});
afterAll(async () => {
  await beacon?.shutdown();
  await Promise.all([collector?.dispose(), mock?.close()]);
});

/** The stored rows of a trace once exported (every span of an example is exported on forceFlush). */
async function stored(traceId: string): Promise<StoredGenAIRow[]> {
  await beacon.forceFlush();
  return storedGenAI(collector, traceId);
}

/** The operations of a trace's rows, sorted (spans started in the same instant have no defined order). */
function operations(rows: StoredGenAIRow[]): string[] {
  return rows.map((r) => r.Operation).sort();
}

/** Every normalized row came from the current OTel convention, and every LLM call carries its usage. */
function expectNoFallbacks(rows: StoredGenAIRow[]): void {
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(row.Convention).toBe('otel');
    if (row.Operation === 'chat') {
      expect(row).toMatchObject({ Provider: 'openai', RequestModel: 'gpt-4o-mini', UsageMissing: 0 });
      expect(row.InputTokens).toBeGreaterThan(0);
      expect(row.OutputTokens).toBeGreaterThan(0);
    }
  }
}

describe('examples', () => {
  test('tool-agent: model call → tool call → answer, with usage and the tool call id', async () => {
    const first = mock.requests.length;
    const result = await toolAgent.run({ baseUrl: mock.url });
    expect(result.toolCalls).toEqual(['get_weather']);
    expect(result.answer).toContain('sunny');
    const rows = await stored(result.traceId);
    expectNoFallbacks(rows);
    expect(operations(rows)).toEqual(['chat', 'chat', 'execute_tool', 'invoke_agent']);
    const root = rows.find((r) => r.Operation === 'invoke_agent')!;
    expect(root).toMatchObject({ AgentName: toolAgent.AGENT_NAME, ParentSpanId: '' });
    // Each model request is one chat span with that request's usage (matched by usage, not by start order).
    const requests = mock.requests.slice(first);
    expect(requests).toHaveLength(2);
    const chats = rows.filter((r) => r.Operation === 'chat');
    for (const [i, request] of requests.entries()) {
      const row = chats.find((r) => r.InputTokens === request.usage!.promptTokens);
      expect(row).toMatchObject({
        ParentSpanId: root.SpanId,
        AgentName: toolAgent.AGENT_NAME,
        OutputTokens: request.usage!.completionTokens,
        CacheReadTokens: request.usage!.cachedTokens,
        FinishReasons: [i === 0 ? 'tool_calls' : 'stop'],
      });
    }
    const toolRow = rows.find((r) => r.Operation === 'execute_tool');
    expect(toolRow).toMatchObject({ ToolName: 'get_weather', ParentSpanId: root.SpanId });
    const spans = await traceDetail(collector, result.traceId);
    const toolSpan = spans.find((s) => s.genai?.operation === 'execute_tool')!;
    expect(toolSpan.genai!.toolCallId).toMatch(/^call_/);
    expect(toolSpan.genai!.toolResult).toContain('sunny, 21°C');
  });

  test('multi-agent: the graph shows the planner handing off to two workers, each with its model and tool', async () => {
    const result = await multiAgent.run({ baseUrl: mock.url });
    expect(result.summary).not.toBe('');
    const rows = await stored(result.traceId);
    expectNoFallbacks(rows);
    const agents = rows.filter((r) => r.Operation === 'invoke_agent');
    const planner = agents.find((r) => r.AgentName === multiAgent.PLANNER)!;
    for (const worker of [multiAgent.RESEARCHER, multiAgent.WRITER]) {
      expect(agents.find((r) => r.AgentName === worker)).toMatchObject({ ParentSpanId: planner.SpanId });
    }

    const res = await fetch(`${collector.apiUrl}/api/v1/traces/${result.traceId}/graph`);
    expect(res.status).toBe(200);
    const graph = (await res.json()) as TraceGraphResponse;
    const node = (kind: string, label: string) =>
      graph.nodes.find((n) => n.kind === kind && n.label === label);
    const has = (source: string | undefined, target: string | undefined, kind: string) =>
      graph.edges.some((e) => e.source === source && e.target === target && e.kind === kind);
    const plannerNode = node('agent', multiAgent.PLANNER);
    const researcherNode = node('agent', multiAgent.RESEARCHER);
    const writerNode = node('agent', multiAgent.WRITER);
    expect([plannerNode, researcherNode, writerNode].every((n) => n !== undefined)).toBe(true);
    expect(has(plannerNode?.id, researcherNode?.id, 'handoff')).toBe(true);
    expect(has(plannerNode?.id, writerNode?.id, 'handoff')).toBe(true);
    for (const [agentNode, toolName] of [
      [researcherNode, 'search_web'],
      [writerNode, 'format_report'],
    ] as const) {
      const calls = graph.edges.filter((e) => e.source === agentNode?.id && e.kind === 'call');
      const targets = calls.map((e) => graph.nodes.find((n) => n.id === e.target));
      expect(targets).toContainEqual(expect.objectContaining({ kind: 'llm', label: 'gpt-4o-mini' }));
      expect(targets).toContainEqual(expect.objectContaining({ kind: 'tool', label: toolName }));
    }
    // The planner's own two model calls; its tokens include the workers' calls beneath it.
    const plannerLlm = graph.edges
      .filter((e) => e.source === plannerNode?.id && e.kind === 'call')
      .map((e) => graph.nodes.find((n) => n.id === e.target))
      .find((n) => n?.kind === 'llm');
    expect(plannerLlm?.spanIds).toHaveLength(2);
    expect(plannerNode!.tokens).toBeGreaterThan(plannerLlm!.tokens);
  });

  test('streaming-chat: the streamed span carries the full completion and the usage', async () => {
    const first = mock.requests.length;
    const deltas: string[] = [];
    const result = await streamingChat.run({ baseUrl: mock.url, onText: (d) => deltas.push(d) });
    expect(deltas.length).toBeGreaterThan(1);
    expect(result.text).toBe(deltas.join(''));
    const rows = await stored(result.traceId);
    expectNoFallbacks(rows);
    const usage = mock.requests[first]!.usage!;
    const llm = rows.find((r) => r.Operation === 'chat');
    expect(llm).toMatchObject({
      AgentName: streamingChat.AGENT_NAME,
      InputTokens: usage.promptTokens,
      OutputTokens: usage.completionTokens,
      CacheReadTokens: usage.cachedTokens,
      FinishReasons: ['stop'],
    });
    const spans = await traceDetail(collector, result.traceId);
    const chat = spans.find((s) => s.genai?.operation === 'chat')!;
    expect(chat.attributes['gen_ai.request.stream']).toBe('true');
    expect(chat.genai!.outputMessages[0]?.parts).toEqual([{ type: 'text', content: result.text }]);
  });

  test('run.mjs builds and runs an example from the command line against the built-in mock provider', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(REPO, 'sdk/examples/run.mjs'), 'tool-agent'],
      {
        cwd: REPO,
        env: { PATH: process.env.PATH ?? '', OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcUrl },
        timeout: 90_000,
      },
    );
    const traceId = /trace ([0-9a-f]{32}):/.exec(stdout)?.[1];
    expect(traceId).toBeDefined();
    const rows = await storedGenAI(collector, traceId!);
    expectNoFallbacks(rows);
    expect(operations(rows)).toEqual(['chat', 'chat', 'execute_tool', 'invoke_agent']);
    const [service] = await collector.query<{ ServiceName: string }>(
      'SELECT DISTINCT ServiceName FROM otel_traces WHERE TraceId = {traceId:String}',
      { traceId },
    );
    expect(service?.ServiceName).toBe('beacon-example-tool-agent');
  }, 120_000);
});
