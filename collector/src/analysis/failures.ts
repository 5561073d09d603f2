// Failures and loops of stored spans: classifyFailure (semconv) applied to what storage gives back, and repeated
// identical calls (findRepeatedCalls over semconv's call fingerprints).
import {
  callFingerprint,
  classifyFailure,
  type Failure,
  findRepeatedCalls,
  isInferenceOperation,
} from '@beacon/semconv';
import type { SpanView } from '../contract/index.js';
import { byStart } from './span-tree.js';

/** The span's failure, or null when it did not fail. */
export function failureOf(span: SpanView): Failure | null {
  // classifyFailure already answers every ERROR span (category `other` when nothing says what kind).
  return classifyFailure({
    spanName: span.name,
    isError: span.statusCode === 'Error',
    statusMessage: span.statusMessage,
    attributes: span.attributes,
    events: span.events,
    errorType: span.genai?.errorType ?? null,
    operation: span.genai?.operation ?? null,
  });
}

/** Span id → failure, for the failing spans of a trace. */
export function failuresOf(spans: readonly SpanView[]): Map<string, Failure> {
  const out = new Map<string, Failure>();
  for (const span of spans) {
    const failure = failureOf(span);
    if (failure) out.set(span.spanId, failure);
  }
  return out;
}

export function isInference(span: SpanView): boolean {
  return span.genai !== null && isInferenceOperation(span.genai.operation);
}

export function isToolCall(span: SpanView): boolean {
  return span.genai?.operation === 'execute_tool';
}

export function modelOf(span: SpanView): string | null {
  return span.genai?.responseModel ?? span.genai?.requestModel ?? null;
}

/** A run of the same call under one parent: a loop (identical calls) or a retry loop (the same call failing). */
export interface Loop {
  kind: 'repeated_call' | 'retry';
  /** In start order. */
  spanIds: string[];
  spanName: string;
  /** How many of the spans failed. */
  failed: number;
}

/** Calls repeated this often count as a loop (findRepeatedCalls' default), failures too as a retry loop. */
export const MIN_REPEATS = 3;

/**
 * Loops of a trace: identical calls repeated ≥ MIN_REPEATS times under one parent, and retry loops — the same
 * span name failing with the same failure signature ≥ MIN_REPEATS times under one parent, which also catches
 * retries whose inputs were not captured. A retry loop already inside an identical-call loop is not repeated.
 */
export function findLoops(spans: readonly SpanView[], failures: ReadonlyMap<string, Failure>): Loop[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const ordered = [...spans].sort(byStart);
  const loops: Loop[] = [];
  const repeated = findRepeatedCalls(
    ordered.map((s) => ({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      // A tool's name + arguments, a model call's model + instructions + input messages (null: not captured).
      fingerprint: callFingerprint(s.genai),
      startTimeUnixNano: s.startTimeUnixNano,
    })),
    MIN_REPEATS,
  );
  for (const group of repeated) {
    const spanIds = ordered.filter((s) => group.spanIds.includes(s.spanId)).map((s) => s.spanId);
    loops.push({
      kind: 'repeated_call',
      spanIds,
      spanName: byId.get(spanIds[0]!)?.name ?? '',
      failed: spanIds.filter((id) => failures.has(id)).length,
    });
  }
  const inLoop = new Set(loops.flatMap((l) => l.spanIds));
  const retries = new Map<string, string[]>();
  for (const span of ordered) {
    const failure = failures.get(span.spanId);
    if (!failure) continue;
    const key = JSON.stringify([span.parentSpanId, span.name, failure.category, failure.signature]);
    retries.set(key, [...(retries.get(key) ?? []), span.spanId]);
  }
  for (const spanIds of retries.values()) {
    if (spanIds.length < MIN_REPEATS || spanIds.every((id) => inLoop.has(id))) continue;
    loops.push({
      kind: 'retry',
      spanIds,
      spanName: byId.get(spanIds[0]!)?.name ?? '',
      failed: spanIds.length,
    });
  }
  return loops;
}
