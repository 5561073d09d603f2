// Failures and loops of stored spans: classifyFailure (semconv) applied to what storage gives back, and repeated
// identical calls (findRepeatedCalls over semconv's call fingerprints) — loops being warnings, not failures.
import {
  callFingerprint,
  classifyFailure,
  type Failure,
  findRepeatedCalls,
  isInferenceOperation,
} from '@beacon/semconv';
import type { Finding, SpanView } from '../contract/index.js';
import { quoted, spanRef } from './format.js';
import { byStart, type SpanTree } from './span-tree.js';

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

/** Calls repeated this often count as a loop (findRepeatedCalls' default). */
export const MIN_REPEATS = 3;

/**
 * What a loop is, as the findings state it. A loop is a WARNING, never a failure: it is in no failure count, total
 * or error count. Definition: at least MIN_REPEATS calls under the same parent span with the same span name and
 * the same input — a tool's name and arguments, a model call's model, instructions and input messages. A tool
 * called again and again with different arguments is not a loop. Only for calls whose input was not captured does
 * the same call failing the same way (same failure signature) MIN_REPEATS times under one parent count instead
 * (a retry loop): identical failures are then the only sign of identical calls left.
 */
export const LOOP_DEFINITION =
  `a loop is ${MIN_REPEATS} or more calls with the same name and identical input under one parent, ` +
  'and a warning, not a failure; calls with different arguments are not loops';

/** Loops of a trace, by the definition above, in the order of their first call. */
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
    const members = new Set(group.spanIds);
    const spanIds = ordered.filter((s) => members.has(s.spanId)).map((s) => s.spanId);
    loops.push({
      kind: 'repeated_call',
      spanIds,
      spanName: byId.get(spanIds[0]!)?.name ?? '',
      failed: spanIds.filter((id) => failures.has(id)).length,
    });
  }
  const retries = new Map<string, string[]>();
  for (const span of ordered) {
    const failure = failures.get(span.spanId);
    // Calls whose input is known are loops only when identical (above), never for failing alike.
    if (!failure || callFingerprint(span.genai) !== null) continue;
    const key = JSON.stringify([span.parentSpanId, span.name, failure.category, failure.signature]);
    retries.set(key, [...(retries.get(key) ?? []), span.spanId]);
  }
  for (const spanIds of retries.values()) {
    if (spanIds.length < MIN_REPEATS) continue;
    loops.push({
      kind: 'retry',
      spanIds,
      spanName: byId.get(spanIds[0]!)?.name ?? '',
      failed: spanIds.length,
    });
  }
  return loops;
}

/** A loop as a finding: a warning of its own, stating the definition. */
export function loopFinding(
  traceId: string,
  loop: Loop,
  tree: SpanTree,
  failures: ReadonlyMap<string, Failure>,
): Omit<Finding, 'id'> {
  const first = tree.get(loop.spanIds[0]!);
  const parent = first ? tree.parent(first) : undefined;
  const categories = [
    ...new Set(loop.spanIds.map((id) => failures.get(id)?.category).filter((c) => c !== undefined)),
  ];
  const what =
    loop.kind === 'retry'
      ? `${quoted(loop.spanName)} failed the same way ${loop.spanIds.length} times in a row, its input not captured (a retry loop)`
      : `${quoted(loop.spanName)} ran ${loop.spanIds.length} times with identical input`;
  const failed = loop.failed > 0 ? `; ${loop.failed} of the calls failed (${categories.join(', ')})` : '';
  return {
    type: 'loop',
    category: 'loop',
    severity: 'warning',
    title: `Loop: ${loop.spanName} repeated ${loop.spanIds.length} times`,
    detail:
      `Loop (a warning, not a failure): ${what}${parent ? ` under ${spanRef(parent)}` : ''}${failed}. ` +
      `Spans: ${loop.spanIds.map((id) => `[${id}]`).join(' ')}. Definition: ${LOOP_DEFINITION}.`,
    traceId,
    spanIds: loop.spanIds,
    estimatedSavingsUsd: null,
    evidence: {
      kind: loop.kind,
      spanName: loop.spanName,
      repeats: loop.spanIds.length,
      failed: loop.failed,
      failureCategory: categories[0] ?? null,
    },
  };
}
