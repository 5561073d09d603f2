// POST /api/v1/replay end to end: a real collector (embedded ClickHouse) whose provider settings point at the mock
// provider, source spans ingested over OTLP/JSON. Acceptance 1 of [4/9]: the provider's request carries the edits,
// the replay is stored as a new trace linked to the original, the diff is right, keys never reach ClickHouse or
// the log. The fixture (keys, source trace, replay calls): replay-fixture.ts; the edited replays: replay-edits.ts.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PromptVersion, PromptVersionListResponse } from '../../src/contract/index.js';
import { api, expectBadRequest, newSpanId, newTraceId, sendTraces } from '../api/helpers.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { type MockLlm, startMockLlm } from '../fixtures/mock-llm.js';
import { describeEditedReplays } from './replay-edits.js';
import {
  ANTHROPIC_KEY,
  agentSpan,
  anthropicSpan,
  embeddingsSpan,
  groqSpan,
  KEYS,
  OPENAI_KEY,
  openaiSpan,
  REQUEST_KEY,
  type RunningReplayTest,
  replayHelpers,
  SERVICE,
  sourceTraces,
  toolSpan,
  traceId,
  userText,
  WEATHER_TOOL,
} from './replay-fixture.js';

let mock: MockLlm;
let collector: TestCollector;
const running: RunningReplayTest = {
  get collector() {
    return collector;
  },
  get mock() {
    return mock;
  },
};
const { replay, replayStream, recorded, db } = replayHelpers(running);

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
  await sendTraces(collector.httpUrl, sourceTraces());
  await collector.writer.flush();
});

afterAll(async () => {
  await collector?.dispose();
  await mock?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Acceptance: edits reach the provider; the result is a linked, priced trace (replay-edits.ts)

describeEditedReplays(running);

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
