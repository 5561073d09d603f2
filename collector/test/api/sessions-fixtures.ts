// Shared by the sessions and agent-map tests (API and browser): a priced test model, a multi-turn conversation
// whose every model call resends the history, and N runs of planner → worker_a / worker_b → tools.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ApiSpanSpec, type ApiTraceSpec, newSpanId, newTraceId } from './helpers.js';

/** Priced by writeSessionPriceFile: $0.001 per input token, $0.002 per output token. */
export const PRICED_MODEL = 'session-test-model';

export function writeSessionPriceFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'beacon-session-prices-')), 'prices.json');
  writeFileSync(
    file,
    JSON.stringify({
      version: 'sessions-test',
      models: [{ match: PRICED_MODEL, input_per_mtok: 1000, output_per_mtok: 2000 }],
    }),
  );
  return file;
}

/** What a call of PRICED_MODEL costs. */
export const callCost = (input: number, output: number) => input * 0.001 + output * 0.002;

type Msg = { role: string; parts: object[] };
const text = (role: string, content: string): Msg => ({ role, parts: [{ type: 'text', content }] });

export interface TurnPlan {
  user: string;
  answer: string;
  /** Token usage of each model call; more than one: the first calls a tool, the last answers. */
  calls: { input: number; output: number }[];
  /** The turn's tool call fails with this message. */
  toolError?: string;
  /** Put the conversation id on the model calls instead of the agent span (as some instrumentations do). */
  idOnModelCalls?: boolean;
}

export interface BuiltConversation {
  traces: ApiTraceSpec[];
  traceIds: string[];
  /** Per turn: cost, tokens, model calls. */
  turns: { costUsd: number; inputTokens: number; outputTokens: number; calls: number; errors: number }[];
}

/**
 * One trace per turn, `gapMs` apart: an invoke_agent span carrying the conversation id (gen_ai.conversation.id),
 * its model calls (each resending the whole conversation so far) and, for multi-call turns, a tool call.
 */
export function buildConversation(options: {
  sessionId: string;
  service: string;
  agent: string;
  startMs: number;
  gapMs: number;
  turns: TurnPlan[];
}): BuiltConversation {
  const history: Msg[] = [];
  const built: BuiltConversation = { traces: [], traceIds: [], turns: [] };
  const conversation = { 'gen_ai.conversation.id': options.sessionId };
  for (const [index, turn] of options.turns.entries()) {
    const traceId = newTraceId();
    const agentSpan = newSpanId();
    const spans: ApiSpanSpec[] = [
      {
        name: `invoke_agent ${options.agent}`,
        spanId: agentSpan,
        durationMs: 3000,
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': options.agent,
          ...(turn.idOnModelCalls ? {} : conversation),
        },
      },
    ];
    history.push(text('user', turn.user));
    const context = [...history];
    for (const [i, usage] of turn.calls.entries()) {
      const last = i === turn.calls.length - 1;
      const output = last ? text('assistant', turn.answer) : text('assistant', `Calling a tool (${i + 1}).`);
      spans.push({
        name: `chat ${PRICED_MODEL}`,
        parent: agentSpan,
        startOffsetMs: 100 + i * 1000,
        durationMs: 400,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'acme',
          'gen_ai.request.model': PRICED_MODEL,
          'gen_ai.usage.input_tokens': usage.input,
          'gen_ai.usage.output_tokens': usage.output,
          'gen_ai.input.messages': JSON.stringify(context),
          'gen_ai.output.messages': JSON.stringify([
            { ...output, finish_reason: last ? 'stop' : 'tool_call' },
          ]),
          ...(turn.idOnModelCalls ? conversation : {}),
        },
      });
      if (!last) {
        spans.push({
          name: 'execute_tool lookup',
          parent: agentSpan,
          startOffsetMs: 600 + i * 1000,
          durationMs: 200,
          attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup' },
          ...(turn.toolError ? { error: turn.toolError } : {}),
        });
        context.push(output, {
          role: 'tool',
          parts: [{ type: 'tool_call_response', response: `result ${i}` }],
        });
      }
    }
    history.push(text('assistant', turn.answer));
    built.traces.push({
      traceId,
      service: options.service,
      startMs: options.startMs + index * options.gapMs,
      spans,
    });
    built.traceIds.push(traceId);
    built.turns.push({
      costUsd: turn.calls.reduce((sum, c) => sum + callCost(c.input, c.output), 0),
      inputTokens: turn.calls.reduce((sum, c) => sum + c.input, 0),
      outputTokens: turn.calls.reduce((sum, c) => sum + c.output, 0),
      calls: turn.calls.length,
      errors: turn.toolError && turn.calls.length > 1 ? 1 : 0,
    });
  }
  return built;
}

