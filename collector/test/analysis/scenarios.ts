// Agent runs with a PLANTED cause, described once and turned into either OTLP/JSON (ingested through a real
// collector) or stored-span views (for the pure analyses): a rate-limit retry loop, a tool failing 3 times, a
// context overflow after a growing conversation, a duplicated prompt, and short prompts on an expensive model.
import type { Message } from '@beacon/semconv';
import type { SpanView, TraceSummary } from '../../src/contract/index.js';
import { type ApiSpanSpec, type ApiTraceSpec, newSpanId, newTraceId } from '../api/helpers.js';

// Published OpenAI prices, USD per 1M tokens (https://openai.com/api/pricing/): what the savings in the tests are
// computed from by hand — NOT by the code under test.
export const PRICES = {
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
} as const;
export type PricedModel = keyof typeof PRICES;

/** The cost of a call by the published prices above. */
export function handCost(model: PricedModel, input: number, output: number, cachedInput = 0): number {
  const p = PRICES[model];
  return ((input - cachedInput) * p.input + cachedInput * p.cachedInput + output * p.output) / 1e6;
}

export interface PlantedSpan {
  key: string;
  spanId: string;
  parentKey?: string;
  name: string;
  startOffsetMs: number;
  durationMs: number;
  error?: string;
  errorType?: string;
  operation: 'invoke_agent' | 'chat' | 'execute_tool';
  agent?: string;
  model?: PricedModel;
  inputTokens?: number;
  outputTokens?: number;
  system?: string;
  input?: Message[];
  output?: Message[];
  tool?: { name: string; callId?: string; arguments?: string; result?: string };
}

export interface Scenario {
  service: string;
  traceId: string;
  spans: PlantedSpan[];
  /** key → span id. */
  ids: Record<string, string>;
}

export const text = (role: string, content: string): Message => ({
  role,
  parts: [{ type: 'text', content }],
});
export const toolCall = (id: string, name: string, args: string): Message => ({
  role: 'assistant',
  parts: [{ type: 'tool_call', id, name, arguments: JSON.parse(args) as unknown }],
});
export const toolResponse = (id: string, response: string): Message => ({
  role: 'tool',
  parts: [{ type: 'tool_call_response', id, response }],
});

function scenario(service: string, spans: Omit<PlantedSpan, 'spanId'>[]): Scenario {
  const withIds = spans.map((s) => ({ ...s, spanId: newSpanId() }));
  return {
    service,
    traceId: newTraceId(),
    spans: withIds,
    ids: Object.fromEntries(withIds.map((s) => [s.key, s.spanId])),
  };
}

const agent = (
  key: string,
  name: string,
  durationMs: number,
  error?: string,
): Omit<PlantedSpan, 'spanId'> => ({
  key,
  name: `invoke_agent ${name}`,
  operation: 'invoke_agent',
  agent: name,
  startOffsetMs: 0,
  durationMs,
  ...(error ? { error } : {}),
});

const chat = (
  key: string,
  parentKey: string,
  at: [number, number],
  call: Partial<PlantedSpan> & { model: PricedModel },
): Omit<PlantedSpan, 'spanId'> => ({
  key,
  parentKey,
  name: `chat ${call.model}`,
  operation: 'chat',
  startOffsetMs: at[0],
  durationMs: at[1],
  ...call,
});

const tool = (
  key: string,
  parentKey: string,
  at: [number, number],
  t: PlantedSpan['tool'] & {},
  error?: string,
): Omit<PlantedSpan, 'spanId'> => ({
  key,
  parentKey,
  name: `execute_tool ${t.name}`,
  operation: 'execute_tool',
  startOffsetMs: at[0],
  durationMs: at[1],
  tool: t,
  ...(error ? { error } : {}),
});

export const RATE_LIMIT_MESSAGE =
  'Error code: 429 - Rate limit reached for gpt-4o in organization org-test on tokens per min (TPM): Limit 30000, ' +
  'Used 29500, Requested 1200. Please try again in 1.2s.';

