// The ClickHouse exporter end to end on the embedded engine: Beacon's GenAI facts (beacon_genai_spans) and the
// messages they reference.
import type { Message } from '@beacon/semconv';
import { describe, expect, test } from 'vitest';
import { addressMessage } from '../../src/exporters/clickhouse/index.js';
import { describeExactlyOnce, useExporterStore } from './exporter-setup.js';
import { makeCost, makeFacts, makeSpan, T0, traceId } from './helpers.js';

const store = useExporterStore();

/** An agent run: the agent, a priced chat with messages, a failed tool call, an unpriced and a usage-less call. */
function agentRun(trace: string) {
  const agent = makeSpan({
    traceId: trace,
    name: 'invoke_agent weather',
    genai: makeFacts({
      operation: 'invoke_agent',
      agentName: 'weather',
      agentId: 'agent-7',
      requestModel: null,
      responseModel: null,
    }),
    agentName: 'weather',
  });
  const input: Message[] = [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }];
  const output: Message[] = [
    {
      role: 'assistant',
      parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
      finish_reason: 'tool_calls',
    },
  ];
  const chat = makeSpan({
    traceId: trace,
    parentSpanId: agent.spanId,
    name: 'chat gpt-4o-mini',
    kind: 3,
    startTimeUnixNano: T0 + 1000n,
    endTimeUnixNano: T0 + 1000n + 850_000_000n,
    statusCode: 1,
    genai: makeFacts({
      responseId: 'chatcmpl-1',
      conversationId: 'conv-1',
      usage: {
        inputTokens: 1200,
        outputTokens: 300,
        cacheReadTokens: 200,
        cacheWriteTokens: null,
        reasoningTokens: 0,
      },
      finishReasons: ['tool_calls'],
      systemInstructions: [{ type: 'text', content: 'You are a weather agent.' }],
      inputMessages: input,
      outputMessages: output,
      reportedCostUsd: 0.0005,
    }),
    cost: makeCost(),
    agentName: 'weather',
  });
  const tool = makeSpan({
    traceId: trace,
    parentSpanId: agent.spanId,
    name: 'execute_tool get_weather',
    statusCode: 2,
    genai: makeFacts({
      operation: 'execute_tool',
      provider: null,
      requestModel: null,
      responseModel: null,
      toolName: 'get_weather',
      toolCallId: 'call_1',
      toolType: 'function',
      toolArguments: '{"city":"Paris"}',
      toolResult: '{"temp":21}',
      errorType: 'TimeoutError',
    }),
    agentName: 'weather',
  });
  const unpriced = makeSpan({
    traceId: trace,
    parentSpanId: agent.spanId,
    genai: makeFacts({
      requestModel: 'my-finetune',
      responseModel: null,
      usage: { ...makeFacts().usage, inputTokens: 5 },
    }),
    cost: makeCost({
      costUsd: null,
      inputCostUsd: null,
      outputCostUsd: null,
      priceSource: null,
      priceEntry: null,
      priceDataVersion: null,
      unpriced: true,
    }),
  });
  const noUsage = makeSpan({
    traceId: trace,
    parentSpanId: agent.spanId,
    genai: makeFacts({ usageMissing: true }),
  });
  return { agent, input, output, chat, tool, unpriced, noUsage };
}

