import type { AnalysisResponse, ErrorPattern } from '@beacon/collector/api-contract';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { deferred, fakeClient, location, renderPage } from '../../../test/render';
import { BeaconApiError } from '../../api/client';
import { App } from '../../components/App/App';
import { formatTime } from '../../utils/format';

const BASE = '/a/beacon-agents-app';
const HOUR = 3_600_000;
const LAST_SEEN_MS = Date.now() - HOUR;
/** Epoch ms → the contract's nanosecond string. */
const ns = (ms: number) => `${ms}000000`;

function pattern(over: Partial<ErrorPattern>): ErrorPattern {
  return {
    category: 'rate_limit',
    signature: 'Rate limit reached for <model> in organization <id>',
    spanCount: 12,
    traceCount: 4,
    traceIds: ['t1aaaaaaaaaa', 't2bbbbbbbbbb', 't3cccccccccc', 't4dddddddddd'],
    example: {
      traceId: 't1aaaaaaaaaa',
      spanId: 's1',
      spanName: 'chat gpt-4o',
      message: 'Rate limit reached for gpt-4o in organization org-123',
    },
    firstSeen: ns(Date.now() - 3 * HOUR),
    lastSeen: ns(LAST_SEEN_MS),
    ...over,
  };
}

function patterns(list: ErrorPattern[]): AnalysisResponse {
  return {
    kind: 'error-patterns',
    traceId: null,
    baselineTraceId: null,
    findings: [],
    text: `${list.length} error patterns in the range.`,
    totalEstimatedSavingsUsd: null,
    patterns: list,
    refinement: null,
  };
}

const render = (client: ReturnType<typeof fakeClient>, url = `${BASE}/patterns`) =>
  renderPage(<App />, { client, url, path: `${BASE}/*` });

describe('Error patterns page', () => {
  it('loads the last 24 hours, then lists the patterns with links to their traces', async () => {
    const client = fakeClient();
    const answer = deferred<AnalysisResponse>();
    client.analyze.mockReturnValueOnce(answer.promise);
    render(client);

    expect(screen.getByText('Grouping failures…')).toBeTruthy();
    const [kind, request] = client.analyze.mock.calls[0]!;
    expect(kind).toBe('error-patterns');
    expect(request.traceId).toBeUndefined();
    expect(Number(request.to) - Number(request.from)).toBe(24 * HOUR);
    expect(Number(request.to)).toBeGreaterThan(Date.now() - 60_000);

    answer.resolve(
      patterns([
        pattern({}),
        pattern({
          category: 'tool_failure',
          signature: 'No rooms left in <word> for those dates',
          spanCount: 3,
          traceCount: 3,
          traceIds: ['t9eeeeeeeeee'],
          example: {
            traceId: 't9eeeeeeeeee',
            spanId: 's9',
            spanName: 'execute_tool book_hotel',
            message: 'No rooms left in Baixa for those dates',
          },
        }),
      ]),
    );
    const rows = await screen.findAllByTestId('pattern-row');
    expect(rows.map((r) => r.getAttribute('data-category'))).toEqual(['rate_limit', 'tool_failure']);
    const [rate, tool] = rows as [HTMLElement, HTMLElement];
    expect(within(rate).getByText('Rate limit')).toBeTruthy();
    expect(within(rate).getByText('Rate limit reached for <model> in organization <id>')).toBeTruthy();
    expect(within(rate).getByText('12')).toBeTruthy();
    expect(within(rate).getByText('4')).toBeTruthy();
    expect(within(rate).getByText(formatTime(LAST_SEEN_MS))).toBeTruthy();
    // three example traces linked, the rest counted
    expect(
      within(rate)
        .getAllByTestId('pattern-trace')
        .map((a) => a.getAttribute('href')),
    ).toEqual([`${BASE}/traces/t1aaaaaaaaaa`, `${BASE}/traces/t2bbbbbbbbbb`, `${BASE}/traces/t3cccccccccc`]);
    expect(within(rate).getByText('+1')).toBeTruthy();
    expect(within(tool).getByText('execute_tool book_hotel').closest('a')!.getAttribute('href')).toBe(
      `${BASE}/traces/t9eeeeeeeeee/s9`,
    );
    // categories summed, each linking to the failing traces
    const categories = screen.getByTestId('pattern-categories');
    expect(within(categories).getByText('Rate limit · 12')).toBeTruthy();
    fireEvent.click(within(tool).getByText('Tool failure'));
    expect(location()).toBe(`${BASE}/traces?failure=tool_failure&status=error`);
  });

  it('lists loops apart, as warnings: not in the failure table nor the failure counts', async () => {
    const client = fakeClient();
    client.analyze.mockResolvedValue(
      patterns([
        pattern({ category: 'rate_limit', spanCount: 1, traceCount: 1 }),
        pattern({ category: 'context_overflow', signature: 'context_length_exceeded', spanCount: 1 }),
        pattern({
          category: 'loop',
          signature: 'repeated call: execute_tool web_search',
          spanCount: 30,
          traceCount: 10,
        }),
      ]),
    );
    render(client);
    const warnings = await screen.findByTestId('loop-warnings');
    const failureTable = screen.getAllByTestId('patterns-table')[0]!;
    expect(
      within(failureTable)
        .getAllByTestId('pattern-row')
        .map((r) => r.getAttribute('data-category')),
    ).toEqual(['rate_limit', 'context_overflow']);
    expect(
      within(warnings)
        .getAllByTestId('pattern-row')
        .map((r) => r.getAttribute('data-category')),
    ).toEqual(['loop']);
    expect(within(warnings).getByText(/identical input under one parent/)).toBeTruthy();
    // The planted rate limit and overflow are not buried: the loop's 30 calls are in no failure badge.
    const categories = screen.getByTestId('pattern-categories');
    expect(within(categories).getByText('Rate limit · 1')).toBeTruthy();
    expect(within(categories).getByText('Context overflow · 1')).toBeTruthy();
    expect(within(categories).getByText('Warnings: loops · 30')).toBeTruthy();
    // A loop's traces are not filtered to failed ones.
    fireEvent.click(within(warnings).getByText('Loop'));
    expect(location()).toBe(`${BASE}/traces?failure=loop`);
  });

  it('reads again for another time range', async () => {
    const client = fakeClient();
    client.analyze.mockResolvedValue(patterns([pattern({})]));
    render(client, `${BASE}/patterns?range=7d`);
    await screen.findAllByTestId('pattern-row');
    const [, request] = client.analyze.mock.calls[0]!;
    expect(Number(request.to) - Number(request.from)).toBe(7 * 24 * HOUR);
    expect(screen.getByText('Last 7 days')).toBeTruthy();
  });

  it('says when nothing failed, and shows errors with a retry', async () => {
    const client = fakeClient();
    client.analyze.mockResolvedValueOnce(patterns([]));
    const first = render(client);
    expect(await screen.findByText('No failures in this time range')).toBeTruthy();
    expect(screen.queryByTestId('patterns-table')).toBeNull();
    first.unmount();

    client.analyze.mockRejectedValueOnce(new BeaconApiError(503, 'unavailable', 'ClickHouse is restarting'));
    render(client);
    expect(await screen.findByText('Could not load error patterns')).toBeTruthy();
    expect(screen.getByText(/ClickHouse is restarting/)).toBeTruthy();
    client.analyze.mockResolvedValueOnce(patterns([pattern({})]));
    fireEvent.click(screen.getByRole('button', { name: /Retry/ }));
    await waitFor(() => expect(screen.getAllByTestId('pattern-row')).toHaveLength(1));
  });
});
