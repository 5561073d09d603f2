// Acceptance: the real OTel exporters (gRPC, HTTP/JSON, HTTP/protobuf) each send a 3-level agent trace and every
// span lands in otel_traces (readable with the contrib exporter's column names) with its GenAI facts.
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from './harness.js';

let collector: TestCollector;
beforeAll(async () => {
  collector = await startTestCollector();
});
afterAll(async () => {
  await collector?.dispose();
});

const INPUT_MESSAGES = [
  { role: 'system', parts: [{ type: 'text', content: 'You are a weather agent.' }] },
  { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
];

/** Sends invoke_agent → (chat, execute_tool) through one exporter; returns the ids the SDK assigned. */
async function sendAgentTrace(exporter: SpanExporter, service: string) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    // The batch processor, as NodeSDK uses by default: a run's spans travel together, so children inherit the
    // agent of their parent span at ingest.
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('beacon-e2e', '1.2.3');

  const agent = tracer.startSpan('invoke_agent weather', {
    kind: SpanKind.INTERNAL,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'weather',
      'gen_ai.provider.name': 'openai',
    },
  });
  const inAgent = trace.setSpan(context.active(), agent);

  const chat = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 300,
        'gen_ai.usage.cache_read.input_tokens': 200,
        'gen_ai.response.finish_reasons': ['tool_calls'],
        'gen_ai.input.messages': JSON.stringify(INPUT_MESSAGES),
        'gen_ai.request.temperature': 0.2,
      },
    },
    inAgent,
  );
  chat.addEvent('gen_ai.content.chunk', { index: 1 });
  chat.setStatus({ code: SpanStatusCode.OK });
  chat.end();

  const tool = tracer.startSpan(
    'execute_tool get_weather',
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.id': 'call_1',
      },
    },
    inAgent,
  );
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'weather API timed out' });
  tool.end();
  agent.end();

  await provider.forceFlush();
  await provider.shutdown();
  const ids = (s: typeof agent) => s.spanContext();
  return {
    traceId: ids(agent).traceId,
    agent: ids(agent).spanId,
    chat: ids(chat).spanId,
    tool: ids(tool).spanId,
  };
}

interface TraceRow {
  SpanId: string;
  ParentSpanId: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ScopeName: string;
  ScopeVersion: string;
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  Model: string;
  Temperature: string;
  Finish: string;
  EventNames: string[];
}

const exporters: [string, (url: string) => SpanExporter][] = [
  ['grpc', (c) => new GrpcExporter({ url: c })],
  ['http/json', (c) => new HttpJsonExporter({ url: `${c}/v1/traces` })],
  [
    'http/protobuf (gzip)',
    (c) => new HttpProtoExporter({ url: `${c}/v1/traces`, compression: 'gzip' as never }),
  ],
];

describe.each(exporters)('%s exporter', (protocol, makeExporter) => {
  test('stores the 3-level agent trace with parentage, durations, status, attributes and GenAI facts', async () => {
    const service = `agent-${protocol.replace(/\W/g, '-')}`;
    const url = protocol === 'grpc' ? collector.grpcUrl : collector.httpUrl;
    const ids = await sendAgentTrace(makeExporter(url), service);

    // Only the OTel Collector contrib ClickHouse exporter's column names: Grafana's data source reads these.
    const rows = await collector.query<TraceRow>(
      `SELECT SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, ScopeName, ScopeVersion, Duration, StatusCode,
              StatusMessage, SpanAttributes['gen_ai.request.model'] AS Model,
              SpanAttributes['gen_ai.request.temperature'] AS Temperature,
              SpanAttributes['gen_ai.response.finish_reasons'] AS Finish, Events.Name AS EventNames
       FROM otel_traces WHERE TraceId = {traceId:String} ORDER BY Timestamp`,
      { traceId: ids.traceId },
    );
    expect(rows).toHaveLength(3);
    const bySpan = new Map(rows.map((r) => [r.SpanId, r]));
    const agent = bySpan.get(ids.agent)!;
    const chat = bySpan.get(ids.chat)!;
    const tool = bySpan.get(ids.tool)!;

    expect(agent).toMatchObject({
      ParentSpanId: '',
      SpanName: 'invoke_agent weather',
      SpanKind: 'Internal',
      ServiceName: service,
    });
    expect(chat).toMatchObject({
      ParentSpanId: ids.agent,
      SpanKind: 'Client',
      StatusCode: 'Ok',
      Model: 'gpt-4o-mini',
      Temperature: '0.2',
      ScopeName: 'beacon-e2e',
      ScopeVersion: '1.2.3',
      EventNames: ['gen_ai.content.chunk'],
    });
    expect(JSON.parse(chat.Finish)).toEqual(['tool_calls']);
    expect(tool).toMatchObject({
      ParentSpanId: ids.agent,
      StatusCode: 'Error',
      StatusMessage: 'weather API timed out',
    });
    // The agent span encloses its children.
    for (const child of [chat, tool])
      expect(BigInt(child.Duration)).toBeLessThanOrEqual(BigInt(agent.Duration));

    const [lookup] = await collector.query<{ n: string }>(
      'SELECT count() AS n FROM otel_traces_trace_id_ts WHERE TraceId = {traceId:String}',
      { traceId: ids.traceId },
    );
    expect(Number(lookup!.n)).toBeGreaterThan(0);

    const facts = await collector.query<Record<string, unknown>>(
      `SELECT SpanId, Operation, Provider, RequestModel, ResponseModel, AgentName, ToolName, ToolCallId,
              InputTokens, OutputTokens, CacheReadTokens, CostUsd, PriceSource, PriceEntry, PriceDataVersion, Unpriced
       FROM beacon_genai_spans WHERE TraceId = {traceId:String}`,
      { traceId: ids.traceId },
    );
    const factsBySpan = new Map(facts.map((f) => [f.SpanId, f]));
    const expectedCost = calcPrice(
      { input_tokens: 1200, cache_read_tokens: 200, output_tokens: 300 },
      'gpt-4o-mini-2024-07-18',
      {
        providerId: 'openai',
      },
    );
    expect(expectedCost).not.toBeNull();
    expect(factsBySpan.get(ids.chat)).toMatchObject({
      Operation: 'chat',
      Provider: 'openai',
      RequestModel: 'gpt-4o-mini',
      ResponseModel: 'gpt-4o-mini-2024-07-18',
      AgentName: 'weather',
      InputTokens: 1200,
      OutputTokens: 300,
      CacheReadTokens: 200,
      PriceSource: 'genai-prices',
      Unpriced: 0,
    });
    expect(factsBySpan.get(ids.chat)!.CostUsd as number).toBeCloseTo(expectedCost!.total_price, 12);
    expect(factsBySpan.get(ids.chat)!.PriceEntry).toMatch(/openai\/gpt-4o-mini/);
    expect(factsBySpan.get(ids.tool)).toMatchObject({
      Operation: 'execute_tool',
      ToolName: 'get_weather',
      ToolCallId: 'call_1',
      AgentName: 'weather',
    });
    expect(factsBySpan.get(ids.agent)).toMatchObject({ Operation: 'invoke_agent', AgentName: 'weather' });
  });
});
