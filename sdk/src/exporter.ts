// The OTLP trace exporter init() uses, and the wrapper that keeps a missing collector from ever bothering the
// agent: export never throws, the first failure is one warning, later ones are silent until export recovers.
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as HttpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { BeaconLogger } from './settings.js';

/** The exporter callback's result (ExportResult of @opentelemetry/core, which is not a declared dependency). */
type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0];

export type OtlpProtocol = 'grpc' | 'http/protobuf' | 'http/json';
const PROTOCOLS: readonly string[] = ['grpc', 'http/protobuf', 'http/json'];

/** ExportResultCode.SUCCESS / FAILED (numeric enum of @opentelemetry/core, not a declared dependency). */
const SUCCESS = 0;

export interface ExporterOptions {
  protocol?: OtlpProtocol;
  /** Base endpoint (like OTEL_EXPORTER_OTLP_ENDPOINT): `http://host:4317`, `http://host:4318`. */
  endpoint?: string;
  /** Per-export timeout. */
  timeoutMs?: number;
}

/**
 * The protocol: the option, else OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL, else gRPC
 * (Beacon's default; OTel's own default is http/protobuf).
 */
export function resolveProtocol(
  option: OtlpProtocol | undefined,
  env: NodeJS.ProcessEnv,
  logger: BeaconLogger,
) {
  const fromEnv = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  const protocol = option ?? (fromEnv || 'grpc');
  if (PROTOCOLS.includes(protocol)) return protocol as OtlpProtocol;
  logger.warn(`[beacon] unsupported OTLP protocol "${protocol}", using grpc`);
  return 'grpc';
}

/**
 * An OTLP trace exporter. Endpoint, headers, timeout and compression come from the standard OTEL_EXPORTER_OTLP_*
 * variables (read by the exporter itself) unless given here.
 */
export function createOtlpExporter(protocol: OtlpProtocol, options: ExporterOptions): SpanExporter {
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMillis: options.timeoutMs };
  const base = options.endpoint?.replace(/\/+$/, '');
  switch (protocol) {
    case 'grpc':
      return new GrpcExporter({ ...timeout, ...(base === undefined ? {} : { url: base }) });
    case 'http/json':
      return new HttpJsonExporter({
        ...timeout,
        ...(base === undefined ? {} : { url: `${base}/v1/traces` }),
      });
    case 'http/protobuf':
      return new HttpProtobufExporter({
        ...timeout,
        ...(base === undefined ? {} : { url: `${base}/v1/traces` }),
      });
  }
}

/** Never throws, warns once per outage, and drops the spans of failed exports. */
export class QuietExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #logger: BeaconLogger;
  readonly #describe: string;
  #failing = false;

  constructor(inner: SpanExporter, logger: BeaconLogger, describe: string) {
    this.#inner = inner;
    this.#logger = logger;
    this.#describe = describe;
  }

  /** True while exports fail (after the warning, until one succeeds). */
  get failing(): boolean {
    return this.#failing;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const done = (result: ExportResult) => {
      if (result.code === SUCCESS) {
        this.#failing = false;
      } else if (!this.#failing) {
        this.#failing = true;
        const reason = result.error?.message ?? 'unknown error';
        this.#logger.warn(
          `[beacon] cannot export spans to ${this.#describe} (${reason}); spans are dropped until it is reachable. The agent is not affected.`,
        );
      }
      // Always success to the processor: the spans are dropped here, quietly, instead of being reported again
      // through OTel's global error handler on every batch.
      resultCallback({ code: SUCCESS });
    };
    try {
      this.#inner.export(spans, done);
    } catch (error) {
      done({ code: 1, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  async shutdown(): Promise<void> {
    try {
      await this.#inner.shutdown();
    } catch {
      // Shutting down a failing exporter must not fail the agent's exit.
    }
  }

  async forceFlush(): Promise<void> {
    try {
      await this.#inner.forceFlush?.();
    } catch {
      // as above
    }
  }
}