/** (1) The same chat call fails with 429 three times, then succeeds; the agent recovers. */
export function rateLimitRetry(): Scenario {
  const system = 'You are the support agent of an online shop. Answer briefly.';
  const input = [text('user', 'Where is my order 1234?')];
  const attempt = (key: string, at: [number, number]) =>
    chat(key, 'root', at, {
      model: 'gpt-4o',
      system,
      input,
      error: RATE_LIMIT_MESSAGE,
      errorType: 'RateLimitError',
    });
  return scenario('support', [
    agent('root', 'support-bot', 3000),
    attempt('a1', [10, 40]),
    attempt('a2', [400, 40]),
    attempt('a3', [1200, 40]),
    chat('a4', 'root', [2500, 400], {
      model: 'gpt-4o',
      system,
      input,
      inputTokens: 1200,
      outputTokens: 300,
      output: [text('assistant', 'Your order 1234 ships tomorrow.')],
    }),
  ]);
}

export const TOOL_ERROR = 'ConnectionError: search backend refused the connection';

/** (2) A tool fails 3 times with the same arguments; the agent gives up. */
export function toolFailures(): Scenario {
  const args = '{"query":"beacon otel"}';
  const system = 'You research topics on the web.';
  let history: Message[] = [text('user', 'What is Beacon?')];
  const spans: Omit<PlantedSpan, 'spanId'>[] = [
    agent('root', 'research-bot', 4000, 'research failed: web_search kept failing'),
  ];
  for (let i = 1; i <= 3; i++) {
    const start = 10 + (i - 1) * 400;
    const callId = `call_${i}`;
    spans.push(
      chat(`c${i}`, 'root', [start, 290], {
        model: 'gpt-4o',
        system,
        input: history,
        inputTokens: 800 + i * 50,
        outputTokens: 40,
        output: [toolCall(callId, 'web_search', args)],
      }),
      tool(`t${i}`, 'root', [start + 300, 90], { name: 'web_search', callId, arguments: args }, TOOL_ERROR),
    );
    history = [...history, toolCall(callId, 'web_search', args), toolResponse(callId, TOOL_ERROR)];
  }
  return scenario('research', spans);
}

export const CONTEXT_OVERFLOW_MESSAGE =
  "Error code: 400 - This model's maximum context length of 128000 tokens is exceeded: your messages resulted in " +
  '131072 tokens (context_length_exceeded)';

/** (3) A conversation grows call after call until a chat call overflows the context window. */
export function contextOverflow(): Scenario {
  const system = 'You write long reports.';
  const u1 = text('user', 'Write a report on observability.');
  const draft = (n: number) => text('assistant', `Draft ${n}: ${'lorem ipsum '.repeat(40 * n)}`);
  return scenario('writer', [
    agent('root', 'writer-bot', 6000, 'the report could not be finished'),
    chat('c1', 'root', [10, 500], {
      model: 'gpt-4o',
      system,
      input: [u1],
      inputTokens: 1000,
      outputTokens: 200,
      output: [draft(1)],
    }),
    chat('c2', 'root', [600, 500], {
      model: 'gpt-4o',
      system,
      input: [u1, draft(1), text('user', 'Longer.')],
      inputTokens: 3500,
      outputTokens: 200,
      output: [draft(2)],
    }),
    chat('c3', 'root', [1200, 500], {
      model: 'gpt-4o',
      system,
      input: [u1, draft(1), text('user', 'Longer.'), draft(2), text('user', 'Longer still.')],
      inputTokens: 9000,
      outputTokens: 200,
      output: [draft(3)],
    }),
    chat('c4', 'root', [1800, 100], {
      model: 'gpt-4o',
      system,
      input: [
        u1,
        draft(1),
        text('user', 'Longer.'),
        draft(2),
        text('user', 'Longer still.'),
        draft(3),
        text('user', 'More.'),
      ],
      error: CONTEXT_OVERFLOW_MESSAGE,
      errorType: 'BadRequestError',
    }),
  ]);
}

/** (4) The same prompt sent twice to gpt-4o with known token counts. */
export function duplicatedPrompt(): Scenario {
  const system = 'You answer questions about our return policy.';
  const input = [text('user', 'Can I return shoes after 30 days?')];
  const call = (key: string, at: [number, number]) =>
    chat(key, 'root', at, {
      model: 'gpt-4o',
      system,
      input,
      inputTokens: 1200,
      outputTokens: 300,
      output: [text('assistant', 'Yes, within 60 days.')],
    });
  return scenario('faq', [agent('root', 'faq-bot', 2000), call('c1', [10, 600]), call('c2', [700, 600])]);
}

