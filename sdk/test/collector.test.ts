// Acceptance: spans from the helpers, exported by init()'s real OTLP exporter over gRPC, HTTP/protobuf and
// HTTP/JSON into a real collector (embedded ClickHouse), are stored with the facts the helpers set: convention
// 'otel' on every GenAI row, explicit operations, agent/tool/model/usage/cost facts, the full streamed completion,
// redacted content; and a guard trigger is counted in beacon_guard_triggered_total.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TraceDetailResponse } from '../../collector/src/contract/index.js';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import { scrape, total } from '../../collector/test/metrics/helpers.js';
import {
  AgentGuard,
  agent,
  type BeaconHandle,
  init,
  LoopDetectedError,
  llmCall,
  type OtlpProtocol,
  tool,
  workflow,
} from '../src/index.js';

let collector: TestCollector;
beforeAll(async () => {
  collector = await startTestCollector();
});
afterAll(async () => {
  await collector?.dispose();
});

async function* tokens(text: string[]) {
  for (const [i, piece] of text.entries()) {
    yield {
      id: 'chatcmpl-stream',
      object: 'chat.completion.chunk',
      model: 'gpt-4o-mini-2024-07-18',
      choices: [
        { index: 0, delta: { content: piece }, finish_reason: i === text.length - 1 ? 'stop' : null },
      ],
    };
  }
  yield {
    id: 'chatcmpl-stream',
    model: 'gpt-4o-mini-2024-07-18',
    choices: [],
    usage: { prompt_tokens: 300, completion_tokens: 40 },
  };
}

/** A planner agent that asks a model, calls a tool and hands over to a worker agent that streams its answer. */
async function scenario(): Promise<{ traceId: string; answer: string }> {
  return workflow('ticket', async (span) => {
    const traceId = span.spanContext().traceId;
    const answer = await agent(
      'planner',
      async () => {
        await llmCall(
          {
            provider: 'openai',
            model: 'gpt-4o',
            system: 'You plan.',
            messages: [{ role: 'user', content: 'Refund order 42 for jane@corp.example' }],
            params: { temperature: 0 },
          },
          async () => ({
            id: 'chatcmpl-plan',
            model: 'gpt-4o-2024-08-06',
            choices: [
              {
                index: 0,
                finish_reason: 'tool_calls',
                message: {
                  role: 'assistant',
                  content: null,
                  tool_calls: [
                    {
                      id: 'call_9',
                      type: 'function',
                      function: { name: 'lookup_order', arguments: '{"id":42}' },
                    },
                  ],
                },
              },
            ],
            usage: {
              prompt_tokens: 1200,
              completion_tokens: 80,
              prompt_tokens_details: { cached_tokens: 200 },
            },
          }),
        );
        const order = await tool('lookup_order', async () => ({ id: 42, total: 19.9 }), {
          callId: 'call_9',
          arguments: { id: 42 },
        });
        return agent('worker', async () => {
          const stream = await llmCall(
            {
              provider: 'openai',
              model: 'gpt-4o-mini',
              messages: [{ role: 'user', content: `Refund ${order.id}` }],
            },
            async () => tokens(['Refund ', 'of $19.90 ', 'issued.']),
          );
          let text = '';
          for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
          return text;
        });
      },
      { id: 'planner-v1' },
    );
    return { traceId, answer };
  });
}

interface GenAIRow {
  SpanName: string;
  SpanId: string;
  ParentSpanId: string;
  Convention: string;
  Operation: string;
  Provider: string;
  RequestModel: string;
  ResponseModel: string;
  AgentName: string;
  AgentId: string;
  ToolName: string;
  ToolCallId: string;
  ToolArguments: string;
  InputTokens: number | null;
  OutputTokens: number | null;
  CacheReadTokens: number | null;
  CostUsd: number | null;
  FinishReasons: string[];
}

const PROTOCOLS: OtlpProtocol[] = ['grpc', 'http/protobuf', 'http/json'];

