import { describe, expect, it } from 'vitest';
import { normalizeOtel } from '../src/conventions/otel.js';
import type { Attributes } from '../src/model.js';
import { normalizeGenAISpan } from '../src/normalize.js';
import { span } from './spans.js';

// A chat call as the current OTel GenAI conventions describe it (structured message values).
const currentChat = span('chat gpt-4o', {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.response.model': 'gpt-4o-2024-08-06',
  'gen_ai.response.id': 'chatcmpl-123',
  'gen_ai.response.finish_reasons': ['tool_calls'],
  'gen_ai.conversation.id': 'conv-7',
  'gen_ai.usage.input_tokens': 1100,
  'gen_ai.usage.output_tokens': 30,
  'gen_ai.usage.cache_read.input_tokens': 1000,
  'gen_ai.usage.reasoning.output_tokens': 12,
  'gen_ai.system_instructions': [{ type: 'text', content: 'You are a weather bot.' }],
  'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }],
  'gen_ai.output.messages': [
    {
      role: 'assistant',
      parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
      finish_reason: 'tool_calls',
    },
  ],
});

// The same call as older instrumentations report it: gen_ai.system, prompt/completion_tokens and per-message
// span events (body fields as event attributes, as @opentelemetry/instrumentation-openai writes them).
const deprecatedChat = span(
  'chat gpt-4o',
  {
    'gen_ai.operation.name': 'chat',
    'gen_ai.system': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.response.model': 'gpt-4o-2024-08-06',
    'gen_ai.response.id': 'chatcmpl-123',
    'gen_ai.response.finish_reasons': ['tool_calls'],
    'gen_ai.conversation.id': 'conv-7',
    'gen_ai.usage.prompt_tokens': 1100,
    'gen_ai.usage.completion_tokens': 30,
    'gen_ai.usage.cache_read.input_tokens': 1000,
    'gen_ai.usage.reasoning.output_tokens': 12,
  },
  {
    events: [
      {
        name: 'gen_ai.system.message',
        attributes: { 'gen_ai.system': 'openai', content: 'You are a weather bot.' },
      },
      {
        name: 'gen_ai.user.message',
        attributes: { 'gen_ai.system': 'openai', content: 'Weather in Paris?' },
      },
      {
        name: 'gen_ai.choice',
        attributes: {
          'gen_ai.system': 'openai',
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
        },
      },
    ],
  },
);

describe('OTel GenAI spans', () => {
  it('reads a current-convention chat span', () => {
    const facts = normalizeOtel(currentChat)!;
    expect(facts).toMatchObject({
      convention: 'otel',
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-08-06',
      responseId: 'chatcmpl-123',
      conversationId: 'conv-7',
      finishReasons: ['tool_calls'],
      usage: {
        inputTokens: 1100,
        outputTokens: 30,
        cacheReadTokens: 1000,
        cacheWriteTokens: null,
        reasoningTokens: 12,
      },
      usageMissing: false,
      errorType: null,
    });
    expect(facts.systemInstructions).toEqual([{ type: 'text', content: 'You are a weather bot.' }]);
    expect(facts.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    ]);
    expect(facts.outputMessages[0]?.parts).toEqual([
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
  });

  it('gives the same facts for deprecated names and per-message events', () => {
    const current = normalizeGenAISpan(currentChat)!;
    const deprecated = normalizeGenAISpan(deprecatedChat)!;
    expect(deprecated.convention).toBe('otel_deprecated');
    for (const field of ['operation', 'provider', 'requestModel', 'responseModel', 'responseId'] as const) {
      expect(deprecated[field]).toBe(current[field]);
    }
    expect(deprecated.usage).toEqual(current.usage);
    expect(deprecated.finishReasons).toEqual(current.finishReasons);
    expect(deprecated.outputMessages).toEqual(current.outputMessages);
    // Deprecated events carried the system prompt as a chat message rather than as system instructions.
    expect(deprecated.inputMessages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are a weather bot.' }] },
      ...current.inputMessages,
    ]);
  });

  it('reads messages given as JSON strings like structured values', () => {
    const attrs: Attributes = { ...currentChat.attributes };
    for (const key of ['gen_ai.system_instructions', 'gen_ai.input.messages', 'gen_ai.output.messages']) {
      attrs[key] = JSON.stringify(attrs[key]);
    }
    const fromJson = normalizeOtel(span(currentChat.name, attrs))!;
    const structured = normalizeOtel(currentChat)!;
    expect(fromJson.systemInstructions).toEqual(structured.systemInstructions);
    expect(fromJson.inputMessages).toEqual(structured.inputMessages);
    expect(fromJson.outputMessages).toEqual(structured.outputMessages);
  });

  it('reads messages from the gen_ai.client.inference.operation.details span event', () => {
    const facts = normalizeOtel(
      span(
        'chat gpt-4o',
        { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' },
        {
          events: [
            {
              name: 'gen_ai.client.inference.operation.details',
              attributes: {
                'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]',
                'gen_ai.output.messages': [
                  { role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finish_reason: 'stop' },
                ],
              },
            },
          ],
        },
      ),
    )!;
    expect(facts.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]);
    expect(facts.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finish_reason: 'stop' },
    ]);
    expect(facts.finishReasons).toEqual(['stop']);
  });

  it('upgrades deprecated provider values', () => {
    const provider = (system: string) =>
      normalizeOtel(span('chat m', { 'gen_ai.system': system, 'gen_ai.request.model': 'm' }))?.provider;
    expect(provider('az.ai.openai')).toBe('azure.ai.openai');
    expect(provider('az.ai.inference')).toBe('azure.ai.inference');
    expect(provider('vertex_ai')).toBe('gcp.vertex_ai');
    expect(provider('gemini')).toBe('gcp.gemini');
    expect(provider('xai')).toBe('x_ai');
  });

  it('reads the span shape of @opentelemetry/instrumentation-openai (gen_ai.system with input_tokens)', () => {
    const facts = normalizeGenAISpan(
      span('embeddings text-embedding-3-small', {
        'gen_ai.operation.name': 'embeddings',
        'gen_ai.request.model': 'text-embedding-3-small',
        'gen_ai.system': 'openai',
        'gen_ai.request.encoding_formats': ['float'],
        'gen_ai.response.model': 'text-embedding-3-small',
        'gen_ai.usage.input_tokens': 8,
      }),
    )!;
    expect(facts).toMatchObject({
      operation: 'embeddings',
      provider: 'openai',
      usage: { inputTokens: 8, outputTokens: null },
      usageMissing: false,
    });
  });

  it('infers the operation from the span name when gen_ai.operation.name is absent', () => {
    const facts = normalizeOtel(
      span('text_completion gpt-3.5-turbo-instruct', {
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-3.5-turbo-instruct',
      }),
    );
    expect(facts?.operation).toBe('text_completion');
  });
});

