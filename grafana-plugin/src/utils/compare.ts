// Two traces side by side: metric deltas, both runs' steps as the collector's compare aligns them (rows of matched
// steps, and the steps only one run took), and the outputs of aligned model and tool calls.
import type { AlignedStep, StepAlignment, TraceSummary } from '@beacon/collector/api-contract';
import { diffLines, diffWords } from 'diff';

export interface MetricRow {
  key: string;
  label: string;
  a: number | null;
  b: number | null;
  /** b − a, null when either is missing. */
  delta: number | null;
  /** delta / a, null when a is 0 or missing. */
  ratio: number | null;
  unit: 'ms' | 'usd' | 'count' | 'tokens';
}

function row(
  key: string,
  label: string,
  unit: MetricRow['unit'],
  a: number | null,
  b: number | null,
): MetricRow {
  const delta = a !== null && b !== null ? b - a : null;
  return { key, label, unit, a, b, delta, ratio: delta !== null && a ? delta / a : null };
}

export function compareMetrics(ta: TraceSummary, tb: TraceSummary): MetricRow[] {
  return [
    row('duration', 'Duration', 'ms', ta.durationMs, tb.durationMs),
    row('cost', 'Cost', 'usd', ta.costUsd, tb.costUsd),
    row('tokens', 'Tokens', 'tokens', ta.inputTokens + ta.outputTokens, tb.inputTokens + tb.outputTokens),
    row('inputTokens', 'Input tokens', 'tokens', ta.inputTokens, tb.inputTokens),
    row('outputTokens', 'Output tokens', 'tokens', ta.outputTokens, tb.outputTokens),
    row('spans', 'Spans', 'count', ta.spanCount, tb.spanCount),
    row('llmCalls', 'LLM calls', 'count', ta.llmCallCount, tb.llmCallCount),
    row('toolCalls', 'Tool calls', 'count', ta.toolCallCount, tb.toolCallCount),
    row('errors', 'Errors', 'count', ta.errorCount, tb.errorCount),
  ];
}

/**
 * How a row of the side-by-side view pairs the runs: the same step in both; a changed step (A and B ran different
 * things there); a step only A ran (removed in B) or only B ran (added); or, past where the runs differ too much
 * to align step by step, the next steps of each, side by side but not matched.
 */
export type RowKind = 'same' | 'changed' | 'removed' | 'added' | 'unaligned';

export interface AlignedRow {
  kind: RowKind;
  /** Index into A's (the baseline's) steps; null when only B ran a step here. */
  a: number | null;
  b: number | null;
}

/** The alignment as rows, in step order. B is the trace compared, A its baseline. */
export function alignedRows(alignment: StepAlignment): AlignedRow[] {
  const nA = alignment.baselineSteps.length;
  const nB = alignment.steps.length;
  const rows: AlignedRow[] = [];
  let a = 0;
  let b = 0;
  const matchUntil = (untilA: number, untilB: number) => {
    while (a < untilA && b < untilB) rows.push({ kind: 'same', a: a++, b: b++ });
  };
  for (const edit of alignment.edits) {
    matchUntil(edit.baselineStep, edit.step);
    if (edit.kind === 'changed' && a < nA && b < nB) rows.push({ kind: 'changed', a: a++, b: b++ });
    else if (edit.kind === 'removed' && a < nA) rows.push({ kind: 'removed', a: a++, b: null });
    else if (edit.kind === 'added' && b < nB) rows.push({ kind: 'added', a: null, b: b++ });
  }
  const rest: RowKind = alignment.exact ? 'same' : 'unaligned';
  while (a < nA && b < nB) rows.push({ kind: rest, a: a++, b: b++ });
  // Left over only if the edits do not account for the lengths (never, from the collector): one run's steps alone.
  while (a < nA) rows.push({ kind: alignment.exact ? 'removed' : 'unaligned', a: a++, b: null });
  while (b < nB) rows.push({ kind: alignment.exact ? 'added' : 'unaligned', a: null, b: b++ });
  return rows;
}

