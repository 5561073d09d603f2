// anomalies: the trace's cost, duration, tokens and model calls against the previous traces of the same root
// service + root span name. A value is a spike when it is above median + 3 × MAD (median absolute deviation,
// floored at 10% of the median so that a history of identical values does not flag every tiny change) AND above
// 1.5 × the median (so that a very steady history does not flag a change nobody would care about).
import type { Finding } from '../contract/index.js';
import { contributors, type MeasureName } from './contributors.js';
import { count, ms, numberFindings, quoted, spanRef, usd } from './format.js';
import type { AnalysisResult, TraceData, TraceMeasures } from './model.js';
import { SpanTree } from './span-tree.js';

export const DEFAULT_WINDOW = 20;
export const MIN_REFERENCE_TRACES = 5;
export const MAD_THRESHOLD = 3;
export const MAD_FLOOR_SHARE = 0.1;
export const MIN_RATIO = 1.5;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation from the median. */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

interface Metric {
  type: string;
  label: string;
  value: (t: TraceMeasures) => number | null;
  format: (v: number) => string;
  measure: MeasureName;
}

const METRICS: readonly Metric[] = [
  { type: 'cost_spike', label: 'cost', value: (t) => t.costUsd, format: usd, measure: 'cost' },
  { type: 'duration_spike', label: 'duration', value: (t) => t.durationMs, format: ms, measure: 'duration' },
  {
    type: 'token_spike',
    label: 'tokens',
    value: (t) => t.inputTokens + t.outputTokens,
    format: (v) => `${v} tokens`,
    measure: 'tokens',
  },
  {
    type: 'llm_call_spike',
    label: 'model calls',
    value: (t) => t.llmCallCount,
    format: (v) => count(v, 'model call'),
    measure: 'llmCalls',
  },
];

export function analyzeAnomalies(trace: TraceData, reference: readonly TraceMeasures[]): AnalysisResult {
  const traceId = trace.summary.traceId;
  const scope = `${quoted(trace.summary.rootServiceName)} / ${quoted(trace.summary.rootSpanName)}`;
  if (reference.length < MIN_REFERENCE_TRACES) {
    const findings = numberFindings('anomalies', [
      {
        type: 'not_enough_history',
        category: null,
        severity: 'info',
        title: 'Not enough history to compare with',
        detail: `Only ${count(reference.length, 'earlier trace')} of ${scope}; at least ${MIN_REFERENCE_TRACES} are needed.`,
        traceId,
        spanIds: [],
        estimatedSavingsUsd: null,
        evidence: { referenceTraces: reference.length, needed: MIN_REFERENCE_TRACES },
      },
    ]);
    return {
      findings,
      text: `Not enough history: ${findings[0]!.detail}`,
      totalEstimatedSavingsUsd: null,
      patterns: [],
    };
  }

  const tree = new SpanTree(trace.spans);
  const drafts: Omit<Finding, 'id'>[] = [];
  const normal: string[] = [];
  for (const metric of METRICS) {
    const value = metric.value(trace.summary);
    const history = reference.map(metric.value).filter((v): v is number => v !== null);
    if (value === null || history.length < MIN_REFERENCE_TRACES) continue;
    const m = median(history);
    const spread = Math.max(mad(history), MAD_FLOOR_SHARE * m);
    const threshold = m + MAD_THRESHOLD * spread;
    const ratio = m > 0 ? value / m : null;
    if (!(value > threshold && value > MIN_RATIO * m)) {
      normal.push(metric.label);
      continue;
    }
    const spans = contributors(tree, metric.measure);
    const times = ratio === null ? 'up from nothing' : `${ratio.toFixed(1)}× the median`;
    drafts.push({
      type: metric.type,
      category: null,
      severity: ratio === null || ratio >= 3 ? 'critical' : 'warning',
      title: `${metric.label[0]!.toUpperCase()}${metric.label.slice(1)} spike: ${metric.format(value)} (${times})`,
      detail:
        `${metric.label[0]!.toUpperCase()}${metric.label.slice(1)} was ${metric.format(value)} against a median of ` +
        `${metric.format(m)} over the previous ${count(history.length, 'trace')} of ${scope} (threshold ` +
        `${metric.format(threshold)}).` +
        (spans.length > 0 ? ` Largest contributors: ${spans.map(spanRef).join(', ')}.` : ''),
      traceId,
      spanIds: spans.map((s) => s.spanId),
      estimatedSavingsUsd: null,
      evidence: {
        value,
        median: m,
        mad: mad(history),
        threshold,
        ratio,
        referenceTraces: history.length,
      },
    });
  }
  const findings = numberFindings('anomalies', drafts);
  const against = `the previous ${count(reference.length, 'trace')} of ${scope}`;
  const text =
    findings.length === 0
      ? `Nothing unusual against ${against}: cost, duration, tokens and model calls are within the usual range.`
      : `Against ${against}: ${findings.map((f) => f.title).join('; ')}.` +
        (normal.length > 0 ? ` Within the usual range: ${normal.join(', ')}.` : '');
  return { findings, text, totalEstimatedSavingsUsd: null, patterns: [] };
}
