// End to end with the real OpenTelemetry JS exporters: what an instrumented agent actually sends.
import {
  type Attributes,
  type HrTime,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type TraceState,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiverProtocol } from '../../src/model.js';
import {
  createOtlpGrpcReceiver,
  createOtlpHttpReceiver,
  type OtlpReceiver,
} from '../../src/receivers/index.js';
import { RecordingSink, silentLogger } from './helpers.js';

type GrpcExporterConfig = NonNullable<ConstructorParameters<typeof GrpcTraceExporter>[0]>;
type HttpExporterConfig = NonNullable<ConstructorParameters<typeof ProtobufTraceExporter>[0]>;
// CompressionAlgorithm.GZIP of @opentelemetry/otlp-exporter-base, which the exporters do not re-export.
const GZIP = 'gzip' as GrpcExporterConfig['compression'] & HttpExporterConfig['compression'];
const EXPORT_SUCCESS = 0; // ExportResultCode.SUCCESS

const sink = new RecordingSink();
const receivers: OtlpReceiver[] = [];
let grpcUrl: string;
let httpTracesUrl: string;

beforeAll(async () => {
  const options = { host: '127.0.0.1', port: 0, sink, logger: silentLogger };
  const grpcReceiver = createOtlpGrpcReceiver({ ...options, maxMessageBytes: 4 * 1024 * 1024 });
  const httpReceiver = createOtlpHttpReceiver({ ...options, maxBodyBytes: 4 * 1024 * 1024 });
  receivers.push(grpcReceiver, httpReceiver);
  grpcUrl = `http://127.0.0.1:${(await grpcReceiver.start()).port}`;
  httpTracesUrl = `http://127.0.0.1:${(await httpReceiver.start()).port}/v1/traces`;
});
afterAll(() => Promise.all(receivers.map((receiver) => receiver.stop())));
afterEach(() => sink.clear());

const hrTimeToNanos = ([seconds, nanos]: HrTime) => BigInt(seconds) * 1_000_000_000n + BigInt(nanos);

/** SpanKind of the API (INTERNAL = 0) → OTLP SpanKind (INTERNAL = 1). */
const otlpKind = (kind: SpanKind) => kind + 1;

const exporters: [name: string, protocol: ReceiverProtocol, create: () => SpanExporter][] = [
  ['grpc', 'grpc', () => new GrpcTraceExporter({ url: grpcUrl })],
  ['grpc + gzip', 'grpc', () => new GrpcTraceExporter({ url: grpcUrl, compression: GZIP })],
  ['http/json', 'http_json', () => new JsonTraceExporter({ url: httpTracesUrl })],
  ['http/protobuf', 'http_protobuf', () => new ProtobufTraceExporter({ url: httpTracesUrl })],
  [
    'http/protobuf + gzip',
    'http_protobuf',
    () => new ProtobufTraceExporter({ url: httpTracesUrl, compression: GZIP }),
  ],
];

/** A small agent trace: invoke_agent → chat + execute_tool, one span of every kind, events, links, statuses. */
async function recordAgentTrace(exporter: SpanExporter): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-agent', 'deployment.environment': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(exporter), new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('beacon-tests', '0.0.1');

  const agent = tracer.startSpan('invoke_agent support', {
    kind: SpanKind.SERVER,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'support',
      'retry.count': 3,
      temperature: 0.7,
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['stop', 'length'],
      'token.buckets': [1, 2.5, 3],
      'flags.seen': [true, false],
    },
  });
  const agentContext = trace.setSpan(ROOT_CONTEXT, agent);
  const chat = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1200 },
      links: [
        {
          context: {
            traceId: '0af7651916cd43dd8448eb211c80319c',
            spanId: 'b7ad6b7169203331',
            traceFlags: 1,
            traceState: { serialize: () => 'vendor=x' } as TraceState,
          },
          attributes: { 'link.reason': 'retry-of' },
        },
      ],
    },
    agentContext,
  );
  chat.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'hello', index: 0 });
  chat.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  chat.end();
  const tool = tracer.startSpan('execute_tool lookup', { kind: SpanKind.INTERNAL }, agentContext);
  tool.setStatus({ code: SpanStatusCode.OK });
  tool.end();
  tracer.startSpan('enqueue', { kind: SpanKind.PRODUCER }, agentContext).end();
  tracer.startSpan('dequeue', { kind: SpanKind.CONSUMER }, agentContext).end();
  agent.end();

  await provider.forceFlush();
  const recorded = memory.getFinishedSpans();
  await provider.shutdown();
  return recorded;
}

