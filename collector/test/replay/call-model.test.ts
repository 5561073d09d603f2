// callModel against the mock provider: both wire formats, JSON and streaming, tool calls and results, usage in
// OTel terms, and errors that never carry the key.
import type { Message } from '@beacon/semconv';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callModel, type ModelCall, ModelCallError } from '../../src/replay/call-model.js';
import { type MockLlm, mockUsage, startMockLlm } from '../fixtures/mock-llm.js';

let mock: MockLlm;
beforeAll(async () => {
  mock = await startMockLlm();
});
afterAll(async () => {
  await mock?.close();
});

const KEY = 'sk-call-model-test-0123456789';

const user = (text: string): Message => ({ role: 'user', parts: [{ type: 'text', content: text }] });

function call(provider: ModelCall['provider'], overrides: Partial<ModelCall> = {}): ModelCall {
  return {
    provider,
    baseUrl: provider === 'anthropic' ? mock.anthropicUrl : mock.url,
    apiKey: KEY,
    model: provider === 'anthropic' ? 'claude-3-5-haiku-20241022' : 'gpt-4o-mini',
    system: 'Be brief.',
    messages: [user('What is the capital of France?')],
    temperature: 0.3,
    maxTokens: 50,
    tools: [],
    timeoutMs: 10_000,
    ...overrides,
  };
}

describe.each(['openai', 'anthropic'] as const)('%s', (provider) => {
  test('JSON: the request carries the call, the answer comes back as OTel messages with inclusive usage', async () => {
    const first = mock.requests.length;
    const result = await callModel(call(provider));
    const [request] = mock.requests.slice(first);
    const body = request!.body as Record<string, unknown>;
    expect(body.model).toBe(call(provider).model);
    expect(body.temperature).toBe(0.3);
    if (provider === 'openai') {
      expect(body.max_completion_tokens).toBe(50);
      expect(body.messages).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is the capital of France?' },
      ]);
      expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    } else {
      expect(body.max_tokens).toBe(50);
      expect(body.system).toBe('Be brief.');
      expect(body.messages).toEqual([
        { role: 'user', content: [{ type: 'text', text: 'What is the capital of France?' }] },
      ]);
      const sent = request!.headers['x-api-key'] ?? request!.headers.authorization;
      expect(String(sent)).toContain(KEY);
    }
    expect(result.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'Mock answer to: What is the capital of France?' }],
        finish_reason: provider === 'openai' ? 'stop' : 'end_turn',
      },
    ]);
    const usage = mockUsage(request!.endpoint!, body);
    expect(result.usage).toEqual({
      inputTokens: usage.promptTokens,
      outputTokens: usage.completionTokens,
      cacheReadTokens: usage.cachedTokens,
      cacheWriteTokens: provider === 'anthropic' ? 0 : null,
    });
    expect(result.responseModel).toBe(call(provider).model);
    expect(result.responseId).toMatch(/mock/);
  });

  test('streaming passes more than one delta and ends with the same completion', async () => {
    const deltas: string[] = [];
    const result = await callModel(call(provider, { onDelta: (d) => deltas.push(d) }));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Mock answer to: What is the capital of France?');
    expect(result.outputMessages[0]!.parts).toEqual([{ type: 'text', content: deltas.join('') }]);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  test('tools: offered tools are called; a tool result in the conversation is sent back', async () => {
    const tools = [
      {
        name: 'get_weather',
        description: 'Weather of a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ];
    const first = await callModel(call(provider, { tools }));
    const toolCall = first.outputMessages[0]!.parts.find((p) => p.type === 'tool_call') as
      | { id: string; name: string }
      | undefined;
    expect(toolCall).toMatchObject({ type: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } });

    const start = mock.requests.length;
    const second = await callModel(
      call(provider, {
        tools,
        messages: [
          user('Weather in Paris?'),
          first.outputMessages[0]!,
          {
            role: 'tool',
            parts: [{ type: 'tool_call_response', id: String(toolCall!.id), response: 'sunny' }],
          },
        ],
      }),
    );
    expect(second.outputMessages[0]!.parts).toEqual([{ type: 'text', content: 'The tool answered: sunny' }]);
    const body = mock.requests[start]!.body as { messages: unknown[]; tools: unknown[] };
    if (provider === 'openai') {
      expect(body.tools).toEqual([{ type: 'function', function: tools[0] }]);
      expect(body.messages.slice(2)).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: toolCall!.id,
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: toolCall!.id, content: 'sunny' },
      ]);
    } else {
      expect(body.tools).toEqual([
        { name: 'get_weather', description: 'Weather of a city', input_schema: tools[0]!.parameters },
      ]);
      expect(body.messages.slice(1)).toEqual([
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: toolCall!.id, name: 'get_weather', input: { city: 'Paris' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolCall!.id, content: 'sunny' }] },
      ]);
    }
  });

  test('a provider error is a ModelCallError with the status, and the key is cut out of its message', async () => {
    const error = await callModel(call(provider, { model: 'mock-error-key' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).status).toBe(401);
    expect((error as ModelCallError).message).toContain('Incorrect API key provided');
    expect((error as ModelCallError).message).not.toContain(KEY);
    expect(JSON.stringify(error)).not.toContain(KEY);
  });
});

test('without a key no credential header is sent (a local OpenAI-compatible server)', async () => {
  const first = mock.requests.length;
  await callModel(call('openai_compatible', { apiKey: undefined }));
  const request = mock.requests[first]!;
  expect(request.headers.authorization).toBeUndefined();
  expect((request.body as Record<string, unknown>).max_tokens).toBe(50);
});

test('an unreachable endpoint is a ModelCallError without status', async () => {
  const error = await callModel(call('openai', { baseUrl: 'http://127.0.0.1:1/v1' })).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelCallError);
  expect((error as ModelCallError).status).toBeNull();
});
