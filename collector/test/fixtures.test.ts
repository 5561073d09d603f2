// Self-test of the instrumentation fixtures: every agent script drives a REAL instrumentation against the mock LLM
// and exports its spans to a capture server. Also pins the attribute keys each instrumentation emits
// (fixtures/agents/emitted-attributes.json + the top of fixtures/agents/README.md); after an instrumentation
// upgrade or a workload change, regenerate both with UPDATE_EMITTED_ATTRIBUTES=1.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type MockLlm, mockUsage, promptTokensForChars, startMockLlm } from './fixtures/mock-llm.js';
import {
  type CapturedLogRecord,
  type CapturedSpan,
  type OtlpCapture,
  startOtlpCapture,
} from './fixtures/otlp-capture.js';
import {
  AGENT_SCRIPTS,
  AGENTS_DIR,
  type AgentRunResult,
  type AgentScript,
  runAgent,
} from './fixtures/run-agent.js';

const EMITTED_JSON = path.join(AGENTS_DIR, 'emitted-attributes.json');
const README = path.join(AGENTS_DIR, 'README.md');
const UPDATE = process.env.UPDATE_EMITTED_ATTRIBUTES === '1';
const require = createRequire(import.meta.url);

interface Spec {
  /** npm package providing the instrumentation (its version goes into emitted-attributes.json). */
  pkg: string;
  /** Which spans are the LLM (provider call) spans. */
  isLlm: (span: CapturedSpan) => boolean;
  /** Attribute keys holding the prompt/completion token counts, and the cache/reasoning details when emitted. */
  tokens: { prompt: string; completion: string; cached?: string; reasoning?: string };
  /** LLM spans expected to carry token counts (streams are not always accounted). */
  minSpansWithUsage: number;
  /** Whether the first LLM span is a direct child of invoke_agent (Vercel nests it under ai.generateText). */
  directChild: boolean;
}

const SPECS: Record<AgentScript, Spec> = {
  'otel-openai': {
    pkg: '@opentelemetry/instrumentation-openai',
    isLlm: (s) => s.scope.name === '@opentelemetry/instrumentation-openai',
    tokens: { prompt: 'gen_ai.usage.input_tokens', completion: 'gen_ai.usage.output_tokens' },
    minSpansWithUsage: 3,
    directChild: true,
  },
  'traceloop-openai': {
    pkg: '@traceloop/instrumentation-openai',
    isLlm: (s) => s.scope.name === '@traceloop/instrumentation-openai',
    tokens: { prompt: 'gen_ai.usage.input_tokens', completion: 'gen_ai.usage.output_tokens' },
    minSpansWithUsage: 2,
    directChild: true,
  },
  'openinference-openai': {
    pkg: '@arizeai/openinference-instrumentation-openai',
    isLlm: (s) => s.scope.name === '@arizeai/openinference-instrumentation-openai',
    tokens: {
      prompt: 'llm.token_count.prompt',
      completion: 'llm.token_count.completion',
      cached: 'llm.token_count.prompt_details.cache_read',
      reasoning: 'llm.token_count.completion_details.reasoning',
    },
    minSpansWithUsage: 2,
    directChild: true,
  },
  'vercel-ai': {
    pkg: 'ai',
    isLlm: (s) => s.scope.name === 'ai' && /\.do(Generate|Stream|Embed)$/.test(s.name),
    tokens: {
      prompt: 'gen_ai.usage.input_tokens',
      completion: 'gen_ai.usage.output_tokens',
      cached: 'ai.usage.cachedInputTokens',
      reasoning: 'ai.usage.reasoningTokens',
    },
    minSpansWithUsage: 3,
    directChild: false,
  },
};

let mock: MockLlm;
let capture: OtlpCapture;
const emitted: Record<string, unknown> = {};

beforeAll(async () => {
  mock = await startMockLlm();
  capture = await startOtlpCapture();
});

afterAll(async () => {
  await mock?.close();
  await capture?.close();
});

