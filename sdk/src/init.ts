// init(): one call that makes an agent's GenAI work visible in Beacon. The OTel NodeSDK with an OTLP trace
// exporter (gRPC by default), batch processing, the auto-instrumentation presets, content-capture settings and
// flush on exit. Whatever happens to the collector, the agent keeps running.
import {
  context,
  type ProxyTracerProvider,
  propagation,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createOtlpExporter, type OtlpProtocol, QuietExporter, resolveProtocol } from './exporter.js';
import { PRESET_NAMES, type PresetName, presetInstrumentations } from './presets/index.js';
import { type BeaconLogger, captureContentFromEnv, configure, type Redactor, settings } from './settings.js';

export interface InitOptions {
  /** service.name; default OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES). */
  serviceName?: string;
  /** Default OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL, else grpc. */
  protocol?: OtlpProtocol;
  /**
   * Base OTLP endpoint (`http://localhost:4317` for gRPC, `http://localhost:4318` for HTTP); default
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT, else the OTLP default for the protocol.
   */
  endpoint?: string;
  /** Timeout of one export request (default OTEL_EXPORTER_OTLP_TIMEOUT, else 10 s). */
  exportTimeoutMs?: number;
  /** Auto-instrumentation presets; default all whose client library is installed. `false` for none. */
  presets?: readonly PresetName[] | false;
  /** More instrumentations to register with the presets. */
  instrumentations?: Instrumentation[];
  /** Record prompts, completions and tool I/O; default OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true. */
  captureContent?: boolean;
  /** Applied to every captured content string (e.g. mask e-mail addresses). */
  redact?: Redactor;
  /** Where the SDK's own warnings go; default console.warn. */
  logger?: BeaconLogger;
  /** Export somewhere else than OTLP (still batched, still never failing the agent). */
  traceExporter?: SpanExporter;
  /** Flush on beforeExit, SIGTERM and SIGINT (default true). */
  flushOnExit?: boolean;
}

export interface BeaconHandle {
  /** Exports what is buffered, then stops exporting. After it, init() may be called again. */
  shutdown(): Promise<void>;
  /** Exports what is buffered now. */
  forceFlush(): Promise<void>;
  /** The tracer provider spans are recorded with. */
  readonly tracerProvider: TracerProvider;
}

const EXIT_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
/** How long a signal waits for the last export before the process goes on exiting. */
const SIGNAL_FLUSH_LIMIT_MS = 5000;

let active: BeaconHandle | undefined;

function endpointDescription(protocol: OtlpProtocol, endpoint: string | undefined): string {
  const env = process.env;
  const fromEnv = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const fallback = protocol === 'grpc' ? 'http://localhost:4317' : 'http://localhost:4318';
  return `${endpoint ?? fromEnv ?? fallback} (OTLP ${protocol})`;
}

function withTimeLimit(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([work.catch(() => {}), limit]).finally(() => clearTimeout(timer));
}

/**
 * Flush on the way out without changing how the process exits: on beforeExit the exporter is shut down (its
 * connections then no longer keep the process alive); on SIGTERM/SIGINT spans are flushed and, when no other
 * listener handles the signal, it is raised again so the process dies of it as it would have.
 */
function installExitHooks(handle: BeaconHandle): () => void {
  const onBeforeExit = () => void handle.shutdown();
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    const othersHandleIt = process.listenerCount(signal) > 0;
    void withTimeLimit(othersHandleIt ? handle.forceFlush() : handle.shutdown(), SIGNAL_FLUSH_LIMIT_MS).then(
      () => {
        if (!othersHandleIt) process.kill(process.pid, signal);
      },
    );
  };
  process.once('beforeExit', onBeforeExit);
  for (const signal of EXIT_SIGNALS) process.once(signal, onSignal);
  const remove = () => {
    process.removeListener('beforeExit', onBeforeExit);
    for (const signal of EXIT_SIGNALS) process.removeListener(signal, onSignal);
  };
  return remove;
}

function noopHandle(): BeaconHandle {
  return { shutdown: async () => {}, forceFlush: async () => {}, tracerProvider: trace.getTracerProvider() };
}

function registeredProvider(): TracerProvider {
  const global = trace.getTracerProvider();
  const delegate = (global as Partial<ProxyTracerProvider>).getDelegate?.();
  return delegate ?? global;
}

/**
 * Starts exporting the agent's traces. One line at the top of the agent's entry point:
 *
 * ```ts
 * import { init } from '@beacon/sdk';
 * init({ serviceName: 'support-agent' });
 * ```
 *
 * Standard OTEL_* variables apply (endpoint, protocol, headers, service name, resource attributes,
 * OTEL_SDK_DISABLED); options win over them. Calling init() again returns the first handle (with a warning).
 */
export function init(options: InitOptions = {}): BeaconHandle {
  const logger = options.logger ?? settings().logger;
  if (active) {
    logger.warn('[beacon] init() was already called; the first configuration stays in effect');
    return active;
  }
  const captureContent = options.captureContent ?? captureContentFromEnv();
  configure({ captureContent, redact: options.redact, logger });
  try {
    return start(options, captureContent, logger);
  } catch (error) {
    logger.warn(`[beacon] tracing is off: ${error instanceof Error ? error.message : String(error)}`);
    return noopHandle();
  }
}

function start(options: InitOptions, captureContent: boolean, logger: BeaconLogger): BeaconHandle {
  let exporter: SpanExporter;
  let description: string;
  if (options.traceExporter) {
    exporter = options.traceExporter;
    description = 'the configured exporter';
  } else {
    const protocol = resolveProtocol(options.protocol, process.env, logger);
    exporter = createOtlpExporter(protocol, {
      endpoint: options.endpoint,
      timeoutMs: options.exportTimeoutMs,
    });
    description = endpointDescription(protocol, options.endpoint);
  }
  const processor = new BatchSpanProcessor(new QuietExporter(exporter, logger, description));
  const presets = options.presets === false ? [] : (options.presets ?? PRESET_NAMES);
  const instrumentations = [
    ...presetInstrumentations(presets, { captureContent }),
    ...(options.instrumentations ?? []),
  ];
  const sdk = new NodeSDK({
    ...(options.serviceName === undefined ? {} : { serviceName: options.serviceName }),
    spanProcessors: [processor],
    instrumentations,
    // Traces only: without these the NodeSDK would also start OTLP metric and log exporters by default.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();

  let removeExitHooks: () => void = () => {};
  let stopped: Promise<void> | undefined;
  const handle: BeaconHandle = {
    tracerProvider: registeredProvider(),
    forceFlush: async () => {
      if (stopped) return;
      try {
        await processor.forceFlush();
      } catch {
        // The exporter already warned; flushing never fails the agent.
      }
    },
    shutdown: () => {
      stopped ??= (async () => {
        removeExitHooks();
        try {
          await sdk.shutdown();
        } catch {
          // as above
        }
        for (const instrumentation of instrumentations) instrumentation.disable();
        // Unregister the globals so that a later init() (tests, hot reload) can register its own.
        trace.disable();
        context.disable();
        propagation.disable();
        if (active === handle) active = undefined;
      })();
      return stopped;
    },
  };
  if (options.flushOnExit !== false) removeExitHooks = installExitHooks(handle);
  active = handle;
  return handle;
}
