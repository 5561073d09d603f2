// The ClickHouse exporter end to end on the embedded engine: spans written by the writer, read back with the
// contrib exporter's column names, Beacon's GenAI facts, content-addressed messages and the per-trace roll-up.
import type { Message } from '@beacon/semconv';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addressMessage, ClickHouseWriter, toTraceRow } from '../../src/exporters/clickhouse/index.js';
import type { EnrichedSpan } from '../../src/model.js';
import { DEFAULT_TENANT } from '../../src/model.js';
import {
  DATABASE,
  makeCost,
  makeFacts,
  makeSpan,
  openTestDatabase,
  silentLogger,
  T0,
  type TestDatabase,
  traceId,
} from './helpers.js';

let db: TestDatabase;
let writer: ClickHouseWriter;
/** Spans written by writers other than `writer`. */
let otherWriterSpans = 0;
beforeAll(async () => {
  // Ten years of retention: the fixed 2026-01-02 timestamps below must not expire on insert.
  db = await openTestDatabase({ retentionDays: 3650 });
  writer = new ClickHouseWriter({
    storage: db.storage,
    databaseFor: async () => DATABASE,
    logger: silentLogger,
    maxQueueSpans: 10_000,
    batchSpans: 500,
    flushIntervalMs: 20,
  });
});
afterAll(async () => {
  await writer?.close({ timeoutMs: 10_000 });
  await db?.dispose();
});

/** Every span this file writes through write(): the exactly-once check at the end counts each of them. */
const sent: EnrichedSpan[] = [];

async function write(...batches: EnrichedSpan[][]): Promise<void> {
  for (const spans of batches) {
    sent.push(...spans);
    expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
    await writer.flush();
  }
}

