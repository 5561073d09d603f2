// The known GenAI workload metrics.test.ts sends, and the expected values computed from it.
import { calcPrice, type Usage } from '@pydantic/genai-prices';
import { newSpanId, newTraceId, type SpanSpec } from './helpers.js';

export interface Call {
  service: string;
  agent?: string;
  provider: string;
  requestModel: string;
  responseModel?: string;
  operation?: string;
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  error?: boolean;
  durationMs: number;
}

/** The known workload. Every expected number below is computed from this list. */
export const CALLS: Call[] = [
  {
    service: 'support',
    agent: 'triage',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    input: 1000,
    output: 200,
    cacheRead: 300,
    durationMs: 1500,
  },
  {
    service: 'support',
    agent: 'triage',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    input: 500,
    output: 50,
    durationMs: 300,
  },
  {
    service: 'support',
    agent: 'writer',
    provider: 'openai',
    requestModel: 'gpt-4o',
    responseModel: 'gpt-4o-2024-08-06',
    input: 3000,
    output: 700,
    durationMs: 4200,
  },
  {
    service: 'support',
    agent: 'writer',
    provider: 'openai',
    requestModel: 'o3-mini',
    input: 400,
    output: 900,
    reasoning: 600,
    durationMs: 9000,
  },
  {
    service: 'support',
    agent: 'writer',
    provider: 'openai',
    requestModel: 'gpt-4o',
    input: 10,
    output: 0,
    error: true,
    durationMs: 50,
  },
  {
    service: 'billing',
    provider: 'anthropic',
    requestModel: 'claude-sonnet-4-5',
    input: 2000,
    output: 400,
    cacheWrite: 500,
    durationMs: 2500,
  },
  {
    service: 'billing',
    provider: 'openai',
    requestModel: 'text-embedding-3-small',
    operation: 'embeddings',
    input: 50,
    durationMs: 20,
  },
  // Unknown to the price list: unpriced, never $0.
  {
    service: 'billing',
    provider: 'ollama',
    requestModel: 'my-local-llama',
    input: 100,
    output: 10,
    durationMs: 700,
  },
  // Streaming without usage: usage missing.
  { service: 'billing', provider: 'openai', requestModel: 'gpt-4o-mini', durationMs: 900 },
];

export const modelOf = (c: Call) => c.responseModel ?? c.requestModel;

/** What the collector's pricer does: genai-prices for the response model, else the request model. */
export function expectedCost(c: Call): number | null {
  if (c.input === undefined && c.output === undefined) return null;
  const usage: Usage = { input_tokens: c.input ?? 0, output_tokens: c.output ?? 0 };
  if (c.cacheRead) usage.cache_read_tokens = c.cacheRead;
  if (c.cacheWrite) usage.cache_write_tokens = c.cacheWrite;
  for (const model of new Set([c.responseModel, c.requestModel])) {
    if (!model) continue;
    const price = calcPrice(usage, model, { providerId: c.provider, timestamp: new Date() });
    if (price) return price.total_price;
  }
  return null;
}

function callSpan(c: Call, parent?: string): SpanSpec {
  const attributes: SpanSpec['attributes'] = {
    'gen_ai.operation.name': c.operation ?? 'chat',
    'gen_ai.provider.name': c.provider,
    'gen_ai.request.model': c.requestModel,
  };
  if (c.responseModel) attributes['gen_ai.response.model'] = c.responseModel;
  if (c.input !== undefined) attributes['gen_ai.usage.input_tokens'] = c.input;
  if (c.output !== undefined) attributes['gen_ai.usage.output_tokens'] = c.output;
  if (c.cacheRead !== undefined) attributes['gen_ai.usage.cache_read.input_tokens'] = c.cacheRead;
  if (c.cacheWrite !== undefined) attributes['gen_ai.usage.cache_creation.input_tokens'] = c.cacheWrite;
  if (c.reasoning !== undefined) attributes['gen_ai.usage.reasoning.output_tokens'] = c.reasoning;
  if (c.error) attributes['error.type'] = '429';
  return {
    name: `${c.operation ?? 'chat'} ${c.requestModel}`,
    spanId: newSpanId(),
    parent,
    durationMs: c.durationMs,
    statusCode: c.error ? 2 : 0,
    attributes,
  };
}

/** One trace per (service, agent): an invoke_agent root (which repeats its children's usage), calls, two tools. */
export function traces(): { service: string; agent: string; traceId: string; spans: SpanSpec[] }[] {
  const groups = new Map<string, Call[]>();
  for (const c of CALLS) {
    const key = `${c.service}/${c.agent ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()].map((calls) => {
    const { service, agent = '' } = calls[0]!;
    const root = agent ? newSpanId() : undefined;
    const spans: SpanSpec[] = [];
    if (root) {
      spans.push({
        name: `invoke_agent ${agent}`,
        spanId: root,
        durationMs: 20_000,
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': agent,
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          // An agent span may repeat its children's usage: it must not count again.
          'gen_ai.usage.input_tokens': 99_999,
          'gen_ai.usage.output_tokens': 99_999,
        },
      });
    }
    spans.push(...calls.map((c) => callSpan(c, root)));
    spans.push(
      {
        name: 'execute_tool search',
        parent: root,
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
      },
      {
        name: 'execute_tool search',
        parent: root,
        statusCode: 2,
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
      },
    );
    return { service, agent, traceId: newTraceId(), spans };
  });
}

export const sumOf = <K>(
  calls: Call[],
  key: (c: Call) => K,
  value: (c: Call) => number | null | undefined,
) => {
  const out = new Map<K, number>();
  for (const c of calls) {
    const v = value(c);
    if (v === null || v === undefined || v === 0) continue;
    out.set(key(c), (out.get(key(c)) ?? 0) + v);
  }
  return out;
};
