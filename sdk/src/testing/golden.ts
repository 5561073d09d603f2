// Golden traces: a run's trace reduced to what should stay stable between runs (structure, names, GenAI
// attributes, durations, token usage, cost), saved as JSON and compared later within tolerances.
import { AssertionError } from 'node:assert';
import { isDeepStrictEqual } from 'node:util';
import {
  type AttrValue,
  createPricer,
  GEN_AI,
  isInferenceOperation,
  normalizeGenAISpan,
  type Pricer,
} from '@beacon/semconv';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { durationMs, type SpanNode, spanTree } from './tree.js';

export interface GoldenUsage {
  inputTokens: number | null;
  outputTokens: number | null;
}

export interface GoldenSpan {
  name: string;
  operation: string | null;
  status: 'unset' | 'ok' | 'error';
  /** gen_ai.* attributes that describe the work (ids, timings and captured content left out). */
  attributes: Record<string, unknown>;
  events: string[];
  durationMs: number;
  usage: GoldenUsage | null;
  /** USD for model calls priced by @beacon/semconv (null when unpriced or not a model call). */
  costUsd: number | null;
  children: GoldenSpan[];
}

export interface GoldenTrace {
  version: 1;
  roots: GoldenSpan[];
  totalCostUsd: number;
}

export interface GoldenTolerances {
  /** Relative tolerance of costs and token counts (0.1 = ±10%). Default 0.1. */
  costTolerance?: number;
  /** Relative tolerance of durations (0.5 = ±50%). Default 0.5. */
  durationTolerance?: number;
  /** Duration differences below this many ms always pass (timer noise of fast spans). Default 5. */
  durationSlackMs?: number;
}