export interface AgentRunsPlan {
  count: number;
  startMs: number;
  service: string;
  /** Runs whose worker_b runs as a trace of its own (service `subService`), linked to the planner span. */
  linkedWorkerB?: readonly number[];
  subService?: string;
  /** Runs whose worker_b fails. */
  failingWorkerB?: readonly number[];
}

export const WORKER_A_DURATION = (run: number) => 100 + 10 * run;
export const WORKER_B_DURATION = (run: number) => 200 + 5 * run;
export const PLANNER_CALL = { input: 100, output: 10 };
export const WORKER_A_CALL = { input: 50, output: 5 };

/**
 * `count` runs of: planner (a model call) → worker_a (a model call, tool `search` twice) and worker_b (tool
 * `calculator`, reached through a plain HTTP span). Runs 2 s apart.
 */
export function buildAgentRuns(plan: AgentRunsPlan): { traces: ApiTraceSpec[]; traceIds: string[] } {
  const traces: ApiTraceSpec[] = [];
  const chat = (parent: string, usage: { input: number; output: number }, offset: number): ApiSpanSpec => ({
    name: `chat ${PRICED_MODEL}`,
    parent,
    startOffsetMs: offset,
    durationMs: 50,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'acme',
      'gen_ai.request.model': PRICED_MODEL,
      'gen_ai.usage.input_tokens': usage.input,
      'gen_ai.usage.output_tokens': usage.output,
    },
  });
  const agent = (name: string, spanId: string, durationMs: number, extra: Partial<ApiSpanSpec> = {}) => ({
    name: `invoke_agent ${name}`,
    spanId,
    durationMs,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name },
    ...extra,
  });
  const tool = (name: string, parent: string, offset: number): ApiSpanSpec => ({
    name: `execute_tool ${name}`,
    parent,
    startOffsetMs: offset,
    durationMs: 20,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name },
  });
  for (let run = 0; run < plan.count; run++) {
    const traceId = newTraceId();
    const planner = newSpanId();
    const workerA = newSpanId();
    const workerB = newSpanId();
    const http = newSpanId();
    const startMs = plan.startMs + run * 2000;
    const fails = plan.failingWorkerB?.includes(run) ?? false;
    const workerBSpans: ApiSpanSpec[] = [
      agent('worker_b', workerB, WORKER_B_DURATION(run), {
        startOffsetMs: 400,
        ...(fails ? { error: 'worker_b gave up' } : {}),
      }),
      { name: 'POST /calc', spanId: http, parent: workerB, startOffsetMs: 410, durationMs: 30 },
      tool('calculator', http, 415),
    ];
    const spans: ApiSpanSpec[] = [
      agent('planner', planner, 1000),
      chat(planner, PLANNER_CALL, 10),
      agent('worker_a', workerA, WORKER_A_DURATION(run), { parent: planner, startOffsetMs: 100 }),
      chat(workerA, WORKER_A_CALL, 110),
      tool('search', workerA, 170),
      tool('search', workerA, 190),
    ];
    if (plan.linkedWorkerB?.includes(run)) {
      // A sub-agent run exported as its own trace: its root links back to the planner span.
      const [root, ...rest] = workerBSpans;
      traces.push({
        traceId: newTraceId(),
        service: plan.subService ?? plan.service,
        startMs,
        spans: [{ ...root!, links: [{ traceId, spanId: planner }] }, ...rest],
      });
    } else {
      spans.push(...workerBSpans.map((span, i) => (i === 0 ? { ...span, parent: planner } : span)));
    }
    traces.push({ traceId, service: plan.service, startMs, spans });
  }
  return { traces, traceIds: traces.map((t) => t.traceId!) };
}

/** quantile(0.95) as ClickHouse computes it (linear interpolation between the closest ranks). */
export function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = 0.95 * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}
