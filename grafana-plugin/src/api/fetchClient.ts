// BeaconClient over plain fetch, straight to a collector: the standalone host (served by the collector itself,
// so baseUrl is usually '') and tests.
import { apiError, type BeaconClient, createBeaconClient, type RequestOptions } from './client';

export interface FetchClientOptions {
  /** Origin (and path prefix) of the collector's API listener, e.g. 'http://localhost:4320' or '' (same origin). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return text; // not JSON: keep the text for the error message
  }
}

export function createFetchClient(options: FetchClientOptions): BeaconClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  const send = async (path: string, init: RequestInit, { signal }: RequestOptions): Promise<Response> => {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { ...init, signal });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw apiError(
        0,
        null,
        `Cannot reach the Beacon collector at ${base || 'this origin'}: ${String(err)}`,
      );
    }
    if (!response.ok) {
      throw apiError(
        response.status,
        await readBody(response),
        `${response.status} ${response.statusText}`.trim(),
      );
    }
    return response;
  };
  const jsonInit = (method: string, body: unknown): RequestInit => ({
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  return createBeaconClient(
    async (path, { method = 'GET', body, signal }) => {
      const init = method === 'GET' ? { headers } : jsonInit(method, body ?? {});
      return readBody(await send(path, init, { signal }));
    },
    async (path, body, { signal }) => {
      const init = jsonInit('POST', body);
      init.headers = { ...(init.headers as Record<string, string>), accept: 'text/event-stream' };
      const response = await send(path, init, { signal });
      const type = response.headers.get('content-type') ?? '';
      if (type.includes('text/event-stream') && response.body) return response.body;
      return { json: await readBody(response) };
    },
  );
}
