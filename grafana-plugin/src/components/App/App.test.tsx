// The App outside Grafana, mounted the way the standalone host does: Grafana's theme without Grafana, a browser
// router at the site root, the direct-fetch client.
import { createTheme } from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import { render, screen, waitFor, within } from '@testing-library/react';
import { BrowserRouter } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { summary } from '../../../test/fixtures';
import { BeaconProvider } from '../../api/context';
import { createFetchClient } from '../../api/fetchClient';
import { App } from './App';

describe('App outside Grafana', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    window.history.replaceState(null, '', '/');
  });

  it('runs at the site root with the fetch client and draws its own page chrome', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(
      async () =>
        new Response(JSON.stringify({ traces: [summary({ traceId: 'abc123' })], nextCursor: null }), {
          status: 200,
        }),
    );
    vi.stubGlobal('fetch', fetch);
    render(
      <ThemeContext.Provider value={createTheme({ colors: { mode: 'light' } })}>
        <BeaconProvider client={createFetchClient({ baseUrl: '' })} host="standalone" basePath="">
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </BeaconProvider>
      </ThemeContext.Provider>,
    );
    await waitFor(() => expect(window.location.pathname).toBe('/traces'));
    const row = await screen.findByTestId('trace-row');
    expect(within(row).getByText('invoke_agent planner').closest('a')!.getAttribute('href')).toBe(
      '/traces/abc123',
    );
    expect(String(fetch.mock.calls[0]![0])).toMatch(/^\/api\/v1\/traces\?/);
    expect(screen.getByRole('heading', { name: 'Traces' })).toBeTruthy();
    expect(screen.queryByText('Open in Jaeger/Explore')).toBeNull();
  });
});