/** Two short prompts on gpt-4o (which has a cheaper sibling, gpt-4o-mini). */
export function shortPromptsOnExpensiveModel(): Scenario {
  return scenario('classifier', [
    agent('root', 'classifier-bot', 1000),
    chat('c1', 'root', [10, 200], {
      model: 'gpt-4o',
      input: [text('user', 'Classify: "I love it"')],
      inputTokens: 400,
      outputTokens: 100,
    }),
    chat('c2', 'root', [300, 200], {
      model: 'gpt-4o',
      input: [text('user', 'Classify: "Broken on arrival"')],
      inputTokens: 300,
      outputTokens: 50,
    }),
  ]);
}

// ---------------------------------------------------------------------------------------------------------------
// As OTLP/JSON

function attributesOf(s: PlantedSpan): Record<string, string | number> {
  const attrs: Record<string, string | number> = { 'gen_ai.operation.name': s.operation };
  if (s.agent) attrs['gen_ai.agent.name'] = s.agent;
  if (s.model) {
    attrs['gen_ai.provider.name'] = 'openai';
    attrs['gen_ai.request.model'] = s.model;
  }
  if (s.inputTokens !== undefined) attrs['gen_ai.usage.input_tokens'] = s.inputTokens;
  if (s.outputTokens !== undefined) attrs['gen_ai.usage.output_tokens'] = s.outputTokens;
  if (s.system) attrs['gen_ai.system_instructions'] = JSON.stringify([{ type: 'text', content: s.system }]);
  if (s.input) attrs['gen_ai.input.messages'] = JSON.stringify(s.input);
  if (s.output) attrs['gen_ai.output.messages'] = JSON.stringify(s.output);
  if (s.tool) {
    attrs['gen_ai.tool.name'] = s.tool.name;
    if (s.tool.callId) attrs['gen_ai.tool.call.id'] = s.tool.callId;
    if (s.tool.arguments) attrs['gen_ai.tool.call.arguments'] = s.tool.arguments;
  }
  if (s.errorType) attrs['error.type'] = s.errorType;
  return attrs;
}