describe('otel_traces', () => {
  test('spans read back with only the contrib exporter column names, values as the contrib exporter writes them', async () => {
    const trace = traceId();
    const root = makeSpan({
      traceId: trace,
      name: 'GET /weather',
      kind: 2,
      traceState: 'vendor=1',
      startTimeUnixNano: T0,
      endTimeUnixNano: T0 + 2_500_000_001n,
      resource: { 'service.name': 'weather-api', 'host.arch': 'amd64', 'process.pid': 4242 },
      serviceName: 'weather-api',
      attributes: {
        'http.method': 'GET',
        'http.status_code': 200,
        ratio: 0.2,
        big: 1e21,
        tiny: 1.5e-7,
        'retry.enabled': true,
        tags: ['a', 1, true, null],
        nested: { z: 1, a: 'x<y&z', m: { k: [1.5] } },
        empty: null,
        __proto__: 'own key',
      },
      events: [
        { timeUnixNano: T0 + 1n, name: 'start', attributes: { step: 1 } },
        { timeUnixNano: T0 + 999_999_999n, name: 'exception', attributes: { 'exception.type': 'Timeout' } },
      ],
      links: [
        {
          traceId: 'a'.repeat(32),
          spanId: 'b'.repeat(16),
          traceState: 'k=v',
          attributes: { 'link.kind': 'follows' },
        },
      ],
    });
    const child = makeSpan({
      traceId: trace,
      parentSpanId: root.spanId,
      name: 'chat gpt-4o-mini',
      kind: 3,
      statusCode: 2,
      statusMessage: 'upstream timed out',
      startTimeUnixNano: T0 + 10n,
      endTimeUnixNano: T0 + 10n,
      scopeName: '',
      scopeVersion: '',
    });
    const unset = makeSpan({
      traceId: trace,
      parentSpanId: root.spanId,
      kind: 0,
      statusCode: 1,
      startTimeUnixNano: T0 + 20n,
    });
    await write([root, child, unset]);

    const rows = await db.query<Record<string, unknown>>(
      `SELECT toString(Timestamp) AS Time, toString(toUnixTimestamp64Nano(Timestamp)) AS Nanos, TraceId, SpanId,
              ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes, ScopeName, ScopeVersion,
              SpanAttributes, SpanAttributes['http.status_code'] AS Status, toString(Duration) AS Duration, StatusCode,
              StatusMessage, Events.Name AS EventNames,
              arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS EventNanos,
              Events.Attributes AS EventAttributes, Links.TraceId AS LinkTraceIds, Links.SpanId AS LinkSpanIds,
              Links.TraceState AS LinkTraceStates, Links.Attributes AS LinkAttributes
       FROM otel_traces WHERE TraceId = {trace:String} ORDER BY Timestamp`,
      { trace },
    );
    expect(rows).toHaveLength(3);
    const [r, c, u] = rows as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    expect(r).toEqual({
      Time: '2026-01-02 03:04:05.123456789',
      Nanos: T0.toString(),
      TraceId: trace,
      SpanId: root.spanId,
      ParentSpanId: '',
      TraceState: 'vendor=1',
      SpanName: 'GET /weather',
      SpanKind: 'Server',
      ServiceName: 'weather-api',
      ResourceAttributes: { 'service.name': 'weather-api', 'host.arch': 'amd64', 'process.pid': '4242' },
      ScopeName: 'scope',
      ScopeVersion: '1.0.0',
      SpanAttributes: {
        'http.method': 'GET',
        'http.status_code': '200',
        ratio: '0.2',
        big: '1e+21',
        tiny: '1.5e-7',
        'retry.enabled': 'true',
        tags: '["a",1,true,null]',
        nested: '{"a":"x\\u003cy\\u0026z","m":{"k":[1.5]},"z":1}',
        empty: '',
        __proto__: 'own key',
      },
      Status: '200',
      Duration: '2500000001',
      StatusCode: 'Unset',
      StatusMessage: '',
      EventNames: ['start', 'exception'],
      EventNanos: [(T0 + 1n).toString(), (T0 + 999_999_999n).toString()],
      EventAttributes: [{ step: '1' }, { 'exception.type': 'Timeout' }],
      LinkTraceIds: ['a'.repeat(32)],
      LinkSpanIds: ['b'.repeat(16)],
      LinkTraceStates: ['k=v'],
      LinkAttributes: [{ 'link.kind': 'follows' }],
    });
    expect(c).toMatchObject({
      ParentSpanId: root.spanId,
      SpanKind: 'Client',
      StatusCode: 'Error',
      StatusMessage: 'upstream timed out',
      Duration: '0',
      ScopeName: '',
      Nanos: (T0 + 10n).toString(),
      EventNames: [],
      LinkTraceIds: [],
    });
    expect(u).toMatchObject({ SpanKind: 'Unspecified', StatusCode: 'Ok' });
  });

  test('otel_traces_trace_id_ts holds Start/End of the trace (second precision, as the contrib view computes them)', async () => {
    const trace = traceId();
    await write(
      [makeSpan({ traceId: trace, startTimeUnixNano: T0 })],
      [makeSpan({ traceId: trace, startTimeUnixNano: T0 + 7_000_000_000n })],
    );
    const rows = await db.query<{ Start: string; End: string }>(
      `SELECT toString(min(Start)) AS Start, toString(max(End)) AS End FROM otel_traces_trace_id_ts
       WHERE TraceId = {trace:String} GROUP BY TraceId`,
      { trace },
    );
    expect(rows).toEqual([{ Start: '2026-01-02 03:04:05', End: '2026-01-02 03:04:12' }]);
  });

  test('nanosecond instants survive at the edges of DateTime64(9), and never fail a batch', async () => {
    const early = 1_000_000_009n; // 1970-01-01 00:00:01.000000009: fewer than ten digits of Unix seconds
    const latest = 2n ** 63n - 1n; // 2262-04-11 23:47:16.854775807
    const spans = [
      makeSpan({ startTimeUnixNano: early, endTimeUnixNano: early + 5n }),
      makeSpan({ startTimeUnixNano: latest + 100n, endTimeUnixNano: latest + 200n }),
    ];
    // The rows exactly as the writer sends them, into a table without TTL (these instants are outside retention).
    await db.command(
      'CREATE TABLE edges (Timestamp DateTime64(9), Duration UInt64, Events Nested(Timestamp DateTime64(9))) ENGINE = Memory',
    );
    await db.storage.client.insert({
      table: 'edges',
      values: spans.map((span) => {
        const row = toTraceRow({
          ...span,
          events: [{ timeUnixNano: span.startTimeUnixNano + 1n, name: 'e', attributes: {} }],
        });
        return {
          Timestamp: row.Timestamp,
          Duration: row.Duration,
          'Events.Timestamp': row['Events.Timestamp'],
        };
      }),
      format: 'JSONEachRow',
    });
    const rows = await db.query<{ Nanos: string; Duration: string; Event: string }>(
      `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS Nanos, toString(Duration) AS Duration,
              toString(toUnixTimestamp64Nano(Events.Timestamp[1])) AS Event FROM edges ORDER BY Timestamp`,
    );
    // Past 2262-04-11 the instants are clamped to DateTime64(9)'s limit, and so is the duration between them.
    expect(rows).toEqual([
      { Nanos: early.toString(), Duration: '5', Event: (early + 1n).toString() },
      { Nanos: latest.toString(), Duration: '0', Event: latest.toString() },
    ]);

    // Through the writer (and the materialized views computing End = Timestamp + Duration): stored, no error.
    const before = writer.stats;
    expect(writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
    await writer.flush();
    expect(writer.stats.spansWritten - before.spansWritten).toBe(2);
    expect(writer.stats.writeErrors).toBe(before.writeErrors);
  });

  test('lone UTF-16 surrogates (possible in OTLP/JSON) are stored as U+FFFD instead of failing the batch', async () => {
    const trace = traceId();
    const span = makeSpan({
      traceId: trace,
      name: 'bad \ud800 name',
      attributes: { 'key\udfff': 'value \ud83d', ok: 'emoji \ud83d\ude00' },
      genai: makeFacts({
        requestModel: 'model-\udc00',
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'hi \ud800' }] }],
      }),
    });
    const errors = writer.stats.writeErrors;
    await write([span]);
    expect(writer.stats.writeErrors).toBe(errors);
    const [row] = await db.query<{
      SpanName: string;
      SpanAttributes: Record<string, string>;
      RequestModel: string;
    }>(
      `SELECT SpanName, SpanAttributes, (SELECT any(RequestModel) FROM beacon_genai_spans WHERE TraceId = {trace:String}) AS RequestModel
       FROM otel_traces WHERE TraceId = {trace:String}`,
      { trace },
    );
    expect(row).toEqual({
      SpanName: 'bad \ufffd name',
      SpanAttributes: { 'key\ufffd': 'value \ufffd', ok: 'emoji \ud83d\ude00' },
      RequestModel: 'model-\ufffd',
    });
  });
});

