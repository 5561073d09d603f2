// compare: a trace against a baseline run of the same task — deltas of cost, duration, tokens and calls, models
// and tools added or removed, failures the baseline did not have, and where the two runs' steps diverge (an
// edit-distance alignment of their spans in tree order). A measure more than 20% above the baseline is a
// regression finding.
import type { Failure } from '@beacon/semconv';
import type { AlignedStep, Finding, SpanView, StepAlignment } from '../contract/index.js';
import { contributors, type MeasureName } from './contributors.js';
import { isInference, isToolCall, modelOf } from './failures.js';
import { count, list, ms, numberFindings, percent, spanRef, usd } from './format.js';
import type { AnalysisResult, TraceData } from './model.js';
import { analyzeFailures } from './propagation.js';
import { SpanTree, startNs } from './span-tree.js';
import { type Alignment, alignSteps, argumentsOf, outputOf, type Step, stepsOf } from './steps.js';

export const REGRESSION_RATIO = 1.2;

interface Measure {
  name: MeasureName;
  label: string;
  value: (trace: TraceData, tree: SpanTree) => number | null;
  format: (v: number) => string;
}

const MEASURES: readonly Measure[] = [
  { name: 'cost', label: 'cost', value: (t) => t.summary.costUsd, format: usd },
  { name: 'duration', label: 'duration', value: (t) => t.summary.durationMs, format: ms },
  {
    name: 'tokens',
    label: 'tokens',
    value: (t) => t.summary.inputTokens + t.summary.outputTokens,
    format: (v) => String(v),
  },
  {
    name: 'llmCalls',
    label: 'model calls',
    value: (_t, tree) => tree.spans.filter(isInference).length,
    format: String,
  },
  {
    name: 'toolCalls',
    label: 'tool calls',
    value: (_t, tree) => tree.spans.filter(isToolCall).length,
    format: String,
  },
];

const TYPES: Record<MeasureName, string> = {
  cost: 'cost_regression',
  duration: 'duration_regression',
  tokens: 'token_regression',
  llmCalls: 'llm_call_regression',
  toolCalls: 'tool_call_regression',
};

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
const modelsOf = (tree: SpanTree) =>
  sorted(tree.spans.filter(isInference).map((s) => modelOf(s) ?? 'unknown model'));
const toolsOf = (tree: SpanTree) =>
  sorted(tree.spans.filter(isToolCall).map((s) => s.genai?.toolName ?? s.name));
const failureKey = (f: Failure) => `${f.category}\u0000${f.signature}`;

/** The most spans a divergence finding lists (the first differing steps). */
const MAX_DIVERGING_SPANS = 20;

interface StepsAligned extends Alignment {
  steps: Step[];
  baseSteps: Step[];
}

function alignTrees(tree: SpanTree, baseTree: SpanTree): StepsAligned {
  const steps = stepsOf(tree);
  const baseSteps = stepsOf(baseTree);
  const label = (s: Step) => s.label;
  return { steps, baseSteps, ...alignSteps(baseSteps.map(label), steps.map(label)) };
}

/** Both runs' steps and their alignment, as compare's findings read them (for a side-by-side view). */
export function alignTraces(trace: TraceData, baseline: TraceData): StepAlignment {
  const { steps, baseSteps, edits, exact } = alignTrees(
    new SpanTree(trace.spans),
    new SpanTree(baseline.spans),
  );
  const viewOf = (run: TraceData) => {
    const first = BigInt(run.summary.startTimeUnixNano);
    return ({ span, label, depth }: Step): AlignedStep => ({
      spanId: span.spanId,
      label,
      depth,
      startMs: Number(startNs(span) - first) / 1e6,
      durationMs: span.durationMs,
      error: span.statusCode === 'Error' ? span.statusMessage : null,
      output: outputOf(span),
      arguments: argumentsOf(span),
    });
  };
  return {
    baselineSteps: baseSteps.map(viewOf(baseline)),
    steps: steps.map(viewOf(trace)),
    edits,
    exact,
    baselineTrace: baseline.summary,
    trace: trace.summary,
  };
}

