import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TRACE_ID, traceDetail } from '../../../test/fixtures';
import { fakeClient, renderPage } from '../../../test/render';
import { BeaconApiError } from '../../api/client';
import { App } from '../../components/App/App';

const BASE = '/a/beacon-agents-app';
const TOKEN = `bs_default_${'t'.repeat(43)}`;
const EXPIRES_NS = String(BigInt(Date.UTC(2030, 0, 2, 12)) * 1_000_000n);

describe('Shared trace page', () => {
  it('shows the trace read-only under a banner with the expiry: timeline and span detail, no replay', async () => {
    const client = fakeClient();
    client.getSharedTrace.mockResolvedValue({
      share: { traceId: TRACE_ID, expiresAt: EXPIRES_NS },
      trace: traceDetail(),
      graph: { nodes: [], edges: [] },
    });
    renderPage(<App />, { client, url: `${BASE}/shared/${TOKEN}`, path: `${BASE}/*` });
    const banner = await screen.findByTestId('shared-banner');
    expect(banner.textContent).toMatch(/Shared trace · read-only · expires .*2030/);
    expect(client.getSharedTrace).toHaveBeenCalledWith(TOKEN, expect.anything());
    expect(client.getTrace).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId('span-bar-llm2'));
    const detail = screen.getByTestId('span-detail');
    expect(within(detail).getByTestId('conversation')).toBeTruthy();
    expect(screen.queryByText('Replay')).toBeNull();
    expect(screen.queryByText('Analyze')).toBeNull();
    expect(screen.queryByText('Share')).toBeNull();
    expect(document.head.querySelector('meta[name="referrer"]')?.getAttribute('content')).toBe('no-referrer');
  });

  it('says plainly when the link expired or was revoked', async () => {
    const client = fakeClient();
    client.getSharedTrace.mockRejectedValue(new BeaconApiError(404, 'not_found', 'share link not found'));
    renderPage(<App />, { client, url: `${BASE}/shared/${TOKEN}`, path: `${BASE}/*` });
    expect(await screen.findByText('This link expired or was revoked')).toBeTruthy();
    expect(screen.queryByTestId('shared-banner')).toBeNull();
  });
});
