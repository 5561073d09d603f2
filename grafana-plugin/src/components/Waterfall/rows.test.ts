import { describe, expect, it } from 'vitest';
import { agentTrace } from '../../../test/fixtures';
import { buildTree } from '../../utils/spans';
import {
  agentCollapsed,
  COLLAPSE_AGENTS_OVER_SPANS,
  collapseAll,
  defaultCollapsed,
  indexTree,
  matchesInside,
  reveal,
  toggleAgent,
  toggleSpan,
  visibleRows,
} from './rows';
import { searchSpans, stepMatch } from './search';
import { sequentialRun } from './sequential-run';

const big = () => {
  const run = sequentialRun(['planner', 'coder', 'critic'], 10, 4); // 30 invocations of 8 spans, 271 spans
  return { run, index: indexTree(buildTree(run.spans)) };
};

describe('timeline rows: collapse and expand', () => {
  it('opens a small trace fully, and a big one with each agent invocation one row', () => {
    const small = indexTree(buildTree(agentTrace()));
    expect(visibleRows(small, defaultCollapsed(small))).toHaveLength(6);

    const { run, index } = big();
    expect(run.spans.length).toBeGreaterThan(COLLAPSE_AGENTS_OVER_SPANS);
    const rows = visibleRows(index, defaultCollapsed(index));
    expect(rows).toHaveLength(1 + 30); // the root and one row per invocation
    const invocation = rows.find((r) => r.span.spanId === run.invocations.get('coder')![0])!;
    expect(invocation.hidden).toBe(8); // its child count, shown on the row
    expect(rows.every((r) => r.depth <= 1)).toBe(true);
  });

  it('collapses and expands one span, one agent, everything', () => {
    const { run, index } = big();
    const all = visibleRows(index, new Set());
    expect(all).toHaveLength(run.spans.length);

    const oneCoder = run.invocations.get('coder')![0]!;
    expect(visibleRows(index, toggleSpan(new Set(), oneCoder))).toHaveLength(run.spans.length - 8);
    expect(visibleRows(index, toggleSpan(toggleSpan(new Set(), oneCoder), oneCoder))).toHaveLength(
      run.spans.length,
    );

    const coderClosed = toggleAgent(index, 'coder', new Set());
    expect(agentCollapsed(index, 'coder', coderClosed)).toBe(true);
    expect(visibleRows(index, coderClosed)).toHaveLength(run.spans.length - 10 * 8);
    const reopened = toggleAgent(index, 'coder', coderClosed);
    expect(visibleRows(index, reopened)).toHaveLength(run.spans.length);

    // the orchestrator is the root, not an agent to collapse; the three agents are
    expect([...index.agents.keys()].sort()).toEqual(['coder', 'critic', 'planner']);
    expect(visibleRows(index, collapseAll(index))).toHaveLength(31);
  });

  it('reveals a span hidden in a collapsed invocation by opening its ancestors only', () => {
    const { run, index } = big();
    const collapsed = defaultCollapsed(index);
    const target = run.slowToolId;
    expect(visibleRows(index, collapsed).some((r) => r.span.spanId === target)).toBe(false);
    const opened = reveal(index.tree, collapsed, [target]);
    const rows = visibleRows(index, opened);
    expect(rows.some((r) => r.span.spanId === target)).toBe(true);
    expect(rows).toHaveLength(31 + 8); // only the invocation holding it opened
    // nothing to open: the same set back
    expect(reveal(index.tree, opened, [target])).toBe(opened);
  });
});

describe('timeline search', () => {
  it('finds spans by name, tool, model and agent, in tree order, and counts matches in collapsed rows', () => {
    const { run, index } = big();
    const byTool = searchSpans(index.order, 'RUN_PYTHON');
    expect(byTool).toEqual([run.slowToolId]);
    const byModel = searchSpans(index.order, 'model-critic');
    expect(byModel).toHaveLength(10 * 4);
    const byAgent = searchSpans(index.order, 'planner');
    expect(byAgent).toHaveLength(10 + 10 * 4); // the invocations and their model calls carry the agent
    expect(searchSpans(index.order, '  ')).toEqual([]);
    // tree order: each match after the one before it
    const positions = byModel.map((id) => index.position.get(id)!);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(matchesInside(index, positions, run.invocations.get('critic')![0]!)).toBe(4);
    expect(matchesInside(index, positions, run.invocations.get('coder')![0]!)).toBe(0);
  });

  it('steps through matches, wrapping around', () => {
    expect(stepMatch(0, 3, 1)).toBe(1);
    expect(stepMatch(2, 3, 1)).toBe(0);
    expect(stepMatch(0, 3, -1)).toBe(2);
    expect(stepMatch(0, 0, 1)).toBe(0);
  });
});
