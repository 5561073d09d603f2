// POST /api/v1/replay end to end: a real collector (embedded ClickHouse) whose provider settings point at the mock
// provider, source spans ingested over OTLP/JSON. Acceptance 1 of [4/9]: the provider's request carries the edits,
// the replay is stored as a new trace linked to the original, the diff is right, keys never reach ClickHouse or
// the log.
import type { Message } from '@beacon/semconv';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PromptVersion, PromptVersionListResponse, ReplayResult } from '../../src/contract/index.js';
import { api, expectBadRequest, newSpanId, newTraceId, sendTraces } from '../api/helpers.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { type MockLlm, mockUsage, type RecordedRequest, startMockLlm } from '../fixtures/mock-llm.js';

// Distinctive keys, searched for in every table and every log line at the end.
const OPENAI_KEY = 'sk-beacon-test-openai-KEY-7f3a9c1d';
const ANTHROPIC_KEY = 'sk-ant-beacon-test-KEY-51d2e8aa';
const REQUEST_KEY = 'sk-request-only-KEY-c0ffee42';
const KEYS = [OPENAI_KEY, ANTHROPIC_KEY, REQUEST_KEY];

const SERVICE = 'support-bot';
const traceId = newTraceId();
const agentSpan = newSpanId();
const openaiSpan = newSpanId();
const anthropicSpan = newSpanId();
const groqSpan = newSpanId();
const toolSpan = newSpanId();
const embeddingsSpan = newSpanId();

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

const userText = (text: string): Message => ({ role: 'user', parts: [{ type: 'text', content: text }] });

function modelCall(provider: string, model: string, extra: Record<string, string | number> = {}) {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': provider,
    'gen_ai.request.model': model,
    'gen_ai.response.model': model,
    'gen_ai.request.temperature': 0.7,
    'gen_ai.request.max_tokens': 100,
    'gen_ai.usage.input_tokens': 20,
    'gen_ai.usage.output_tokens': 12,
    'gen_ai.system_instructions': JSON.stringify([
      { type: 'text', content: 'You answer geography questions.' },
    ]),
    'gen_ai.input.messages': JSON.stringify([userText('What is the capital of France?')]),
    'gen_ai.output.messages': JSON.stringify([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'Mock answer to: What is the capital of France?' }],
        finish_reason: 'stop',
      },
    ]),
    ...extra,
  };
}

let mock: MockLlm;
let collector: TestCollector;

beforeAll(async () => {
  mock = await startMockLlm();
  collector = await startTestCollector(
    {
      openaiBaseUrl: mock.url,
      openaiApiKey: OPENAI_KEY,
      anthropicBaseUrl: mock.anthropicUrl,
      anthropicApiKey: ANTHROPIC_KEY,
    },
    { captureLogs: true, logLevel: 'debug' },
  );
  await sendTraces(collector.httpUrl, [
    {
      traceId,
      service: SERVICE,
      spans: [
        {
          name: 'invoke_agent triage',
          spanId: agentSpan,
          durationMs: 900,
          attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'triage' },
        },
        {
          name: 'chat gpt-4o-mini',
          spanId: openaiSpan,
          parent: agentSpan,
          kind: 3,
          startOffsetMs: 10,
          attributes: modelCall('openai', 'gpt-4o-mini', {
            'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', ...WEATHER_TOOL }]),
          }),
        },
        {
          name: 'chat claude-3-5-haiku-20241022',
          spanId: anthropicSpan,
          parent: agentSpan,
          kind: 3,
          startOffsetMs: 200,
          attributes: modelCall('anthropic', 'claude-3-5-haiku-20241022'),
        },
        {
          name: 'chat llama-3.1-8b-instant',
          spanId: groqSpan,
          parent: agentSpan,
          kind: 3,
          startOffsetMs: 400,
          attributes: modelCall('groq', 'llama-3.1-8b-instant'),
        },
        {
          name: 'execute_tool get_weather',
          spanId: toolSpan,
          parent: agentSpan,
          startOffsetMs: 500,
          attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' },
        },
        {
          name: 'embeddings text-embedding-3-small',
          spanId: embeddingsSpan,
          parent: agentSpan,
          startOffsetMs: 600,
          attributes: {
            'gen_ai.operation.name': 'embeddings',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'text-embedding-3-small',
            'gen_ai.usage.input_tokens': 5,
          },
        },
      ],
    },
  ]);
  await collector.writer.flush();
});

