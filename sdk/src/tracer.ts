// The SDK's tracer, from whatever tracer provider is global now (init()'s, a test provider, or the host's).
import { type Tracer, type TracerProvider, trace } from '@opentelemetry/api';

export const SDK_NAME = '@beacon/sdk';
export const SDK_VERSION = '0.1.0';

let cached: { provider: TracerProvider; tracer: Tracer } | undefined;

export function tracer(): Tracer {
  const provider = trace.getTracerProvider();
  // Keyed on the provider: a provider registered after trace.disable() (tests) must not get a stale tracer.
  if (cached?.provider !== provider) cached = { provider, tracer: provider.getTracer(SDK_NAME, SDK_VERSION) };
  return cached.tracer;
}
