import type { SpanView } from '@beacon/collector/api-contract';
import { describe, expect, it } from 'vitest';
import { agentTrace, span } from '../../test/fixtures';
import { sequentialRun } from '../components/Waterfall/sequential-run';
import { buildTree, endMs, type SpanTree, sortByStart, startMs } from './spans';
import {
  criticalPathTiming,
  HEAVY_LINKS_MAX,
  selfTimeMs,
  summarizeCriticalPath,
  ticks,
  traceBounds,
} from './timeline';

/** The critical path as first written: each pick scans every candidate (quadratic; the reference for the fast one). */
function criticalPathByScan(spans: SpanView[], tree: SpanTree) {
  const partMs = new Map<string, number>();
  const selfMs = new Map<string, number>();
  const walk = (candidates: readonly SpanView[], limit: number): number => {
    let cursor = limit;
    let covered = 0;
    for (;;) {
      let best: SpanView | undefined;
      let bestEnd = Number.NEGATIVE_INFINITY;
      for (const child of candidates) {
        if (partMs.has(child.spanId) || startMs(child) >= cursor) continue;
        const clippedEnd = Math.min(endMs(child), cursor);
        if (clippedEnd > bestEnd || (clippedEnd === bestEnd && best && startMs(child) < startMs(best))) {
          best = child;
          bestEnd = clippedEnd;
        }
      }
      if (!best) return covered;
      const part = Math.max(0, bestEnd - startMs(best));
      partMs.set(best.spanId, part);
      selfMs.set(best.spanId, Math.max(0, part - walk(tree.children.get(best.spanId) ?? [], bestEnd)));
      covered += part;
      cursor = startMs(best);
    }
  };
  if (tree.roots.length > 0) walk(tree.roots, Math.max(...tree.roots.map(endMs)) + 1e-9);
  return { spanIds: sortByStart(spans.filter((s) => partMs.has(s.spanId))).map((s) => s.spanId), selfMs };
}

/** A random trace on a coarse time grid (so starts and ends tie often), children inside or overlapping parents. */
function randomTrace(seed: number, size: number): SpanView[] {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const spans: SpanView[] = [];
  for (let i = 0; i < size; i++) {
    const parent = i === 0 || next(8) === 0 ? undefined : spans[next(i)];
    const base = parent ? startMs(parent) : 0;
    spans.push(
      span({
        spanId: `s${i}`,
        parentSpanId: parent?.spanId ?? '',
        name: `op ${next(5)}`,
        start: base + next(10) * 5,
        duration: next(6) * 10,
      }),
    );
  }
  return spans;
}

describe('critical path by self time', () => {
  it('picks the same path and self times as scanning every candidate, ties included', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const spans = randomTrace(seed, 5 + (seed % 60));
      const tree = buildTree(spans);
      const fast = criticalPathTiming(spans, tree);
      const reference = criticalPathByScan(spans, tree);
      expect(fast.spanIds, `seed ${seed}`).toEqual(reference.spanIds);
      expect([...fast.selfMs].sort(), `seed ${seed}`).toEqual([...reference.selfMs].sort());
    }
  });

  it('attributes every instant of the trace to one span of the path', () => {
    const spans = agentTrace();
    const { spanIds, selfMs } = criticalPathTiming(spans);
    expect(spanIds).toEqual(['root', 'llm1', 'tool2', 'llm2', 'save']);
    const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
    const { start, end } = traceBounds(spans);
    expect(total).toBeCloseTo(end - start, 6);
    // tool2 (10–70 ms) is the path from 10 to 70; the root only fills the gaps its children leave (95–96, 98–100)
    expect(selfMs.get('tool2')).toBeCloseTo(60, 6);
    expect(selfMs.get('root')).toBeCloseTo(3, 6);
  });

  it('on a parallel trace with a short path, marks the whole path and does not call it sequential', () => {
    const summary = summarizeCriticalPath(agentTrace());
    expect(summary.sequential).toBe(false);
    expect(summary.wholePathMarked).toBe(true);
    expect([...summary.marked].sort()).toEqual(['llm1', 'llm2', 'root', 'save', 'tool2']);
    expect(summary.heaviest[0]!.span.spanId).toBe('tool2');
  });

  it('on a long sequential run says so, and marks the heaviest links, not every span', () => {
    const run = sequentialRun(['planner', 'coder', 'critic'], 10, 4);
    const summary = summarizeCriticalPath(run.spans);
    expect(summary.sequential).toBe(true);
    expect(summary.pathIds).toHaveLength(run.spans.length); // everything is on the path…
    expect(summary.wholePathMarked).toBe(false);
    expect(summary.marked.size).toBeLessThan(run.spans.length / 4); // …but only the chain that matters is marked
    expect(summary.heavyLinks.length).toBeLessThanOrEqual(HEAVY_LINKS_MAX);
    // the 60 s tool call dominates: it is the first heavy link, marked with the invocation and the root above it
    expect(summary.heavyLinks[0]!.span.spanId).toBe(run.slowToolId);
    expect(summary.marked.has(run.slowToolId)).toBe(true);
    expect(summary.marked.has(run.invocations.get('coder')![0]!)).toBe(true);
    expect(summary.marked.has('root')).toBe(true);
    // an invocation's own self time is nothing: its children cover it
    const tree = buildTree(run.spans);
    expect(selfTimeMs(tree.byId.get(run.invocations.get('planner')![0]!)!, tree)).toBe(0);
    // heavy links are ordered by self time and explain the share stated
    const self = summary.heavyLinks.map((l) => l.selfMs);
    expect(self).toEqual([...self].sort((a, b) => b - a));
    expect(summary.heavyShare).toBeCloseTo(self.reduce((a, b) => a + b, 0) / summary.durationMs, 6);
  });
});

describe('ruler ticks', () => {
  it('are round steps inside the range', () => {
    expect(ticks(0, 1000)).toEqual([0, 200, 400, 600, 800, 1000]);
    const zoomed = ticks(123_456, 187_000);
    expect(zoomed.every((t) => t >= 123_456 && t <= 187_000)).toBe(true);
    expect(zoomed.length).toBeGreaterThanOrEqual(3);
    expect(zoomed.length).toBeLessThanOrEqual(12);
    const step = zoomed[1]! - zoomed[0]!;
    const mantissa = step / 10 ** Math.floor(Math.log10(step));
    expect([1, 2, 5]).toContain(Math.round(mantissa));
  });
});