afterAll(async () => {
  await collector?.dispose();
  await mock?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Helpers

interface SseEvent {
  event: string;
  data: unknown;
}

/** POST /replay with stream: true, reading events as they arrive. */
async function replayStream(body: Record<string, unknown>): Promise<{ status: number; events: SseEvent[] }> {
  const res = await fetch(`${collector.apiUrl}/api/v1/replay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    buffer += decoder.decode(value, { stream: !done });
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
      events.push({ event, data: JSON.parse(data) });
      end = buffer.indexOf('\n\n');
    }
    if (done) break;
  }
  return { status: res.status, events };
}

async function replay(body: Record<string, unknown>, stream = false): Promise<ReplayResult> {
  if (stream) {
    const { events } = await replayStream(body);
    const result = events.find((e) => e.event === 'result');
    if (!result) throw new Error(`no result event: ${JSON.stringify(events)}`);
    return result.data as ReplayResult;
  }
  const answer = await api<ReplayResult>(collector.apiUrl, '/api/v1/replay', { method: 'POST', json: body });
  if (answer.status !== 200) throw new Error(`replay answered ${answer.status}: ${answer.text}`);
  return answer.body;
}

/** The provider requests made while `run` ran. */
async function recorded<T>(run: () => Promise<T>): Promise<{ result: T; requests: RecordedRequest[] }> {
  const first = mock.requests.length;
  const result = await run();
  return { result, requests: mock.requests.slice(first) };
}

const db = () => collector.config.clickhouseDatabase;

// ---------------------------------------------------------------------------------------------------------------
// Acceptance: edits reach the provider; the result is a linked, priced trace

const EDITED_MESSAGES: Message[] = [
  userText('What is the weather in Madrid?'),
  {
    role: 'assistant',
    parts: [{ type: 'tool_call', id: 'call_madrid', name: 'get_weather', arguments: { city: 'Madrid' } }],
  },
  { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_madrid', response: 'sunny, 31 C' }] },
];
const EDITED_TOOLS = [
  WEATHER_TOOL,
  { name: 'get_time', description: 'Local time of a city', parameters: { type: 'object', properties: {} } },
];

describe.each([
  { provider: 'openai' as const, spanId: openaiSpan, model: 'gpt-4o', source: 'gpt-4o-mini' },
  {
    provider: 'anthropic' as const,
    spanId: anthropicSpan,
    model: 'claude-3-5-sonnet-20241022',
    source: 'claude-3-5-haiku-20241022',
  },
])('$provider', ({ provider, spanId, model }) => {
  describe.each([false, true])('stream %s', (stream) => {
    test('the edits reach the provider and the replay is stored as a linked, priced trace', async () => {
      const label = `edit ${provider} ${stream}`;
      const { result, requests } = await recorded(() =>
        replay(
          {
            traceId,
            spanId,
            model,
            system: 'You are a weather bot.',
            messages: EDITED_MESSAGES,
            temperature: 0.2,
            maxTokens: 64,
            tools: EDITED_TOOLS,
            label,
          },
          stream,
        ),
      );

      // The provider saw the edits, in its own wire format, with the configured key.
      expect(requests).toHaveLength(1);
      const request = requests[0]!;
      const body = request.body as Record<string, unknown>;
      expect(body.model).toBe(model);
      expect(body.temperature).toBe(0.2);
      expect(body.stream ?? false).toBe(stream);
      if (provider === 'openai') {
        expect(request.path).toBe('/v1/chat/completions');
        expect(request.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
        expect(body.max_completion_tokens).toBe(64);
        expect(body.tools).toEqual(EDITED_TOOLS.map((t) => ({ type: 'function', function: t })));
        expect(body.messages).toEqual([
          { role: 'system', content: 'You are a weather bot.' },
          { role: 'user', content: 'What is the weather in Madrid?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_madrid',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Madrid"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_madrid', content: 'sunny, 31 C' },
        ]);
      } else {
        expect(request.path).toBe('/v1/messages');
        expect(String(request.headers['x-api-key'] ?? request.headers.authorization)).toContain(
          ANTHROPIC_KEY,
        );
        expect(body.max_tokens).toBe(64);
        expect(body.system).toBe('You are a weather bot.');
        expect(body.tools).toEqual(
          EDITED_TOOLS.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })),
        );
        expect(body.messages).toEqual([
          { role: 'user', content: [{ type: 'text', text: 'What is the weather in Madrid?' }] },
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 'call_madrid', name: 'get_weather', input: { city: 'Madrid' } },
            ],
          },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 'call_madrid', content: 'sunny, 31 C' }],
          },
        ]);
      }

      // The answer, its usage in OTel terms (input includes cache reads) and the pipeline's price.
      const usage = mockUsage(request.endpoint!, body);
      expect(result.replay.output).toBe('The tool answered: sunny, 31 C');
      expect(result.replay.model).toBe(model);
      expect(result.replay.provider).toBe(provider);
      expect(result.replay.usage).toMatchObject({
        inputTokens: usage.promptTokens,
        outputTokens: usage.completionTokens,
        cacheReadTokens: usage.cachedTokens,
      });
      expect(result.replay.costUsd).toBeGreaterThan(0);
      expect(result.original).toMatchObject({
        traceId,
        spanId,
        output: 'Mock answer to: What is the capital of France?',
        usage: { inputTokens: 20, outputTokens: 12 },
      });
      expect(result.replay.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(result.replay.traceId).not.toBe(traceId);

      // A new trace, service beacon-replay, one CLIENT span linked to the original.
      const spans = await collector.query<{
        ServiceName: string;
        SpanName: string;
        SpanKind: string;
        StatusCode: string;
        linkTraceIds: string[];
        linkSpanIds: string[];
        linkAttributes: Record<string, string>[];
        attributes: Record<string, string>;
      }>(
        `SELECT ServiceName, SpanName, SpanKind, StatusCode, Links.TraceId AS linkTraceIds, Links.SpanId AS linkSpanIds,
            Links.Attributes AS linkAttributes, SpanAttributes AS attributes
         FROM \`${db()}\`.otel_traces WHERE TraceId = {id:String}`,
        { id: result.replay.traceId },
      );
      expect(spans).toHaveLength(1);
      const span = spans[0]!;
      expect(span).toMatchObject({
        ServiceName: 'beacon-replay',
        SpanName: `chat ${model}`,
        SpanKind: 'Client',
        StatusCode: 'Unset',
        linkTraceIds: [traceId],
        linkSpanIds: [spanId],
        linkAttributes: [{ 'beacon.link.type': 'replay_of' }],
      });
      expect(span.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': provider,
        'gen_ai.request.model': model,
        'gen_ai.request.temperature': '0.2',
        'gen_ai.request.max_tokens': '64',
        'gen_ai.response.model': model,
        'gen_ai.usage.input_tokens': String(usage.promptTokens),
        'gen_ai.usage.output_tokens': String(usage.completionTokens),
        'beacon.replay.source_trace_id': traceId,
        'beacon.replay.source_span_id': spanId,
        'beacon.prompt.version_id': result.version.id,
      });
      expect(JSON.parse(span.attributes['gen_ai.input.messages']!)).toEqual(EDITED_MESSAGES);

      // Its GenAI row holds the tokens and the cost the answer reported.
      const [genai] = await collector.query<{ InputTokens: number; OutputTokens: number; CostUsd: number }>(
        `SELECT InputTokens, OutputTokens, CostUsd FROM \`${db()}\`.beacon_genai_spans WHERE TraceId = {id:String}`,
        { id: result.replay.traceId },
      );
      expect(genai).toEqual({
        InputTokens: usage.promptTokens,
        OutputTokens: usage.completionTokens,
        CostUsd: result.replay.costUsd,
      });

      // The prompt version saved: the edit (no key, no endpoint), run by this replay.
      expect(result.version).toMatchObject({
        promptKey: `${SERVICE}/triage`,
        label,
        sourceTraceId: traceId,
        sourceSpanId: spanId,
        replayTraceId: result.replay.traceId,
        edit: {
          provider,
          model,
          system: 'You are a weather bot.',
          messages: EDITED_MESSAGES,
          temperature: 0.2,
          maxTokens: 64,
          tools: EDITED_TOOLS,
        },
      });
      expect(Object.keys(result.version.edit).sort()).toEqual(
        ['maxTokens', 'messages', 'model', 'provider', 'system', 'temperature', 'tools'].sort(),
      );
    });
  });

  test('streaming delivers several deltas before the result, which holds the whole text', async () => {
    const { status, events } = await replayStream({
      traceId,
      spanId,
      messages: [userText('Name three rivers of Spain, please.')],
      tools: [],
    });
    expect(status).toBe(200);
    const resultAt = events.findIndex((e) => e.event === 'result');
    const deltas = events.slice(0, resultAt).filter((e) => e.event === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(resultAt).toBe(events.length - 1);
    const text = deltas.map((e) => (e.data as { text: string }).text).join('');
    expect(text).toBe('Mock answer to: Name three rivers of Spain, please.');
    expect((events[resultAt]!.data as ReplayResult).replay.output).toBe(text);
  });
});

