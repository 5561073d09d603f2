// Test data shaped by the query API contract: SpanView / GenAISpanView builders and one agent trace whose
// critical path, rows and context growth are known.
import type {
  GenAISpanView,
  SpanView,
  TraceDetailResponse,
  TraceSummary,
} from '@beacon/collector/api-contract';
import { genaiView } from '../src/api/outline';

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
/** Epoch ms of the trace start. */
export const T0_MS = 1_700_000_000_000;

/** Offset in ms from T0 → nanosecond timestamp string. */
export function ns(offsetMs: number): string {
  return (BigInt(T0_MS) * 1_000_000n + BigInt(Math.round(offsetMs * 1000)) * 1000n).toString();
}

export function genai(over: Partial<GenAISpanView> = {}): GenAISpanView {
  return genaiView({ operation: 'chat', ...over });
}

export interface SpanInit extends Partial<SpanView> {
  spanId: string;
  name: string;
  /** ms from T0 */
  start: number;
  /** ms */
  duration: number;
}

export function span({ start, duration, ...over }: SpanInit): SpanView {
  return {
    traceId: TRACE_ID,
    parentSpanId: '',
    kind: 'Internal',
    serviceName: 'travel-agent',
    scopeName: 'test',
    statusCode: 'Unset',
    statusMessage: '',
    attributes: {},
    resourceAttributes: { 'service.name': 'travel-agent' },
    events: [],
    links: [],
    genai: null,
    annotations: [],
    startTimeUnixNano: ns(start),
    durationMs: duration,
    ...over,
  };
}

const SYSTEM = [{ type: 'text', content: 'You are a travel planner.' }];
const USER = { role: 'user', parts: [{ type: 'text', content: 'Plan a weekend in Lisbon' }] };
const ASSISTANT_TOOLS = {
  role: 'assistant',
  parts: [
    { type: 'tool_call', id: 'call_1', name: 'search', arguments: { query: 'Lisbon hotels' } },
    { type: 'tool_call', id: 'call_2', name: 'weather', arguments: { city: 'Lisbon' } },
  ],
};
const TOOL_SEARCH = {
  role: 'tool',
  parts: [{ type: 'tool_call_response', id: 'call_1', response: 'Hotel Avenida, 120 EUR' }],
};
const TOOL_WEATHER = {
  role: 'tool',
  parts: [{ type: 'tool_call_response', id: 'call_2', response: 'timeout' }],
};
const FINAL = {
  role: 'assistant',
  parts: [{ type: 'text', content: 'Stay at Hotel Avenida; pack an umbrella.' }],
  finish_reason: 'stop',
};

/**
 * planner (root, 0–100)
 * ├─ llm1  chat gpt-4o           0–10
 * ├─ tool1 execute_tool search  10–40   ┐ parallel
 * ├─ tool2 execute_tool weather 10–70   ┘ (error)
 * ├─ llm2  chat gpt-4o          70–95
 * └─ save  persist              96–98   (no GenAI facts)
 * Critical path: root → llm1 → tool2 → llm2 → save (tool1 finishes before tool2, so it is not on it).
 */
export function agentTrace(): SpanView[] {
  return [
    span({
      spanId: 'root',
      name: 'invoke_agent planner',
      start: 0,
      duration: 100,
      genai: genai({ operation: 'invoke_agent', agentName: 'planner' }),
    }),
    span({
      spanId: 'llm1',
      parentSpanId: 'root',
      name: 'chat gpt-4o',
      kind: 'Client',
      start: 0,
      duration: 10,
      genai: genai({
        operation: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o',
        responseModel: 'gpt-4o-2024-08-06',
        agentName: 'planner',
        usage: {
          inputTokens: 1200,
          outputTokens: 80,
          cacheReadTokens: 0,
          cacheWriteTokens: null,
          reasoningTokens: null,
        },
        costUsd: 0.0038,
        priceSource: 'genai-prices',
        finishReasons: ['tool_calls'],
        systemInstructions: SYSTEM,
        inputMessages: [USER],
        outputMessages: [{ ...ASSISTANT_TOOLS, finish_reason: 'tool_calls' }],
      }),
    }),
    span({
      spanId: 'tool1',
      parentSpanId: 'root',
      name: 'execute_tool search',
      start: 10,
      duration: 30,
      genai: genai({
        operation: 'execute_tool',
        agentName: 'planner',
        toolName: 'search',
        toolCallId: 'call_1',
        toolArguments: '{"query":"Lisbon hotels","limit":3}',
        toolResult: '{"results":[{"name":"Hotel Avenida","price":120}]}',
      }),
    }),
    span({
      spanId: 'tool2',
      parentSpanId: 'root',
      name: 'execute_tool weather',
      start: 10,
      duration: 60,
      statusCode: 'Error',
      statusMessage: 'weather API timed out',
      events: [
        {
          timeUnixNano: ns(70),
          name: 'exception',
          attributes: {
            'exception.type': 'TimeoutError',
            'exception.message': 'weather API timed out after 60ms',
            'exception.stacktrace':
              'TimeoutError: weather API timed out\n    at fetchWeather (tools.ts:42:11)',
          },
        },
      ],
      genai: genai({
        operation: 'execute_tool',
        agentName: 'planner',
        toolName: 'weather',
        toolCallId: 'call_2',
        toolArguments: '{"city":"Lisbon"}',
        errorType: 'TimeoutError',
      }),
    }),
    span({
      spanId: 'llm2',
      parentSpanId: 'root',
      name: 'chat gpt-4o',
      kind: 'Client',
      start: 70,
      duration: 25,
      genai: genai({
        operation: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o',
        responseModel: 'gpt-4o-2024-08-06',
        agentName: 'planner',
        usage: {
          inputTokens: 1650,
          outputTokens: 40,
          cacheReadTokens: 1024,
          cacheWriteTokens: null,
          reasoningTokens: null,
        },
        costUsd: 0.0029,
        priceSource: 'genai-prices',
        finishReasons: ['stop'],
        systemInstructions: SYSTEM,
        inputMessages: [USER, ASSISTANT_TOOLS, TOOL_SEARCH, TOOL_WEATHER],
        outputMessages: [FINAL],
      }),
    }),
    span({ spanId: 'save', parentSpanId: 'root', name: 'persist', start: 96, duration: 2 }),
  ];
}

export function summary(over: Partial<TraceSummary> = {}): TraceSummary {
  return {
    traceId: TRACE_ID,
    startTimeUnixNano: ns(0),
    durationMs: 100,
    rootServiceName: 'travel-agent',
    rootSpanName: 'invoke_agent planner',
    rootAgent: 'planner',
    agents: ['planner'],
    models: ['gpt-4o'],
    spanCount: 6,
    errorCount: 1,
    status: 'error',
    llmCallCount: 2,
    toolCallCount: 2,
    inputTokens: 2850,
    outputTokens: 120,
    costUsd: 0.0067,
    unpricedCount: 0,
    usageMissingCount: 0,
    tags: [],
    failureCategories: [],
    failureCount: 1,
    propagatedFailureCount: 0,
    loopCallCount: 0,
    ...over,
  };
}

export function traceDetail(
  spans: SpanView[] = agentTrace(),
  over: Partial<TraceSummary> = {},
): TraceDetailResponse {
  return { trace: summary({ spanCount: spans.length, ...over }), spans };
}
