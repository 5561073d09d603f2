// compare: a trace against a baseline run of the same task — deltas of cost, duration, tokens and calls, models
// and tools added or removed, and failures the baseline did not have. A measure more than 20% above the baseline
// is a regression finding.
import type { Failure } from '@beacon/semconv';
import type { Finding, SpanView } from '../contract/index.js';
import { contributors, type MeasureName } from './contributors.js';
import { failuresOf, isInference, isToolCall, modelOf } from './failures.js';
import { count, list, ms, numberFindings, percent, spanRef, usd } from './format.js';
import type { AnalysisResult, TraceData } from './model.js';
import { traceFailed } from './root-cause.js';
import { SpanTree } from './span-tree.js';

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

  const failures = failuresOf(tree.spans);
  const baseFailures = new Set([...failuresOf(baseTree.spans).values()].map(failureKey));
  const fresh = new Map<string, { failure: Failure; spans: SpanView[] }>();
  for (const span of tree.spans) {
    const failure = failures.get(span.spanId);
    if (!failure || baseFailures.has(failureKey(failure))) continue;
    const group = fresh.get(failureKey(failure)) ?? { failure, spans: [] };
    group.spans.push(span);
    fresh.set(failureKey(failure), group);
  }
  const failed = traceFailed(tree, failures);
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

  const findings = numberFindings('compare', drafts);
  const regressions = findings.filter((f) => f.type.endsWith('_regression'));
  const text = [
    `Compared with baseline ${baselineId}: ${deltas.join(', ')}.`,
    changes.length > 0 ? `Changes: ${changes.join('; ')}.` : 'Same models and tools.',
    fresh.size > 0
      ? `New failures: ${[...fresh.values()].map((g) => `${g.failure.category} "${g.failure.signature}" ×${g.spans.length}`).join('; ')}.`
      : 'No new failures.',
    regressions.length > 0
      ? `Regressions over ${percent(REGRESSION_RATIO)}: ${regressions.map((f) => f.title).join('; ')}.`
      : `No regression over ${percent(REGRESSION_RATIO)}.`,
  ].join(' ');
  return { findings, text, totalEstimatedSavingsUsd: null, patterns: [] };
}