test('defaults come from the original span: model, system, messages, temperature, max tokens, tools', async () => {
  const { result, requests } = await recorded(() => replay({ traceId, spanId: openaiSpan }));
  const body = requests[0]!.body as Record<string, unknown>;
  expect(body).toMatchObject({
    model: 'gpt-4o-mini',
    temperature: 0.7,
    max_completion_tokens: 100,
    messages: [
      { role: 'system', content: 'You answer geography questions.' },
      { role: 'user', content: 'What is the capital of France?' },
    ],
    tools: [{ type: 'function', function: WEATHER_TOOL }],
  });
  // The span offered a tool, so the mock calls it: tool calls render as name(arguments).
  expect(result.replay.output).toBe('get_weather({"city":"Paris"})');
  expect(result.version.edit).toEqual({
    provider: 'openai',
    model: 'gpt-4o-mini',
    system: 'You answer geography questions.',
    messages: [userText('What is the capital of France?')],
    temperature: 0.7,
    maxTokens: 100,
    tools: [WEATHER_TOOL],
  });
});

test('the diff is a word diff from the original completion to the new one', async () => {
  const result = await replay({
    traceId,
    spanId: openaiSpan,
    messages: [userText('What is the capital of Spain?')],
    tools: [],
  });
  expect(result.replay.output).toBe('Mock answer to: What is the capital of Spain?');
  expect(result.diff).toEqual([
    { op: 'equal', text: 'Mock answer to: What is the capital of ' },
    { op: 'delete', text: 'France' },
    { op: 'insert', text: 'Spain' },
    { op: 'equal', text: '?' },
  ]);
});

