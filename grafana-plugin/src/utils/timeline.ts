// Waterfall maths: critical path, row layout and the slowest spans — all client-side over SpanView[].
import type { SpanView } from '@beacon/collector/api-contract';
import { buildTree, endMs, type SpanTree, sortByStart, startMs, treeOrder } from './spans';

/**
 * The critical path: the chain of spans that determines when the trace ends. Walking back from the end, a span's
 * critical child is the one that finished last before the current point (clipped to it); the point then moves
 * to that child's start and the search repeats among the earlier children, recursing into each child taken.
 * Roots are treated as children of a virtual span covering the whole trace. Returns span ids in start order.
 */
export function criticalPath(spans: readonly SpanView[], tree: SpanTree = buildTree(spans)): string[] {
  const onPath = new Set<string>();

  const walk = (candidates: readonly SpanView[], limit: number) => {
    let cursor = limit;
    const remaining = [...candidates];
    for (;;) {
      let best: SpanView | undefined;
      let bestEnd = Number.NEGATIVE_INFINITY;
      for (const child of remaining) {
        if (onPath.has(child.spanId) || startMs(child) >= cursor) continue;
        const clippedEnd = Math.min(endMs(child), cursor);
        // Latest end wins; on a tie the longer (earlier-starting) span explains more of the time.
        if (clippedEnd > bestEnd || (clippedEnd === bestEnd && best && startMs(child) < startMs(best))) {
          best = child;
          bestEnd = clippedEnd;
        }
      }
      if (!best) return;
      onPath.add(best.spanId);
      walk(tree.children.get(best.spanId) ?? [], bestEnd);
      cursor = startMs(best);
    }
  };

  // Zero-length roots still count: start the cursor just past the latest end.
  const traceEnd = Math.max(...tree.roots.map(endMs));
  if (tree.roots.length > 0) walk(tree.roots, traceEnd + 1e-9);
  return sortByStart(spans.filter((s) => onPath.has(s.spanId))).map((s) => s.spanId);
}

export type WaterfallLayout = 'tree' | 'compact';

export interface RowLayout {
  /** Row index of every span id. */
  rowOf: Map<string, number>;
  rowCount: number;
  /** Spans in the order they are drawn (tree order). */
  order: SpanView[];
}

const EPSILON_MS = 1e-6;

function overlaps(a: readonly [number, number], b: readonly [number, number]): boolean {
  return a[0] < b[1] && b[0] < a[1];
}

/**
 * 'tree': one row per span, depth-first (the classic waterfall). 'compact': a span goes on the first row below
 * its parent where nothing overlaps it, so sequential siblings share a row and parallel ones stack.
 */
export function layoutRows(
  spans: readonly SpanView[],
  mode: WaterfallLayout,
  tree: SpanTree = buildTree(spans),
): RowLayout {
  const order = treeOrder(tree);
  const rowOf = new Map<string, number>();
  if (mode === 'tree') {
    order.forEach((span, i) => {
      rowOf.set(span.spanId, i);
    });
    return { rowOf, rowCount: order.length, order };
  }
  const rows: [number, number][][] = [];
  for (const span of order) {
    const interval: [number, number] = [startMs(span), Math.max(endMs(span), startMs(span) + EPSILON_MS)];
    const parentRow = span.parentSpanId ? rowOf.get(span.parentSpanId) : undefined;
    let row = parentRow === undefined ? 0 : parentRow + 1;
    while (rows[row]?.some((other) => overlaps(other, interval))) row++;
    const list = rows[row];
    if (list) list.push(interval);
    else rows[row] = [interval];
    rowOf.set(span.spanId, row);
  }
  return { rowOf, rowCount: rows.length, order };
}

/** Duration minus the time covered by the span's children (clipped to the span). */
export function selfTimeMs(span: SpanView, tree: SpanTree): number {
  const s = startMs(span);
  const e = endMs(span);
  const intervals = (tree.children.get(span.spanId) ?? [])
    .map((c) => [Math.max(s, startMs(c)), Math.min(e, endMs(c))] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let curStart = Number.NaN;
  let curEnd = Number.NaN;
  for (const [a, b] of intervals) {
    if (Number.isNaN(curEnd) || a > curEnd) {
      if (!Number.isNaN(curEnd)) covered += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else {
      curEnd = Math.max(curEnd, b);
    }
  }
  if (!Number.isNaN(curEnd)) covered += curEnd - curStart;
  return Math.max(0, span.durationMs - covered);
}

export interface SlowSpan {
  span: SpanView;
  selfMs: number;
}

/** The slowest spans by duration (roots left out when there is anything else), with their self time. */
export function slowestSpans(
  spans: readonly SpanView[],
  limit = 5,
  tree: SpanTree = buildTree(spans),
): SlowSpan[] {
  const rootIds = new Set(tree.roots.map((r) => r.spanId));
  const candidates =
    spans.length > tree.roots.length ? spans.filter((s) => !rootIds.has(s.spanId)) : [...spans];
  return candidates
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, limit)
    .map((span) => ({ span, selfMs: selfTimeMs(span, tree) }));
}

/** Start and end of the whole trace in epoch ms. */
export function traceBounds(spans: readonly SpanView[]): { start: number; end: number } {
  if (spans.length === 0) return { start: 0, end: 0 };
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const s of spans) {
    start = Math.min(start, startMs(s));
    end = Math.max(end, endMs(s));
  }
  return { start, end };
}
