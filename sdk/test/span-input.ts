// Finished SDK spans as the collector's normalizer sees them (OTLP span kinds and status codes).
import type { GenAIFacts, Attributes as SemconvAttributes, SpanInput } from '@beacon/semconv';
import { normalizeGenAISpan } from '@beacon/semconv';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export function toSpanInput(span: ReadableSpan): SpanInput {
  return {
    name: span.name,
    kind: span.kind + 1,
    attributes: span.attributes as SemconvAttributes,
    events: span.events.map((e) => ({ name: e.name, attributes: (e.attributes ?? {}) as SemconvAttributes })),
    statusCode: span.status.code,
    ...(span.status.message === undefined ? {} : { statusMessage: span.status.message }),
  };
}

/** The span's normalized facts; fails when the span is not recognised as GenAI. */
export function factsOf(span: ReadableSpan): GenAIFacts {
  const facts = normalizeGenAISpan(toSpanInput(span));
  if (facts === null) throw new Error(`span ${span.name} is not a GenAI span for the normalizer`);
  return facts;
}

export function byName(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.find((s) => s.name === name);
  if (!found) throw new Error(`no span named ${name}; spans: ${spans.map((s) => s.name).join(', ')}`);
  return found;
}