test('null clears a default: no system, no temperature', async () => {
  const { requests } = await recorded(() =>
    replay({ traceId, spanId: anthropicSpan, system: null, temperature: null, maxTokens: null }),
  );
  const body = requests[0]!.body as Record<string, unknown>;
  expect(body.system).toBeUndefined();
  expect(body.temperature).toBeUndefined();
  // Anthropic requires max_tokens: its default is sent.
  expect(body.max_tokens).toBe(4096);
});

// ---------------------------------------------------------------------------------------------------------------
// Endpoints and keys

test('openai_compatible: the span of another provider goes to the request baseUrl with the request key', async () => {
  const missing = await api(collector.apiUrl, '/api/v1/replay', {
    method: 'POST',
    json: { traceId, spanId: groqSpan },
  });
  expectBadRequest(missing, 'baseUrl');
  expect((missing.body as { error: { message: string } }).error.message).toContain(
    'BEACON_OPENAI_COMPATIBLE_BASE_URL',
  );

  const { result, requests } = await recorded(() =>
    replay({ traceId, spanId: groqSpan, baseUrl: mock.url, apiKey: REQUEST_KEY }),
  );
  expect(requests[0]!.headers.authorization).toBe(`Bearer ${REQUEST_KEY}`);
  const body = requests[0]!.body as Record<string, unknown>;
  expect(body).toMatchObject({ model: 'llama-3.1-8b-instant', max_tokens: 100 });
  expect(result.version.edit.provider).toBe('openai_compatible');
  // Still priced and named as the original provider's model.
  expect(result.replay.provider).toBe('groq');
});

