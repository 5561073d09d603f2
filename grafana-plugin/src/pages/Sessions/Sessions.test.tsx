import type {
  SessionDetailResponse,
  SessionListResponse,
  SessionSummary,
} from '@beacon/collector/api-contract';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { deferred, fakeClient, location, renderPage } from '../../../test/render';
import { BeaconApiError } from '../../api/client';
import { App } from '../../components/App/App';

const BASE = '/a/beacon-agents-app';
const HOUR = 3_600_000;
const ns = (ms: number) => `${ms}000000`;

function session(over: Partial<SessionSummary>): SessionSummary {
  return {
    sessionId: 'conv-1',
    firstTimeUnixNano: ns(Date.now() - 2 * HOUR),
    lastTimeUnixNano: ns(Date.now() - HOUR),
    turns: 3,
    llmCallCount: 5,
    inputTokens: 1200,
    outputTokens: 115,
    costUsd: 1.43,
    errorCount: 1,
    agents: ['concierge'],
    services: ['travel'],
    ...over,
  };
}

const text = (role: string, content: string) => ({ role, parts: [{ type: 'text' as const, content }] });

function detail(): SessionDetailResponse {
  const turn = (i: number, user: string, answer: string, costUsd: number, status: 'ok' | 'error') => ({
    traceId: `${i}`.repeat(32),
    startTimeUnixNano: ns(Date.now() - (3 - i) * 60_000),
    durationMs: 3000,
    rootAgent: 'concierge',
    input: [text('user', user)],
    output: [text('assistant', answer)],
    models: ['gpt-4o-mini'],
    llmCallCount: 1,
    inputTokens: 100,
    outputTokens: 20,
    costUsd,
    errorCount: status === 'error' ? 1 : 0,
    status,
  });
  return {
    session: session({}),
    turns: [
      turn(1, 'Find me a flight to Lisbon', 'TAP flies at 09:00.', 0.14, 'ok'),
      turn(2, 'Book it', 'Booked.', 0.5, 'ok'),
      turn(3, 'A hotel too?', 'The hotel service is down.', 0.79, 'error'),
    ],
    truncated: false,
  };
}

const render = (client: ReturnType<typeof fakeClient>, url = `${BASE}/sessions`) =>
  renderPage(<App />, { client, url, path: `${BASE}/*` });

describe('Sessions page', () => {
  it('loads the last 24 hours, then lists sessions with turns, cost and errors; a row opens the transcript', async () => {
    const client = fakeClient();
    const answer = deferred<SessionListResponse>();
    client.listSessions.mockReturnValueOnce(answer.promise);
    render(client);
    expect(screen.getByText('Loading sessions…')).toBeTruthy();
    const [query] = client.listSessions.mock.calls[0]!;
    expect(Number(query.to) - Number(query.from)).toBe(24 * HOUR);

    answer.resolve({
      sessions: [session({}), session({ sessionId: 'conv-2', turns: 1, costUsd: null, errorCount: 0 })],
      nextCursor: null,
    });
    const rows = await screen.findAllByTestId('session-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByTestId('session-turns').textContent).toBe('3');
    expect(within(rows[0]!).getByTestId('session-cost').textContent).toBe('$1.43');
    expect(within(rows[0]!).getByText('1')).toBeTruthy();
    expect(within(rows[1]!).getByTestId('session-cost').textContent).toBe('–');

    client.getSession.mockResolvedValueOnce(detail());
    fireEvent.click(within(rows[0]!).getByText('conv-1'));
    await waitFor(() => expect(location()).toBe(`${BASE}/sessions/conv-1`));
    expect(client.getSession.mock.calls[0]![0]).toBe('conv-1');
  });

  it('pages with the cursor', async () => {
    const client = fakeClient();
    client.listSessions
      .mockResolvedValueOnce({ sessions: [session({})], nextCursor: 'next-1' })
      .mockResolvedValueOnce({ sessions: [session({ sessionId: 'conv-older' })], nextCursor: null });
    render(client);
    fireEvent.click(await screen.findByText('Load more'));
    await screen.findByText('conv-older');
    expect(client.listSessions.mock.calls[1]![0].cursor).toBe('next-1');
    expect(screen.queryByText('Load more')).toBeNull();
  });

  it('shows an empty state, and an error with a retry', async () => {
    const client = fakeClient();
    render(client);
    await screen.findByText('No sessions in this time range');

    const failing = fakeClient();
    failing.listSessions.mockRejectedValueOnce(new BeaconApiError(500, 'internal', 'ClickHouse is down'));
    render(failing);
    await screen.findByText('Could not load sessions');
    fireEvent.click(screen.getAllByText('Retry').at(-1)!);
    await waitFor(() => expect(failing.listSessions).toHaveBeenCalledTimes(2));
  });
});

describe('Session transcript', () => {
  it('shows the turns in order, each with its messages, cost, status and trace link', async () => {
    const client = fakeClient();
    client.getSession.mockResolvedValueOnce(detail());
    render(client, `${BASE}/sessions/conv-1`);
    const turns = await screen.findAllByTestId('session-turn');
    expect(
      turns.map((t) =>
        within(t)
          .getAllByTestId('message')
          .map((m) => m.textContent),
      ),
    ).toEqual([
      [expect.stringContaining('Find me a flight to Lisbon'), expect.stringContaining('TAP flies at 09:00.')],
      [expect.stringContaining('Book it'), expect.stringContaining('Booked.')],
      [expect.stringContaining('A hotel too?'), expect.stringContaining('The hotel service is down.')],
    ]);
    expect(turns.map((t) => within(t).getByTestId('turn-cost').textContent)).toEqual([
      '$0.14',
      '$0.50',
      '$0.79',
    ]);
    expect(within(turns[2]!).getByText('1 error')).toBeTruthy();
    expect(screen.getByTestId('session-summary').textContent).toContain('$1.43');
    fireEvent.click(within(turns[1]!).getByText(/Trace 22222222/));
    await waitFor(() => expect(location()).toBe(`${BASE}/traces/${'2'.repeat(32)}`));
  });

  it('says so when the session does not exist', async () => {
    const client = fakeClient();
    render(client, `${BASE}/sessions/nope`);
    await screen.findByText('No such session');
  });
});