export function toOtlpTrace(sc: Scenario, startMs = Date.now() - 60_000): ApiTraceSpec {
  return {
    traceId: sc.traceId,
    service: sc.service,
    startMs,
    spans: sc.spans.map(
      (s): ApiSpanSpec => ({
        name: s.name,
        spanId: s.spanId,
        ...(s.parentKey ? { parent: sc.ids[s.parentKey]! } : {}),
        startOffsetMs: s.startOffsetMs,
        durationMs: s.durationMs,
        attributes: attributesOf(s),
        ...(s.error
          ? {
              error: s.error,
              events: [
                {
                  name: 'exception',
                  offsetMs: s.durationMs,
                  attributes: { 'exception.type': s.errorType ?? 'Error', 'exception.message': s.error },
                },
              ],
            }
          : {}),
      }),
    ),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// As stored spans (what GET /traces/{id} answers), for the pure analyses

const BASE_MS = 1_760_000_000_000;

export function toSpanViews(sc: Scenario, baseMs = BASE_MS): SpanView[] {
  const byKey = new Map(sc.spans.map((s) => [s.key, s]));
  const agentOf = (s: PlantedSpan): string | null => {
    for (
      let cur: PlantedSpan | undefined = s;
      cur;
      cur = cur.parentKey ? byKey.get(cur.parentKey) : undefined
    ) {
      if (cur.agent) return cur.agent;
    }
    return null;
  };
  return sc.spans.map((s) => {
    const cost =
      s.model && s.inputTokens !== undefined ? handCost(s.model, s.inputTokens, s.outputTokens ?? 0) : null;
    const attributes = Object.fromEntries(Object.entries(attributesOf(s)).map(([k, v]) => [k, String(v)]));
    const start = BigInt(baseMs + s.startOffsetMs) * 1_000_000n;
    return {
      traceId: sc.traceId,
      spanId: s.spanId,
      parentSpanId: s.parentKey ? sc.ids[s.parentKey]! : '',
      name: s.name,
      kind: 'Internal',
      serviceName: sc.service,
      scopeName: 'test',
      startTimeUnixNano: start.toString(),
      durationMs: s.durationMs,
      statusCode: s.error ? 'Error' : 'Unset',
      statusMessage: s.error ?? '',
      attributes,
      resourceAttributes: { 'service.name': sc.service },
      events: s.error
        ? [
            {
              timeUnixNano: (start + BigInt(s.durationMs) * 1_000_000n).toString(),
              name: 'exception',
              attributes: { 'exception.type': s.errorType ?? 'Error', 'exception.message': s.error },
            },
          ]
        : [],
      links: [],
      genai: {
        operation: s.operation,
        provider: s.model ? 'openai' : null,
        requestModel: s.model ?? null,
        responseModel: null,
        agentName: agentOf(s),
        agentId: null,
        toolName: s.tool?.name ?? null,
        toolCallId: s.tool?.callId ?? null,
        toolArguments: s.tool?.arguments ?? null,
        toolResult: s.tool?.result ?? null,
        conversationId: null,
        usage: {
          inputTokens: s.inputTokens ?? null,
          outputTokens: s.outputTokens ?? null,
          cacheReadTokens: null,
          cacheWriteTokens: null,
          reasoningTokens: null,
        },
        costUsd: cost,
        priceSource: cost === null ? null : 'genai-prices',
        priceEntry: cost === null ? null : `openai/${s.model}`,
        unpriced: false,
        usageMissing: s.operation === 'chat' && s.inputTokens === undefined,
        finishReasons: [],
        errorType: s.error ? (s.errorType ?? '_OTHER') : null,
        systemInstructions: s.system ? [{ type: 'text', content: s.system }] : [],
        inputMessages: s.input ?? [],
        outputMessages: s.output ?? [],
      },
      annotations: [],
    } satisfies SpanView;
  });
}

/** The trace summary the collector would compute for these spans. */
export function summaryOf(sc: Scenario, spans: readonly SpanView[]): TraceSummary {
  const starts = spans.map((s) => BigInt(s.startTimeUnixNano));
  const ends = spans.map((s) => BigInt(s.startTimeUnixNano) + BigInt(Math.round(s.durationMs * 1e6)));
  const min = starts.reduce((a, b) => (a < b ? a : b));
  const max = ends.reduce((a, b) => (a > b ? a : b));
  const calls = spans.filter((s) => s.genai?.operation === 'chat');
  const priced = calls.filter((s) => s.genai?.costUsd !== null);
  const root = spans.find((s) => s.parentSpanId === '')!;
  const errorCount = spans.filter((s) => s.statusCode === 'Error').length;
  const agents = [...new Set(spans.map((s) => s.genai?.agentName).filter((a): a is string => !!a))].sort();
  return {
    traceId: sc.traceId,
    startTimeUnixNano: min.toString(),
    durationMs: Number(max - min) / 1e6,
    rootServiceName: sc.service,
    rootSpanName: root.name,
    rootAgent: agents[0] ?? null,
    agents,
    models: [...new Set(calls.map((s) => s.genai!.requestModel!))].sort(),
    spanCount: spans.length,
    errorCount,
    status: errorCount > 0 ? 'error' : 'ok',
    llmCallCount: calls.length,
    toolCallCount: spans.filter((s) => s.genai?.operation === 'execute_tool').length,
    inputTokens: calls.reduce((n, s) => n + (s.genai!.usage.inputTokens ?? 0), 0),
    outputTokens: calls.reduce((n, s) => n + (s.genai!.usage.outputTokens ?? 0), 0),
    costUsd: priced.length > 0 ? priced.reduce((n, s) => n + s.genai!.costUsd!, 0) : null,
    unpricedCount: 0,
    usageMissingCount: calls.length - calls.filter((s) => s.genai!.usage.inputTokens !== null).length,
    tags: [],
    failureCategories: [],
    failureCount: 0,
    propagatedFailureCount: 0,
    loopCallCount: 0,
  };
}

export function traceData(sc: Scenario) {
  const spans = toSpanViews(sc);
  return { summary: summaryOf(sc, spans), spans };
}