test("the configured key is never sent to a baseUrl the request names; the request's own key is", async () => {
  // Same mock server, another URL: not the configured one.
  const elsewhere = `http://localhost:${mock.port}/v1`;
  const { requests: keyless } = await recorded(() =>
    replay({ traceId, spanId: openaiSpan, baseUrl: elsewhere, tools: [] }),
  );
  expect(keyless[0]!.headers.authorization).toBeUndefined();
  expect(JSON.stringify(keyless[0]!.headers)).not.toContain(OPENAI_KEY);

  const { requests: own } = await recorded(() =>
    replay({ traceId, spanId: openaiSpan, baseUrl: elsewhere, apiKey: REQUEST_KEY, tools: [] }),
  );
  expect(own[0]!.headers.authorization).toBe(`Bearer ${REQUEST_KEY}`);

  const { requests: anthropic } = await recorded(() =>
    replay({ traceId, spanId: anthropicSpan, baseUrl: `http://localhost:${mock.port}` }),
  );
  expect(JSON.stringify(anthropic[0]!.headers)).not.toContain(ANTHROPIC_KEY);
});

// ---------------------------------------------------------------------------------------------------------------
// Errors

test('bad input is a 400 naming the field, before any provider call (also when streaming)', async () => {
  const base = { traceId, spanId: openaiSpan };
  const cases: [Record<string, unknown> | unknown[], string][] = [
    [{ ...base, traceId: 'xyz' }, 'traceId'],
    [{ ...base, spanId: '123' }, 'spanId'],
    [{ ...base, provider: 'cohere' }, 'provider'],
    [{ ...base, model: '' }, 'model'],
    [{ ...base, model: 'm'.repeat(201) }, 'model'],
    [{ ...base, temperature: 2.5 }, 'temperature'],
    [{ ...base, temperature: 'hot' }, 'temperature'],
    [{ ...base, maxTokens: 0 }, 'maxTokens'],
    [{ ...base, maxTokens: 1.5 }, 'maxTokens'],
    [{ ...base, messages: 'hello' }, 'messages'],
    [{ ...base, messages: [{ role: 'user' }] }, 'messages[0].parts'],
    [{ ...base, messages: [{ role: 'user', parts: [{ content: 'x' }] }] }, 'messages[0].parts[0].type'],
    [{ ...base, messages: [] }, 'messages'],
    [{ ...base, tools: [{ description: 'no name' }] }, 'tools[0].name'],
    [{ ...base, tools: Array.from({ length: 101 }, (_, i) => ({ name: `t${i}` })) }, 'tools'],
    [{ ...base, baseUrl: 'ftp://example.com' }, 'baseUrl'],
    [{ ...base, baseUrl: 'not a url' }, 'baseUrl'],
    [{ ...base, label: 'l'.repeat(201) }, 'label'],
    [{ ...base, stream: 'yes' }, 'stream'],
    [{ traceId, spanId: toolSpan }, 'spanId'],
    [{ traceId, spanId: embeddingsSpan }, 'spanId'],
    [{ traceId, spanId: agentSpan }, 'spanId'],
    [[], 'body'],
  ];
  const first = mock.requests.length;
  for (const [json, field] of cases) {
    expectBadRequest(await api(collector.apiUrl, '/api/v1/replay', { method: 'POST', json }), field);
    const streamed = Array.isArray(json) ? json : { stream: true, ...json };
    const answer = await api(collector.apiUrl, '/api/v1/replay', { method: 'POST', json: streamed });
    expectBadRequest(answer, Array.isArray(json) ? 'body' : field);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  }
  expect(mock.requests.length).toBe(first);
});

