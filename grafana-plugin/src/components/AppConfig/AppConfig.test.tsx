import type { AppPluginMeta } from '@grafana/data';
import { type BackendSrv, type BackendSrvRequest, locationService, setBackendSrv } from '@grafana/runtime';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { of } from 'rxjs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BeaconJsonData } from '../../constants';
import { AppConfig, type AppConfigProps } from './AppConfig';

function props(meta: Partial<AppPluginMeta<BeaconJsonData>>): AppConfigProps {
  return {
    plugin: {
      meta: { id: 'beacon-agents-app', name: 'Beacon', enabled: true, pinned: true, ...meta },
    } as AppConfigProps['plugin'],
    query: {},
  };
}

let requests: BackendSrvRequest[];

beforeEach(() => {
  requests = [];
  setBackendSrv({
    fetch: (req: BackendSrvRequest) => {
      requests.push(req);
      return of({ data: {}, status: 200, ok: true });
    },
  } as unknown as BackendSrv);
  vi.spyOn(locationService, 'reload').mockImplementation(() => {});
});

describe('AppConfig', () => {
  it('saves jsonData and a new API key in secureJsonData', async () => {
    render(<AppConfig {...props({ jsonData: {} })} />);
    fireEvent.change(screen.getByPlaceholderText('http://beacon-collector:4320'), {
      target: { value: 'http://collector:4320/' },
    });
    fireEvent.change(screen.getByPlaceholderText('Collector API key (optional)'), {
      target: { value: 'sk-new' },
    });
    fireEvent.change(screen.getByPlaceholderText('loki'), { target: { value: 'my-loki' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));

    await waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]).toMatchObject({ url: '/api/plugins/beacon-agents-app/settings', method: 'POST' });
    expect(requests[0]!.data).toEqual({
      enabled: true,
      pinned: true,
      jsonData: {
        collectorUrl: 'http://collector:4320',
        jaegerDatasourceUid: undefined,
        lokiDatasourceUid: 'my-loki',
      },
      secureJsonData: { apiKey: 'sk-new' },
    });
    await waitFor(() => expect(locationService.reload).toHaveBeenCalled());
  });

  it('never shows a stored key and keeps it unless it is replaced or reset', async () => {
    const { container } = render(
      <AppConfig
        {...props({
          jsonData: { collectorUrl: 'http://collector:4320' },
          secureJsonFields: { apiKey: true },
        })}
      />,
    );
    // Grafana only says that a key exists (secureJsonFields); the SecretInput shows "configured", not a value.
    const input = container.querySelector<HTMLInputElement>('#beacon-config-api-key')!;
    expect(input.value).toBe('configured');
    expect(input.disabled).toBe(true);
    expect(screen.getByRole('button', { name: 'Reset' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.data).not.toHaveProperty('secureJsonData'); // stored key kept
    expect((requests[0]!.data as { jsonData: BeaconJsonData }).jsonData.collectorUrl).toBe(
      'http://collector:4320',
    );

    // reset → saving clears the key
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(requests).toHaveLength(2));
    expect(requests[1]!.data).toMatchObject({ secureJsonData: { apiKey: '' } });
  });

  it('does not save an invalid collector URL', () => {
    render(<AppConfig {...props({ jsonData: {} })} />);
    fireEvent.change(screen.getByPlaceholderText('http://beacon-collector:4320'), {
      target: { value: 'collector' },
    });
    expect(screen.getByText('An http:// or https:// URL')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(requests).toHaveLength(0);
  });
});
