import type { TraceExportJson } from '@beacon/collector/api-contract';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TRACE_ID } from '../../../test/fixtures';
import { fakeClient, renderPage } from '../../../test/render';
import { BeaconApiError } from '../../api/client';
import { TruncatedTraceAlert } from './TruncatedTraceAlert';

const truncated = { totalSpans: 100_000, returnedSpans: 20_000 };

afterEach(() => vi.restoreAllMocks());

describe('TruncatedTraceAlert', () => {
  it('says how many spans the view holds and downloads every span from the export', async () => {
    const client = fakeClient();
    const exported = { format: 'beacon.trace.v1', spans: [] } as unknown as TraceExportJson;
    client.exportTrace.mockResolvedValue(exported);
    const createObjectURL = vi.fn(() => 'blob:trace');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    renderPage(<TruncatedTraceAlert traceId={TRACE_ID} truncated={truncated} />, { client });

    expect(screen.getByText('Showing 20,000 of 100,000 spans')).toBeTruthy();
    expect(screen.getByTestId('trace-truncated').textContent).toContain(
      '80,000 spans were left out of this view',
    );
    fireEvent.click(screen.getByRole('button', { name: /Download all spans/ }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(client.exportTrace).toHaveBeenCalledWith(TRACE_ID);
    expect(createObjectURL).toHaveBeenCalled();
  });

  it('says when the export fails', async () => {
    const client = fakeClient();
    client.exportTrace.mockRejectedValue(new BeaconApiError(503, 'unavailable', 'memory limit reached'));
    renderPage(<TruncatedTraceAlert traceId={TRACE_ID} truncated={truncated} />, { client });
    fireEvent.click(screen.getByRole('button', { name: /Download all spans/ }));
    expect(await screen.findByText(/Export failed: memory limit reached/)).toBeTruthy();
  });
});
