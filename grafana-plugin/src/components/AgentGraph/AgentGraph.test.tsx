import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { agentTrace } from '../../../test/fixtures';
import { deriveGraph } from '../../utils/graph';
import { AgentGraph } from './AgentGraph';

describe('AgentGraph', () => {
  const graph = deriveGraph(agentTrace());

  it('derives one node per GenAI span plus the root, linked to their parent', () => {
    expect(graph.nodes.map((n) => [n.id, n.kind])).toEqual([
      ['root', 'agent'],
      ['llm1', 'llm'],
      ['tool2', 'tool'],
      ['tool1', 'tool'],
      ['llm2', 'llm'],
    ]);
    expect(graph.edges.map((e) => `${e.source}->${e.target}`).sort()).toEqual([
      'root->llm1',
      'root->llm2',
      'root->tool1',
      'root->tool2',
    ]);
  });

  it('renders nodes by kind with an error badge, and calls onSelect on click', () => {
    const onSelect = vi.fn();
    render(<AgentGraph nodes={graph.nodes} edges={graph.edges} onSelect={onSelect} />);

    const node = (id: string) => screen.getByTestId(`graph-node-${id}`);
    expect(node('root').getAttribute('data-kind')).toBe('agent');
    expect(within(node('root')).getByText('Agent')).toBeTruthy();
    expect(node('llm1').getAttribute('data-kind')).toBe('llm');
    expect(within(node('llm1')).getByText('LLM')).toBeTruthy();
    expect(within(node('tool1')).getByText('Tool')).toBeTruthy();
    expect(within(node('tool1')).getByText('search')).toBeTruthy();

    // only the failed tool call carries the error badge
    const badges = screen.getAllByTestId('error-badge');
    expect(badges).toHaveLength(1);
    expect(node('tool2').contains(badges[0]!)).toBe(true);

    fireEvent.click(within(node('tool2')).getByText('weather'));
    expect(onSelect).toHaveBeenCalledTimes(1);
    expect(onSelect.mock.calls[0]![0]).toMatchObject({ id: 'tool2', spanIds: ['tool2'], error: true });
  });

  it('draws only the visible nodes', () => {
    render(<AgentGraph nodes={graph.nodes} edges={graph.edges} visibleNodeIds={new Set(['root', 'llm1'])} />);
    expect(screen.getAllByTestId(/^graph-node-/).map((n) => n.getAttribute('data-testid'))).toEqual([
      'graph-node-root',
      'graph-node-llm1',
    ]);
  });
});
