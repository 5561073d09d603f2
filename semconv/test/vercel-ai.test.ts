import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { embed, generateText, jsonSchema, stepCountIs, tool } from 'ai';
import { MockEmbeddingModelV3, MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { normalizeVercelAI } from '../src/conventions/vercel-ai.js';
import type { Attributes, GenAIFacts, SpanInput } from '../src/model.js';
import { normalizeGenAISpan } from '../src/normalize.js';
import { span } from './spans.js';

/** Runs real AI SDK code with a mock model and returns its spans, as the collector would decode them. */
async function recordSpans(run: (tracer: ReturnType<BasicTracerProvider['getTracer']>) => Promise<unknown>) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  await run(provider.getTracer('test'));
  return exporter.getFinishedSpans().map(
    (s): SpanInput => ({
      name: s.name,
      kind: s.kind,
      attributes: s.attributes as Attributes,
      events: s.events.map((e) => ({ name: e.name, attributes: (e.attributes ?? {}) as Attributes })),
      statusCode: s.status.code,
    }),
  );
}

/** A two-step tool loop on Claude: the model calls a tool, then answers. Usage as the Anthropic provider reports it. */
async function weatherAgentSpans() {
  let calls = 0;
  const model = new MockLanguageModelV3({
    provider: 'anthropic.messages',
    modelId: 'claude-sonnet-4-5',
    doGenerate: async () => {
      calls++;
      if (calls === 1) {
        return {
          content: [
            { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: '{"city":"Paris"}' },
          ],
          finishReason: { unified: 'tool-calls', raw: 'tool_use' },
          usage: {
            inputTokens: { total: 1100, noCache: 100, cacheRead: 1000, cacheWrite: 0 },
            outputTokens: { total: 20, text: 20, reasoning: undefined },
          },
          warnings: [],
        };
      }
      return {
        content: [{ type: 'text', text: 'Sunny.' }],
        finishReason: { unified: 'stop', raw: 'end_turn' },
        usage: {
          inputTokens: { total: 1250, noCache: 200, cacheRead: 1000, cacheWrite: 50 },
          outputTokens: { total: 5, text: 5, reasoning: undefined },
        },
        warnings: [],
      };
    },
  });
  return recordSpans((tracer) =>
    generateText({
      model,
      system: 'Be brief.',
      prompt: 'Weather in Paris?',
      tools: {
        weather: tool({
          inputSchema: jsonSchema<{ city: string }>({
            type: 'object',
            properties: { city: { type: 'string' } },
          }),
          execute: async ({ city }) => ({ city, sky: 'sunny' }),
        }),
      },
      stopWhen: stepCountIs(3),
      experimental_telemetry: {
        isEnabled: true,
        tracer,
        functionId: 'weather-agent',
        metadata: { sessionId: 's-1' },
      },
    }),
  );
}

function byName(spans: SpanInput[], name: string): GenAIFacts[] {
  return spans.filter((s) => s.name === name).map((s) => normalizeGenAISpan(s)!);
}