/** Where the two runs' steps diverge: one finding (the first edit, with the counts of all), and a sentence. */
function stepsComparison(
  traceId: string,
  { steps, baseSteps, edits, exact }: StepsAligned,
): { draft: Omit<Finding, 'id'> | null; sentence: string } {
  if (edits.length === 0)
    return { draft: null, sentence: `Steps: the same ${steps.length} steps in the same order.` };
  const tally = (kind: string) => edits.filter((e) => e.kind === kind).length;
  const [changed, added, removed] = [tally('changed'), tally('added'), tally('removed')];
  const first = edits[0]!;
  const here = steps[first.step];
  const there = baseSteps[first.baselineStep];
  const what =
    first.kind === 'changed'
      ? `the baseline ran ${there!.label} (${spanRef(there!.span)}) where this trace ran ${here!.label} (${spanRef(here!.span)})`
      : first.kind === 'added'
        ? `this trace ran ${here!.label} (${spanRef(here!.span)}), which the baseline did not`
        : `the baseline ran ${there!.label} (${spanRef(there!.span)}), which this trace did not`;
  const step = first.step + 1;
  const totals = exact
    ? `In all, ${changed} changed, ${added} added and ${removed} removed, of ${steps.length} steps (baseline ${baseSteps.length}).`
    : 'After it the runs differ too much to align step by step.';
  const spans = edits
    .map((e) => (e.kind === 'removed' ? null : steps[e.step]!.span.spanId))
    .filter((id): id is string => id !== null)
    .slice(0, MAX_DIVERGING_SPANS);
  const draft: Omit<Finding, 'id'> = {
    type: 'step_divergence',
    category: null,
    severity: 'warning',
    title: `Steps diverge at step ${step}: ${there?.label ?? '(none)'} → ${here?.label ?? '(none)'}`,
    detail:
      'The steps of both runs (spans in tree order: parent before child, siblings by start time, then name) align ' +
      `by edit distance. They match up to step ${step - 1}; at step ${step} ${what}. ${totals}`,
    traceId,
    // The trace's span at the divergence first (for a removed step: the one where it would have been).
    spanIds: [...new Set([...(here ? [here.span.spanId] : []), ...spans])],
    estimatedSavingsUsd: null,
    evidence: {
      step,
      baselineStep: first.baselineStep + 1,
      kind: first.kind,
      stepName: here?.label ?? null,
      baselineStepName: there?.label ?? null,
      baselineSpanId: first.kind === 'added' ? null : (there?.span.spanId ?? null),
      changed: exact ? changed : null,
      added: exact ? added : null,
      removed: exact ? removed : null,
      steps: steps.length,
      baselineSteps: baseSteps.length,
    },
  };
  const counts = exact ? `; ${changed} changed, ${added} added, ${removed} removed` : '';
  return { draft, sentence: `Steps: they diverge at step ${step}${counts}.` };
}