describe('mock LLM', () => {
  test('chat completion usage follows the exported formula and the model is echoed', async () => {
    const body = {
      model: 'gpt-4o-mini-2024-07-18',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hello there' }] },
      ],
    };
    const res = await post('/chat/completions', body);
    expect(res.model).toBe('gpt-4o-mini-2024-07-18');
    expect(res.choices[0].finish_reason).toBe('stop');
    const prompt = promptTokensForChars('Be brief.'.length + 'Hello there'.length);
    expect(res.usage).toMatchObject({
      prompt_tokens: prompt,
      completion_tokens: 8 + 'gpt-4o-mini-2024-07-18'.length,
      prompt_tokens_details: { cached_tokens: Math.floor(prompt / 4) },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(mockUsage('chat.completions', body).promptTokens).toBe(prompt);
  });

  test('tool round: tool_calls first, text after the tool result; reasoning models report reasoning tokens', async () => {
    const tools = [
      {
        type: 'function',
        function: { name: 'lookup', parameters: { properties: { q: { type: 'string' } } } },
      },
    ];
    const messages: unknown[] = [{ role: 'user', content: 'find it' }];
    const first = await post('/chat/completions', { model: 'o3-mini', messages, tools });
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    const call = first.choices[0].message.tool_calls[0];
    expect(call.function).toEqual({ name: 'lookup', arguments: '{"q":"Paris"}' });
    expect(first.usage.completion_tokens_details.reasoning_tokens).toBe(
      Math.floor((8 + 'o3-mini'.length) / 2),
    );
    messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'found' });
    const second = await post('/chat/completions', { model: 'o3-mini', messages, tools });
    expect(second.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: { content: 'The tool answered: found' },
    });
  });

  test('streams a final usage chunk only with stream_options.include_usage', async () => {
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true };
    const withUsage = await sse('/chat/completions', { ...body, stream_options: { include_usage: true } });
    const last = withUsage.at(-1) as { choices: unknown[]; usage: { prompt_tokens: number } };
    expect(last.choices).toEqual([]);
    expect(last.usage.prompt_tokens).toBe(promptTokensForChars(2));
    const without = await sse('/chat/completions', body);
    expect(without.some((c) => (c as { usage?: unknown }).usage)).toBe(false);
  });

  test('embeddings (float and base64), errors, unknown endpoints', async () => {
    const float = await post('/embeddings', { model: 'text-embedding-3-small', input: ['a', 'bb'] });
    expect(float.data).toHaveLength(2);
    expect(float.usage).toEqual({
      prompt_tokens: promptTokensForChars(3),
      total_tokens: promptTokensForChars(3),
    });
    const b64 = await post('/embeddings', {
      model: 'text-embedding-3-small',
      input: 'a',
      encoding_format: 'base64',
    });
    const decoded = Array.from(
      new Float32Array(Uint8Array.from(Buffer.from(b64.data[0].embedding, 'base64')).buffer),
    );
    expect(decoded).toEqual(float.data[0].embedding);
    const error = await fetch(`${mock.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'mock-error', messages: [] }),
    });
    expect(error.status).toBe(400);
    expect((await fetch(`${mock.url}/models`)).status).toBe(404);
  });
});

describe.each(AGENT_SCRIPTS)('agent %s', (script) => {
  const spec = SPECS[script];

  test('exports invoke_agent with LLM child spans that match the provider calls', async () => {
    const first = mock.requests.length;
    const serviceName = `fixture-test-${script}`;
    const result = await runAgent(script, {
      MOCK_LLM_URL: mock.url,
      OTLP_ENDPOINT: capture.tracesUrl,
      OTLP_LOGS_ENDPOINT: capture.logsUrl,
      SERVICE_NAME: serviceName,
    });
    expect(result.traceId).toMatch(/^[0-9a-f]{32}$/);

    // The provider saw exactly the calls the script reports, with the usage of the formula.
    const requests = mock.requests.slice(first);
    expect(requests.map((r) => r.usage)).toEqual(requests.map((r) => mockUsage(r.endpoint!, r.body)));
    expect(result.calls.map((c) => [c.endpoint, c.model, c.promptTokens, c.completionTokens])).toEqual(
      requests.map((r) => [
        r.endpoint,
        (r.body as { model: string }).model,
        r.usage!.promptTokens,
        r.usage!.completionTokens,
      ]),
    );
    expect(result.calls.map((c) => [c.cachedTokens, c.reasoningTokens])).toEqual(
      requests.map((r) => [r.usage!.cachedTokens, r.usage!.reasoningTokens]),
    );
    expect(requests.map((r) => r.kind).slice(0, 2)).toEqual(['tool_calls', 'text']);
    expect(result.calls.some((c) => c.stream)).toBe(true);

    const spans = await capture.waitForTrace(
      result.traceId,
      (s) => s.some((x) => x.spanId === result.spanId) && s.filter(spec.isLlm).length >= result.calls.length,
    );
    const root = spans.find((s) => s.spanId === result.spanId)!;
    expect(root).toMatchObject({
      name: `invoke_agent ${result.agentName}`,
      parentSpanId: undefined,
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': result.agentName },
      resource: { 'service.name': serviceName },
    });

    const llm = spans.filter(spec.isLlm);
    expect(llm.length).toBe(result.calls.length);
    for (const span of llm) expect(isDescendant(span, root, spans)).toBe(true);
    if (spec.directChild) expect(llm.every((s) => s.parentSpanId === root.spanId)).toBe(true);

    // Token counts on the spans are the ones the provider returned.
    const withUsage = llm.filter((s) => typeof s.attributes[spec.tokens.prompt] === 'number');
    expect(withUsage.length).toBeGreaterThanOrEqual(spec.minSpansWithUsage);
    for (const span of withUsage) {
      const seen = {
        promptTokens: span.attributes[spec.tokens.prompt],
        ...(span.attributes[spec.tokens.completion] !== undefined && {
          completionTokens: span.attributes[spec.tokens.completion],
        }),
        ...(spec.tokens.cached &&
          span.attributes[spec.tokens.cached] !== undefined && {
            cachedTokens: span.attributes[spec.tokens.cached],
          }),
        ...(spec.tokens.reasoning &&
          span.attributes[spec.tokens.reasoning] !== undefined && {
            reasoningTokens: span.attributes[spec.tokens.reasoning],
          }),
      };
      expect(result.calls).toContainEqual(expect.objectContaining(seen));
    }

    emitted[script] = describeEmitted(
      spec,
      result,
      spans,
      capture.logs.filter((l) => l.traceId === result.traceId),
    );
  });
});

describe('agent failures and other OTLP protocols', () => {
  test('a provider error fails the script (exit 1, stderr) and marks invoke_agent as an error', async () => {
    const run = runAgent('otel-openai', {
      MOCK_LLM_URL: mock.url,
      OTLP_ENDPOINT: capture.tracesUrl,
      MODEL: 'mock-error-model',
      AGENT_NAME: 'failing-agent',
    });
    await expect(run).rejects.toThrow(/exited with 1[\s\S]*Mock error for model mock-error-model/);
    await expect
      .poll(() => capture.spans.find((s) => s.name === 'invoke_agent failing-agent')?.status.code)
      .toBe(2);
  });

  test('http/protobuf exporter', async () => {
    const before = capture.raw.length;
    const result = await runAgent('traceloop-openai', {
      MOCK_LLM_URL: mock.url,
      OTLP_ENDPOINT: capture.tracesUrl,
      OTLP_PROTOCOL: 'http/protobuf',
    });
    const protobuf = capture.raw
      .slice(before)
      .filter((r) => r.path === '/v1/traces' && r.contentType === 'application/x-protobuf');
    expect(protobuf.some((r) => r.body.includes(Buffer.from(result.traceId, 'hex')))).toBe(true);
  });

  test('grpc exporter', async () => {
    const bodies: Buffer[] = [];
    const server = new grpc.Server();
    const identity = (b: Buffer) => b;
    server.addService(
      {
        Export: {
          path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          requestStream: false,
          responseStream: false,
          requestSerialize: identity,
          requestDeserialize: identity,
          responseSerialize: identity,
          responseDeserialize: identity,
        },
      },
      {
        Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => {
          bodies.push(call.request);
          done(null, Buffer.alloc(0));
        },
      },
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    try {
      const result = await runAgent('traceloop-openai', {
        MOCK_LLM_URL: mock.url,
        OTLP_PROTOCOL: 'grpc',
        OTLP_GRPC_ENDPOINT: `http://127.0.0.1:${port}`,
      });
      expect(bodies.some((b) => b.includes(Buffer.from(result.traceId, 'hex')))).toBe(true);
    } finally {
      server.forceShutdown();
    }
  });
});

