// Acceptance: real instrumentations (OTel's openai instrumentation, OpenLLMetry, OpenInference, Vercel AI SDK)
// against a local mock OpenAI-compatible provider produce stored spans with the right model, input/output tokens
// and a cost equal to genai-prices' for that usage.
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type MockLlm, startMockLlm } from '../fixtures/mock-llm.js';
import { type AgentCall, type AgentEnv, type AgentScript, runAgent } from '../fixtures/run-agent.js';
import { startTestCollector, type TestCollector } from './harness.js';

let collector: TestCollector;
let mock: MockLlm;
beforeAll(async () => {
  [collector, mock] = await Promise.all([startTestCollector(), startMockLlm()]);
});
afterAll(async () => {
  await Promise.all([collector?.dispose(), mock?.close()]);
});

interface Case {
  script: AgentScript;
  protocol: AgentEnv['OTLP_PROTOCOL'];
  /** The instrumentation puts cache-read / reasoning counts on its spans. */
  reportsCache: boolean;
  reportsReasoning: boolean;
  /** The instrumentation records usage on streamed chat calls (else Beacon flags them usage-missing). */
  reportsStreamUsage: boolean;
  /** The agent the LLM spans run under when it is not the fixture's invoke_agent span (Vercel: the functionId). */
  llmAgent?: string;
}

const cases: Case[] = [
  {
    script: 'otel-openai',
    protocol: 'http/protobuf',
    reportsCache: false,
    reportsReasoning: false,
    reportsStreamUsage: true,
  },
  {
    script: 'traceloop-openai',
    protocol: 'grpc',
    reportsCache: false,
    reportsReasoning: false,
    reportsStreamUsage: false,
  },
  {
    script: 'openinference-openai',
    protocol: 'http/json',
    reportsCache: true,
    reportsReasoning: true,
    reportsStreamUsage: false,
  },
  {
    script: 'vercel-ai',
    protocol: 'http/protobuf',
    reportsCache: true,
    reportsReasoning: false,
    reportsStreamUsage: true,
    llmAgent: 'weather-agent',
  },
];

interface LlmRow {
  SpanId: string;
  Operation: string;
  Provider: string | null;
  RequestModel: string | null;
  ResponseModel: string | null;
  AgentName: string | null;
  InputTokens: number | null;
  OutputTokens: number | null;
  CacheReadTokens: number | null;
  ReasoningTokens: number | null;
  CostUsd: number | null;
  Unpriced: number;
  UsageMissing: number;
}

describe.each(cases)('$script', (c) => {
  test('stored LLM spans carry the model, tokens and genai-prices cost of each provider call', async () => {
    const run = await runAgent(c.script, {
      MOCK_LLM_URL: mock.url,
      OTLP_PROTOCOL: c.protocol,
      OTLP_ENDPOINT: `${collector.httpUrl}/v1/traces`,
      OTLP_GRPC_ENDPOINT: collector.grpcUrl,
      SERVICE_NAME: `svc-${c.script}`,
    });
    const chatCalls = run.calls.filter((call) => call.endpoint !== 'embeddings');
    expect(chatCalls.length).toBeGreaterThanOrEqual(2);

    const rows = await collector.query<LlmRow>(
      `SELECT g.SpanId AS SpanId, Operation, Provider, RequestModel, ResponseModel, AgentName, InputTokens, OutputTokens,
              CacheReadTokens, ReasoningTokens, CostUsd, Unpriced, UsageMissing
       FROM beacon_genai_spans AS g
       WHERE TraceId = {traceId:String} AND Operation IN ('chat', 'text_completion', 'generate_content')
       ORDER BY Timestamp`,
      { traceId: run.traceId },
    );
    // One LLM span per provider call: wrapper spans (e.g. Vercel's ai.generateText) are not counted twice.
    expect(rows).toHaveLength(chatCalls.length);

    rows.forEach((row, i) => {
      const call = chatCalls[i] as AgentCall;
      expect(row.Provider).toBe('openai');
      expect(row.ResponseModel ?? row.RequestModel).toBe(call.model);
      expect(row.AgentName).toBe(c.llmAgent ?? run.agentName);
      if (call.stream && !c.reportsStreamUsage) {
        // Streaming without usage: flagged, and never priced as if it were free.
        expect(row).toMatchObject({ UsageMissing: 1, InputTokens: null, OutputTokens: null, CostUsd: null });
        return;
      }
      expect(row).toMatchObject({
        UsageMissing: 0,
        Unpriced: 0,
        InputTokens: call.promptTokens,
        OutputTokens: call.completionTokens,
      });
      if (c.reportsCache) expect(row.CacheReadTokens).toBe(call.cachedTokens);
      if (c.reportsReasoning) expect(row.ReasoningTokens).toBe(call.reasoningTokens);

      const expected = calcPrice(
        {
          input_tokens: row.InputTokens!,
          cache_read_tokens: row.CacheReadTokens ?? 0,
          output_tokens: row.OutputTokens!,
        },
        call.model,
        { providerId: 'openai' },
      );
      expect(expected).not.toBeNull();
      expect(row.CostUsd).toBeCloseTo(expected!.total_price, 12);
    });
  });
});