export const isDivergent = (row: AlignedRow): boolean => row.kind !== 'same' && row.kind !== 'unaligned';

/** The first row of each run of consecutive divergent rows: where "next divergence" goes. */
export function divergenceStarts(rows: readonly AlignedRow[]): number[] {
  const starts: number[] = [];
  rows.forEach((row, i) => {
    if (isDivergent(row) && (i === 0 || !isDivergent(rows[i - 1]!))) starts.push(i);
  });
  return starts;
}

/** Rows whose two calls (model or tool calls in both runs) answered different outputs. */
export function outputDifferences(rows: readonly AlignedRow[], a: CompareSide, b: CompareSide): number[] {
  const out: number[] = [];
  rows.forEach((row, i) => {
    if (row.a === null || row.b === null) return;
    const [oa, ob] = [a.steps[row.a]!.output, b.steps[row.b]!.output];
    if (oa !== null && ob !== null && oa !== ob) out.push(i);
  });
  return out;
}

export interface OutputDiff {
  /** words: a word diff; lines: the word diff gave up (long, very different outputs), so by line. */
  granularity: 'words' | 'lines';
  ops: { op: 'equal' | 'insert' | 'delete'; text: string }[];
}

/** Word diffs are quadratic in the worst case: past this many ms, diff by line. */
const WORD_DIFF_TIMEOUT_MS = 200;

/** The diff from A's output to B's; null when they are identical. */
export function diffOutputs(a: string, b: string): OutputDiff | null {
  if (a === b) return null;
  const words = diffWords(a, b, { timeout: WORD_DIFF_TIMEOUT_MS });
  const changes = words ?? diffLines(a, b);
  return {
    granularity: words ? 'words' : 'lines',
    ops: changes.map((c) => ({ op: c.added ? 'insert' : c.removed ? 'delete' : 'equal', text: c.value })),
  };
}

/** One run as the side-by-side view draws it: its steps (with their timing and outputs) and its length. */
export interface CompareSide {
  traceId: string;
  steps: readonly AlignedStep[];
  durationMs: number;
}

export function compareSide(trace: TraceSummary, steps: readonly AlignedStep[]): CompareSide {
  let end = trace.durationMs;
  for (const step of steps) end = Math.max(end, step.startMs + step.durationMs);
  return { traceId: trace.traceId, steps, durationMs: end };
}

/** A step's label as a sentence says it: `tool “weather”`, `model call “gpt-4o”`. The collector's labels are
 * `tool <name>`, `model call <model>`, `agent <name>` or `span "<name>"` (contract: AlignedStep.label). */
export function describeStep(label: string): string {
  const match = /^(tool|model call|agent) (.*)$/.exec(label) ?? /^(span) "(.*)"$/.exec(label);
  return match ? `${match[1]} “${match[2]}”` : label;
}

/** The entry of `sorted` after (direction 1) or before (−1) `current`, wrapping round at either end; the first
 * (or last) when nothing is current; null when there is no other entry to go to. */
export function stepFrom(
  sorted: readonly number[],
  current: number | null,
  direction: 1 | -1,
): number | null {
  if (sorted.length === 0) return null;
  if (current === null) return direction === 1 ? sorted[0]! : sorted[sorted.length - 1]!;
  const next =
    direction === 1
      ? (sorted.find((i) => i > current) ?? sorted[0]!)
      : (sorted.findLast((i) => i < current) ?? sorted[sorted.length - 1]!);
  return next === current ? null : next;
}

/** 1-based position of `current` among `sorted` groups starting at each entry (the last start at or before it). */
export function positionIn(sorted: readonly number[], current: number | null): number {
  if (current === null) return 0;
  let position = 0;
  for (const [k, start] of sorted.entries()) if (start <= current) position = k + 1;
  return position;
}
