// Acceptance: the Anthropic preset (@traceloop/instrumentation-anthropic + Beacon's input-token fill), on the ESM
// `@anthropic-ai/sdk` module through `instrumentClients`, produces spans the collector normalizes with provider,
// model, usage (input including the cache, as the OTel conventions define it), tool calls and messages.
import * as AnthropicModule from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import { type MockLlm, startMockLlm } from '../../collector/test/fixtures/mock-llm.js';
import { instrumentClients } from '../src/presets/index.js';
import { type PresetTracing, startPresetTracing, storedGenAI, traceDetail } from './presets-harness.js';

const MODEL = 'claude-haiku-4-5';
const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather of a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

let collector: TestCollector;
let mock: MockLlm;
let tracing: PresetTracing;
let client: AnthropicModule.Anthropic;

beforeAll(async () => {
  [collector, mock] = await Promise.all([startTestCollector(), startMockLlm()]);
  tracing = startPresetTracing(collector, {
    presets: ['anthropic'],
    captureContent: true,
    serviceName: 'preset-anthropic',
  });
  expect(instrumentClients({ anthropic: AnthropicModule })).toEqual(['anthropic']);
  client = new AnthropicModule.Anthropic({
    baseURL: mock.anthropicUrl,
    apiKey: 'sk-ant-secret',
    maxRetries: 0,
  });
});
afterAll(async () => {
  await tracing?.shutdown();
  await Promise.all([collector?.dispose(), mock?.close()]);
});

describe('Anthropic preset', () => {
  test('a tool-use round is stored with provider, model, cache-inclusive input tokens and the tool call', async () => {
    const first = mock.requests.length;
    const traceId = await tracing.runAgent('weather-agent', async () => {
      const messages: AnthropicModule.Anthropic.MessageParam[] = [
        { role: 'user', content: 'Weather in Lisbon?' },
      ];
      const call = await client.messages.create({
        model: MODEL,
        max_tokens: 256,
        messages,
        tools: [WEATHER_TOOL],
      });
      const toolUse = call.content.find((block) => block.type === 'tool_use');
      expect(toolUse?.name).toBe('get_weather');
      messages.push({ role: 'assistant', content: call.content });
      messages.push({
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: toolUse!.id, content: 'sunny, 21°C' }],
      });
      const answer = await client.messages.create({
        model: MODEL,
        max_tokens: 256,
        messages,
        tools: [WEATHER_TOOL],
      });
      expect(answer.content[0]?.type).toBe('text');
    });
    const calls = mock.requests.slice(first);
    const rows = (await storedGenAI(collector, traceId)).filter((r) => r.Operation === 'chat');
    expect(rows).toHaveLength(2);
    rows.forEach((row, i) => {
      const usage = calls[i]!.usage!;
      expect(usage.cachedTokens).toBeGreaterThan(0);
      expect(row).toMatchObject({
        Convention: 'otel',
        Provider: 'anthropic',
        RequestModel: MODEL,
        ResponseModel: MODEL,
        AgentName: 'weather-agent',
        InputTokens: usage.promptTokens, // Anthropic's input_tokens + cache_read_input_tokens
        OutputTokens: usage.completionTokens,
        CacheReadTokens: usage.cachedTokens,
        UsageMissing: 0,
      });
    });
    expect(rows[0]!.FinishReasons).toEqual(['tool_call']);

    const spans = await traceDetail(collector, traceId);
    const llm = spans.filter((s) => s.genai?.operation === 'chat');
    expect(llm[0]!.genai!.outputMessages[0]?.parts).toContainEqual(
      expect.objectContaining({ type: 'tool_call', name: 'get_weather' }),
    );
    expect(JSON.stringify(llm[1]!.genai!.inputMessages)).toContain('sunny, 21°C');
    expect(JSON.stringify(spans)).not.toContain('sk-ant-secret');
  });

  test('a streamed message carries the full text and its usage', async () => {
    const first = mock.requests.length;
    let text = '';
    const traceId = await tracing.runAgent('stream-agent', async () => {
      const stream = await client.messages.create({
        model: MODEL,
        max_tokens: 256,
        messages: [{ role: 'user', content: 'Tell me about Porto.' }],
        stream: true,
      });
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
          text += event.delta.text;
      }
    });
    expect(text.length).toBeGreaterThan(0);
    const usage = mock.requests[first]!.usage!;
    const [row] = (await storedGenAI(collector, traceId)).filter((r) => r.Operation === 'chat');
    expect(row).toMatchObject({
      Convention: 'otel',
      Provider: 'anthropic',
      ResponseModel: MODEL,
      InputTokens: usage.promptTokens,
      OutputTokens: usage.completionTokens,
      CacheReadTokens: usage.cachedTokens,
      UsageMissing: 0,
    });
    const spans = await traceDetail(collector, traceId);
    const llm = spans.find((s) => s.genai?.operation === 'chat')!;
    expect(JSON.stringify(llm.genai!.outputMessages)).toContain(JSON.stringify(text).slice(1, -1));
  });
});
