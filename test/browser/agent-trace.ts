// A multi-agent run as OTLP/JSON, for the browser test: a planner agent that calls an LLM, hands work to a
// researcher agent (LLM → web search tool → LLM) and a booker agent (LLM → hotel booking tool that fails → LLM),
// then writes the answer with a last LLM call. Spans carry OTel GenAI attributes with message content
// (gen_ai.input.messages / gen_ai.output.messages), start in sequence a few seconds ago (inside the retention) and
// have fixed, readable texts the test looks for in the UI.
import { randomBytes } from 'node:crypto';

type AttrValue = string | number | boolean;

interface SpanPlan {
  key: string;
  parent?: string;
  name: string;
  /** Offsets from the trace start. */
  startMs: number;
  durationMs: number;
  kind: 'internal' | 'client';
  attributes: Record<string, AttrValue>;
  error?: string;
}

export interface BuiltTrace {
  traceId: string;
  /** Span ids by the plan's key. */
  spanIds: Record<string, string>;
  spanCount: number;
  /** The OTLP/JSON ExportTraceServiceRequest body. */
  body: string;
}

const text = (content: string) => ({ type: 'text', content });
const msg = (role: string, ...parts: object[]) => ({ role, parts });
const json = (value: unknown) => JSON.stringify(value);

function llm(
  model: string,
  provider: string,
  agent: string,
  input: object[],
  output: object[],
  usage: { input: number; output: number },
  finish = 'stop',
): Record<string, AttrValue> {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': provider,
    'gen_ai.request.model': model,
    'gen_ai.response.model': model,
    'gen_ai.agent.name': agent,
    'gen_ai.usage.input_tokens': usage.input,
    'gen_ai.usage.output_tokens': usage.output,
    'gen_ai.response.finish_reasons': json([finish]),
    'gen_ai.input.messages': json(input),
    'gen_ai.output.messages': json(output.map((m) => ({ ...m, finish_reason: finish }))),
  };
}

const agent = (name: string, description: string): Record<string, AttrValue> => ({
  'gen_ai.operation.name': 'invoke_agent',
  'gen_ai.agent.name': name,
  'gen_ai.agent.description': description,
  'gen_ai.provider.name': 'openai',
});

const tool = (name: string, callId: string, args: unknown, result: string): Record<string, AttrValue> => ({
  'gen_ai.operation.name': 'execute_tool',
  'gen_ai.tool.name': name,
  'gen_ai.tool.call.id': callId,
  'gen_ai.tool.type': 'function',
  'gen_ai.tool.call.arguments': json(args),
  'gen_ai.tool.call.result': result,
});

/** The texts the UI must show for the planner's first LLM call. */
export const PLANNER_PROMPT = 'Plan a 3-day trip to Lisbon in May for two people, budget 1500 EUR.';
export const PLANNER_COMPLETION =
  'Plan: the researcher finds the sights of Belém and Alfama, the booker reserves a hotel near Baixa.';