describe('beacon_genai_spans', () => {
  test('normalized facts, cost, inherited agent and message references', async () => {
    const trace = traceId();
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
    await write([agent, chat, tool, unpriced, noUsage]);

    const rows = await db.query<Record<string, unknown>>(
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
    const messages = await db.query<{ Hash: string; Role: string; Content: string }>(
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

describe('beacon_messages', () => {
  test('a growing conversation stores each distinct message once, however often it is resent', async () => {
    const system = [{ type: 'text', content: 'You are a long-running research agent.' }];
    const user = (i: number): Message => ({
      role: 'user',
      parts: [{ type: 'text', content: `question ${i}` }],
    });
    const assistant = (i: number): Message => ({
      role: 'assistant',
      parts: [{ type: 'text', content: `answer ${i}` }],
    });
    const trace = traceId();
    const spans: EnrichedSpan[] = [];
    const history: Message[] = [];
    for (let i = 0; i < 50; i++) {
      history.push(user(i));
      spans.push(
        makeSpan({
          traceId: trace,
          startTimeUnixNano: T0 + BigInt(i) * 1_000_000n,
          genai: makeFacts({
            systemInstructions: system,
            inputMessages: [...history],
            outputMessages: [assistant(i)],
          }),
        }),
      );
      history.push(assistant(i));
    }
    const before = await db.query<{ n: string }>('SELECT toString(count()) AS n FROM beacon_messages');
    // Five separate batches: the conversation's history crosses batch boundaries.
    await write(...Array.from({ length: 5 }, (_, b) => spans.slice(b * 10, b * 10 + 10)));

    const [after] = await db.query<{ rows: string; distinct: string }>(
      'SELECT toString(count()) AS rows, toString(uniqExact(Hash)) AS distinct FROM beacon_messages',
    );
    const added = Number(after!.rows) - Number(before[0]!.n);
    // 1 system message + 50 questions + 50 answers, though spans referenced 1 + Σ(2i+1) + 50 = 2 601 messages.
    expect(added).toBe(101);
    expect(after!.rows).toBe(after!.distinct);

    const refs = await db.query<{ inputs: number; unresolved: string }>(
      `SELECT length(InputMessageHashes) AS inputs,
              toString(arrayCount(h -> h NOT IN (SELECT Hash FROM beacon_messages), arrayConcat(InputMessageHashes, OutputMessageHashes, SystemInstructionHashes))) AS unresolved
       FROM beacon_genai_spans WHERE TraceId = {trace:String} ORDER BY Timestamp`,
      { trace },
    );
    expect(refs.map((r) => r.inputs)).toEqual(Array.from({ length: 50 }, (_, i) => 2 * i + 1));
    expect(refs.every((r) => r.unresolved === '0')).toBe(true);

    // A restarted collector (empty in-process cache) may write a message again; reads aggregate, so nothing changes.
    const restarted = new ClickHouseWriter({
      storage: db.storage,
      databaseFor: async () => DATABASE,
      logger: silentLogger,
      maxQueueSpans: 100,
      batchSpans: 100,
      flushIntervalMs: 20,
    });
    expect(
      restarted.enqueue({
        tenant: DEFAULT_TENANT,
        spans: [
          makeSpan({
            traceId: trace,
            genai: makeFacts({ systemInstructions: system, inputMessages: [user(0)] }),
          }),
        ],
      }),
    ).toBe(true);
    await restarted.close({ timeoutMs: 10_000 });
    otherWriterSpans += restarted.stats.spansWritten;
    const distinct = await db.query<{ Hash: string; FirstSeen: string }>(
      `SELECT Hash, toString(min(FirstSeen)) AS FirstSeen FROM beacon_messages WHERE Hash = {hash:String} GROUP BY Hash`,
      { hash: addressMessage(user(0)).hash },
    );
    expect(distinct).toEqual([
      { Hash: addressMessage(user(0)).hash, FirstSeen: '2026-01-02 03:04:05.123456789' },
    ]);
  });
});

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
    await write([chat2, unpriced, missing, tool, plain]);
    await write([root, chat1]);

    const [summary] = await db.query<Record<string, unknown>>(
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

describe('exactly once', () => {
  test('every span written in this file is stored exactly once', async () => {
    await writer.flush();
    const rows = await db.query<{ TraceId: string; SpanId: string; n: string }>(
      `SELECT TraceId, SpanId, toString(count()) AS n FROM otel_traces
       WHERE TraceId IN {traces:Array(String)} GROUP BY TraceId, SpanId`,
      { traces: [...new Set(sent.map((span) => span.traceId))] },
    );
    const stored = new Map(rows.map((row) => [`${row.TraceId}/${row.SpanId}`, row.n]));
    // The restarted writer of the messages test added one span to a trace written here.
    expect(stored.size).toBe(sent.length + otherWriterSpans);
    for (const span of sent) expect(stored.get(`${span.traceId}/${span.spanId}`)).toBe('1');
    expect([...stored.values()].every((n) => n === '1')).toBe(true);
    expect(writer.stats).toMatchObject({ queueDepth: 0, spansDropped: 0, writeErrors: 0, healthy: true });
  });
});
