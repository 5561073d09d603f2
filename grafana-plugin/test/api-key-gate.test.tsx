// The standalone host's sign-in (standalone/ApiKeyGate.tsx) in jsdom, with fetch stubbed at the boundary as a
// collector with BEACON_AUTH=on: 401 without a key or with an unknown one, 403 for a key without `read`, the trace
// list for the right key — until it is revoked.
import type { TraceListResponse } from '@beacon/collector/api-contract';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BeaconProvider } from '../src/api/context';
import { App } from '../src/components/App/App';
import { ApiKeyGate } from '../standalone/ApiKeyGate';
import { summary } from './fixtures';

const GOOD = 'bk_goodkey0001_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const WRONG = 'bk_wrongkey001_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const NO_READ = 'bk_ingestonly1_CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC';
const STORAGE_KEY = 'beacon.apiKey';
const TITLE = 'This Beacon collector requires an API key';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A collector with auth on, at the fetch boundary; `revoked` makes it refuse GOOD too. */
function collector() {
  const state = { revoked: false };
  const fetch = vi.fn<typeof globalThis.fetch>(async (input, init) => {
    const url = String(input);
    const auth = new Headers(init?.headers).get('authorization');
    const key = auth?.match(/^Bearer (\S+)$/)?.[1];
    if (!url.startsWith('/api/v1/')) return json(404, { error: { code: 'not_found', message: url } });
    const unauthorized = (message: string) =>
      json(
        401,
        { error: { code: 'unauthorized', message } },
        { 'www-authenticate': 'Bearer realm="beacon"' },
      );
    if (!key) return unauthorized('an API key is required (Authorization: Bearer <key> or x-beacon-api-key)');
    if (key === NO_READ)
      return json(403, {
        error: { code: 'forbidden', message: 'API key ingestonly1 lacks the read scope (it has ingest)' },
      });
    if (key !== GOOD || state.revoked) return unauthorized('unknown or revoked API key');
    const list: TraceListResponse = {
      traces: [summary({ traceId: 'acme0001', rootSpanName: 'invoke_agent acme_planner' })],
      nextCursor: null,
    };
    return json(200, list);
  });
  /** The Authorization header of each call, in order (null: none). */
  const sentAuth = () => fetch.mock.calls.map(([, init]) => new Headers(init?.headers).get('authorization'));
  return { fetch, state, sentAuth };
}

function renderGate(fetch: typeof globalThis.fetch) {
  return render(
    <ApiKeyGate baseUrl="" fetch={fetch}>
      {(client) => (
        <BeaconProvider client={client} host="standalone" basePath="">
          <MemoryRouter initialEntries={['/traces']}>
            <App />
          </MemoryRouter>
        </BeaconProvider>
      )}
    </ApiKeyGate>,
  );
}

async function submitKey(key: string) {
  const input = await screen.findByLabelText('API key');
  expect(input.getAttribute('type')).toBe('password');
  fireEvent.change(input, { target: { value: key } });
  fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
}

describe('standalone API key gate', () => {
  beforeEach(() => window.sessionStorage.clear());
  afterEach(() => window.sessionStorage.clear());

  it('asks for a key on 401, shows a refusal, signs in with the right key, forgets it', async () => {
    const { fetch, sentAuth } = collector();
    renderGate(fetch);

    // Checking first, then the form: the probe (and, beside it, the hidden App's own first read) went out without
    // a key and got 401; nothing of the App showed.
    expect(screen.getByText('Checking access to the Beacon collector…')).toBeTruthy();
    await screen.findByRole('heading', { name: TITLE });
    expect(String(fetch.mock.calls[0]![0])).toBe('/api/v1/traces?limit=1');
    expect(new Set(sentAuth())).toEqual(new Set([null]));
    expect(screen.queryByTestId('api-key-notice')).toBeNull(); // no key was refused yet
    expect(screen.queryByTestId('trace-row')).toBeNull();

    // A wrong key: sent as Bearer, refused with the collector's message, not kept.
    await submitKey(WRONG);
    const notice = await screen.findByTestId('api-key-notice');
    expect(notice.textContent).toContain('unknown or revoked API key');
    expect(sentAuth().at(-1)).toBe(`Bearer ${WRONG}`);
    expect(window.sessionStorage.getItem(STORAGE_KEY)).toBeNull();

    // The right key: the App's trace list, read with the key; the key is kept for the tab.
    const sentBefore = sentAuth().length;
    await submitKey(GOOD);
    const row = await screen.findByTestId('trace-row');
    expect(within(row).getByText('invoke_agent acme_planner')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: TITLE })).toBeNull();
    expect(sentAuth().length).toBeGreaterThanOrEqual(sentBefore + 2); // probe + the page's own list call
    expect(new Set(sentAuth().slice(sentBefore))).toEqual(new Set([`Bearer ${GOOD}`]));
    expect(window.sessionStorage.getItem(STORAGE_KEY)).toBe(GOOD);
    expect(window.localStorage.length).toBe(0);

    // Forget key: back to the form, nothing kept.
    fireEvent.click(screen.getByRole('button', { name: /Forget key/ }));
    await screen.findByRole('heading', { name: TITLE });
    expect(screen.queryByTestId('trace-row')).toBeNull();
    expect(window.sessionStorage.getItem(STORAGE_KEY)).toBeNull();
  });

  it('uses the key kept in this tab, and returns to the form when it is revoked', async () => {
    const { fetch, state, sentAuth } = collector();
    window.sessionStorage.setItem(STORAGE_KEY, GOOD);
    renderGate(fetch);
    await screen.findByTestId('trace-row');
    expect(sentAuth()[0]).toBe(`Bearer ${GOOD}`);

    // Revoked while the tab is open: the next API call's 401 brings the form back, with the reason.
    state.revoked = true;
    fireEvent.change(screen.getByLabelText('Agent'), { target: { value: 'acme_planner' } });
    fireEvent.click(screen.getByRole('button', { name: /Apply/ }));
    await screen.findByRole('heading', { name: TITLE });
    expect((await screen.findByTestId('api-key-notice')).textContent).toContain('unknown or revoked API key');
    expect(window.sessionStorage.getItem(STORAGE_KEY)).toBeNull();
  });

  it('says so when the key lacks the read scope (403)', async () => {
    const { fetch } = collector();
    window.sessionStorage.setItem(STORAGE_KEY, NO_READ);
    renderGate(fetch);
    const notice = await screen.findByTestId('api-key-notice');
    expect(notice.textContent).toContain('This API key may not read traces');
    expect(notice.textContent).toContain('lacks the read scope');
    expect(screen.getByRole('heading', { name: TITLE })).toBeTruthy();

    const calls = fetch.mock.calls.length;
    await submitKey(NO_READ);
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(calls + 1));
    expect((await screen.findByTestId('api-key-notice')).textContent).toContain('lacks the read scope');
  });

  it('goes straight to the App when the collector needs no key (auth off)', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () =>
      json(200, { traces: [summary({ traceId: 'open0001' })], nextCursor: null }),
    );
    renderGate(fetch);
    await screen.findByTestId('trace-row');
    expect(fetch.mock.calls.every(([, init]) => !new Headers(init?.headers).has('authorization'))).toBe(true);
    expect(screen.queryByRole('button', { name: /Forget key/ })).toBeNull();
    expect(screen.queryByRole('heading', { name: TITLE })).toBeNull();
  });
});
