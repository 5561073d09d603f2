import { describe, expect, it } from 'vitest';
import { normalizeOpenInference } from '../src/conventions/openinference.js';
import { normalizeGenAISpan } from '../src/normalize.js';
import { span } from './spans.js';

// Attribute names as @arizeai/openinference-instrumentation-openai writes them.
const llmSpan = span('OpenAI Chat Completions', {
  'openinference.span.kind': 'LLM',
  'llm.model_name': 'gpt-4o-2024-08-06',
  'llm.system': 'openai',
  'llm.provider': 'openai',
  'llm.invocation_parameters': '{"model":"gpt-4o","temperature":0}',
  'input.mime_type': 'application/json',
  'llm.input_messages.0.message.role': 'system',
  'llm.input_messages.0.message.content': 'You are a weather bot.',
  'llm.input_messages.1.message.role': 'user',
  'llm.input_messages.1.message.contents.0.message_content.type': 'text',
  'llm.input_messages.1.message.contents.0.message_content.text': 'Where was this taken?',
  'llm.input_messages.1.message.contents.1.message_content.type': 'image',
  'llm.input_messages.1.message.contents.1.message_content.image.image.url': 'https://example.com/paris.jpg',
  'llm.input_messages.2.message.role': 'assistant',
  'llm.input_messages.2.message.tool_calls.0.tool_call.id': 'call_1',
  'llm.input_messages.2.message.tool_calls.0.tool_call.function.name': 'get_weather',
  'llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
  'llm.input_messages.3.message.role': 'tool',
  'llm.input_messages.3.message.tool_call_id': 'call_1',
  'llm.input_messages.3.message.content': '{"sky":"sunny"}',
  'llm.output_messages.0.message.role': 'assistant',
  'llm.output_messages.0.message.content': 'Paris, and it is sunny.',
  'llm.token_count.prompt': 1100,
  'llm.token_count.completion': 30,
  'llm.token_count.total': 1130,
  'llm.token_count.prompt_details.cache_read': 1000,
  'llm.token_count.completion_details.reasoning': 12,
  'llm.cost.total': 0.0031,
  'session.id': 'session-9',
});

describe('OpenInference spans', () => {
  it('reads an LLM span: model, provider, tokens, reported cost, session', () => {
    expect(normalizeOpenInference(llmSpan)).toMatchObject({
      convention: 'openinference',
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o-2024-08-06',
      responseModel: 'gpt-4o-2024-08-06',
      conversationId: 'session-9',
      reportedCostUsd: 0.0031,
      // OpenAI counts cached tokens inside the prompt count: nothing is added.
      usage: {
        inputTokens: 1100,
        outputTokens: 30,
        cacheReadTokens: 1000,
        cacheWriteTokens: null,
        reasoningTokens: 12,
      },
    });
  });

  it('reads flattened messages with contents, tool calls and tool results', () => {
    const facts = normalizeOpenInference(llmSpan)!;
    expect(facts.inputMessages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are a weather bot.' }] },
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'Where was this taken?' },
          { type: 'uri', modality: 'image', uri: 'https://example.com/paris.jpg' },
        ],
      },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: '{"sky":"sunny"}' }] },
    ]);
    expect(facts.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Paris, and it is sunny.' }] },
    ]);
  });

  it('adds cache tokens to the raw prompt count for Anthropic, also when served by Bedrock', () => {
    const tokens = {
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'claude-sonnet-4-5',
      'llm.token_count.prompt': 1500,
      'llm.token_count.completion': 50,
      'llm.token_count.prompt_details.cache_read': 1000,
      'llm.token_count.prompt_details.cache_write': 200,
    };
    const anthropic = normalizeOpenInference(span('Messages', { ...tokens, 'llm.provider': 'anthropic' }))!;
    expect(anthropic.usage).toMatchObject({
      inputTokens: 2700,
      cacheReadTokens: 1000,
      cacheWriteTokens: 200,
    });

    const bedrock = normalizeOpenInference(
      span('InvokeModel', { ...tokens, 'llm.provider': 'aws', 'llm.system': 'anthropic' }),
    )!;
    expect(bedrock.provider).toBe('aws.bedrock');
    expect(bedrock.usage.inputTokens).toBe(2700);
  });

  it('maps span kinds to operations', () => {
    const operation = (kind: string, extra = {}) =>
      normalizeOpenInference(span('x', { 'openinference.span.kind': kind, ...extra }))?.operation;
    expect(operation('LLM')).toBe('chat');
    expect(operation('EMBEDDING')).toBe('embeddings');
    expect(operation('TOOL')).toBe('execute_tool');
    expect(operation('AGENT')).toBe('invoke_agent');
    expect(operation('CHAIN')).toBe('invoke_workflow');
    expect(operation('RETRIEVER')).toBe('retrieval');
    expect(operation('LLM', { 'llm.prompts.0.prompt.text': 'Once upon' })).toBe('text_completion');
  });

  it('reads TOOL spans: name, call id, arguments and result', () => {
    const facts = normalizeGenAISpan(
      span('get_weather', {
        'openinference.span.kind': 'TOOL',
        'tool.name': 'get_weather',
        'tool.id': 'call_1',
        'tool.description': 'Current weather',
        'input.value': '{"city":"Paris"}',
        'output.value': '{"sky":"sunny"}',
      }),
    )!;
    expect(facts).toMatchObject({
      operation: 'execute_tool',
      toolName: 'get_weather',
      toolCallId: 'call_1',
      toolArguments: '{"city":"Paris"}',
      toolResult: '{"sky":"sunny"}',
      usageMissing: false,
    });
  });

  it('reads AGENT spans, naming the agent by agent.name or else the span name', () => {
    const named = normalizeGenAISpan(
      span('Agent run', { 'openinference.span.kind': 'AGENT', 'agent.name': 'planner', 'session.id': 's-1' }),
    );
    expect(named).toMatchObject({ operation: 'invoke_agent', agentName: 'planner', conversationId: 's-1' });
    const unnamed = normalizeGenAISpan(span('Triage agent', { 'openinference.span.kind': 'AGENT' }));
    expect(unnamed?.agentName).toBe('Triage agent');
  });

  it('reads EMBEDDING spans', () => {
    const facts = normalizeOpenInference(
      span('CreateEmbeddings', {
        'openinference.span.kind': 'EMBEDDING',
        'embedding.model_name': 'text-embedding-3-small',
        'embedding.embeddings.0.embedding.text': 'hello',
        'llm.system': 'openai',
        'llm.token_count.prompt': 8,
        'llm.token_count.total': 8,
      }),
    );
    expect(facts).toMatchObject({
      operation: 'embeddings',
      requestModel: 'text-embedding-3-small',
      usage: { inputTokens: 8 },
      usageMissing: false,
    });
  });

  it('flags an LLM span without token counts as usage missing', () => {
    const facts = normalizeOpenInference(
      span('ChatCompletion', { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o' }),
    );
    expect(facts?.usageMissing).toBe(true);
  });
});