describe('emitted attribute keys', () => {
  test('match agents/emitted-attributes.json (UPDATE_EMITTED_ATTRIBUTES=1 regenerates it and the README block)', () => {
    expect(Object.keys(emitted).sort()).toEqual([...AGENT_SCRIPTS].sort());
    const ordered = Object.fromEntries(AGENT_SCRIPTS.map((s) => [s, emitted[s]]));
    if (UPDATE) {
      writeFileSync(EMITTED_JSON, `${JSON.stringify(ordered, null, 2)}\n`);
      writeReadmeBlock(ordered as Record<AgentScript, Emitted>);
    }
    expect(JSON.parse(readFileSync(EMITTED_JSON, 'utf8'))).toEqual(ordered);
  });
});

// ---------------------------------------------------------------------------------------------------------------

interface Emitted {
  instrumentation: string;
  llmSpanNames: string[];
  llmSpanAttributes: string[];
  spanNames: string[];
  attributesBySpanName: Record<string, string[]>;
  tokenAttributes: Spec['tokens'];
  logEvents?: Record<string, { attributes: string[]; bodyKeys: string[] }>;
}

function describeEmitted(
  spec: Spec,
  result: AgentRunResult,
  spans: CapturedSpan[],
  logs: CapturedLogRecord[],
): Emitted {
  const version = packageVersion(spec.pkg);
  const llm = spans.filter(spec.isLlm);
  const bySpanName: Record<string, Set<string>> = {};
  for (const span of spans) {
    if (span.spanId === result.spanId) continue;
    bySpanName[span.name] ??= new Set();
    for (const key of Object.keys(span.attributes)) bySpanName[span.name]!.add(key);
  }
  const out: Emitted = {
    instrumentation: `${spec.pkg}@${version}`,
    llmSpanNames: uniqSorted(llm.map((s) => s.name)),
    llmSpanAttributes: uniqSorted(llm.flatMap((s) => Object.keys(s.attributes))),
    spanNames: uniqSorted(spans.map((s) => s.name)),
    attributesBySpanName: Object.fromEntries(
      Object.entries(bySpanName)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, keys]) => [name, [...keys].sort()]),
    ),
    tokenAttributes: spec.tokens,
  };
  if (logs.length > 0) {
    const events: Record<string, { attributes: Set<string>; bodyKeys: Set<string> }> = {};
    for (const log of logs) {
      const name = log.eventName ?? '(none)';
      events[name] ??= { attributes: new Set(), bodyKeys: new Set() };
      const e = events[name]!;
      for (const key of Object.keys(log.attributes)) e.attributes.add(key);
      if (log.body && typeof log.body === 'object' && !Array.isArray(log.body)) {
        for (const key of Object.keys(log.body)) e.bodyKeys.add(key);
      }
    }
    out.logEvents = Object.fromEntries(
      Object.entries(events)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, e]) => [
          name,
          { attributes: [...e.attributes].sort(), bodyKeys: [...e.bodyKeys].sort() },
        ]),
    );
  }
  return out;
}

