// The spans behind a trace-level number (its cost, duration, tokens, calls): what anomalies and compare highlight.
import type { SpanView } from '../contract/index.js';
import { isInference, isToolCall } from './failures.js';
import type { SpanTree } from './span-tree.js';

/** Spans named as the cause of a change in a total, at most (calls: listed up to MAX_LISTED). */
const TOP_SPANS = 3;
const MAX_LISTED = 20;

export type MeasureName = 'cost' | 'duration' | 'tokens' | 'llmCalls' | 'toolCalls';

const tokensOf = (s: SpanView) => (s.genai?.usage.inputTokens ?? 0) + (s.genai?.usage.outputTokens ?? 0);

function top(spans: readonly SpanView[], measure: (s: SpanView) => number): SpanView[] {
  return spans
    .filter((s) => measure(s) > 0)
    .sort((a, b) => measure(b) - measure(a) || (a.spanId < b.spanId ? -1 : 1))
    .slice(0, TOP_SPANS);
}

export function contributors(tree: SpanTree, measure: MeasureName): SpanView[] {
  switch (measure) {
    case 'cost':
      return top(tree.spans.filter(isInference), (s) => s.genai?.costUsd ?? 0);
    case 'duration':
      // The slowest spans below the root (a root lasts the whole trace).
      return top(
        tree.spans.filter((s) => !tree.roots.includes(s)),
        (s) => s.durationMs,
      );
    case 'tokens':
      return top(tree.spans.filter(isInference), tokensOf);
    case 'llmCalls':
      return tree.spans.filter(isInference).slice(0, MAX_LISTED);
    case 'toolCalls':
      return tree.spans.filter(isToolCall).slice(0, MAX_LISTED);
  }
}
