import { describe, expect, it } from 'vitest';
import type { Attributes } from '../src/model.js';
import { normalizeGenAISpan } from '../src/normalize.js';
import { span } from './spans.js';

const SERVER = 2;

describe('normalizeGenAISpan', () => {
  it('returns null for spans that are not GenAI work', () => {
    const http = span(
      'GET /api/users',
      {
        'http.request.method': 'GET',
        'url.path': '/api/users',
        'http.response.status_code': 200,
        'server.address': 'example.com',
      },
      { kind: SERVER, statusCode: 0 },
    );
    expect(normalizeGenAISpan(http)).toBeNull();
    // Context that SDKs propagate onto every span of a run does not make a span GenAI work.
    const propagated = span('POST https://api.example.com/charge', {
      'http.request.method': 'POST',
      'traceloop.workflow.name': 'checkout',
      'traceloop.entity.path': 'checkout.pay',
      'traceloop.association.properties.session_id': 'sess-1',
      'gen_ai.agent.name': 'checkout-agent',
      'session.id': 'sess-1',
      'ai.telemetry.metadata.sessionId': 'sess-1',
    });
    expect(normalizeGenAISpan(propagated)).toBeNull();
    expect(
      normalizeGenAISpan(span('SELECT users', { 'db.system': 'postgresql', 'gen_ai.conversation.id': 'c' })),
    ).toBeNull();
  });

  describe('input tokens always include cache reads and writes', () => {
    const anthropicRaw: Attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 50,
      'gen_ai.usage.cache_read.input_tokens': 1000,
    };

    it('adds cache tokens to Anthropic raw counts (deprecated gen_ai.system naming)', () => {
      expect(normalizeGenAISpan(span('chat claude-sonnet-4-5', anthropicRaw))?.usage.inputTokens).toBe(1100);
      // Also when the raw count alone exceeds the cache counts.
      const larger = { ...anthropicRaw, 'gen_ai.usage.input_tokens': 5000 };
      expect(normalizeGenAISpan(span('chat claude-sonnet-4-5', larger))?.usage.inputTokens).toBe(6000);
    });

    it('takes current OTel naming as already inclusive', () => {
      const current: Record<string, string | number> = {
        ...anthropicRaw,
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.usage.input_tokens': 5000,
      };
      delete current['gen_ai.system'];
      expect(normalizeGenAISpan(span('chat claude-sonnet-4-5', current))?.usage.inputTokens).toBe(5000);
    });

    it('adds cache tokens when the input is evidently exclusive, even under current naming', () => {
      const current = { ...anthropicRaw, 'gen_ai.provider.name': 'anthropic' };
      expect(normalizeGenAISpan(span('chat claude-sonnet-4-5', current))?.usage.inputTokens).toBe(1100);
    });

    it('adds cache tokens for Bedrock too', () => {
      const bedrock = { ...anthropicRaw, 'gen_ai.system': 'aws.bedrock', 'gen_ai.usage.input_tokens': 2000 };
      expect(normalizeGenAISpan(span('chat claude', bedrock))?.usage.inputTokens).toBe(3000);
    });

    it('never adds for OpenAI, whose prompt count includes cached tokens', () => {
      const openai = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.prompt_tokens': 1100,
        'gen_ai.usage.completion_tokens': 50,
        'gen_ai.usage.cache_read.input_tokens': 1000,
      };
      expect(normalizeGenAISpan(span('chat gpt-4o', openai))?.usage).toMatchObject({
        inputTokens: 1100,
        cacheReadTokens: 1000,
      });
    });
  });

  describe('usageMissing', () => {
    it('is set for an inference span without input or output tokens', () => {
      const facts = normalizeGenAISpan(
        span('chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' }),
      );
      expect(facts?.usageMissing).toBe(true);
    });

    it('is not set once either count is present, nor for non-inference operations', () => {
      const withOutput = normalizeGenAISpan(
        span('chat gpt-4o', {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.usage.output_tokens': 3,
        }),
      );
      expect(withOutput?.usageMissing).toBe(false);
      const agent = normalizeGenAISpan(
        span('invoke_agent a', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'a' }),
      );
      expect(agent?.usageMissing).toBe(false);
    });
  });

  it('merges a span that mixes conventions, the instrumentation’s own names first', () => {
    // OpenInference span that also carries OTel names without gen_ai.provider.name.
    const facts = normalizeGenAISpan(
      span('ChatCompletion', {
        'openinference.span.kind': 'LLM',
        'llm.provider': 'anthropic',
        'llm.model_name': 'claude-sonnet-4-5',
        'llm.token_count.prompt': 100,
        'llm.token_count.completion': 20,
        'llm.token_count.prompt_details.cache_read': 1000,
        'gen_ai.request.model': 'claude-sonnet-4-5',
        'gen_ai.response.id': 'msg_01',
        'gen_ai.usage.input_tokens': 100,
      }),
    )!;
    expect(facts.convention).toBe('openinference');
    expect(facts.responseId).toBe('msg_01'); // only the OTel names had it
    expect(facts.usage).toMatchObject({ inputTokens: 1100, cacheReadTokens: 1000, outputTokens: 20 });
  });

  it('lets current OTel names win over another convention on the same span', () => {
    const facts = normalizeGenAISpan(
      span('chat gpt-4o', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'azure.ai.openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 30,
        'llm.request.type': 'chat',
        'gen_ai.system': 'OpenAI',
        'gen_ai.usage.prompt_tokens': 29,
      }),
    )!;
    expect(facts).toMatchObject({
      convention: 'otel',
      provider: 'azure.ai.openai',
      usage: { inputTokens: 30 },
    });
  });
});
