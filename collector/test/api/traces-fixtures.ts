// The data of traces.test.ts: a fleet of similar traces (the list, its filters and pagination) and one detailed
// trace (detail, tags, annotations), with the ids the tests look for.
import { type ApiTraceSpec, newSpanId, newTraceId } from './helpers.js';

const SERVICES = ['checkout', 'support-bot', 'search'];
export const FLEET_SIZE = 23;
/** All fleet traces start at least this long ago, one second apart, newest = index 0. */
const FLEET_START = Date.now() - 120_000;

export interface FleetTrace {
  index: number;
  traceId: string;
  service: string;
  agent: string;
  model: string;
  error: boolean;
  startMs: number;
  durationMs: number;
}

export const fleet: FleetTrace[] = Array.from({ length: FLEET_SIZE }, (_, i) => ({
  index: i,
  traceId: newTraceId(),
  service: SERVICES[i % 3]!,
  agent: i % 2 === 0 ? 'writer' : 'researcher',
  model: i % 4 === 0 ? 'gpt-4o' : 'gpt-4o-mini',
  error: i % 5 === 0,
  startMs: FLEET_START - i * 1000,
  durationMs: 1000 + i * 100,
}));

export function fleetSpec(t: FleetTrace): ApiTraceSpec {
  const root = newSpanId();
  return {
    traceId: t.traceId,
    service: t.service,
    startMs: t.startMs,
    spans: [
      {
        name: `invoke_agent ${t.agent}`,
        spanId: root,
        durationMs: t.durationMs,
        attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': t.agent },
      },
      {
        name: `chat ${t.model}`,
        parent: root,
        startOffsetMs: 10,
        durationMs: 500,
        kind: 3,
        ...(t.error ? { error: 'rate limited' } : {}),
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': t.model,
          'gen_ai.usage.input_tokens': 1000 * (t.index + 1),
          'gen_ai.usage.output_tokens': 100 * (t.index + 1),
        },
      },
      {
        name: 'execute_tool web_search',
        parent: root,
        startOffsetMs: 600,
        durationMs: 50,
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'web_search' },
      },
    ],
  };
}

/** Newest first, as the list orders. */
export const ids = (traces: FleetTrace[]) => traces.map((t) => t.traceId);

/** A trace with every span feature the detail answer carries: link, event, trace state, messages, GenAI facts. */
export const DETAIL = {
  traceId: newTraceId(),
  linkedTraceId: newTraceId(),
  root: newSpanId(),
  chat: newSpanId(),
  messages: [
    { role: 'system', parts: [{ type: 'text', content: 'You answer briefly.' }] },
    { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
  ],
};

export function detailSpec(): ApiTraceSpec {
  return {
    traceId: DETAIL.traceId,
    service: 'detail-svc',
    resource: { 'deployment.environment': 'test' },
    scopeVersion: '2.3.4',
    spans: [
      {
        name: 'POST /ask',
        spanId: DETAIL.root,
        kind: 2,
        durationMs: 900,
        traceState: 'vendor=abc',
        links: [
          { traceId: DETAIL.linkedTraceId, spanId: newSpanId(), attributes: { 'link.kind': 'follows' } },
        ],
      },
      {
        name: 'chat gpt-4o-mini',
        spanId: DETAIL.chat,
        parent: DETAIL.root,
        startOffsetMs: 100,
        durationMs: 700.5,
        kind: 3,
        events: [{ name: 'gen_ai.content.chunk', offsetMs: 50, attributes: { index: 1 } }],
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 300,
          'gen_ai.input.messages': JSON.stringify(DETAIL.messages),
          'gen_ai.request.temperature': 0.2,
        },
      },
    ],
  };
}
