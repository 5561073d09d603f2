// Adds what a span does not say about itself: its cost, and the agent it ran under.
import { type GenAIFacts, isInferenceOperation, type Pricer } from '@beacon/semconv';
import type { DecodedSpan, EnrichedSpan } from '../model.js';

/** Nanoseconds since the epoch → Date, for picking the price in force when the call was made. */
function spanDate(span: DecodedSpan): Date {
  return new Date(Number(span.startTimeUnixNano / 1_000_000n));
}

/**
 * Prices every GenAI span and resolves the agent each span ran under: its own agent name, else the nearest
 * ancestor's within the same batch (SDKs export a trace's spans together, so this covers the common case
 * without a lookup in storage).
 */
export function enrichSpans(
  spans: DecodedSpan[],
  facts: (GenAIFacts | null)[],
  pricer: Pricer,
): EnrichedSpan[] {
  const bySpanId = new Map<string, number>();
  for (const [i, span] of spans.entries()) bySpanId.set(`${span.traceId}/${span.spanId}`, i);

  const agentOf = (index: number): string | null => {
    let i: number | undefined = index;
    // Bounded walk: a malicious batch could contain a parent cycle.
    for (let depth = 0; i !== undefined && depth < 256; depth++) {
      const name = facts[i]?.agentName;
      if (name) return name;
      const span: DecodedSpan = spans[i]!;
      i = span.parentSpanId ? bySpanId.get(`${span.traceId}/${span.parentSpanId}`) : undefined;
    }
    return null;
  };

  return spans.map((span, i) => {
    const genai = facts[i] ?? null;
    return {
      ...span,
      genai,
      // Only the model calls themselves are priced: agent and workflow spans may repeat their children's usage,
      // and pricing them too would count the same tokens twice in every total.
      cost: genai && isInferenceOperation(genai.operation) ? pricer.price(genai, spanDate(span)) : null,
      agentName: agentOf(i),
    };
  });
}
