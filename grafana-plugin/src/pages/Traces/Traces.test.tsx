import type { TraceListResponse } from '@beacon/collector/api-contract';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { summary } from '../../../test/fixtures';
import { deferred, fakeClient, location, renderPage } from '../../../test/render';
import { BeaconApiError } from '../../api/client';
import { TracesPage } from './Traces';

const URL = '/a/beacon-agents-app/traces';

describe('Traces page', () => {
  it('shows loading, then rows, then the empty state, then the error state', async () => {
    const first = deferred<TraceListResponse>();
    const client = fakeClient();
    client.listTraces.mockReturnValueOnce(first.promise);
    renderPage(<TracesPage />, { client, url: URL });

    // loading
    expect(screen.getByText('Loading traces…')).toBeTruthy();
    expect(client.listTraces).toHaveBeenCalledTimes(1);
    const q0 = client.listTraces.mock.calls[0]![0];
    expect(q0.cursor).toBeUndefined();
    expect(Number(q0.from)).toBeGreaterThan(Date.now() - 24 * 3_600_000 - 60_000); // default: last 24 hours

    // rows
    first.resolve({
      traces: [
        summary({
          traceId: 'aaaa1111',
          rootSpanName: 'invoke_agent planner',
          costUsd: 0.0067,
          durationMs: 1234,
        }),
        summary({
          traceId: 'bbbb2222',
          rootSpanName: 'invoke_agent coder',
          status: 'ok',
          errorCount: 0,
          rootAgent: 'coder',
        }),
      ],
      nextCursor: 'cursor-2',
    });
    const rows = await screen.findAllByTestId('trace-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText('invoke_agent planner').closest('a')?.getAttribute('href')).toBe(
      '/a/beacon-agents-app/traces/aaaa1111',
    );
    expect(within(rows[0]!).getByText('$0.0067')).toBeTruthy();
    expect(within(rows[0]!).getByText('1.23 s')).toBeTruthy();
    expect(within(rows[0]!).getByText('2850 / 120')).toBeTruthy();
    expect(within(rows[0]!).getByText('planner')).toBeTruthy();
    expect(within(rows[0]!).getByText('error')).toBeTruthy();
    expect(within(rows[1]!).getByText('ok')).toBeTruthy();

    // next page with the cursor
    client.listTraces.mockResolvedValueOnce({ traces: [summary({ traceId: 'cccc3333' })], nextCursor: null });
    fireEvent.click(screen.getByRole('button', { name: /Older/ }));
    await waitFor(() =>
      expect(client.listTraces).toHaveBeenLastCalledWith(
        expect.objectContaining({ cursor: 'cursor-2' }),
        expect.anything(),
      ),
    );
    expect(await screen.findByText('Page 2')).toBeTruthy();

    // empty: filters that match nothing (and the filters reach the query and the URL)
    client.listTraces.mockResolvedValueOnce({ traces: [], nextCursor: null });
    fireEvent.change(screen.getByPlaceholderText('text in names, attributes, messages'), {
      target: { value: 'refund' },
    });
    fireEvent.change(document.getElementById('beacon-filter-agent')!, { target: { value: 'planner' } });
    fireEvent.change(document.getElementById('beacon-filter-minCost')!, { target: { value: '0.5' } });
    fireEvent.click(screen.getByLabelText('Error'));
    fireEvent.click(screen.getByRole('button', { name: /Apply/ }));
    expect(await screen.findByText('No traces match these filters')).toBeTruthy();
    expect(client.listTraces).toHaveBeenLastCalledWith(
      expect.objectContaining({
        q: 'refund',
        agent: 'planner',
        status: 'error',
        minCostUsd: 0.5,
        cursor: undefined,
      }),
      expect.anything(),
    );
    expect(location()).toBe(`${URL}?q=refund&agent=planner&status=error&minCost=0.5`);
    expect(screen.getByText('Page 1')).toBeTruthy();

    // error
    client.listTraces.mockRejectedValueOnce(
      new BeaconApiError(502, 'clickhouse_unavailable', 'ClickHouse is not reachable'),
    );
    fireEvent.click(screen.getByRole('button', { name: /Reset/ }));
    expect(await screen.findByText('Could not load traces')).toBeTruthy();
    expect(screen.getByText(/ClickHouse is not reachable \(HTTP 502, clickhouse_unavailable\)/)).toBeTruthy();

    // retry recovers
    client.listTraces.mockResolvedValueOnce({ traces: [summary()], nextCursor: null });
    fireEvent.click(screen.getByRole('button', { name: /Retry/ }));
    expect(await screen.findAllByTestId('trace-row')).toHaveLength(1);
  });

  it('reads filters from the URL and compares two ticked traces', async () => {
    const client = fakeClient();
    client.listTraces.mockResolvedValue({
      traces: [summary({ traceId: 't1' }), summary({ traceId: 't2' }), summary({ traceId: 't3' })],
      nextCursor: null,
    });
    renderPage(<TracesPage />, {
      client,
      url: `${URL}?service=checkout&model=gpt-4o&tag=prod&minDuration=2000&range=7d`,
    });
    await screen.findAllByTestId('trace-row');
    expect(client.listTraces.mock.calls[0]![0]).toMatchObject({
      service: 'checkout',
      model: 'gpt-4o',
      tag: 'prod',
      minDurationMs: 2000,
    });
    expect(Number(client.listTraces.mock.calls[0]![0].from)).toBeLessThan(Date.now() - 6 * 86_400_000);

    const compare = screen.getByRole('button', { name: /Compare selected/ });
    expect(compare.getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(screen.getByLabelText('Select t1 to compare'));
    fireEvent.click(screen.getByLabelText('Select t3 to compare'));
    fireEvent.click(screen.getByRole('button', { name: /Compare selected/ }));
    expect(location()).toBe('/a/beacon-agents-app/compare?a=t1&b=t3');
  });
});

describe('Traces page: failures and loop warnings', () => {
  // Loops used to be a failure category badge like the others; issue 17 makes them a warning of their own: a Loop
  // badge in the warning colour, from loopCallCount, only on traces with a loop, whatever their status.
  it('shows failure categories as badges, a loop as a warning apart, and filters by one', async () => {
    const client = fakeClient();
    client.listTraces.mockResolvedValue({
      traces: [
        summary({
          traceId: 't1',
          failureCategories: ['rate_limit'],
          errorCount: 3,
          failureCount: 2,
          propagatedFailureCount: 1,
          loopCallCount: 3,
        }),
        summary({ traceId: 't2', status: 'ok', errorCount: 0, failureCount: 0, failureCategories: [] }),
        summary({
          traceId: 't3',
          status: 'ok',
          errorCount: 0,
          failureCount: 0,
          failureCategories: [],
          loopCallCount: 4,
        }),
      ],
      nextCursor: null,
    });
    renderPage(<TracesPage />, { client, url: `${URL}?failure=rate_limit` });
    const rows = await screen.findAllByTestId('trace-row');
    expect(client.listTraces.mock.calls[0]![0]).toMatchObject({ failure: 'rate_limit' });
    const [failed, healthy, looping] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(
      within(failed)
        .getAllByTestId('failure-category')
        .map((b) => b.textContent),
    ).toEqual(['Rate limit']);
    // Each cause once: 2 failures, the span they propagated to not counted again.
    expect(within(failed).getByTestId('trace-status').textContent).toBe('error ×2');
    expect(within(failed).getByTestId('loop-warning').textContent).toBe('Loop');
    expect(within(healthy).queryAllByTestId('failure-category')).toHaveLength(0);
    expect(within(healthy).queryByTestId('loop-warning')).toBeNull();
    // A loop in a healthy trace: still ok, with the warning beside it, never an error badge.
    expect(within(looping).getByText('ok')).toBeTruthy();
    expect(within(looping).getByTestId('loop-warning')).toBeTruthy();
    expect(within(looping).queryAllByTestId('failure-category')).toHaveLength(0);
    expect(within(looping).getByTestId('loop-warning').className).not.toBe(
      within(failed).getByTestId('trace-status').className,
    );
    // the filter form shows the category
    expect(within(screen.getByRole('form', { name: 'Trace filters' })).getByText('Rate limit')).toBeTruthy();

    // Reset clears the filter
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    await waitFor(() => expect(location()).toBe(URL));
    await waitFor(() => expect(client.listTraces).toHaveBeenCalledTimes(2));
    expect(client.listTraces.mock.calls[1]![0].failure).toBeUndefined();
  });
});
