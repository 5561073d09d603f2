import type { GraphEdge, GraphNode, SpanView } from '@beacon/collector/api-contract';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { genai, ns, span } from '../../../test/fixtures';
import { formatDuration } from '../../utils/format';
import { AgentGraph } from './AgentGraph';
import { agentGroups, COLLAPSE_GROUPS_ABOVE_NODES, edgeLabel, graphView } from './groups';

const AGENTS = ['planner', 'researcher', 'coder', 'analyst', 'critic', 'writer'];
/** Invocations of each agent; the researcher's are 10, 20 and 30 ms long, and its second failed (its tool did). */
const RUNS: Record<string, number> = { researcher: 3 };

/** An orchestrator handing over to six agents, each with a model and a tool: the collector's graph and the spans. */
function multiAgentRun() {
  const spans: SpanView[] = [
    span({
      spanId: 'root',
      name: 'invoke_agent orchestrator',
      start: 0,
      duration: 1000,
      genai: genai({ operation: 'invoke_agent', agentName: 'orchestrator' }),
    }),
  ];
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const node = (id: string, kind: GraphNode['kind'], label: string, spanIds: string[]): GraphNode => ({
    id,
    kind,
    label,
    spanIds,
    traceId: spans[0]!.traceId,
    error: false,
    startTimeUnixNano: ns(0),
    durationMs: 10,
    costUsd: null,
    tokens: 0,
  });
  nodes.push(node('agent:orchestrator', 'agent', 'orchestrator', ['root']));
  let t = 1;
  for (const agent of AGENTS) {
    const id = `agent:${agent}`;
    const runs = RUNS[agent] ?? 1;
    const invocations: string[] = [];
    const llms: string[] = [];
    const tools: string[] = [];
    for (let i = 1; i <= runs; i++) {
      const inv = `${agent}-${i}`;
      invocations.push(inv);
      spans.push(
        span({
          spanId: inv,
          parentSpanId: 'root',
          name: `invoke_agent ${agent}`,
          start: t,
          duration: 10 * i,
          statusCode: i === 2 ? 'Error' : 'Unset',
          genai: genai({ operation: 'invoke_agent', agentName: agent }),
        }),
      );
      spans.push(
        span({
          spanId: `${inv}-llm`,
          parentSpanId: inv,
          name: 'chat gpt-4o',
          start: t,
          duration: 5,
          genai: genai({
            requestModel: 'gpt-4o',
            usage: { ...genai().usage, inputTokens: 100 * i, outputTokens: 0 },
          }),
        }),
      );
      spans.push(
        span({
          spanId: `${inv}-tool`,
          parentSpanId: inv,
          name: `execute_tool fetch_${agent}`,
          start: t + 5,
          duration: 2,
          statusCode: i === 2 ? 'Error' : 'Unset',
          genai: genai({ operation: 'execute_tool', toolName: `fetch_${agent}` }),
        }),
      );
      llms.push(`${inv}-llm`);
      tools.push(`${inv}-tool`);
      t += 50;
    }
    nodes.push(node(id, 'agent', agent, invocations));
    nodes.push(node(`llm:${id}:gpt-4o`, 'llm', 'gpt-4o', llms));
    nodes.push(node(`tool:${id}:fetch_${agent}`, 'tool', `fetch_${agent}`, tools));
    edges.push({
      id: `handoff:agent:orchestrator->${id}`,
      source: 'agent:orchestrator',
      target: id,
      kind: 'handoff',
      calls: runs,
    });
    edges.push({ id: `call:${id}->llm`, source: id, target: `llm:${id}:gpt-4o`, kind: 'call', calls: runs });
    edges.push({
      id: `call:${id}->tool`,
      source: id,
      target: `tool:${id}:fetch_${agent}`,
      kind: 'call',
      calls: runs,
    });
  }
  return { nodes, edges, spans };
}

const drawn = () =>
  screen.queryAllByTestId(/^graph-node-/).map((n) => n.getAttribute('data-testid')!.slice(11));