const PLAN: SpanPlan[] = [
  {
    key: 'planner',
    name: 'invoke_agent planner',
    startMs: 0,
    durationMs: 9400,
    kind: 'internal',
    attributes: agent('planner', 'Splits a travel request between specialist agents'),
  },
  {
    key: 'plannerLlm',
    parent: 'planner',
    name: 'chat gpt-4o',
    startMs: 100,
    durationMs: 1100,
    kind: 'client',
    attributes: llm(
      'gpt-4o',
      'openai',
      'planner',
      [
        msg('system', text('You are a travel planner. Delegate research and booking.')),
        msg('user', text(PLANNER_PROMPT)),
      ],
      [msg('assistant', text(PLANNER_COMPLETION))],
      { input: 412, output: 96 },
    ),
  },
  {
    key: 'researcher',
    parent: 'planner',
    name: 'invoke_agent researcher',
    startMs: 1300,
    durationMs: 3800,
    kind: 'internal',
    attributes: agent('researcher', 'Finds things to see'),
  },
  {
    key: 'researcherLlm1',
    parent: 'researcher',
    name: 'chat gpt-4o-mini',
    startMs: 1400,
    durationMs: 900,
    kind: 'client',
    attributes: llm(
      'gpt-4o-mini',
      'openai',
      'researcher',
      [msg('user', text('Find the top sights in Lisbon for a 3-day visit.'))],
      [
        msg('assistant', {
          type: 'tool_call',
          id: 'call_search_1',
          name: 'search_web',
          arguments: { query: 'Lisbon top sights Belém Alfama' },
        }),
      ],
      { input: 220, output: 31 },
      'tool_calls',
    ),
  },
  {
    key: 'search',
    parent: 'researcher',
    name: 'execute_tool search_web',
    startMs: 2400,
    durationMs: 1200,
    kind: 'internal',
    attributes: tool(
      'search_web',
      'call_search_1',
      { query: 'Lisbon top sights Belém Alfama' },
      'Belém Tower; Jerónimos Monastery; Alfama viewpoints; Time Out Market',
    ),
  },
  {
    key: 'researcherLlm2',
    parent: 'researcher',
    name: 'chat gpt-4o-mini',
    startMs: 3700,
    durationMs: 1300,
    kind: 'client',
    attributes: llm(
      'gpt-4o-mini',
      'openai',
      'researcher',
      [
        msg('user', text('Find the top sights in Lisbon for a 3-day visit.')),
        msg('tool', {
          type: 'tool_call_response',
          id: 'call_search_1',
          response: 'Belém Tower; Jerónimos Monastery; Alfama viewpoints; Time Out Market',
        }),
      ],
      [msg('assistant', text('Day 1 Belém, day 2 Alfama, day 3 Sintra.'))],
      { input: 310, output: 44 },
    ),
  },
  {
    key: 'booker',
    parent: 'planner',
    name: 'invoke_agent booker',
    startMs: 5200,
    durationMs: 3000,
    kind: 'internal',
    attributes: agent('booker', 'Books hotels'),
  },
  {
    key: 'bookerLlm1',
    parent: 'booker',
    name: 'chat claude-sonnet-4-5',
    startMs: 5300,
    durationMs: 800,
    kind: 'client',
    attributes: llm(
      'claude-sonnet-4-5',
      'anthropic',
      'booker',
      [msg('user', text('Book a hotel near Baixa for 2 guests, 3 nights in May.'))],
      [
        msg('assistant', {
          type: 'tool_call',
          id: 'call_book_1',
          name: 'book_hotel',
          arguments: { area: 'Baixa', guests: 2, nights: 3 },
        }),
      ],
      { input: 260, output: 38 },
      'tool_calls',
    ),
  },
  {
    key: 'book',
    parent: 'booker',
    name: 'execute_tool book_hotel',
    startMs: 6200,
    durationMs: 900,
    kind: 'internal',
    attributes: tool(
      'book_hotel',
      'call_book_1',
      { area: 'Baixa', guests: 2, nights: 3 },
      'error: no rooms left',
    ),
    error: 'No rooms left in Baixa for those dates',
  },
  {
    key: 'bookerLlm2',
    parent: 'booker',
    name: 'chat claude-sonnet-4-5',
    startMs: 7200,
    durationMs: 900,
    kind: 'client',
    attributes: llm(
      'claude-sonnet-4-5',
      'anthropic',
      'booker',
      [msg('user', text('The Baixa hotel is full. Suggest an alternative.'))],
      [msg('assistant', text('Booked nothing yet: suggest Chiado instead.'))],
      { input: 180, output: 29 },
    ),
  },
  {
    key: 'plannerLlm2',
    parent: 'planner',
    name: 'chat gpt-4o',
    startMs: 8300,
    durationMs: 1000,
    kind: 'client',
    attributes: llm(
      'gpt-4o',
      'openai',
      'planner',
      [msg('user', text('Write the final itinerary.'))],
      [
        msg(
          'assistant',
          text('Your Lisbon itinerary: Belém, Alfama, Sintra; hotel in Chiado (Baixa was full).'),
        ),
      ],
      { input: 530, output: 120 },
    ),
  },
];

function anyValue(value: AttrValue): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/** The multi-agent run, starting `agoMs` before now. */
export function buildAgentTrace(service = 'travel-assistant', agoMs = 15_000): BuiltTrace {
  const traceId = randomBytes(16).toString('hex');
  const spanIds = Object.fromEntries(PLAN.map((s) => [s.key, randomBytes(8).toString('hex')]));
  const t0 = BigInt(Date.now() - agoMs) * 1_000_000n;
  const ns = (ms: number) => String(t0 + BigInt(ms) * 1_000_000n);
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: service } },
            { key: 'service.version', value: { stringValue: '1.4.0' } },
          ],
        },
        scopeSpans: [
          {
            scope: { name: 'beacon-browser-test' },
            spans: PLAN.map((s) => ({
              traceId,
              spanId: spanIds[s.key],
              parentSpanId: s.parent ? spanIds[s.parent] : '',
              name: s.name,
              kind: s.kind === 'client' ? 3 : 1,
              startTimeUnixNano: ns(s.startMs),
              endTimeUnixNano: ns(s.startMs + s.durationMs),
              attributes: Object.entries(s.attributes).map(([key, value]) => ({
                key,
                value: anyValue(value),
              })),
              status: s.error ? { code: 2, message: s.error } : { code: 0 },
            })),
          },
        ],
      },
    ],
  });
  return { traceId, spanIds, spanCount: PLAN.length, body };
}