test('unknown trace or span is a 404', async () => {
  const unknownTrace = await api(collector.apiUrl, '/api/v1/replay', {
    method: 'POST',
    json: { traceId: newTraceId(), spanId: openaiSpan },
  });
  expect(unknownTrace.status).toBe(404);
  const unknownSpan = await api(collector.apiUrl, '/api/v1/replay', {
    method: 'POST',
    json: { traceId, spanId: newSpanId(), stream: true },
  });
  expect(unknownSpan.status).toBe(404);
  expect(unknownSpan.body).toMatchObject({ error: { code: 'not_found' } });
});

describe('provider errors', () => {
  async function errorSpans(model: string) {
    return collector.query<{ TraceId: string; StatusCode: string; StatusMessage: string; errorType: string }>(
      `SELECT TraceId, StatusCode, StatusMessage, SpanAttributes['error.type'] AS errorType
       FROM \`${db()}\`.otel_traces
       WHERE ServiceName = 'beacon-replay' AND SpanAttributes['gen_ai.request.model'] = {model:String}`,
      { model },
    );
  }

  test('a provider error answers 502 and still stores the replay span with status Error', async () => {
    const answer = await api(collector.apiUrl, '/api/v1/replay', {
      method: 'POST',
      json: { traceId, spanId: openaiSpan, model: 'mock-error-plain' },
    });
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual({
      error: {
        code: 'provider_error',
        message: expect.stringContaining('Mock error for model mock-error-plain'),
      },
    });
    const spans = await errorSpans('mock-error-plain');
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ StatusCode: 'Error', errorType: '400' });
    expect(spans[0]!.StatusMessage).toContain('Mock error for model mock-error-plain');
    // Nothing saved as a version for a call that did not run.
    const list = await api<PromptVersionListResponse>(
      collector.apiUrl,
      `/api/v1/prompts/versions?promptKey=${encodeURIComponent(`${SERVICE}/triage`)}`,
    );
    expect(list.body.versions.some((v) => v.edit.model === 'mock-error-plain')).toBe(false);
  });

  test.each(['openai', 'anthropic'] as const)(
    'a %s error quoting the key is passed on without it (JSON and stream)',
    async (provider) => {
      const spanId = provider === 'openai' ? openaiSpan : anthropicSpan;
      const key = provider === 'openai' ? OPENAI_KEY : ANTHROPIC_KEY;
      const model = `mock-error-key-${provider}`;
      const answer = await api<{ error: { code: string; message: string } }>(
        collector.apiUrl,
        '/api/v1/replay',
        { method: 'POST', json: { traceId, spanId, model } },
      );
      expect(answer.status).toBe(502);
      expect(answer.body.error.message).toContain('Incorrect API key provided');
      expect(answer.text).not.toContain(key);

      const { status, events } = await replayStream({ traceId, spanId, model });
      expect(status).toBe(200);
      expect(events).toEqual([
        {
          event: 'error',
          data: { error: { code: 'provider_error', message: expect.stringContaining('Incorrect API key') } },
        },
      ]);
      expect(JSON.stringify(events)).not.toContain(key);

      const spans = await errorSpans(model);
      expect(spans).toHaveLength(2);
      for (const span of spans) {
        expect(span.StatusCode).toBe('Error');
        expect(span.errorType).toBe('401');
        expect(span.StatusMessage).toContain('Incorrect API key provided');
        expect(span.StatusMessage).not.toContain(key);
      }
    },
  );

  test('the request key quoted back by an OpenAI-compatible endpoint is cut out too', async () => {
    const answer = await api(collector.apiUrl, '/api/v1/replay', {
      method: 'POST',
      json: {
        traceId,
        spanId: groqSpan,
        baseUrl: mock.url,
        apiKey: REQUEST_KEY,
        model: 'mock-error-key-compat',
      },
    });
    expect(answer.status).toBe(502);
    expect(answer.text).not.toContain(REQUEST_KEY);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Prompt versions

describe('prompt versions', () => {
  const key = `${SERVICE}/triage`;

  test('list (by span or key, newest first), get, restore', async () => {
    const first = await replay({
      traceId,
      spanId: anthropicSpan,
      messages: [userText('Version A')],
      label: 'A',
    });
    const second = await replay({ traceId, spanId: anthropicSpan, messages: [userText('Version B')] });
    expect(second.version.version).toBe(first.version.version + 1);
    expect(second.version.label).toBeNull();

    const bySpan = await api<PromptVersionListResponse>(
      collector.apiUrl,
      `/api/v1/prompts/versions?traceId=${traceId}&spanId=${openaiSpan}`,
    );
    expect(bySpan.status).toBe(200);
    expect(bySpan.body.promptKey).toBe(key);
    const numbers = bySpan.body.versions.map((v) => v.version);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers[0]).toBe(second.version.version);
    expect(bySpan.body.versions[1]).toEqual(first.version);

    const byKey = await api<PromptVersionListResponse>(
      collector.apiUrl,
      `/api/v1/prompts/versions?promptKey=${encodeURIComponent(key)}`,
    );
    expect(byKey.body).toEqual(bySpan.body);

    const got = await api<PromptVersion>(collector.apiUrl, `/api/v1/prompts/versions/${first.version.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(first.version);

    const restored = await api<PromptVersion>(
      collector.apiUrl,
      `/api/v1/prompts/versions/${first.version.id}/restore`,
      { method: 'POST' },
    );
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({
      promptKey: key,
      version: second.version.version + 1,
      label: `restored from v${first.version.version}`,
      replayTraceId: null,
      sourceTraceId: traceId,
      sourceSpanId: anthropicSpan,
      edit: first.version.edit,
    });
    expect(restored.body.id).not.toBe(first.version.id);

    const labelled = await api<PromptVersion>(
      collector.apiUrl,
      `/api/v1/prompts/versions/${second.version.id}/restore`,
      { method: 'POST', json: { label: 'back to B' } },
    );
    expect(labelled.body).toMatchObject({ version: second.version.version + 2, label: 'back to B' });

    const after = await api<PromptVersionListResponse>(
      collector.apiUrl,
      `/api/v1/prompts/versions?promptKey=${encodeURIComponent(key)}`,
    );
    expect(after.body.versions.slice(0, 2)).toEqual([labelled.body, restored.body]);
  });

  test('concurrent replays of one prompt get distinct version numbers', async () => {
    const results = await Promise.all(
      [1, 2, 3].map((i) => replay({ traceId, spanId: openaiSpan, messages: [userText(`Parallel ${i}`)] })),
    );
    const numbers = results.map((r) => r.version.version).sort((a, b) => a - b);
    expect(numbers[1]).toBe(numbers[0]! + 1);
    expect(numbers[2]).toBe(numbers[0]! + 2);
  });

  test('400s and 404s', async () => {
    const get = (path: string, init?: Parameters<typeof api>[2]) => api(collector.apiUrl, path, init);
    expectBadRequest(await get('/api/v1/prompts/versions'), 'promptKey');
    expectBadRequest(await get(`/api/v1/prompts/versions?traceId=${traceId}`), 'spanId');
    expectBadRequest(await get(`/api/v1/prompts/versions?spanId=${openaiSpan}`), 'traceId');
    expectBadRequest(await get('/api/v1/prompts/versions?traceId=zz&spanId=zz'), 'traceId');
    expectBadRequest(await get('/api/v1/prompts/versions/not-a-uuid'), 'versionId');
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await get(`/api/v1/prompts/versions/${unknown}`)).status).toBe(404);
    expect((await get(`/api/v1/prompts/versions/${unknown}/restore`, { method: 'POST' })).status).toBe(404);
    expect((await get(`/api/v1/prompts/versions?traceId=${newTraceId()}&spanId=${openaiSpan}`)).status).toBe(
      404,
    );
    const list = await get(`/api/v1/prompts/versions?promptKey=${encodeURIComponent('nobody/nothing')}`);
    expect(list.body).toEqual({ promptKey: 'nobody/nothing', versions: [] });
    const anyVersion = (
      (await get(`/api/v1/prompts/versions?traceId=${traceId}&spanId=${openaiSpan}`))
        .body as PromptVersionListResponse
    ).versions[0]!;
    expectBadRequest(
      await get(`/api/v1/prompts/versions/${anyVersion.id}/restore`, {
        method: 'POST',
        json: { label: 'x'.repeat(201) },
      }),
      'label',
    );
  });
});

test('the OpenAPI document describes the replay routes and every $ref resolves', async () => {
  const doc = (await api<Record<string, unknown>>(collector.apiUrl, '/api/v1/openapi.json')).body as {
    paths: Record<string, unknown>;
    components: { schemas: Record<string, unknown> };
  };
  for (const path of [
    '/api/v1/replay',
    '/api/v1/prompts/versions',
    '/api/v1/prompts/versions/{versionId}',
    '/api/v1/prompts/versions/{versionId}/restore',
  ]) {
    expect(doc.paths[path]).toBeDefined();
  }
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
    (m) => m[1]!,
  );
  for (const name of refs) expect(doc.components.schemas[name], name).toBeDefined();
  expect(refs).toContain('ReplayResult');
});

// ---------------------------------------------------------------------------------------------------------------
// Last: after every replay above (successes, provider errors quoting keys, request keys), search everything.

test('no key is anywhere in ClickHouse or in the log', async () => {
  await collector.writer.flush();
  const tables = await collector.query<{ name: string }>(
    `SELECT name FROM system.tables WHERE database = {db:String} AND engine NOT LIKE '%View'`,
    { db: db() },
  );
  expect(tables.map((t) => t.name)).toEqual(
    expect.arrayContaining([
      'otel_traces',
      'beacon_genai_spans',
      'beacon_messages',
      'beacon_prompt_versions',
    ]),
  );
  let dump = '';
  for (const { name } of tables) {
    const rows = await collector.query(`SELECT * FROM \`${db()}\`.\`${name}\``);
    dump += `${name}\n${JSON.stringify(rows)}\n`;
  }
  // The search can find what was stored: the replays' edits and the provider's key-quoting error are there.
  expect(dump).toContain('What is the weather in Madrid?');
  expect(dump).toContain('Incorrect API key provided');
  for (const key of KEYS) expect(dump).not.toContain(key);

  const log = collector.logs.join('\n');
  expect(log).toContain('replay: calling the provider');
  expect(log).toContain('replay: provider call failed: 401 Incorrect API key provided');
  for (const key of KEYS) expect(log).not.toContain(key);
});