describe('AgentGraph on a graph past the collapse threshold', () => {
  const run = multiAgentRun();
  const agentIds = ['agent:orchestrator', ...AGENTS.map((a) => `agent:${a}`)];

  it('opens with every agent collapsed, and its edges say how many calls they stand for', () => {
    expect(run.nodes.length).toBeGreaterThan(COLLAPSE_GROUPS_ABOVE_NODES);
    render(<AgentGraph nodes={run.nodes} edges={run.edges} spans={run.spans} />);
    expect(drawn().sort()).toEqual([...agentIds].sort());
    const researcher = screen.getByTestId('graph-node-agent:researcher');
    expect(researcher.getAttribute('data-group')).toBe('collapsed');
    expect(within(researcher).getByText('3 LLM calls · 3 tool calls')).toBeTruthy();

    const view = graphView(run.nodes, run.edges, agentGroups(run.nodes, run.edges), new Set());
    const labels = Object.fromEntries(view.edges.map((e) => [e.target, edgeLabel(e)]));
    expect(labels['agent:researcher']).toBe('3 calls');
    expect(labels['agent:writer']).toBe('1 call');
  });

  it('expands and collapses a group in place', () => {
    render(<AgentGraph nodes={run.nodes} edges={run.edges} spans={run.spans} />);
    const toggle = screen.getByTestId('group-toggle-agent:researcher');
    fireEvent.click(toggle);
    expect(drawn()).toContain('llm:agent:researcher:gpt-4o');
    expect(drawn()).toContain('tool:agent:researcher:fetch_researcher');
    expect(drawn()).not.toContain('llm:agent:coder:gpt-4o');
    expect(screen.getByTestId('group-toggle-agent:researcher').getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(screen.getByTestId('group-toggle-agent:researcher'));
    expect(drawn()).not.toContain('llm:agent:researcher:gpt-4o');

    fireEvent.click(screen.getByRole('button', { name: 'Expand all agents' }));
    expect(drawn()).toHaveLength(run.nodes.length);
  });

  it('lists an aggregated agent’s invocations, each selecting its own span', () => {
    const onSelect = vi.fn();
    render(<AgentGraph nodes={run.nodes} edges={run.edges} spans={run.spans} onSelect={onSelect} />);
    fireEvent.click(within(screen.getByTestId('graph-node-agent:researcher')).getByText('researcher'));
    expect(onSelect).toHaveBeenLastCalledWith(expect.objectContaining({ id: 'agent:researcher' }));

    const list = screen.getByTestId('invocation-list');
    expect(within(list).getByTestId('invocation-count').textContent).toBe('3 invocations · 1 failed');
    const rows = within(list).getAllByTestId('invocation-row');
    expect(rows.map((r) => r.getAttribute('data-span-id'))).toEqual([
      'researcher-1',
      'researcher-2',
      'researcher-3',
    ]);
    // each row: its duration, the tokens of the model calls inside it, its status
    expect(rows[1]!.textContent).toContain('error');
    expect(rows[2]!.textContent).toContain(` · ${formatDuration(30)} · `);
    expect(rows[2]!.textContent).toContain('300 tok');
    fireEvent.click(rows[2]!);
    expect(onSelect).toHaveBeenLastCalledWith(
      expect.objectContaining({ id: 'agent:researcher' }),
      'researcher-3',
    );
  });

  it('finds a span by name: its collapsed agent is marked, Enter opens the group on the match', () => {
    render(<AgentGraph nodes={run.nodes} edges={run.edges} spans={run.spans} />);
    fireEvent.change(screen.getByRole('textbox', { name: 'Find a span in the graph by name' }), {
      target: { value: 'execute_tool fetch_coder' },
    });
    expect(screen.getByTestId('graph-node-agent:coder').getAttribute('data-search-match')).toBe('match');
    expect(screen.getByTestId('graph-node-agent:writer').getAttribute('data-search-match')).toBe('none');
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Find a span in the graph by name' }), {
      key: 'Enter',
    });
    expect(
      screen.getByTestId('graph-node-tool:agent:coder:fetch_coder').getAttribute('data-search-match'),
    ).toBe('focused');
    expect(screen.getByTestId('graph-search-count').textContent).toBe('1 of 1 node');
  });

  it('time travel: a collapsed agent is drawn once any node inside it has happened', () => {
    const visible = new Set(['agent:orchestrator', 'llm:agent:researcher:gpt-4o']);
    render(<AgentGraph nodes={run.nodes} edges={run.edges} visibleNodeIds={visible} />);
    expect(drawn().sort()).toEqual(['agent:orchestrator', 'agent:researcher']);
  });
});
