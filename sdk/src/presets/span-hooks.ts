// A tracer that lets Beacon see each span an instrumentation starts, so that gaps in what the instrumentation
// records can be filled on the span itself, before it ends — without forking the instrumentation and without
// asking `init()` for a SpanProcessor (a processor cannot fix a span once it has ended, and sees no request).
import type { Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';

export type SpanStartHook = (span: Span, name: string, options: SpanOptions | undefined) => void;

const hooked = new WeakMap<Tracer, WeakMap<SpanStartHook, Tracer>>();

/**
 * `tracer` with `onStart` called for every span started through `startSpan` (the only method the instrumentations
 * wrapped here use; `startActiveSpan` passes through unchanged). Cached per tracer and hook, so an instrumentation's
 * `tracer` getter can call this on every access.
 */
export function hookTracer(tracer: Tracer, onStart: SpanStartHook): Tracer {
  let byHook = hooked.get(tracer);
  if (!byHook) {
    byHook = new WeakMap();
    hooked.set(tracer, byHook);
  }
  const existing = byHook.get(onStart);
  if (existing) return existing;
  const wrapped: Tracer = {
    startSpan(name: string, options?: SpanOptions, context?: Context): Span {
      const span = tracer.startSpan(name, options, context);
      onStart(span, name, options);
      return span;
    },
    startActiveSpan: tracer.startActiveSpan.bind(tracer) as Tracer['startActiveSpan'],
  };
  byHook.set(onStart, wrapped);
  return wrapped;
}

/**
 * Observes the attributes an instrumentation sets on `span` (the Span API has no getter) and runs `beforeEnd`
 * with them right before the span ends, so that it can still add or correct attributes.
 */
export function beforeSpanEnd(
  span: Span,
  options: SpanOptions | undefined,
  beforeEnd: (span: Span, attributes: ReadonlyMap<string, unknown>) => void,
): void {
  const seen = new Map<string, unknown>(Object.entries(options?.attributes ?? {}));
  const setAttribute = span.setAttribute.bind(span);
  const setAttributes = span.setAttributes.bind(span);
  const end = span.end.bind(span);
  span.setAttribute = (key, value) => {
    seen.set(key, value);
    return setAttribute(key, value);
  };
  span.setAttributes = (attributes) => {
    for (const [key, value] of Object.entries(attributes)) seen.set(key, value);
    return setAttributes(attributes);
  };
  span.end = (endTime) => {
    try {
      if (span.isRecording()) beforeEnd(span, seen);
    } catch {
      // A gap filler must never break the instrumented call.
    }
    end(endTime);
  };
}