export interface GoldenDifference {
  /** Span path from the root, e.g. `invoke_agent planner > chat gpt-4o[1]`. */
  path: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

/** Attributes that change between identical runs (ids, timings) or hold content (compared elsewhere, if at all). */
const VOLATILE_ATTRIBUTES = new Set<string>([
  GEN_AI.RESPONSE_ID,
  GEN_AI.TOOL_CALL_ID,
  GEN_AI.CONVERSATION_ID,
  GEN_AI.RESPONSE_TIME_TO_FIRST_CHUNK,
  GEN_AI.INPUT_MESSAGES,
  GEN_AI.OUTPUT_MESSAGES,
  GEN_AI.SYSTEM_INSTRUCTIONS,
  GEN_AI.TOOL_CALL_ARGUMENTS,
  GEN_AI.TOOL_CALL_RESULT,
  GEN_AI.TOOL_DEFINITIONS,
  GEN_AI.USAGE_INPUT_TOKENS,
  GEN_AI.USAGE_OUTPUT_TOKENS,
  GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS,
  GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS,
  GEN_AI.USAGE_REASONING_OUTPUT_TOKENS,
]);

const STATUS_NAMES = ['unset', 'ok', 'error'] as const;

let pricer: Pricer | undefined;

function goldenSpan(node: SpanNode): GoldenSpan {
  const span = node.span;
  const attributes: Record<string, unknown> = {};
  for (const key of Object.keys(span.attributes).sort()) {
    if ((key.startsWith('gen_ai.') || key === 'error.type') && !VOLATILE_ATTRIBUTES.has(key)) {
      attributes[key] = span.attributes[key];
    }
  }
  const facts = normalizeGenAISpan({
    name: span.name,
    kind: span.kind + 1,
    attributes: span.attributes as Record<string, AttrValue>,
  });
  let usage: GoldenUsage | null = null;
  let costUsd: number | null = null;
  if (facts && isInferenceOperation(facts.operation)) {
    usage = { inputTokens: facts.usage.inputTokens, outputTokens: facts.usage.outputTokens };
    pricer ??= createPricer();
    const endedAt = new Date(span.endTime[0] * 1000 + span.endTime[1] / 1e6);
    costUsd = pricer.price(facts, endedAt)?.costUsd ?? null;
  }
  return {
    name: span.name,
    operation:
      typeof span.attributes[GEN_AI.OPERATION_NAME] === 'string'
        ? (span.attributes[GEN_AI.OPERATION_NAME] as string)
        : null,
    status: STATUS_NAMES[span.status.code] ?? 'unset',
    attributes,
    events: span.events.map((e) => e.name),
    durationMs: Math.round(durationMs(span) * 1000) / 1000,
    usage,
    costUsd,
    children: node.children.map(goldenSpan),
  };
}

/** The trace in golden form (plain JSON: `JSON.stringify` it to a file, `JSON.parse` it back). */
export function toGoldenTrace(spans: readonly ReadableSpan[]): GoldenTrace {
  const roots = spanTree(spans).map(goldenSpan);
  let total = 0;
  const add = (list: GoldenSpan[]) => {
    for (const span of list) {
      total += span.costUsd ?? 0;
      add(span.children);
    }
  };
  add(roots);
  return { version: 1, roots, totalCostUsd: total };
}

function withinRelative(expected: number, actual: number, tolerance: number, slack = 0): boolean {
  return Math.abs(actual - expected) <= Math.max(Math.abs(expected) * tolerance, slack);
}

function compareNumber(
  out: GoldenDifference[],
  path: string,
  field: string,
  expected: number | null,
  actual: number | null,
  tolerance: number,
  slack = 0,
): void {
  if (expected === null && actual === null) return;
  if (expected === null || actual === null || !withinRelative(expected, actual, tolerance, slack)) {
    out.push({ path, field, expected, actual });
  }
}

function compareSpans(
  out: GoldenDifference[],
  expected: GoldenSpan[],
  actual: GoldenSpan[],
  parentPath: string,
  tolerances: Required<GoldenTolerances>,
): void {
  if (expected.length !== actual.length) {
    out.push({
      path: parentPath || '(roots)',
      field: 'children',
      expected: expected.map((s) => s.name),
      actual: actual.map((s) => s.name),
    });
  }
  const seen = new Map<string, number>();
  for (let i = 0; i < Math.min(expected.length, actual.length); i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    const index = seen.get(e.name) ?? 0;
    seen.set(e.name, index + 1);
    const label = index === 0 ? e.name : `${e.name}[${index}]`;
    const path = parentPath ? `${parentPath} > ${label}` : label;
    for (const field of ['name', 'operation', 'status', 'attributes', 'events'] as const) {
      if (!isDeepStrictEqual(e[field], a[field]))
        out.push({ path, field, expected: e[field], actual: a[field] });
    }
    compareNumber(
      out,
      path,
      'durationMs',
      e.durationMs,
      a.durationMs,
      tolerances.durationTolerance,
      tolerances.durationSlackMs,
    );
    compareNumber(
      out,
      path,
      'usage.inputTokens',
      e.usage?.inputTokens ?? null,
      a.usage?.inputTokens ?? null,
      tolerances.costTolerance,
    );
    compareNumber(
      out,
      path,
      'usage.outputTokens',
      e.usage?.outputTokens ?? null,
      a.usage?.outputTokens ?? null,
      tolerances.costTolerance,
    );
    compareNumber(out, path, 'costUsd', e.costUsd, a.costUsd, tolerances.costTolerance);
    compareSpans(out, e.children, a.children, path, tolerances);
  }
}

/**
 * Differences between a run's spans and a golden trace: same structure and names, same GenAI attributes and
 * events, durations within ±durationTolerance, token counts and cost within ±costTolerance (each span and the
 * total). Empty when the run matches.
 */
export function compareToGolden(
  spans: readonly ReadableSpan[] | GoldenTrace,
  golden: GoldenTrace,
  options: GoldenTolerances = {},
): GoldenDifference[] {
  const tolerances: Required<GoldenTolerances> = {
    costTolerance: options.costTolerance ?? 0.1,
    durationTolerance: options.durationTolerance ?? 0.5,
    durationSlackMs: options.durationSlackMs ?? 5,
  };
  const actual = Array.isArray(spans)
    ? toGoldenTrace(spans as readonly ReadableSpan[])
    : (spans as GoldenTrace);
  const out: GoldenDifference[] = [];
  compareSpans(out, golden.roots, actual.roots, '', tolerances);
  compareNumber(
    out,
    '(trace)',
    'totalCostUsd',
    golden.totalCostUsd,
    actual.totalCostUsd,
    tolerances.costTolerance,
  );
  return out;
}

/** Like compareToGolden, but throws an AssertionError listing every difference. */
export function assertMatchesGolden(
  spans: readonly ReadableSpan[] | GoldenTrace,
  golden: GoldenTrace,
  options: GoldenTolerances = {},
): void {
  const differences = compareToGolden(spans, golden, options);
  if (differences.length === 0) return;
  const lines = differences.map(
    (d) => `  ${d.path}: ${d.field} expected ${JSON.stringify(d.expected)}, got ${JSON.stringify(d.actual)}`,
  );
  throw new AssertionError({
    message: `trace differs from the golden trace in ${differences.length} place(s):\n${lines.join('\n')}`,
    actual: differences,
    expected: [],
    operator: 'compareToGolden',
  });
}