describe('Vercel AI SDK spans', () => {
  it('counts usage once: on the doGenerate model calls, not on the generateText wrapper', async () => {
    const spans = await weatherAgentSpans();
    const [outer] = byName(spans, 'ai.generateText');
    const inner = byName(spans, 'ai.generateText.doGenerate');

    expect(outer).toMatchObject({
      convention: 'vercel_ai',
      operation: 'invoke_agent',
      agentName: 'weather-agent',
      usage: { inputTokens: null, outputTokens: null, cacheReadTokens: null, cacheWriteTokens: null },
      usageMissing: false,
    });
    expect(inner.map((f) => f.operation)).toEqual(['chat', 'chat']);
    expect(inner.map((f) => f.usage.inputTokens)).toEqual([1100, 1250]);

    // Summing every span's usage gives exactly what the SDK reported for the whole call.
    const outerSpan = spans.find((s) => s.name === 'ai.generateText')!;
    const sum = (pick: (f: GenAIFacts) => number | null) =>
      spans.map((s) => normalizeGenAISpan(s)).reduce((total, f) => total + (f ? (pick(f) ?? 0) : 0), 0);
    expect(sum((f) => f.usage.inputTokens)).toBe(outerSpan.attributes['ai.usage.inputTokens']);
    expect(sum((f) => f.usage.outputTokens)).toBe(outerSpan.attributes['ai.usage.outputTokens']);
  });

  it('reads the model call: provider, models, AI SDK 6 token breakdown (already cache-inclusive), finish reason', async () => {
    const [first, second] = byName(await weatherAgentSpans(), 'ai.generateText.doGenerate');
    expect(first).toMatchObject({
      provider: 'anthropic',
      requestModel: 'claude-sonnet-4-5',
      responseModel: 'claude-sonnet-4-5',
      conversationId: 's-1',
      finishReasons: ['tool-calls'],
      usage: { inputTokens: 1100, outputTokens: 20, cacheReadTokens: 1000, cacheWriteTokens: 0 },
    });
    expect(second?.usage).toMatchObject({ inputTokens: 1250, cacheReadTokens: 1000, cacheWriteTokens: 50 });
  });

  it('reads prompt messages and the response, including tool calls and tool results', async () => {
    const [first, second] = byName(await weatherAgentSpans(), 'ai.generateText.doGenerate');
    expect(first?.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }],
        finish_reason: 'tool-calls',
      },
    ]);
    expect(second?.inputMessages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }],
      },
      {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: 'call_1', response: { city: 'Paris', sky: 'sunny' } }],
      },
    ]);
    expect(second?.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Sunny.' }], finish_reason: 'stop' },
    ]);
  });

  it('reads the wrapper prompt (ai.prompt) as system instructions and messages', async () => {
    const [outer] = byName(await weatherAgentSpans(), 'ai.generateText');
    expect(outer?.systemInstructions).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(outer?.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    ]);
  });

  it('maps ai.toolCall to execute_tool', async () => {
    const [toolCall] = byName(await weatherAgentSpans(), 'ai.toolCall');
    expect(toolCall).toMatchObject({
      operation: 'execute_tool',
      toolName: 'weather',
      toolCallId: 'call_1',
      toolArguments: '{"city":"Paris"}',
      toolResult: '{"city":"Paris","sky":"sunny"}',
      usageMissing: false,
    });
  });

  it('maps embed wrapper and doEmbed model call, with usage on the model call only', async () => {
    const model = new MockEmbeddingModelV3({
      provider: 'openai.embedding',
      modelId: 'text-embedding-3-small',
      doEmbed: async () => ({ embeddings: [[0.1, 0.2]], usage: { tokens: 8 }, warnings: [] }),
    });
    const spans = await recordSpans((tracer) =>
      embed({ model, value: 'sunny day', experimental_telemetry: { isEnabled: true, tracer } }),
    );
    const [outer] = byName(spans, 'ai.embed');
    const [inner] = byName(spans, 'ai.embed.doEmbed');
    expect(outer).toMatchObject({ operation: 'invoke_workflow', usage: { inputTokens: null } });
    expect(inner).toMatchObject({
      operation: 'embeddings',
      provider: 'openai',
      requestModel: 'text-embedding-3-small',
      usage: { inputTokens: 8 },
      usageMissing: false,
    });
  });

  it('adds cache tokens for Anthropic on AI SDK 5 spans, whose inputTokens is the raw count', () => {
    const facts = normalizeVercelAI(
      span('ai.streamText.doStream', {
        'ai.operationId': 'ai.streamText.doStream',
        'ai.model.provider': 'anthropic.messages',
        'ai.model.id': 'claude-3-5-haiku-latest',
        'ai.usage.inputTokens': 100,
        'ai.usage.outputTokens': 40,
        'ai.usage.cachedInputTokens': 1000,
        'ai.usage.reasoningTokens': 10,
        'gen_ai.system': 'anthropic.messages',
        'gen_ai.usage.input_tokens': 100,
      }),
    );
    expect(facts).toMatchObject({
      operation: 'chat',
      usage: { inputTokens: 1100, outputTokens: 40, cacheReadTokens: 1000, reasoningTokens: 10 },
    });
  });

  it('reads AI SDK 4 promptTokens / completionTokens', () => {
    const facts = normalizeGenAISpan(
      span('ai.generateText.doGenerate', {
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.provider': 'openai.chat',
        'ai.model.id': 'gpt-4o-mini',
        'ai.usage.promptTokens': 12,
        'ai.usage.completionTokens': 3,
      }),
    );
    expect(facts).toMatchObject({ provider: 'openai', usage: { inputTokens: 12, outputTokens: 3 } });
  });

  it('normalizes ai.model.provider values to OTel provider names', () => {
    const provider = (value: string) =>
      normalizeVercelAI(
        span('ai.generateText.doGenerate', {
          'ai.operationId': 'ai.generateText.doGenerate',
          'ai.model.provider': value,
        }),
      )?.provider;
    expect(provider('openai.responses')).toBe('openai');
    expect(provider('amazon-bedrock')).toBe('aws.bedrock');
    expect(provider('google.generative-ai')).toBe('gcp.gemini');
    expect(provider('google.vertex.chat')).toBe('gcp.vertex_ai');
    expect(provider('vertex.anthropic.messages')).toBe('gcp.vertex_ai');
    expect(provider('azure.chat')).toBe('azure.ai.openai');
    expect(provider('xai.chat')).toBe('x_ai');
    expect(provider('mistral.chat')).toBe('mistral_ai');
    expect(provider('ollama.chat')).toBe('ollama');
  });

  it('ignores spans that are not the AI SDK’s', () => {
    expect(normalizeVercelAI(span('ai.summarize', { 'http.method': 'GET' }))).toBeNull();
  });
});
