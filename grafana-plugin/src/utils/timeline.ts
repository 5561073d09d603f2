// Waterfall maths: critical path (and its heaviest links), ruler ticks, row layout and the slowest spans — all
// client-side over SpanView[].
import type { SpanView } from '@beacon/collector/api-contract';
import { buildTree, byStart, endMs, type SpanTree, sortByStart, startMs, treeOrder } from './spans';

/** The critical path and how much of the trace's time each span on it explains. */
export interface CriticalPathTiming {
  /** Span ids on the path, in start order. */
  spanIds: string[];
  /**
   * Per span on the path, its critical self time: the instants of the trace it is the deepest span of the path
   * at (its part of the path minus its children's parts on the path). They add up to the trace's duration.
   */
  selfMs: Map<string, number>;
}

/**
 * The critical path: the chain of spans that determines when the trace ends. Walking back from the end, a span's
 * critical child is the one that finished last before the current point (clipped to it); the point then moves
 * to that child's start and the search repeats among the earlier children, recursing into each child taken.
 * Roots are treated as children of a virtual span covering the whole trace.
 */
export function criticalPathTiming(
  spans: readonly SpanView[],
  tree: SpanTree = buildTree(spans),
): CriticalPathTiming {
  /** Each span on the path → the length of its part of the path (its start to its clipped end). */
  const partMs = new Map<string, number>();
  const selfMs = new Map<string, number>();

  /**
   * Takes critical children among `candidates` before `limit`; returns the time they cover. The cursor only moves
   * back, so one pass over the candidates latest end first picks them: a candidate ending at or past the cursor
   * clips to it (the earliest-starting such one wins, and the others then start at or after the new cursor), else
   * the next one starting before the cursor ends latest. Linear after the sort — scanning every candidate for
   * each pick cost 80 ms on the 10,000-span run, whose orchestrator has thousands of sequential children.
   */
  const walk = (candidates: readonly SpanView[], limit: number): number => {
    // Latest end first; on equal ends the longer (earlier-starting) span, then the candidates' own order.
    const order = candidates
      .map((span, index) => ({ span, index, start: startMs(span), end: endMs(span) }))
      .sort((a, b) => b.end - a.end || a.start - b.start || a.index - b.index);
    let cursor = limit;
    let covered = 0;
    let next = 0;
    for (;;) {
      let best: (typeof order)[number] | undefined;
      let bestEnd = cursor;
      for (; next < order.length && order[next]!.end >= cursor; next++) {
        const c = order[next]!;
        if (partMs.has(c.span.spanId) || c.start >= cursor) continue;
        if (!best || c.start < best.start || (c.start === best.start && c.index < best.index)) best = c;
      }
      if (!best) {
        while (next < order.length && (order[next]!.start >= cursor || partMs.has(order[next]!.span.spanId)))
          next++;
        best = order[next++];
        if (!best) return covered;
        bestEnd = best.end;
      }
      const part = Math.max(0, bestEnd - best.start);
      partMs.set(best.span.spanId, part);
      const childrenCovered = walk(tree.children.get(best.span.spanId) ?? [], bestEnd);
      selfMs.set(best.span.spanId, Math.max(0, part - childrenCovered));
      covered += part;
      cursor = best.start;
    }
  };

  // Zero-length roots still count: start the cursor just past the latest end.
  if (tree.roots.length > 0) walk(tree.roots, Math.max(...tree.roots.map(endMs)) + 1e-9);
  const spanIds = sortByStart(spans.filter((s) => partMs.has(s.spanId))).map((s) => s.spanId);
  return { spanIds, selfMs };
}

/** The critical path's span ids in start order (see criticalPathTiming). */
export function criticalPath(spans: readonly SpanView[], tree: SpanTree = buildTree(spans)): string[] {
  return criticalPathTiming(spans, tree).spanIds;
}

/** A path this short is marked whole: every span on it is readable at once. */
export const WHOLE_PATH_MAX_SPANS = 25;
/** On a longer path, the heaviest links are marked until they explain this share of the trace… */
export const HEAVY_LINKS_SHARE = 0.5;
/** …or this many are marked, whichever comes first. */
export const HEAVY_LINKS_MAX = 12;
/** Spans off the path that explain less than this share of the trace leave it "purely sequential". */
const SEQUENTIAL_SLACK = 0.01;

