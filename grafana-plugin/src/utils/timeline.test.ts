import { describe, expect, it } from 'vitest';
import { agentTrace } from '../../test/fixtures';
import { sequentialRun } from '../components/Waterfall/sequential-run';
import { buildTree } from './spans';
import {
  criticalPathTiming,
  HEAVY_LINKS_MAX,
  selfTimeMs,
  summarizeCriticalPath,
  ticks,
  traceBounds,
} from './timeline';

describe('critical path by self time', () => {
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
