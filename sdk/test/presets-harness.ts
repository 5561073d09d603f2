// Shared by the preset tests: a real OTel pipeline (NodeTracerProvider → BatchSpanProcessor → OTLP/gRPC) into a
// real collector, with the presets registered on it; and reading back what the collector stored.
import { type Span, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { SpanView, TraceDetailResponse } from '../../collector/src/contract/index.js';
import type { TestCollector } from '../../collector/test/e2e/harness.js';
import { type PresetName, presetInstrumentations } from '../src/presets/index.js';

export interface PresetTracing {
  provider: NodeTracerProvider;
  /** Every finished span, in memory too (to look at raw attributes). */
  memory: InMemorySpanExporter;
  /** Runs `fn` inside an `invoke_agent` span and returns the trace id once everything is exported. */
  runAgent(agentName: string, fn: () => Promise<void>): Promise<string>;
  shutdown(): Promise<void>;
}

export function startPresetTracing(
  collector: TestCollector | null,
  options: { presets: PresetName[]; captureContent: boolean; serviceName: string },
): PresetTracing {
  const memory = new InMemorySpanExporter();
  const spanProcessors = [new SimpleSpanProcessor(memory)];
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: collector
      ? [...spanProcessors, new BatchSpanProcessor(new OTLPTraceExporter({ url: collector.grpcUrl }))]
      : spanProcessors,
  });
  provider.register();
  const unregister = registerInstrumentations({
    instrumentations: presetInstrumentations(options.presets, { captureContent: options.captureContent }),
    tracerProvider: provider,
  });
  const tracer = trace.getTracer('preset-test');
  return {
    provider,
    memory,
    async runAgent(agentName, fn) {
      const traceId = await tracer.startActiveSpan(
        `invoke_agent ${agentName}`,
        {
          kind: SpanKind.INTERNAL,
          attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': agentName },
        },
        async (span: Span) => {
          try {
            await fn();
          } finally {
            span.end();
          }
          return span.spanContext().traceId;
        },
      );
      await provider.forceFlush();
      return traceId;
    },
    async shutdown() {
      unregister();
      await provider.shutdown();
      trace.disable();
    },
  };
}

export interface StoredGenAIRow {
  SpanId: string;
  ParentSpanId: string;
  SpanName: string;
  Convention: string;
  Operation: string;
  Provider: string;
  RequestModel: string;
  ResponseModel: string;
  AgentName: string;
  ToolName: string;
  InputTokens: number | null;
  OutputTokens: number | null;
  CacheReadTokens: number | null;
  ReasoningTokens: number | null;
  UsageMissing: number;
  FinishReasons: string[];
}

/** The normalized GenAI rows the collector stored for a trace, in start order (a root before a child started in the same instant). */
export function storedGenAI(collector: TestCollector, traceId: string): Promise<StoredGenAIRow[]> {
  return collector.query<StoredGenAIRow>(
    `SELECT SpanId, ParentSpanId, SpanName, Convention, Operation, Provider, RequestModel, ResponseModel, AgentName,
            ToolName, InputTokens, OutputTokens, CacheReadTokens, ReasoningTokens, UsageMissing, FinishReasons
     FROM beacon_genai_spans WHERE TraceId = {traceId:String} ORDER BY Timestamp, ParentSpanId != ''`,
    { traceId },
  );
}

/** The trace as the query API returns it (spans with normalized facts and resolved messages). */
export async function traceDetail(collector: TestCollector, traceId: string): Promise<SpanView[]> {
  await collector.writer.flush();
  const res = await fetch(`${collector.apiUrl}/api/v1/traces/${traceId}`);
  if (!res.ok) throw new Error(`GET trace ${traceId}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as TraceDetailResponse).spans;
}
