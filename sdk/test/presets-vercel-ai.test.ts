// Acceptance: `aiTelemetry()` switches the Vercel AI SDK's own tracing on, so `generateText` / `streamText` calls
// are stored with operation, provider, model, usage, the tool call and the functionId as the agent; inputs and
// outputs are recorded only with content capture on.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import { type MockLlm, startMockLlm } from '../../collector/test/fixtures/mock-llm.js';
import { aiTelemetry } from '../src/presets/index.js';
import { configure } from '../src/settings.js';
import { type PresetTracing, startPresetTracing, storedGenAI, traceDetail } from './presets-harness.js';

const MODEL = 'gpt-4o-mini';

let collector: TestCollector;
let mock: MockLlm;
let tracing: PresetTracing;

beforeAll(async () => {
  [collector, mock] = await Promise.all([startTestCollector(), startMockLlm()]);
  tracing = startPresetTracing(collector, {
    presets: [],
    captureContent: false,
    serviceName: 'preset-vercel',
  });
});
afterAll(async () => {
  configure();
  await tracing?.shutdown();
  await Promise.all([collector?.dispose(), mock?.close()]);
});

describe('aiTelemetry', () => {
  test('follows content capture unless told otherwise', () => {
    configure({ captureContent: false });
    expect(aiTelemetry({ functionId: 'f', metadata: { team: 'a' } })).toEqual({
      isEnabled: true,
      recordInputs: false,
      recordOutputs: false,
      functionId: 'f',
      metadata: { team: 'a' },
    });
    configure({ captureContent: true });
    expect(aiTelemetry()).toMatchObject({ isEnabled: true, recordInputs: true, recordOutputs: true });
    expect(aiTelemetry({ captureContent: false })).toMatchObject({
      recordInputs: false,
      recordOutputs: false,
    });
  });

  test('generateText with a tool round and a streamed text are stored with usage and the tool call', async () => {
    configure({ captureContent: true });
    const openai = createOpenAI({ baseURL: mock.url, apiKey: 'sk-vercel-secret' });
    const first = mock.requests.length;
    const traceId = await tracing.runAgent('vercel-run', async () => {
      const generated = await generateText({
        model: openai(MODEL),
        prompt: 'Weather in Lisbon?',
        tools: {
          get_weather: tool({
            description: 'Current weather of a city',
            inputSchema: z.object({ city: z.string() }),
            execute: async ({ city }) => `sunny in ${city}`,
          }),
        },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
        experimental_telemetry: aiTelemetry({ functionId: 'weather-agent', metadata: { example: 'vercel' } }),
      });
      expect(generated.steps.length).toBe(2);
      const streamed = streamText({
        model: openai.chat(MODEL),
        prompt: 'Tell me about Porto.',
        maxRetries: 0,
        experimental_telemetry: aiTelemetry({ functionId: 'weather-agent' }),
      });
      let text = '';
      for await (const delta of streamed.textStream) text += delta;
      expect(text).toContain('Porto');
    });
    const calls = mock.requests.slice(first);
    expect(calls).toHaveLength(3);
    const rows = await storedGenAI(collector, traceId);
    const llm = rows.filter((r) => r.Operation === 'chat');
    expect(llm).toHaveLength(3); // one per provider call: ai.generateText / ai.streamText wrappers are not LLM rows
    llm.forEach((row, i) => {
      expect(row).toMatchObject({
        Convention: 'vercel_ai',
        Provider: 'openai',
        RequestModel: MODEL,
        AgentName: 'weather-agent',
        InputTokens: calls[i]!.usage!.promptTokens,
        OutputTokens: calls[i]!.usage!.completionTokens,
        CacheReadTokens: calls[i]!.usage!.cachedTokens,
        UsageMissing: 0,
      });
    });
    expect(rows.filter((r) => r.Operation === 'execute_tool')).toEqual([
      expect.objectContaining({ ToolName: 'get_weather', AgentName: 'weather-agent' }),
    ]);
    const spans = await traceDetail(collector, traceId);
    const lastOut = spans.filter((s) => s.genai?.operation === 'chat').at(-1)!.genai!.outputMessages;
    expect(JSON.stringify(lastOut)).toContain('Porto');
    expect(JSON.stringify(spans)).not.toContain('sk-vercel-secret');
  });
});