describe.each(exporters)('real OTel exporter: %s', (_, protocol, createExporter) => {
  it('delivers an agent trace with exact ids, parentage, times, attributes, events, links and status', async () => {
    const recorded = await recordAgentTrace(createExporter());
    expect(recorded).toHaveLength(5);
    expect(sink.batches.every((batch) => batch.protocol === protocol)).toBe(true);
    expect(sink.spans).toHaveLength(recorded.length);

    for (const expected of recorded) {
      const received = sink.spans.find((span) => span.spanId === expected.spanContext().spanId);
      expect(received, expected.name).toBeDefined();
      expect(received).toEqual({
        traceId: expected.spanContext().traceId,
        spanId: expected.spanContext().spanId,
        parentSpanId: expected.parentSpanContext?.spanId ?? '',
        traceState: '',
        name: expected.name,
        kind: otlpKind(expected.kind),
        startTimeUnixNano: hrTimeToNanos(expected.startTime),
        endTimeUnixNano: hrTimeToNanos(expected.endTime),
        attributes: expected.attributes,
        events: expected.events.map((event) => ({
          timeUnixNano: hrTimeToNanos(event.time),
          name: event.name,
          attributes: event.attributes ?? {},
        })),
        links: expected.links.map((link) => ({
          traceId: link.context.traceId,
          spanId: link.context.spanId,
          traceState: link.context.traceState?.serialize() ?? '',
          attributes: link.attributes ?? {},
        })),
        statusCode: expected.status.code,
        statusMessage: expected.status.message ?? '',
        resource: expect.objectContaining({
          'service.name': 'support-agent',
          'deployment.environment': 'test',
        }),
        serviceName: 'support-agent',
        scopeName: 'beacon-tests',
        scopeVersion: '0.0.1',
      });
    }

    const root = sink.spans.find((span) => span.name === 'invoke_agent support')!;
    expect(root.parentSpanId).toBe('');
    expect(root.attributes).toMatchObject({
      'retry.count': 3,
      temperature: 0.7,
      'token.buckets': [1, 2.5, 3],
    });
    const chat = sink.spans.find((span) => span.name === 'chat gpt-4o')!;
    expect(chat).toMatchObject({ parentSpanId: root.spanId, traceId: root.traceId, kind: 3, statusCode: 2 });
    expect(chat.links[0]).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      traceState: 'vendor=x',
    });
    expect(sink.spans.map((span) => span.kind).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('delivers every AnyValue type when exporting directly', async () => {
    const [template] = await recordAgentTrace(new InMemorySpanExporter());
    sink.clear();
    // The SDK's setAttribute only takes primitives and arrays; exporters also encode bytes and maps.
    const attributes = {
      string: 'text',
      int: 42,
      double: 1.25,
      bool: false,
      bytes: new Uint8Array([1, 2, 3, 250]),
      map: { model: 'gpt-4o', usage: { input: 10, output: 2 } },
      'array.mixed': ['a', 1, true, { nested: [1.5] }],
      'int.beyond.double': 2 ** 60,
      'array.empty': [],
    } as unknown as Attributes;
    const span: ReadableSpan = {
      ...template!,
      spanContext: () => template!.spanContext(),
      name: 'any-values',
      attributes,
    };

    const exporter = createExporter();
    const result = await new Promise<{ code: number }>((resolve) => exporter.export([span], resolve));
    await exporter.shutdown();
    expect(result.code).toBe(EXPORT_SUCCESS);
    expect(sink.spans).toHaveLength(1);
    expect(sink.spans[0]!.attributes).toEqual({
      string: 'text',
      int: 42,
      double: 1.25,
      bool: false,
      bytes: 'AQID+g==',
      map: { model: 'gpt-4o', usage: { input: 10, output: 2 } },
      'array.mixed': ['a', 1, true, { nested: [1.5] }],
      'int.beyond.double': '1152921504606846976',
      'array.empty': [],
    });
  });
});
