// BeaconClient over plain fetch, straight to a collector: the standalone host (served by the collector itself,
// so baseUrl is usually '') and tests.
import { apiError, type BeaconClient, createBeaconClient } from './client';

export interface FetchClientOptions {
  /** Origin (and path prefix) of the collector's API listener, e.g. 'http://localhost:4320' or '' (same origin). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

export function createFetchClient(options: FetchClientOptions): BeaconClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  return createBeaconClient(async (path, { signal }) => {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { headers, signal });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw apiError(
        0,
        null,
        `Cannot reach the Beacon collector at ${base || 'this origin'}: ${String(err)}`,
      );
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: keep the text for the error message
    }
    if (!response.ok)
      throw apiError(response.status, body, `${response.status} ${response.statusText}`.trim());
    return body;
  });
}
