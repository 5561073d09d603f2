import type { ShareLink } from '@beacon/collector/api-contract';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TRACE_ID } from '../../../test/fixtures';
import { fakeClient, renderPage } from '../../../test/render';
import { BeaconApiError } from '../../api/client';
import { ShareTrace } from './ShareTrace';

const NOW_NS = BigInt(Date.now()) * 1_000_000n;
const DAY_NS = 86_400n * 1_000_000_000n;

const link = (over: Partial<ShareLink> = {}): ShareLink => ({
  id: 'a'.repeat(32),
  traceId: TRACE_ID,
  createdAt: String(NOW_NS),
  expiresAt: String(NOW_NS + 30n * DAY_NS),
  revokedAt: null,
  note: 'for the vendor',
  status: 'active',
  ...over,
});

function open(client = fakeClient()) {
  renderPage(<ShareTrace traceId={TRACE_ID} />, { client });
  fireEvent.click(screen.getByText('Share'));
  return client;
}

describe('ShareTrace', () => {
  it('creates a link with the chosen expiry and note, shows it to copy, and lists it', async () => {
    const client = fakeClient();
    const token = `bs_default_${'x'.repeat(43)}`;
    client.createShare.mockResolvedValue({
      id: 'a'.repeat(32),
      url: `http://beacon.example.com/shared/${token}`,
      token,
      expiresAt: link().expiresAt,
    });
    open(client);
    expect(await screen.findByText('No links yet.')).toBeTruthy();
    expect(client.listShares).toHaveBeenCalledWith(TRACE_ID, expect.anything());

    fireEvent.click(screen.getByText('30 days'));
    fireEvent.change(screen.getByPlaceholderText(/for the vendor's support team/), {
      target: { value: '  for the vendor  ' },
    });
    client.listShares.mockResolvedValue({ shares: [link()] });
    fireEvent.click(screen.getByText('Create link'));

    const created = await screen.findByTestId('share-created');
    expect(client.createShare).toHaveBeenCalledWith(TRACE_ID, {
      expiresInHours: 720,
      note: 'for the vendor',
    });
    expect((within(created).getByTestId('share-url') as HTMLInputElement).value).toBe(
      `http://beacon.example.com/shared/${token}`,
    );
    expect(within(created).getByText('Copy')).toBeTruthy();
    const row = await screen.findByTestId(`share-${'a'.repeat(32)}`);
    expect(within(row).getByText('for the vendor')).toBeTruthy();
    expect(within(row).getByText('active')).toBeTruthy();
    // The list never holds a token to show.
    expect(screen.getByTestId('share-list').textContent).not.toContain(token);
  });

  it('revokes an active link; expired and revoked links have no Revoke button', async () => {
    const client = fakeClient();
    const expired = link({ id: 'b'.repeat(32), status: 'expired', note: null });
    client.listShares.mockResolvedValue({ shares: [link(), expired] });
    client.revokeShare.mockResolvedValue(link({ status: 'revoked', revokedAt: String(NOW_NS) }));
    open(client);
    const row = await screen.findByTestId(`share-${'a'.repeat(32)}`);
    expect(within(screen.getByTestId(`share-${'b'.repeat(32)}`)).queryByText('Revoke')).toBeNull();

    client.listShares.mockResolvedValue({
      shares: [link({ status: 'revoked', revokedAt: String(NOW_NS) }), expired],
    });
    fireEvent.click(within(row).getByText('Revoke'));
    await waitFor(() => expect(client.revokeShare).toHaveBeenCalledWith('a'.repeat(32)));
    await waitFor(() =>
      expect(within(screen.getByTestId(`share-${'a'.repeat(32)}`)).getByText('revoked')).toBeTruthy(),
    );
    expect(screen.queryByText('Revoke')).toBeNull();
  });

  it('shows why creating or listing failed', async () => {
    const client = fakeClient();
    client.listShares.mockRejectedValue(new BeaconApiError(500, 'internal', 'storage down'));
    client.createShare.mockRejectedValue(
      new BeaconApiError(403, 'forbidden', 'this key lacks the write scope'),
    );
    open(client);
    expect(await screen.findByText('Could not load the links')).toBeTruthy();
    fireEvent.click(screen.getByText('Create link'));
    expect(await screen.findByText('Could not create the link')).toBeTruthy();
    expect(screen.getByText(/this key lacks the write scope/)).toBeTruthy();
    expect(screen.queryByTestId('share-created')).toBeNull();
  });
});
