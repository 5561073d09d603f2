// Two traces side by side: metric deltas and where their structure first diverges.
import type { SpanView, TraceDetailResponse } from '@beacon/collector/api-contract';
import { sortByStart, spanNodeKind } from './spans';

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

export function compareMetrics(a: TraceDetailResponse, b: TraceDetailResponse): MetricRow[] {
  const ta = a.trace;
  const tb = b.trace;
  return [
    row('duration', 'Duration', 'ms', ta.durationMs, tb.durationMs),
    row('cost', 'Cost', 'usd', ta.costUsd, tb.costUsd),
    row('tokens', 'Tokens', 'tokens', ta.inputTokens + ta.outputTokens, tb.inputTokens + tb.outputTokens),
    row('inputTokens', 'Input tokens', 'tokens', ta.inputTokens, tb.inputTokens),
    row('outputTokens', 'Output tokens', 'tokens', ta.outputTokens, tb.outputTokens),
    row('spans', 'Spans', 'count', ta.spanCount || a.spans.length, tb.spanCount || b.spans.length),
    row('llmCalls', 'LLM calls', 'count', ta.llmCallCount, tb.llmCallCount),
    row('toolCalls', 'Tool calls', 'count', ta.toolCallCount, tb.toolCallCount),
    row('errors', 'Errors', 'count', ta.errorCount, tb.errorCount),
  ];
}

export interface StructureStep {
  /** `kind:name`, what the comparison matches on. */
  key: string;
  kind: string;
  name: string;
  span: SpanView;
}

/** The trace's structure: its spans in start order as (kind, name); kind is the GenAI kind, else the span kind. */
export function structure(spans: readonly SpanView[]): StructureStep[] {
  return sortByStart(spans).map((span) => {
    const genaiKind = spanNodeKind(span);
    const kind = genaiKind === 'other' ? span.kind.toLowerCase() : genaiKind;
    const name = span.genai?.toolName ?? span.name;
    return { key: `${kind}:${name}`, kind, name, span };
  });
}

export interface Divergence {
  /** Index of the first differing step; null when the structures are identical. */
  index: number | null;
  a: StructureStep[];
  b: StructureStep[];
}

export function firstDivergence(a: readonly SpanView[], b: readonly SpanView[]): Divergence {
  const sa = structure(a);
  const sb = structure(b);
  const n = Math.max(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    if (sa[i]?.key !== sb[i]?.key) return { index: i, a: sa, b: sb };
  }
  return { index: null, a: sa, b: sb };
}