const BEGIN =
  '<!-- BEGIN emitted-attributes (generated by collector/test/fixtures.test.ts, UPDATE_EMITTED_ATTRIBUTES=1) -->';
const END = '<!-- END emitted-attributes -->';

function writeReadmeBlock(all: Record<AgentScript, Emitted>): void {
  const lines = [BEGIN, '## Attribute keys emitted on LLM spans (installed versions)', ''];
  for (const script of AGENT_SCRIPTS) {
    const e = all[script];
    lines.push(`### \`${script}\` — ${e.instrumentation}`, '');
    lines.push(`LLM span names: ${e.llmSpanNames.map((n) => `\`${n}\``).join(', ')}`, '');
    const other = e.spanNames.filter((n) => !e.llmSpanNames.includes(n) && !n.startsWith('invoke_agent'));
    if (other.length > 0) {
      lines.push('Other spans in the trace:', '');
      for (const name of other) lines.push(`- \`${name}\`: ${e.attributesBySpanName[name]!.join(', ')}`);
      lines.push('');
    }
    lines.push('LLM span attribute keys (union over the workload):', '');
    lines.push('```text', ...e.llmSpanAttributes, '```', '');
    if (e.logEvents) {
      lines.push('Log events (exported only with OTLP_LOGS_ENDPOINT):', '');
      for (const [name, ev] of Object.entries(e.logEvents)) {
        lines.push(
          `- \`${name}\`: attributes ${ev.attributes.join(', ')}; body keys ${ev.bodyKeys.join(', ')}`,
        );
      }
      lines.push('');
    }
  }
  lines.push(END);
  const current = readFileSync(README, 'utf8');
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const rest = start >= 0 && end > start ? current.slice(end + END.length).replace(/^\n+/, '') : current;
  writeFileSync(README, `${lines.join('\n')}\n\n${rest}`);
}

/** The installed version of a package (whose `exports` may hide package.json). */
function packageVersion(pkg: string): string {
  let dir = path.dirname(require.resolve(pkg));
  for (;;) {
    try {
      const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (json.name === pkg) return json.version;
    } catch {
      // no package.json at this level
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json of ${pkg} not found`);
    dir = parent;
  }
}

function uniqSorted(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function isDescendant(span: CapturedSpan, ancestor: CapturedSpan, spans: CapturedSpan[]): boolean {
  let current: CapturedSpan | undefined = span;
  for (let depth = 0; current && depth < 20; depth++) {
    if (current.parentSpanId === ancestor.spanId) return true;
    current = spans.find((s) => s.spanId === current!.parentSpanId);
  }
  return false;
}

// biome-ignore lint/suspicious/noExplicitAny: loosely typed provider responses in the mock self-test
async function post(pathname: string, body: unknown): Promise<any> {
  const res = await fetch(`${mock.url}${pathname}`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json();
}

async function sse(pathname: string, body: unknown): Promise<unknown[]> {
  const res = await fetch(`${mock.url}${pathname}`, { method: 'POST', body: JSON.stringify(body) });
  const text = await res.text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)));
}
