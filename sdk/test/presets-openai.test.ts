// Acceptance: the OpenAI preset (@opentelemetry/instrumentation-openai + Beacon's gap fills), instrumenting the ESM
// `openai` module through `instrumentClients`, produces spans the collector normalizes under the current OTel
// convention with provider, model, usage (incl. cached tokens, incl. streaming), tool calls and messages.
import * as OpenAIModule from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import { type MockLlm, startMockLlm } from '../../collector/test/fixtures/mock-llm.js';
import { instrumentClients } from '../src/presets/index.js';
import { type PresetTracing, startPresetTracing, storedGenAI, traceDetail } from './presets-harness.js';

const MODEL = 'gpt-4o-mini';
const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

let collector: TestCollector;
let mock: MockLlm;
let tracing: PresetTracing;
let client: OpenAIModule.OpenAI;

beforeAll(async () => {
  [collector, mock] = await Promise.all([startTestCollector(), startMockLlm()]);
  tracing = startPresetTracing(collector, {
    presets: ['openai'],
    captureContent: true,
    serviceName: 'preset-openai',
  });
  expect(instrumentClients({ openai: OpenAIModule })).toEqual(['openai']);
  client = new OpenAIModule.OpenAI({ baseURL: mock.url, apiKey: 'sk-test-secret', maxRetries: 0 });
});
afterAll(async () => {
  await tracing?.shutdown();
  await Promise.all([collector?.dispose(), mock?.close()]);
});

describe('OpenAI preset', () => {
  test('a tool-calling round is stored as two chat spans with usage, cached tokens and the tool call', async () => {
    const first = mock.requests.length;
    const traceId = await tracing.runAgent('weather-agent', async () => {
      const messages: OpenAIModule.OpenAI.ChatCompletionMessageParam[] = [
        { role: 'system', content: 'You answer weather questions.' },
        { role: 'user', content: 'Weather in Lisbon?' },
      ];
      const call = await client.chat.completions.create({ model: MODEL, messages, tools: [WEATHER_TOOL] });
      const toolCall = call.choices[0]?.message.tool_calls?.[0];
      expect(toolCall?.type).toBe('function');
      messages.push(call.choices[0]!.message);
      messages.push({ role: 'tool', tool_call_id: toolCall!.id, content: 'sunny, 21°C' });
      const answer = await client.chat.completions.create({ model: MODEL, messages, tools: [WEATHER_TOOL] });
      expect(answer.choices[0]?.message.content).toContain('sunny');
    });
    const calls = mock.requests.slice(first);
    const rows = (await storedGenAI(collector, traceId)).filter((r) => r.Operation === 'chat');
    expect(rows).toHaveLength(2);
    rows.forEach((row, i) => {
      const usage = calls[i]!.usage!;
      expect(row).toMatchObject({
        Convention: 'otel', // not otel_deprecated: the preset adds gen_ai.provider.name
        Provider: 'openai',
        RequestModel: MODEL,
        ResponseModel: MODEL,
        AgentName: 'weather-agent',
        InputTokens: usage.promptTokens,
        OutputTokens: usage.completionTokens,
        CacheReadTokens: usage.cachedTokens,
        UsageMissing: 0,
      });
    });
    expect(rows[0]!.FinishReasons).toEqual(['tool_calls']);
    expect(rows[1]!.FinishReasons).toEqual(['stop']);

    // Content capture on: the messages (mirrored from the instrumentation's log events) are on the spans.
    const spans = await traceDetail(collector, traceId);
    const llm = spans.filter((s) => s.genai?.operation === 'chat');
    const firstOut = llm[0]!.genai!.outputMessages;
    expect(firstOut[0]?.parts).toContainEqual(
      expect.objectContaining({ type: 'tool_call', name: 'get_weather', arguments: expect.anything() }),
    );
    expect(JSON.stringify(llm[0]!.genai!.inputMessages)).toContain('Weather in Lisbon?');
    expect(JSON.stringify(llm[1]!.genai!.inputMessages)).toContain('sunny, 21°C');
    expect(JSON.stringify(llm[1]!.genai!.outputMessages)).toContain('The tool answered: sunny');
    // The API key never reaches the collector.
    expect(JSON.stringify(spans)).not.toContain('sk-test-secret');
  });

  test('a streamed completion with include_usage carries the full completion and its usage', async () => {
    const first = mock.requests.length;
    let text = '';
    const traceId = await tracing.runAgent('stream-agent', async () => {
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'Tell me about Porto.' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    });
    expect(text.length).toBeGreaterThan(0);
    const usage = mock.requests[first]!.usage!;
    const [row] = (await storedGenAI(collector, traceId)).filter((r) => r.Operation === 'chat');
    expect(row).toMatchObject({
      Convention: 'otel',
      Provider: 'openai',
      RequestModel: MODEL,
      ResponseModel: MODEL,
      InputTokens: usage.promptTokens,
      OutputTokens: usage.completionTokens,
      CacheReadTokens: usage.cachedTokens,
      UsageMissing: 0,
      FinishReasons: ['stop'],
    });
    const spans = await traceDetail(collector, traceId);
    const llm = spans.find((s) => s.genai?.operation === 'chat')!;
    expect(llm.genai!.outputMessages[0]?.parts).toEqual([{ type: 'text', content: text }]);
  });

  test('reasoning tokens of a reasoning model are recorded', async () => {
    const first = mock.requests.length;
    const traceId = await tracing.runAgent('reasoning-agent', async () => {
      await client.chat.completions.create({
        model: 'o3-mini',
        messages: [{ role: 'user', content: 'Think.' }],
      });
    });
    const usage = mock.requests[first]!.usage!;
    expect(usage.reasoningTokens).toBeGreaterThan(0);
    const [row] = (await storedGenAI(collector, traceId)).filter((r) => r.Operation === 'chat');
    expect(row).toMatchObject({
      ReasoningTokens: usage.reasoningTokens,
      OutputTokens: usage.completionTokens,
    });
  });

  test('instrumentClients is idempotent: one span per call', async () => {
    expect(instrumentClients({ openai: OpenAIModule })).toEqual(['openai']);
    const traceId = await tracing.runAgent('once-agent', async () => {
      await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] });
    });
    const rows = (await storedGenAI(collector, traceId)).filter((r) => r.Operation === 'chat');
    expect(rows).toHaveLength(1);
  });
});
