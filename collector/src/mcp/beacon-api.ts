// The MCP tools' only way to Beacon's data: the collector's query API over HTTP with the caller's own API key, so
// authentication, tenant scoping and read-only-ness are exactly the API's (a separate `beacon-collector mcp`
// process cannot open the embedded engine's data directory anyway).
import type { ApiErrorBody } from '../contract/index.js';

/** A non-2xx answer of the query API (or no answer at all: status 0), with the API's own message. */
export class BeaconApiError extends Error {
  override readonly name = 'BeaconApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type QueryValue = string | number | boolean | undefined;

export interface BeaconApiClientOptions {
  /** The collector's API base URL, e.g. http://127.0.0.1:4320 (no /api/v1). */
  url: string;
  /** Sent as `Authorization: Bearer <key>`; unset when the collector runs without auth. */
  apiKey?: string;
  /** Per request; default 60 s (analyses of large traces take a while). */
  timeoutMs?: number;
}

export interface BeaconApiClient {
  /** The API base URL, for messages. */
  readonly url: string;
  get<T>(path: string, query?: Record<string, QueryValue>): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

const isApiErrorBody = (value: unknown): value is ApiErrorBody =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as ApiErrorBody).error?.message === 'string' &&
  typeof (value as ApiErrorBody).error?.code === 'string';

/** Appended to auth failures: what the user of an MCP client can do about them. */
function authHint(status: number): string {
  if (status === 401)
    return ' — give the MCP server a valid API key with the read scope (--api-key or BEACON_API_KEY)';
  if (status === 403) return ' — the API key needs the read scope';
  return '';
}

export function createBeaconApiClient(options: BeaconApiClientOptions): BeaconApiClient {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 60_000;

  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new BeaconApiError(0, 'unreachable', `Beacon collector at ${base} did not answer: ${cause}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const message = isApiErrorBody(json) ? json.error.message : `${res.status} ${res.statusText}`;
      const code = isApiErrorBody(json) ? json.error.code : 'http_error';
      throw new BeaconApiError(res.status, code, `${message}${authHint(res.status)}`);
    }
    if (json === undefined)
      throw new BeaconApiError(
        res.status,
        'bad_answer',
        `${method} ${path}: the collector's answer is not JSON`,
      );
    return json as T;
  }

  return {
    url: base,
    get<T>(path: string, query: Record<string, QueryValue> = {}) {
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined && value !== '') search.set(name, String(value));
      }
      const qs = search.toString();
      return request<T>('GET', qs ? `${path}?${qs}` : path);
    },
    post<T>(path: string, body: unknown) {
      return request<T>('POST', path, body);
    },
  };
}

/** One alert of Prometheus' GET /api/v1/alerts. */
export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'firing' | 'pending' | 'inactive';
  activeAt?: string;
  value?: string;
}

/** Prometheus' active alerts (firing and pending), unauthenticated as Prometheus serves them. */
export async function fetchPrometheusAlerts(url: string, timeoutMs = 10_000): Promise<PrometheusAlert[]> {
  const endpoint = `${url.replace(/\/+$/, '')}/api/v1/alerts`;
  let res: Response;
  try {
    res = await fetch(endpoint, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new Error(`Prometheus at ${url} did not answer: ${cause}`);
  }
  if (!res.ok) throw new Error(`Prometheus at ${url} answered ${res.status} to GET /api/v1/alerts`);
  const body = (await res.json()) as { status?: string; data?: { alerts?: PrometheusAlert[] } };
  if (body.status !== 'success' || !Array.isArray(body.data?.alerts))
    throw new Error(`Prometheus at ${url}: unexpected answer to GET /api/v1/alerts`);
  return body.data.alerts;
}