describe.each(PROTOCOLS)('init() exporting over %s', (protocol) => {
  let handle: BeaconHandle;
  let run: { traceId: string; answer: string };
  const service = `sdk-e2e-${protocol.replace('/', '-')}`;

  beforeAll(async () => {
    const warnings: string[] = [];
    handle = init({
      protocol,
      endpoint: protocol === 'grpc' ? collector.grpcUrl : collector.httpUrl,
      serviceName: service,
      presets: false,
      flushOnExit: false,
      captureContent: true,
      redact: (text) => text.replace(/[\w.]+@[\w-]+(\.[\w-]+)+/g, '<email>'),
      logger: { warn: (m) => void warnings.push(m) },
    });
    run = await scenario();
    const guard = new AgentGuard({ maxRepeatedToolCalls: 2 });
    await expect(
      guard.run(() =>
        agent('looper', async () => {
          for (;;) await tool('poll', async () => 'pending', { arguments: { job: 1 } });
        }),
      ),
    ).rejects.toBeInstanceOf(LoopDetectedError);
    await handle.shutdown();
    expect(warnings).toEqual([]);
  });

  test('the agent code ran normally', () => {
    expect(run.answer).toBe('Refund of $19.90 issued.');
  });

  test('every stored GenAI row is current OTel with the facts the helpers set', async () => {
    const rows = await collector.query<GenAIRow>(
      `SELECT SpanName, SpanId, ParentSpanId, Convention, Operation, Provider, RequestModel, ResponseModel, AgentName, AgentId, ToolName,
              ToolCallId, ToolArguments, InputTokens, OutputTokens, CacheReadTokens, CostUsd, FinishReasons
       FROM beacon_genai_spans WHERE TraceId = {traceId:String} ORDER BY Timestamp`,
      { traceId: run.traceId },
    );
    // Sorted by name: OTel JS start times have millisecond precision, so Timestamp order within 1 ms is arbitrary.
    expect(rows.map((r) => r.SpanName).sort()).toEqual([
      'chat gpt-4o',
      'chat gpt-4o-mini',
      'execute_tool lookup_order',
      'invoke_agent planner',
      'invoke_agent worker',
      'invoke_workflow ticket',
    ]);
    const parentOf = (name: string) =>
      rows.find((r) => r.SpanId === rows.find((c) => c.SpanName === name)!.ParentSpanId)?.SpanName;
    expect(parentOf('invoke_agent planner')).toBe('invoke_workflow ticket');
    expect(parentOf('chat gpt-4o')).toBe('invoke_agent planner');
    expect(parentOf('execute_tool lookup_order')).toBe('invoke_agent planner');
    expect(parentOf('invoke_agent worker')).toBe('invoke_agent planner');
    expect(parentOf('chat gpt-4o-mini')).toBe('invoke_agent worker');
    for (const row of rows) expect(row.Convention).toBe('otel');
    const by = (name: string) => rows.find((r) => r.SpanName === name)!;
    expect(by('invoke_workflow ticket').Operation).toBe('invoke_workflow');
    expect(by('invoke_agent planner')).toMatchObject({
      Operation: 'invoke_agent',
      AgentName: 'planner',
      AgentId: 'planner-v1',
    });
    expect(by('invoke_agent worker')).toMatchObject({ Operation: 'invoke_agent', AgentName: 'worker' });
    expect(by('execute_tool lookup_order')).toMatchObject({
      Operation: 'execute_tool',
      ToolName: 'lookup_order',
      ToolCallId: 'call_9',
      ToolArguments: '{"id":42}',
    });
    expect(by('chat gpt-4o')).toMatchObject({
      Operation: 'chat',
      Provider: 'openai',
      RequestModel: 'gpt-4o',
      ResponseModel: 'gpt-4o-2024-08-06',
      InputTokens: 1200,
      OutputTokens: 80,
      CacheReadTokens: 200,
      FinishReasons: ['tool_calls'],
    });
    expect(by('chat gpt-4o').CostUsd).toBeGreaterThan(0);
    expect(by('chat gpt-4o-mini')).toMatchObject({
      ResponseModel: 'gpt-4o-mini-2024-07-18',
      InputTokens: 300,
      OutputTokens: 40,
      FinishReasons: ['stop'],
    });
    expect(by('chat gpt-4o-mini').CostUsd).toBeGreaterThan(0);
  });

  test('the query API returns the messages: redacted input, tool calls, the full streamed completion', async () => {
    await collector.writer.flush();
    const res = await fetch(`${collector.apiUrl}/api/v1/traces/${run.traceId}`);
    expect(res.status).toBe(200);
    const detail = (await res.json()) as TraceDetailResponse;
    expect(detail.trace.rootServiceName).toBe(service);
    const span = (name: string) => detail.spans.find((s) => s.name === name)!;
    const plan = span('chat gpt-4o').genai!;
    expect(plan.systemInstructions).toEqual([{ type: 'text', content: 'You plan.' }]);
    expect(plan.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Refund order 42 for <email>' }] },
    ]);
    expect(plan.outputMessages[0]).toMatchObject({
      role: 'assistant',
      finish_reason: 'tool_calls',
      parts: [{ type: 'tool_call', id: 'call_9', name: 'lookup_order', arguments: { id: 42 } }],
    });
    const streamed = span('chat gpt-4o-mini').genai!;
    expect(streamed.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'Refund of $19.90 issued.' }],
        finish_reason: 'stop',
      },
    ]);
    expect(streamed.usage).toMatchObject({ inputTokens: 300, outputTokens: 40 });
    expect(JSON.stringify(detail)).not.toContain('jane@corp.example');
  });

  test('the guard trigger is stored on its span and counted in beacon_guard_triggered_total', async () => {
    const events = await collector.query<{ SpanName: string; Attrs: Record<string, string> }>(
      `SELECT SpanName, Events.Attributes[indexOf(Events.Name, 'beacon.guard.triggered')] AS Attrs
       FROM otel_traces WHERE ServiceName = {service:String} AND has(Events.Name, 'beacon.guard.triggered')`,
      { service },
    );
    expect(events).toEqual([
      {
        SpanName: 'execute_tool poll',
        Attrs: {
          'beacon.guard.name': 'loop',
          'beacon.guard.limit': '2',
          'beacon.guard.observed': '2',
          'beacon.guard.tool': 'poll',
        },
      },
    ]);
    const { samples } = await scrape(collector.apiUrl);
    expect(total(samples, 'beacon_guard_triggered_total', { service, agent: 'looper', guard: 'loop' })).toBe(
      1,
    );
  });
});
