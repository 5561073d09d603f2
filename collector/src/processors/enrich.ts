// Adds what a span does not say about itself: its cost, the agent it ran under, the kind of failure it records, and
// whether it is part of a loop (a warning of its own, never a failure).
import {
  callFingerprint,
  classifyFailure,
  type Failure,
  findRepeatedCalls,
  type GenAIFacts,
  isInferenceOperation,
  type Pricer,
} from '@beacon/semconv';
import type { DecodedSpan, EnrichedSpan } from '../model.js';

const STATUS_ERROR = 2;
/** The same call (identical input) made this often under one parent is a loop: analysis/failures.ts MIN_REPEATS. */
const LOOP_MIN_REPEATS = 3;

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

  const failures = classifyFailures(spans, facts);
  const loopRepeats = loopRepeatsOf(spans, facts);
  return spans.map((span, i) => {
    const genai = facts[i] ?? null;
    return {
      ...span,
      genai,
      // Only the model calls themselves are priced: agent and workflow spans may repeat their children's usage,
      // and pricing them too would count the same tokens twice in every total.
      cost: genai && isInferenceOperation(genai.operation) ? pricer.price(genai, spanDate(span)) : null,
      agentName: agentOf(i),
      failure: failures[i] ?? null,
      loopRepeats: loopRepeats[i] ?? 0,
    };
  });
}

/** Each span's failure: its error classified, from its own status. Loops are no failures (see loopRepeatsOf). */
function classifyFailures(spans: DecodedSpan[], facts: (GenAIFacts | null)[]): (Failure | null)[] {
  return spans.map((span, i) =>
    classifyFailure({
      spanName: span.name,
      isError: span.statusCode === STATUS_ERROR,
      statusMessage: span.statusMessage,
      attributes: span.attributes,
      events: span.events,
      errorType: facts[i]?.errorType ?? null,
      operation: facts[i]?.operation ?? null,
    }),
  );
}

/**
 * Loop warnings: for each span, the size of its group of identical calls — the same parent, span name and input
 * (a tool's name + arguments, a model's model + instructions + input messages: semconv's callFingerprint), at least
 * LOOP_MIN_REPEATS of them — else 0. A tool called again and again with different arguments is never a loop, nor
 * is a call whose input was not captured. A loop is a warning, never a failure: it leaves `failure` alone (a repeat
 * that failed keeps its own failure, and is counted once, as that failure). Only loops inside this export batch are
 * seen here; the analyses find loops over the whole stored trace at query time (analysis/failures.ts findLoops,
 * the same definition over the same semconv helpers).
 */
function loopRepeatsOf(spans: DecodedSpan[], facts: (GenAIFacts | null)[]): number[] {
  const repeats = spans.map(() => 0);
  const loops = findRepeatedCalls(
    spans.map((span, i) => ({
      traceId: span.traceId,
      // The position in the batch: exact even if a (malformed) batch repeats a span id.
      spanId: String(i),
      parentSpanId: span.parentSpanId,
      name: span.name,
      fingerprint: callFingerprint(facts[i] ?? null),
      startTimeUnixNano: span.startTimeUnixNano,
    })),
    LOOP_MIN_REPEATS,
  );
  for (const loop of loops)
    for (const position of loop.spanIds) repeats[Number(position)] = loop.spanIds.length;
  return repeats;
}