export function compareTraces(trace: TraceData, baseline: TraceData): AnalysisResult {
  const traceId = trace.summary.traceId;
  const baselineId = baseline.summary.traceId;
  const tree = new SpanTree(trace.spans);
  const baseTree = new SpanTree(baseline.spans);
  const drafts: Omit<Finding, 'id'>[] = [];
  const deltas: string[] = [];

  for (const measure of MEASURES) {
    const value = measure.value(trace, tree);
    const base = measure.value(baseline, baseTree);
    if (value === null || base === null) {
      deltas.push(`${measure.label} unknown`);
      continue;
    }
    const ratio = base > 0 ? value / base : null;
    deltas.push(
      `${measure.label} ${measure.format(base)} → ${measure.format(value)}${ratio === null ? '' : ` (${percent(ratio)})`}`,
    );
    const regressed = ratio === null ? value > 0 : ratio > REGRESSION_RATIO;
    if (!regressed) continue;
    const spans = contributors(tree, measure.name);
    drafts.push({
      type: TYPES[measure.name],
      category: null,
      severity: ratio !== null && ratio < 2 ? 'warning' : 'critical',
      title: `${measure.label[0]!.toUpperCase()}${measure.label.slice(1)} up ${ratio === null ? 'from zero' : percent(ratio)}: ${measure.format(base)} → ${measure.format(value)}`,
      detail:
        `${measure.label[0]!.toUpperCase()}${measure.label.slice(1)} rose from ${measure.format(base)} in the baseline ` +
        `to ${measure.format(value)}.` +
        (spans.length > 0 ? ` Largest contributors: ${spans.map(spanRef).join(', ')}.` : ''),
      traceId,
      spanIds: spans.map((s) => s.spanId),
      estimatedSavingsUsd: null,
      evidence: { value, baseline: base, delta: value - base, ratio },
    });
  }

  const changes: string[] = [];
  const setChange = (
    kind: 'model' | 'tool',
    now: string[],
    before: string[],
    spansOf: (name: string) => SpanView[],
  ) => {
    const added = now.filter((n) => !before.includes(n));
    const removed = before.filter((n) => !now.includes(n));
    if (added.length === 0 && removed.length === 0) return;
    const parts = [
      ...(added.length > 0 ? [`added ${list(added)}`] : []),
      ...(removed.length > 0 ? [`removed ${list(removed)}`] : []),
    ];
    changes.push(`${kind}s ${parts.join(', ')}`);
    drafts.push({
      type: `${kind}_change`,
      category: null,
      severity: 'info',
      title: `${kind[0]!.toUpperCase()}${kind.slice(1)}s changed: ${parts.join('; ')}`,
      detail: `Against the baseline, the trace ${parts.join(' and ')} (${kind}s).`,
      traceId,
      spanIds: added.flatMap(spansOf).map((s) => s.spanId),
      estimatedSavingsUsd: null,
      evidence: { added: added.join(', '), removed: removed.join(', ') },
    });
  };
  setChange('model', modelsOf(tree), modelsOf(baseTree), (m) =>
    tree.spans.filter((s) => isInference(s) && (modelOf(s) ?? 'unknown model') === m),
  );
  setChange('tool', toolsOf(tree), toolsOf(baseTree), (t) =>
    tree.spans.filter((s) => isToolCall(s) && (s.genai?.toolName ?? s.name) === t),
  );

  // Each failure once, where it started: a parent that failed because its child did is no new failure of its own.
  const outcome = analyzeFailures(tree);
  const failures = outcome.own;
  const baseFailures = new Set([...analyzeFailures(baseTree).own.values()].map(failureKey));
  const fresh = new Map<string, { failure: Failure; spans: SpanView[] }>();
  for (const span of tree.spans) {
    const failure = failures.get(span.spanId);
    if (!failure || baseFailures.has(failureKey(failure))) continue;
    const group = fresh.get(failureKey(failure)) ?? { failure, spans: [] };
    group.spans.push(span);
    fresh.set(failureKey(failure), group);
  }
  const failed = outcome.traceFailed;
  for (const { failure, spans } of fresh.values()) {
    drafts.push({
      type: 'new_error',
      category: failure.category,
      severity: failed ? 'critical' : 'warning',
      title: `New ${failure.category} failure: ${failure.signature}`,
      detail: `${count(spans.length, 'span')} failed with "${failure.message}" (${failure.category}), which the baseline did not: ${spans.map(spanRef).join(', ')}.`,
      traceId,
      spanIds: spans.map((s) => s.spanId),
      estimatedSavingsUsd: null,
      evidence: { spans: spans.length, signature: failure.signature, message: failure.message },
    });
  }

  const stepwise = stepsComparison(traceId, alignTrees(tree, baseTree));
  if (stepwise.draft) drafts.push(stepwise.draft);

  const findings = numberFindings('compare', drafts);
  const regressions = findings.filter((f) => f.type.endsWith('_regression'));
  const text = [
    `Compared with baseline ${baselineId}: ${deltas.join(', ')}.`,
    changes.length > 0 ? `Changes: ${changes.join('; ')}.` : 'Same models and tools.',
    stepwise.sentence,
    fresh.size > 0
      ? `New failures: ${[...fresh.values()].map((g) => `${g.failure.category} "${g.failure.signature}" ×${g.spans.length}`).join('; ')}.`
      : 'No new failures.',
    regressions.length > 0
      ? `Regressions over ${percent(REGRESSION_RATIO)}: ${regressions.map((f) => f.title).join('; ')}.`
      : `No regression over ${percent(REGRESSION_RATIO)}.`,
  ].join(' ');
  return { findings, text, totalEstimatedSavingsUsd: null, patterns: [] };
}
