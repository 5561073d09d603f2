// Acceptance: the LangChain.js preset (@traceloop/instrumentation-langchain + Beacon's fills) produces spans the
// collector normalizes: LLM spans with provider, model and usage (incl. cache, incl. streaming), tool spans named
// after the tool, all under the agent; and one LLM span per call when the client library is instrumented too.
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import * as OpenAIModule from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import { type MockLlm, startMockLlm } from '../../collector/test/fixtures/mock-llm.js';
import { instrumentClients } from '../src/presets/index.js';
import { type PresetTracing, startPresetTracing, storedGenAI } from './presets-harness.js';

const MODEL = 'gpt-4o-mini';

let collector: TestCollector;
let mock: MockLlm;
let tracing: PresetTracing;
let model: ChatOpenAI;

const weather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
  name: 'get_weather',
  description: 'Current weather of a city',
  schema: z.object({ city: z.string() }),
});

beforeAll(async () => {
  [collector, mock] = await Promise.all([startTestCollector(), startMockLlm()]);
  tracing = startPresetTracing(collector, {
    presets: ['langchain'],
    captureContent: true,
    serviceName: 'preset-langchain',
  });
  expect(instrumentClients({ langchain: CallbackManagerModule })).toEqual(['langchain']);
  model = new ChatOpenAI({
    model: MODEL,
    apiKey: 'sk-lc-secret',
    configuration: { baseURL: mock.url },
    maxRetries: 0,
  });
});
afterAll(async () => {
  await tracing?.shutdown();
  await Promise.all([collector?.dispose(), mock?.close()]);
});

async function toolRoundAndStream(): Promise<void> {
  const call = await model.bindTools([weather]).invoke('Weather in Lisbon?');
  expect(call.tool_calls?.[0]?.name).toBe('get_weather');
  await weather.invoke(call.tool_calls![0]!);
  let text = '';
  for await (const chunk of await model.stream('Tell me about Porto.')) text += String(chunk.content);
  expect(text).toContain('Porto');
}

describe('LangChain preset', () => {
  test('LLM and tool spans are stored under the agent with provider, model, usage and the tool name', async () => {
    const first = mock.requests.length;
    const traceId = await tracing.runAgent('lc-agent', toolRoundAndStream);
    const calls = mock.requests.slice(first);
    expect(calls).toHaveLength(2);
    const rows = await storedGenAI(collector, traceId);
    const agentRow = rows.find((r) => r.Operation === 'invoke_agent')!;
    const llm = rows.filter((r) => r.Operation === 'chat');
    expect(llm).toHaveLength(2);
    llm.forEach((row, i) => {
      const usage = calls[i]!.usage!;
      expect(row).toMatchObject({
        Convention: 'otel',
        Provider: 'openai',
        RequestModel: MODEL,
        ResponseModel: MODEL,
        ParentSpanId: agentRow.SpanId,
        AgentName: 'lc-agent',
        InputTokens: usage.promptTokens,
        OutputTokens: usage.completionTokens,
        CacheReadTokens: usage.cachedTokens,
        UsageMissing: 0,
      });
    });
    expect(calls[1]!.stream).toBe(true);
    expect(llm[0]!.FinishReasons).toEqual(['tool_call']);
    const tools = rows.filter((r) => r.Operation === 'execute_tool');
    expect(tools).toHaveLength(1);
    expect(tools[0]).toMatchObject({
      SpanName: 'execute_tool get_weather',
      ToolName: 'get_weather',
      ParentSpanId: agentRow.SpanId,
      AgentName: 'lc-agent',
    });
  });

  test('with the OpenAI client instrumented too, each LLM call has one LLM span', async () => {
    expect(instrumentClients({ openai: OpenAIModule })).toEqual(['openai']);
    const first = mock.requests.length;
    const traceId = await tracing.runAgent('lc-openai-agent', toolRoundAndStream);
    const calls = mock.requests.slice(first);
    const llm = (await storedGenAI(collector, traceId)).filter((r) => r.Operation === 'chat');
    expect(llm).toHaveLength(calls.length);
    llm.forEach((row, i) => {
      expect(row).toMatchObject({
        Provider: 'openai',
        InputTokens: calls[i]!.usage!.promptTokens,
        CacheReadTokens: calls[i]!.usage!.cachedTokens,
        UsageMissing: 0,
      });
    });
  });
});