describe('OTel GenAI tool and agent spans, values and error types', () => {
  it('reads execute_tool spans', () => {
    const facts = normalizeGenAISpan(
      span(
        'execute_tool get_weather',
        {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'get_weather',
          'gen_ai.tool.call.id': 'call_1',
          'gen_ai.tool.type': 'function',
          'gen_ai.tool.call.arguments': { city: 'Paris' },
          'gen_ai.tool.call.result': '{"sky":"sunny"}',
        },
        { kind: 1 },
      ),
    )!;
    expect(facts).toMatchObject({
      operation: 'execute_tool',
      toolName: 'get_weather',
      toolCallId: 'call_1',
      toolType: 'function',
      toolArguments: '{"city":"Paris"}',
      toolResult: '{"sky":"sunny"}',
      usageMissing: false,
    });
  });

  it('reads invoke_agent spans', () => {
    const facts = normalizeGenAISpan(
      span('invoke_agent Travel planner', {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.provider.name': 'openai',
        'gen_ai.agent.name': 'Travel planner',
        'gen_ai.agent.id': 'asst_5j66UpCpwteGg4YSxUnt7lPY',
        'gen_ai.conversation.id': 'thread_1',
      }),
    )!;
    expect(facts).toMatchObject({
      operation: 'invoke_agent',
      agentName: 'Travel planner',
      agentId: 'asst_5j66UpCpwteGg4YSxUnt7lPY',
      conversationId: 'thread_1',
      usageMissing: false,
    });
  });

  it('reads counts that arrive as strings (OTLP JSON int64, attributes re-read from storage)', () => {
    const facts = normalizeOtel(
      span('chat gpt-4o', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.usage.input_tokens': '42',
        'gen_ai.usage.output_tokens': '7',
      }),
    );
    expect(facts?.usage).toMatchObject({ inputTokens: 42, outputTokens: 7 });
  });

  describe('error type', () => {
    const base = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' };

    it('uses error.type when set', () => {
      const facts = normalizeOtel(
        span('chat gpt-4o', { ...base, 'error.type': 'RateLimitError' }, { statusCode: 2 }),
      );
      expect(facts?.errorType).toBe('RateLimitError');
    });

    it('falls back to the recorded exception type on an ERROR status', () => {
      const facts = normalizeOtel(
        span('chat gpt-4o', base, {
          statusCode: 2,
          events: [
            {
              name: 'exception',
              attributes: { 'exception.type': 'APIConnectionError', 'exception.message': 'x' },
            },
          ],
        }),
      );
      expect(facts?.errorType).toBe('APIConnectionError');
    });

    it('is _OTHER on an ERROR status without details, null on success', () => {
      expect(normalizeOtel(span('chat gpt-4o', base, { statusCode: 2 }))?.errorType).toBe('_OTHER');
      expect(normalizeOtel(span('chat gpt-4o', base, { statusCode: 1 }))?.errorType).toBeNull();
    });
  });
});
