import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { agentTrace, TRACE_ID, traceDetail } from '../../../test/fixtures';
import { deferred, fakeClient, location, renderPage } from '../../../test/render';
import { App } from '../../components/App/App';

const BASE = '/a/beacon-agents-app';

describe('Trace page', () => {
  it('opens the span of a deep link /traces/<traceId>/<spanId>', async () => {
    const detail = deferred<ReturnType<typeof traceDetail>>();
    const client = fakeClient();
    client.getTrace.mockReturnValue(detail.promise);
    renderPage(<App />, {
      client,
      url: `${BASE}/traces/${TRACE_ID}/tool2`,
      path: `${BASE}/*`,
      links: { grafanaUrl: '/grafana' },
    });
    expect(screen.getByText('Loading trace…')).toBeTruthy();
    expect(client.getTrace).toHaveBeenCalledWith(TRACE_ID, expect.anything());
    detail.resolve(traceDetail());

    const panel = await screen.findByTestId('span-detail');
    expect(within(panel).getByText('execute_tool weather')).toBeTruthy();
    expect(within(panel).getByText('weather API timed out')).toBeTruthy();
    // the collector's /graph failed (404 in the fake): the graph is derived from the spans
    expect(screen.getByTestId('graph-node-tool2').getAttribute('data-error')).toBe('true');

    // Explore links built from the trace id, with the default data source uids
    const jaeger = screen.getByText('Open in Jaeger/Explore').closest('a')!.getAttribute('href')!;
    expect(jaeger.startsWith('/grafana/explore?')).toBe(true);
    const panes = JSON.parse(new URL(jaeger, 'http://x').searchParams.get('panes')!);
    expect(panes.beacon.datasource).toBe('jaeger');
    expect(panes.beacon.queries[0]).toMatchObject({
      query: TRACE_ID,
      datasource: { type: 'jaeger', uid: 'jaeger' },
    });
    const logs = screen.getByText('Logs for this trace').closest('a')!.getAttribute('href')!;
    const logPanes = JSON.parse(new URL(logs, 'http://x').searchParams.get('panes')!);
    expect(logPanes.beacon.datasource).toBe('loki');
    expect(logPanes.beacon.queries[0].expr).toBe(`{service_name="travel-agent"} |= "${TRACE_ID}"`);
  });

  it('selects spans from the graph and the timeline, and keeps the view in the URL', async () => {
    const client = fakeClient();
    client.getTrace.mockResolvedValue(traceDetail());
    renderPage(<App />, { client, url: `${BASE}/traces/${TRACE_ID}`, path: `${BASE}/*` });
    await screen.findByTestId('agent-graph');
    expect(screen.getByText(/Select a node in the graph/)).toBeTruthy();
    expect(screen.queryByText('Open in Jaeger/Explore')).toBeNull(); // no Grafana to link to

    expect(client.getTraceOutline).toHaveBeenCalledWith(TRACE_ID, expect.anything());

    fireEvent.click(within(screen.getByTestId('graph-node-llm2')).getByText('LLM'));
    expect(location()).toBe(`${BASE}/traces/${TRACE_ID}/llm2`);
    // the span is read whole (with the call before it, for "only what is new"); until then the panel says so
    expect(screen.getByText('Loading chat gpt-4o…')).toBeTruthy();
    expect(within(await screen.findByTestId('span-detail')).getByTestId('conversation')).toBeTruthy();
    expect(client.getTraceSpan).toHaveBeenCalledWith(TRACE_ID, 'llm2', expect.anything());

    fireEvent.click(screen.getByText('Timeline'));
    expect(location()).toBe(`${BASE}/traces/${TRACE_ID}/llm2?view=timeline`);
    fireEvent.click(screen.getByTestId('span-bar-tool1'));
    expect(location()).toBe(`${BASE}/traces/${TRACE_ID}/tool1?view=timeline`);
    expect((await screen.findByTestId('tool-arguments')).textContent).toContain('Lisbon hotels');

    fireEvent.click(screen.getByText('Context'));
    expect(await screen.findByTestId('context-view')).toBeTruthy();
  });

  it('uses the collector graph when there is one', async () => {
    const client = fakeClient();
    client.getTrace.mockResolvedValue(traceDetail());
    client.getTraceGraph.mockResolvedValue({
      nodes: [
        {
          id: 'agent:planner',
          kind: 'agent',
          label: 'planner (server graph)',
          spanIds: ['root'],
          traceId: TRACE_ID,
          error: false,
          startTimeUnixNano: agentTrace()[0]!.startTimeUnixNano,
          durationMs: 100,
          costUsd: 0.0067,
          tokens: 2970,
        },
      ],
      edges: [],
    });
    renderPage(<App />, { client, url: `${BASE}/traces/${TRACE_ID}`, path: `${BASE}/*` });
    expect(await screen.findByText('planner (server graph)')).toBeTruthy();
    expect(screen.queryByTestId('graph-node-llm1')).toBeNull();
  });

  it('shows not found, an unknown span, and errors', async () => {
    const client = fakeClient();
    const { unmount } = renderPage(<App />, { client, url: `${BASE}/traces/nope`, path: `${BASE}/*` });
    expect(await screen.findByText('Trace not found')).toBeTruthy();
    unmount();

    client.getTrace.mockResolvedValue(traceDetail());
    const second = renderPage(<App />, { client, url: `${BASE}/traces/${TRACE_ID}/ffff`, path: `${BASE}/*` });
    expect(await screen.findByText('Span not in this trace')).toBeTruthy();
    second.unmount();

    client.getTrace.mockRejectedValue(new Error('socket hang up'));
    renderPage(<App />, { client, url: `${BASE}/traces/${TRACE_ID}`, path: `${BASE}/*` });
    expect(await screen.findByText('Could not load the trace')).toBeTruthy();
    expect(screen.getByText('socket hang up')).toBeTruthy();
  });

  it('redirects unknown app paths to the trace list', async () => {
    const client = fakeClient();
    renderPage(<App />, { client, url: `${BASE}/whatever`, path: `${BASE}/*` });
    await waitFor(() => expect(location()).toBe(`${BASE}/traces`));
    expect(await screen.findByText('No traces yet')).toBeTruthy();
  });
});