export interface SpanSelfTime {
  span: SpanView;
  selfMs: number;
}

export interface CriticalPathSummary {
  /** Every span on the critical path, in start order. */
  pathIds: string[];
  /** The spans the timeline marks: the whole path when it is short, else its heaviest links and their ancestors. */
  marked: Set<string>;
  /** The path's spans by critical self time, most first: where the trace's time went. */
  heaviest: SpanSelfTime[];
  /** The heaviest links marked (all of `heaviest` when the whole path is marked). */
  heavyLinks: SpanSelfTime[];
  /** The share of the trace's duration the marked heavy links explain (0–1). */
  heavyShare: number;
  /** Nothing ran in parallel: the critical path is the whole run. */
  sequential: boolean;
  /** Wall time of the trace. */
  durationMs: number;
  /** Whether every span of the path is marked. */
  wholePathMarked: boolean;
}

/**
 * What the timeline says about the critical path. On a parallel trace the path is the classic one. On a long or
 * purely sequential run every span is on it ("605 spans" says nothing), so what is marked is the chain of its
 * heaviest links: the spans whose critical *self* time (duration minus the children's time) dominates, most first
 * until they explain half the run (at most HEAVY_LINKS_MAX), with the spans they ran in, so the chain reads from
 * the root down.
 */
export function summarizeCriticalPath(
  spans: readonly SpanView[],
  tree: SpanTree = buildTree(spans),
): CriticalPathSummary {
  const { spanIds, selfMs } = criticalPathTiming(spans, tree);
  const { start, end } = traceBounds(spans);
  const durationMs = Math.max(0, end - start);
  const onPath = new Set(spanIds);
  const offPathSelf = spans
    .filter((s) => !onPath.has(s.spanId))
    .reduce((sum, s) => sum + selfTimeMs(s, tree), 0);
  const sequential = spans.length > 0 && offPathSelf <= durationMs * SEQUENTIAL_SLACK;
  const heaviest = spanIds
    .map((id) => ({ span: tree.byId.get(id)!, selfMs: selfMs.get(id) ?? 0 }))
    .sort((a, b) => b.selfMs - a.selfMs || byStart(a.span, b.span));

  const wholePathMarked = spanIds.length <= WHOLE_PATH_MAX_SPANS;
  let heavyLinks = heaviest;
  if (!wholePathMarked) {
    heavyLinks = [];
    let explained = 0;
    for (const link of heaviest) {
      if (heavyLinks.length >= HEAVY_LINKS_MAX || explained >= durationMs * HEAVY_LINKS_SHARE) break;
      heavyLinks.push(link);
      explained += link.selfMs;
    }
  }
  const heavyShare =
    durationMs > 0 ? Math.min(1, heavyLinks.reduce((sum, l) => sum + l.selfMs, 0) / durationMs) : 1;
  const marked = new Set<string>(wholePathMarked ? spanIds : []);
  if (!wholePathMarked) {
    for (const { span } of heavyLinks) {
      for (let s: SpanView | undefined = span; s && !marked.has(s.spanId); ) {
        marked.add(s.spanId);
        s = s.parentSpanId ? tree.byId.get(s.parentSpanId) : undefined;
      }
    }
  }
  return {
    pathIds: spanIds,
    marked,
    heaviest,
    heavyLinks,
    heavyShare,
    sequential,
    durationMs,
    wholePathMarked,
  };
}

/** A round step for about `target` ruler ticks over `rangeMs`: 1, 2 or 5 times a power of ten (ms). */
export function tickStep(rangeMs: number, target = 6): number {
  if (!(rangeMs > 0)) return 1;
  const raw = rangeMs / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10;
  return unit * power;
}

/** Ruler ticks (ms from the trace start) inside [fromMs, toMs], on round steps. */
export function ticks(fromMs: number, toMs: number, target = 6): number[] {
  const step = tickStep(toMs - fromMs, target);
  const out: number[] = [];
  // Multiples of the step, not a running sum: no drift on fractional steps.
  for (let k = Math.ceil(fromMs / step); k * step <= toMs + step * 1e-9; k++) out.push(k * step);
  return out;
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
