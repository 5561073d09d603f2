import type { AgentMapEdge, AgentMapNode, AgentMapResponse } from '@beacon/collector/api-contract';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { deferred, fakeClient, renderPage } from '../../../test/render';
import { BeaconApiError } from '../../api/client';
import { App } from '../../components/App/App';

const BASE = '/a/beacon-agents-app';
const HOUR = 3_600_000;

const stats = { errors: 0, errorRate: 0, p95DurationMs: 250, costUsd: 0 };
const node = (id: string, calls: number, over: Partial<AgentMapNode> = {}): AgentMapNode => {
  const [kind, name] = id.split(':') as ['agent' | 'tool', string];
  return { id, kind, service: 'travel', name, calls, ...stats, ...over };
};
const edge = (
  source: string,
  target: string,
  calls: number,
  over: Partial<AgentMapEdge> = {},
): AgentMapEdge => ({
  id: `${source}->${target}`,
  source,
  target,
  calls,
  linkedCalls: 0,
  ...stats,
  ...over,
});

const MAP: AgentMapResponse = {
  from: '0',
  to: '1',
  traces: 20,
  nodes: [
    node('agent:planner', 20, { costUsd: 2.4 }),
    node('agent:worker_a', 20),
    node('agent:worker_b', 20, { errors: 5, errorRate: 0.25 }),
    node('tool:search', 40),
    node('tool:calculator', 20),
  ],
  edges: [
    edge('agent:planner', 'agent:worker_a', 20, { costUsd: 1.2 }),
    edge('agent:planner', 'agent:worker_b', 20, { errors: 5, errorRate: 0.25, linkedCalls: 5 }),
    edge('agent:worker_a', 'tool:search', 40),
    edge('agent:worker_b', 'tool:calculator', 20),
  ],
};

const render = (client: ReturnType<typeof fakeClient>, url = `${BASE}/agents`) =>
  renderPage(<App />, { client, url, path: `${BASE}/*` });

