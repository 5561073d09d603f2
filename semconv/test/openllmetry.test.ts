import { describe, expect, it } from 'vitest';
import { normalizeOpenLLMetry } from '../src/conventions/openllmetry.js';
import { normalizeGenAISpan } from '../src/normalize.js';
import { span } from './spans.js';

// A chat span as OpenLLMetry (Traceloop) instrumentations wrote them before adopting current OTel names.
const legacyChat = span('openai.chat', {
  'llm.request.type': 'chat',
  'gen_ai.system': 'OpenAI',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.request.temperature': 0.7,
  'gen_ai.response.model': 'gpt-4o-2024-08-06',
  'gen_ai.response.id': 'chatcmpl-9',
  'gen_ai.prompt.0.role': 'system',
  'gen_ai.prompt.0.content': 'You are a weather bot.',
  'gen_ai.prompt.1.role': 'user',
  'gen_ai.prompt.1.content':
    '[{"type":"text","text":"Where is this?"},{"type":"image_url","image_url":{"url":"https://example.com/p.png"}}]',
  'gen_ai.completion.0.role': 'assistant',
  'gen_ai.completion.0.finish_reason': 'tool_calls',
  'gen_ai.completion.0.tool_calls.0.id': 'call_1',
  'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
  'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Paris"}',
  'gen_ai.usage.prompt_tokens': 1100,
  'gen_ai.usage.completion_tokens': 30,
  'llm.usage.total_tokens': 1130,
  'gen_ai.usage.cache_read_input_tokens': 1000,
  'gen_ai.usage.reasoning_tokens': 12,
  'traceloop.workflow.name': 'weather_flow',
  'traceloop.association.properties.session_id': 'sess-1',
});

describe('OpenLLMetry spans', () => {
  it('reads a legacy chat span: provider, models, tokens, session', () => {
    expect(normalizeOpenLLMetry(legacyChat)).toMatchObject({
      convention: 'openllmetry',
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-08-06',
      responseId: 'chatcmpl-9',
      conversationId: 'sess-1',
      finishReasons: ['tool_calls'],
      usage: {
        inputTokens: 1100,
        outputTokens: 30,
        cacheReadTokens: 1000,
        cacheWriteTokens: null,
        reasoningTokens: 12,
      },
    });
  });

  it('reads flattened prompts and completions, including stringified multimodal content', () => {
    const facts = normalizeOpenLLMetry(legacyChat)!;
    expect(facts.inputMessages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are a weather bot.' }] },
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'Where is this?' },
          { type: 'uri', modality: 'image', uri: 'https://example.com/p.png' },
        ],
      },
    ]);
    expect(facts.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('is preferred over the deprecated OTel names it also writes', () => {
    const facts = normalizeGenAISpan(legacyChat)!;
    expect(facts.convention).toBe('openllmetry');
    expect(facts.usage.cacheReadTokens).toBe(1000);
    expect(facts.inputMessages).toHaveLength(2);
  });

  it('adds Anthropic cache reads and writes to the raw prompt count', () => {
    const facts = normalizeOpenLLMetry(
      span('anthropic.chat', {
        'llm.request.type': 'chat',
        'gen_ai.system': 'Anthropic',
        'gen_ai.request.model': 'claude-sonnet-4-5',
        'gen_ai.usage.prompt_tokens': 100,
        'gen_ai.usage.completion_tokens': 50,
        'gen_ai.usage.cache_read_input_tokens': 1000,
        'gen_ai.usage.cache_creation_input_tokens': 50,
      }),
    );
    expect(facts?.provider).toBe('anthropic');
    expect(facts?.usage).toMatchObject({ inputTokens: 1150, cacheReadTokens: 1000, cacheWriteTokens: 50 });
  });

  it('reads workflow, agent and tool spans from traceloop.span.kind and traceloop.entity.*', () => {
    const workflow = normalizeGenAISpan(
      span('weather_flow.workflow', {
        'traceloop.span.kind': 'workflow',
        'traceloop.entity.name': 'weather_flow',
        'traceloop.workflow.name': 'weather_flow',
      }),
    );
    expect(workflow).toMatchObject({ operation: 'invoke_workflow', usageMissing: false });

    const agent = normalizeGenAISpan(
      span('planner.agent', { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'planner' }),
    );
    expect(agent).toMatchObject({ operation: 'invoke_agent', agentName: 'planner' });

    const tool = normalizeGenAISpan(
      span('get_weather.tool', {
        'traceloop.span.kind': 'tool',
        'traceloop.entity.name': 'get_weather',
        'traceloop.entity.input': '{"args":[],"kwargs":{"city":"Paris"}}',
        'traceloop.entity.output': '{"sky":"sunny"}',
      }),
    );
    expect(tool).toMatchObject({
      operation: 'execute_tool',
      toolName: 'get_weather',
      toolArguments: '{"args":[],"kwargs":{"city":"Paris"}}',
      toolResult: '{"sky":"sunny"}',
    });
  });

  it('maps llm.request.type to operations', () => {
    const operation = (type: string) =>
      normalizeOpenLLMetry(span('x', { 'llm.request.type': type, 'gen_ai.system': 'OpenAI' }))?.operation;
    expect(operation('chat')).toBe('chat');
    expect(operation('completion')).toBe('text_completion');
    expect(operation('embedding')).toBe('embeddings');
  });

  it('reads spans of current Traceloop releases, which use current OTel names', () => {
    // Shape written by @traceloop/instrumentation-openai 0.27.
    const facts = normalizeGenAISpan(
      span('chat gpt-4o', {
        'gen_ai.provider.name': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.usage.total_tokens': 15,
        'gen_ai.usage.output_tokens': 5,
        'gen_ai.usage.input_tokens': 10,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.output.messages':
          '[{"role":"assistant","parts":[{"type":"text","content":"Hello"}],"finish_reason":"stop"}]',
      }),
    )!;
    expect(facts).toMatchObject({
      convention: 'otel',
      operation: 'chat',
      provider: 'openai',
      usage: { inputTokens: 10, outputTokens: 5 },
      finishReasons: ['stop'],
    });
    expect(facts.outputMessages[0]?.parts).toEqual([{ type: 'text', content: 'Hello' }]);
  });
});
