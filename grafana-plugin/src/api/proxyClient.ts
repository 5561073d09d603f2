// BeaconClient inside Grafana: requests go through the app's proxy route `collector` (plugin.json), which adds
// the collector URL and the API key from the plugin settings server-side, so the key never reaches the browser.
import { type BackendSrv, type FetchError, getBackendSrv, config as grafanaConfig } from '@grafana/runtime';
import { PLUGIN_ID } from '../constants';
import { apiError, type BeaconClient, createBeaconClient, type StreamTransport } from './client';

export function proxyBaseUrl(pluginId: string = PLUGIN_ID): string {
  return `api/plugin-proxy/${pluginId}/collector`;
}

function isFetchError(err: unknown): err is FetchError {
  return typeof err === 'object' && err !== null && 'status' in err && 'data' in err;
}

export interface ProxyStreamOptions {
  /** Grafana's sub path ('' at the root). */
  appSubUrl?: string;
  orgId?: number;
  fetch?: typeof fetch;
}

/**
 * Streaming through the same proxy route: Grafana's BackendSrv buffers whole responses, so the replay's event
 * stream is read with the browser's fetch (same origin, Grafana's session cookie) instead.
 */
export function createProxyStream(
  pluginId: string = PLUGIN_ID,
  options: ProxyStreamOptions = {},
): StreamTransport {
  return async (path, body, { signal }) => {
    const subUrl = options.appSubUrl ?? grafanaConfig.appSubUrl ?? '';
    const orgId = options.orgId ?? grafanaConfig.bootData?.user?.orgId;
    const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    const headers: Record<string, string> = {
      accept: 'text/event-stream',
      'content-type': 'application/json',
    };
    if (orgId !== undefined) headers['X-Grafana-Org-Id'] = String(orgId);
    let response: Response;
    try {
      response = await doFetch(`${subUrl}/${proxyBaseUrl(pluginId)}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        credentials: 'same-origin',
        signal,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw apiError(0, null, `Cannot reach Grafana's proxy to the Beacon collector: ${String(err)}`);
    }
    const type = response.headers.get('content-type') ?? '';
    if (response.ok && type.includes('text/event-stream') && response.body) return response.body;
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // keep the text
    }
    if (!response.ok)
      throw apiError(response.status, parsed, `${response.status} ${response.statusText}`.trim());
    return { json: parsed };
  };
}

export function createProxyClient(
  backendSrv: () => BackendSrv = getBackendSrv,
  pluginId: string = PLUGIN_ID,
  stream: StreamTransport = createProxyStream(pluginId),
): BeaconClient {
  const base = proxyBaseUrl(pluginId);
  return createBeaconClient(
    (path, { signal, method = 'GET', body }) =>
      new Promise<unknown>((resolve, reject) => {
        const subscription = backendSrv()
          .fetch<unknown>({
            url: `${base}${path}`,
            method,
            data: method === 'GET' ? undefined : (body ?? {}),
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
    stream,
  );
}
