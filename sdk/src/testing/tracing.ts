// An in-memory tracer provider for agents' own tests: every span the helpers (and instrumentations) finish is
// kept in memory, synchronously, for expectTrace / golden comparisons.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { type ConfigureOptions, configure } from '../settings.js';

export interface TestTracing {
  readonly provider: BasicTracerProvider;
  readonly exporter: InMemorySpanExporter;
  /** Spans finished so far, in finishing order. */
  spans(): ReadableSpan[];
  /** Forgets the spans finished so far. */
  reset(): void;
  /** Unregisters the provider and context manager and resets the content settings. */
  shutdown(): Promise<void>;
}

/**
 * Registers an in-memory tracer provider (and an AsyncLocalStorage context manager) globally, replacing any
 * registered before. `captureContent` / `redact` configure the helpers as init() would.
 */
export function createTestTracing(options: ConfigureOptions = {}): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.disable();
  context.disable();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  configure({ captureContent: false, ...options });
  return {
    provider,
    exporter,
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      configure();
    },
  };
}
