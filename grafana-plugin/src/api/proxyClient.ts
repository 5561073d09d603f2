// BeaconClient inside Grafana: requests go through the app's proxy route `collector` (plugin.json), which adds
// the collector URL and the API key from the plugin settings server-side, so the key never reaches the browser.
import { type BackendSrv, type FetchError, getBackendSrv } from '@grafana/runtime';
import { PLUGIN_ID } from '../constants';
import { apiError, type BeaconClient, createBeaconClient } from './client';

export function proxyBaseUrl(pluginId: string = PLUGIN_ID): string {
  return `api/plugin-proxy/${pluginId}/collector`;
}

function isFetchError(err: unknown): err is FetchError {
  return typeof err === 'object' && err !== null && 'status' in err && 'data' in err;
}

export function createProxyClient(
  backendSrv: () => BackendSrv = getBackendSrv,
  pluginId: string = PLUGIN_ID,
): BeaconClient {
  const base = proxyBaseUrl(pluginId);
  return createBeaconClient(
    (path, { signal }) =>
      new Promise<unknown>((resolve, reject) => {
        const subscription = backendSrv()
          .fetch<unknown>({
            url: `${base}${path}`,
            method: 'GET',
            showErrorAlert: false,
            showSuccessAlert: false,
          })
          .subscribe({
            next: (response) => resolve(response.data),
            error: (err: unknown) => {
              if (isFetchError(err)) {
                reject(
                  apiError(err.status ?? 0, err.data, err.statusText || `Request failed (${err.status})`),
                );
              } else {
                reject(apiError(0, null, String(err)));
              }
            },
          });
        signal?.addEventListener('abort', () => {
          subscription.unsubscribe();
          reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
        });
      }),
  );
}
