// Search within a trace: a span matches when its name, tool, model or agent contains the query (any case).
import type { SpanView } from '@beacon/collector/api-contract';

/** The text a span is found by. */
function searchableText(span: SpanView): string[] {
  const g = span.genai;
  return [span.name, g?.toolName, g?.requestModel, g?.responseModel, g?.agentName].filter(
    (v): v is string => !!v,
  );
}

export function spanMatches(span: SpanView, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return false;
  return searchableText(span).some((text) => text.toLowerCase().includes(q));
}

/** The matching spans' ids, in the order given (the tree order: "next" walks down the timeline). */
export function searchSpans(order: readonly SpanView[], query: string): string[] {
  if (!query.trim()) return [];
  return order.filter((s) => spanMatches(s, query)).map((s) => s.spanId);
}

/** The match after (step 1) or before (step -1) `current`, wrapping around; 0 when there was none. */
export function stepMatch(current: number, count: number, step: 1 | -1): number {
  if (count === 0) return 0;
  return (((current + step) % count) + count) % count;
}