describe('Agent map page', () => {
  it('draws agents, tools and labelled edges; clicking an edge or a node shows its numbers', async () => {
    const client = fakeClient();
    const answer = deferred<AgentMapResponse>();
    client.getAgentMap.mockReturnValueOnce(answer.promise);
    render(client);
    expect(screen.getByText('Aggregating calls…')).toBeTruthy();
    const [query] = client.getAgentMap.mock.calls[0]!;
    expect(Number(query.to) - Number(query.from)).toBe(24 * HOUR);
    expect(query.models).toBe(false);
    answer.resolve(MAP);

    await screen.findByTestId('agent-map-graph');
    expect(screen.getByTestId('agent-map-summary').textContent).toBe(
      '20 traces · 3 agents · 2 tools · 4 edges',
    );
    for (const n of MAP.nodes) expect(screen.getByTestId(`map-node-${n.id}`).textContent).toContain(n.name);
    const toB = screen.getByTestId('map-edge-agent:planner->agent:worker_b');
    expect(toB.textContent).toBe('20 calls · 25% err · p95 250 ms');
    expect(screen.getByTestId('map-edge-agent:planner->agent:worker_a').textContent).toContain('$1.20');

    fireEvent.click(toB);
    const details = screen.getByTestId('agent-map-details');
    expect(within(details).getByText('planner')).toBeTruthy();
    expect(within(details).getByText('worker_b')).toBeTruthy();
    expect(within(details).getByTestId('detail-calls').textContent).toBe('20');
    expect(within(details).getByText('5 (25%)')).toBeTruthy();
    expect(within(details).getByText('Across traces (links)')).toBeTruthy();

    fireEvent.click(screen.getByTestId('map-node-tool:search'));
    expect(within(screen.getByTestId('agent-map-details')).getByTestId('detail-calls').textContent).toBe(
      '40',
    );

    const rows = screen.getAllByTestId('agent-map-edge-row');
    expect(
      rows.map((r) => [r.children[0]!.textContent, r.children[1]!.textContent, r.children[2]!.textContent]),
    ).toEqual([
      ['planner', 'worker_a', '20'],
      ['planner', 'worker_b', '20'],
      ['worker_a', 'search', '40'],
      ['worker_b', 'calculator', '20'],
    ]);
  });

  it('three services each running a "researcher": three nodes, each labelled with its service', async () => {
    const services = ['research-eu', 'research-us', 'research-asia'];
    const client = fakeClient();
    client.getAgentMap.mockResolvedValue({
      ...MAP,
      nodes: [
        ...services.map((service) =>
          node(`agent:${service}/researcher`, 10, { service, name: 'researcher' }),
        ),
        node('agent:travel/planner', 30, { name: 'planner' }),
      ],
      edges: services.map((service) => edge('agent:travel/planner', `agent:${service}/researcher`, 10)),
    });
    render(client);
    await screen.findByTestId('agent-map-graph');
    const researchers = services.map((service) => screen.getByTestId(`map-node-agent:${service}/researcher`));
    expect(researchers).toHaveLength(3);
    expect(researchers.map((n) => within(n).getByTestId('map-node-service').textContent)).toEqual(services);
    // A name no other node has needs no service.
    expect(
      within(screen.getByTestId('map-node-agent:travel/planner')).queryByTestId('map-node-service'),
    ).toBeNull();
    const rows = screen.getAllByTestId('agent-map-edge-row');
    expect(rows.map((r) => r.children[1]!.textContent)).toEqual(
      services.map((service) => `researcher (${service})`),
    );
    fireEvent.click(researchers[1]!);
    expect(within(screen.getByTestId('agent-map-details')).getByTestId('detail-service').textContent).toBe(
      'service research-us',
    );
  });

  it('colours an edge by its error rate: red from 5% of calls failing, not for one error in a thousand', async () => {
    const client = fakeClient();
    client.getAgentMap.mockResolvedValue({
      ...MAP,
      edges: [
        edge('agent:planner', 'agent:worker_a', 1000, { errors: 1, errorRate: 0.001 }),
        edge('agent:planner', 'agent:worker_b', 20, { errors: 5, errorRate: 0.25 }),
        edge('agent:worker_a', 'tool:search', 100, { errors: 5, errorRate: 0.05 }),
        edge('agent:worker_b', 'tool:calculator', 20),
      ],
    });
    render(client);
    await screen.findByTestId('agent-map-graph');
    const failing = (source: string, target: string) =>
      screen.getByTestId(`map-edge-${source}->${target}`).getAttribute('data-failing');
    expect(failing('agent:planner', 'agent:worker_a')).toBe('false');
    expect(failing('agent:planner', 'agent:worker_b')).toBe('true');
    expect(failing('agent:worker_a', 'tool:search')).toBe('true');
    expect(failing('agent:worker_b', 'tool:calculator')).toBe('false');
    // The label still says the rate, however small.
    expect(screen.getByTestId('map-edge-agent:planner->agent:worker_a').textContent).toContain('0.1% err');
  });

  it('asks for models when the switch is on', async () => {
    const client = fakeClient();
    client.getAgentMap.mockResolvedValue(MAP);
    render(client);
    await screen.findByTestId('agent-map-graph');
    fireEvent.click(screen.getByLabelText('Show models'));
    await waitFor(() => expect(client.getAgentMap.mock.calls.at(-1)![0].models).toBe(true));
  });

  it('shows an empty state, and an error with a retry', async () => {
    const client = fakeClient();
    render(client);
    await screen.findByText('No agent or tool calls in this time range');

    const failing = fakeClient();
    failing.getAgentMap.mockRejectedValueOnce(new BeaconApiError(500, 'internal', 'ClickHouse is down'));
    render(failing);
    await screen.findByText('Could not load the agent map');
    fireEvent.click(screen.getAllByText('Retry').at(-1)!);
    await waitFor(() => expect(failing.getAgentMap).toHaveBeenCalledTimes(2));
  });
});
