// The ClickHouse exporter end to end on the embedded engine: the per-trace roll-up (beacon_trace_summaries).
import { describe, expect, test } from 'vitest';
import { describeExactlyOnce, useExporterStore } from './exporter-setup.js';
import { makeCost, makeFacts, makeSpan, T0, traceId } from './helpers.js';

const store = useExporterStore();

describe('beacon_trace_summaries', () => {
  test('the roll-up of a trace whose spans arrive in two separate batches', async () => {
    const trace = traceId();
    const root = makeSpan({
      traceId: trace,
      name: 'invoke_agent planner',
      serviceName: 'agents',
      startTimeUnixNano: T0,
      endTimeUnixNano: T0 + 9_000_000_000n,
      // An agent span repeating its children's usage and cost: must not be counted twice.
      genai: makeFacts({
        operation: 'invoke_agent',
        agentName: 'planner',
        usage: { ...makeFacts().usage, inputTokens: 999, outputTokens: 999 },
      }),
      cost: makeCost({ costUsd: 9 }),
      agentName: 'planner',
    });
    const chat1 = makeSpan({
      traceId: trace,
      parentSpanId: root.spanId,
      serviceName: 'agents',
      startTimeUnixNano: T0 + 1_000_000_000n,
      endTimeUnixNano: T0 + 2_000_000_000n,
      genai: makeFacts({ usage: { ...makeFacts().usage, inputTokens: 100, outputTokens: 10 } }),
      cost: makeCost({ costUsd: 0.25 }),
      agentName: 'planner',
    });
    const chat2 = makeSpan({
      traceId: trace,
      parentSpanId: root.spanId,
      serviceName: 'agents',
      startTimeUnixNano: T0 + 3_000_000_000n,
      endTimeUnixNano: T0 + 4_000_000_000n,
      genai: makeFacts({
        requestModel: 'claude-sonnet-4',
        responseModel: null,
        provider: 'anthropic',
        agentName: 'researcher',
        usage: { ...makeFacts().usage, inputTokens: 200, outputTokens: 20 },
      }),
      cost: makeCost({ costUsd: 0.5 }),
      agentName: 'researcher',
    });
    const unpriced = makeSpan({
      traceId: trace,
      parentSpanId: root.spanId,
      startTimeUnixNano: T0 + 5_000_000_000n,
      genai: makeFacts({
        requestModel: 'local-llama',
        responseModel: null,
        usage: { ...makeFacts().usage, inputTokens: 7 },
      }),
      cost: makeCost({ costUsd: null, unpriced: true }),
      agentName: 'planner',
    });
    const missing = makeSpan({
      traceId: trace,
      parentSpanId: root.spanId,
      startTimeUnixNano: T0 + 6_000_000_000n,
      genai: makeFacts({ usageMissing: true }),
    });
    const tool = makeSpan({
      traceId: trace,
      parentSpanId: root.spanId,
      statusCode: 2,
      startTimeUnixNano: T0 + 7_000_000_000n,
      endTimeUnixNano: T0 + 9_500_000_000n,
      genai: makeFacts({
        operation: 'execute_tool',
        toolName: 'search',
        requestModel: null,
        responseModel: null,
      }),
      agentName: 'planner',
    });
    const plain = makeSpan({
      traceId: trace,
      parentSpanId: tool.spanId,
      startTimeUnixNano: T0 + 8_000_000_000n,
      statusCode: 2,
    });

    // The second batch holds the root: before it arrives, the summary falls back to the earliest span.
    await store.write([chat2, unpriced, missing, tool, plain]);
    await store.write([root, chat1]);

    const [summary] = await store.db.query<Record<string, unknown>>(
      `SELECT TraceId, toString(min(Start)) AS Start, toString(max(End)) AS End, toString(sum(SpanCount)) AS Spans,
              toString(sum(ErrorCount)) AS Errors, max(HasRoot) AS HasRoot, argMinMerge(RootServiceName) AS Service,
              argMinMerge(RootSpanName) AS RootName, argMinMerge(RootAgentName) AS RootAgent,
              arraySort(groupUniqArrayArray(AgentNames)) AS Agents, toString(sum(GenAISpanCount)) AS GenAISpans,
              toString(sum(InferenceCount)) AS Inferences, toString(sum(ToolCallCount)) AS ToolCalls,
              toString(sum(TotalInputTokens)) AS InputTokens, toString(sum(TotalOutputTokens)) AS OutputTokens,
              sum(TotalCostUsd) AS CostUsd, arraySort(groupUniqArrayArray(Models)) AS Models,
              toString(sum(UnpricedCount)) AS Unpriced, toString(sum(UsageMissingCount)) AS UsageMissing
       FROM beacon_trace_summaries WHERE TraceId = {trace:String} GROUP BY TraceId`,
      { trace },
    );
    expect(summary).toEqual({
      TraceId: trace,
      Start: '2026-01-02 03:04:05.123456789',
      End: '2026-01-02 03:04:14.623456789',
      Spans: '7',
      Errors: '2',
      HasRoot: 1,
      Service: 'agents',
      RootName: 'invoke_agent planner',
      RootAgent: 'planner',
      Agents: ['planner', 'researcher'],
      GenAISpans: '6',
      Inferences: '4',
      ToolCalls: '1',
      InputTokens: '307',
      OutputTokens: '30',
      CostUsd: 0.75,
      Models: ['claude-sonnet-4', 'gpt-4o-mini-2024-07-18', 'local-llama'],
      Unpriced: '1',
      UsageMissing: '1',
    });
  });
});

describeExactlyOnce(store);