describe('beacon_genai_spans', () => {
  test('normalized facts, cost, inherited agent and message references', async () => {
    const trace = traceId();
    const { agent, input, output, chat, tool, unpriced, noUsage } = agentRun(trace);
    await store.write([agent, chat, tool, unpriced, noUsage]);

    const rows = await store.db.query<Record<string, unknown>>(
      `SELECT * EXCEPT (Timestamp, Duration), toString(toUnixTimestamp64Nano(Timestamp)) AS Nanos, toString(Duration) AS Duration
       FROM beacon_genai_spans WHERE TraceId = {trace:String}`,
      { trace },
    );
    const bySpan = new Map(rows.map((row) => [row.SpanId, row]));
    expect(bySpan.size).toBe(5);
    expect(bySpan.get(chat.spanId)).toEqual({
      TraceId: trace,
      SpanId: chat.spanId,
      ParentSpanId: agent.spanId,
      ServiceName: 'svc',
      SpanName: 'chat gpt-4o-mini',
      StatusCode: 'Ok',
      Convention: 'otel',
      Operation: 'chat',
      IsInference: 1,
      Provider: 'openai',
      RequestModel: 'gpt-4o-mini',
      ResponseModel: 'gpt-4o-mini-2024-07-18',
      ResponseId: 'chatcmpl-1',
      AgentName: 'weather',
      AgentId: '',
      ToolName: '',
      ToolCallId: '',
      ToolType: '',
      ToolArguments: '',
      ToolResult: '',
      ConversationId: 'conv-1',
      InputTokens: 1200,
      OutputTokens: 300,
      CacheReadTokens: 200,
      CacheWriteTokens: null,
      ReasoningTokens: 0,
      CostUsd: 0.00042,
      InputCostUsd: 0.0003,
      OutputCostUsd: 0.00012,
      ReportedCostUsd: 0.0005,
      PriceSource: 'genai-prices',
      PriceEntry: 'openai/gpt-4o-mini',
      PriceDataVersion: 'test-1',
      Unpriced: 0,
      UsageMissing: 0,
      FinishReasons: ['tool_calls'],
      ErrorType: '',
      InputMessageHashes: [addressMessage(input[0]!).hash],
      OutputMessageHashes: [addressMessage(output[0]!).hash],
      SystemInstructionHashes: [
        addressMessage({ role: 'system', parts: [{ type: 'text', content: 'You are a weather agent.' }] })
          .hash,
      ],
      // In no loop (migration 0011: a loop is a warning marked here, not a failure).
      LoopRepeats: 0,
      Nanos: (T0 + 1000n).toString(),
      Duration: '850000000',
    });
    expect(bySpan.get(agent.spanId)).toMatchObject({
      Operation: 'invoke_agent',
      IsInference: 0,
      AgentName: 'weather',
      AgentId: 'agent-7',
      RequestModel: '',
    });
    // The tool span has no agent of its own: it inherits the one it runs under.
    expect(bySpan.get(tool.spanId)).toMatchObject({
      Operation: 'execute_tool',
      StatusCode: 'Error',
      AgentName: 'weather',
      ToolName: 'get_weather',
      ToolCallId: 'call_1',
      ToolType: 'function',
      ToolArguments: '{"city":"Paris"}',
      ToolResult: '{"temp":21}',
      ErrorType: 'TimeoutError',
      Provider: '',
      InputTokens: null,
      CostUsd: null,
      PriceSource: '',
      InputMessageHashes: [],
    });
    expect(bySpan.get(unpriced.spanId)).toMatchObject({
      Unpriced: 1,
      CostUsd: null,
      InputTokens: 5,
      OutputTokens: null,
      PriceSource: '',
    });
    expect(bySpan.get(noUsage.spanId)).toMatchObject({ UsageMissing: 1, Unpriced: 0 });

    // Every reference resolves to a stored message whose content is the message itself.
    const messages = await store.db.query<{ Hash: string; Role: string; Content: string }>(
      `SELECT Hash, any(Role) AS Role, any(Content) AS Content FROM beacon_messages
       WHERE Hash IN (SELECT arrayJoin(arrayConcat(InputMessageHashes, OutputMessageHashes, SystemInstructionHashes))
                      FROM beacon_genai_spans WHERE TraceId = {trace:String})
       GROUP BY Hash`,
      { trace },
    );
    expect(messages).toHaveLength(3);
    const byHash = new Map(messages.map((m) => [m.Hash, m]));
    expect(JSON.parse(byHash.get(addressMessage(output[0]!).hash)!.Content)).toEqual(output[0]);
    expect(byHash.get(addressMessage(input[0]!).hash)!.Role).toBe('user');
  });
});

describeExactlyOnce(store);
