// The one data client of the app: every page reads the collector's query API (/api/v1, see
// collector/src/api/contract.ts) through a BeaconClient taken from React context. Two implementations share
// this file's request building: the Grafana plugin proxy (proxyClient.ts) and plain fetch (fetchClient.ts).
import type {
  ApiErrorBody,
  SearchResponse,
  TraceDetailResponse,
  TraceGraphResponse,
  TraceListResponse,
  TraceStatus,
} from '@beacon/collector/api-contract';

/** Query of GET /api/v1/traces. Times are RFC 3339 or epoch milliseconds. */
export interface TraceListQuery {
  service?: string;
  agent?: string;
  model?: string;
  status?: TraceStatus;
  /** Free text. */
  q?: string;
  tag?: string;
  from?: string;
  to?: string;
  minCostUsd?: number;
  minDurationMs?: number;
  /** 1..500, the collector defaults to 50. */
  limit?: number;
  /** Opaque, from the previous page's `nextCursor`. */
  cursor?: string;
}

/** Query of GET /api/v1/search. */
export interface SearchQuery {
  q: string;
  limit?: number;
  from?: string;
  to?: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface BeaconClient {
  listTraces(query: TraceListQuery, options?: RequestOptions): Promise<TraceListResponse>;
  getTrace(traceId: string, options?: RequestOptions): Promise<TraceDetailResponse>;
  getTraceGraph(traceId: string, options?: RequestOptions): Promise<TraceGraphResponse>;
  search(query: SearchQuery, options?: RequestOptions): Promise<SearchResponse>;
}

/** A failed API call: the collector's `{ error: { code, message } }`, or a transport failure (status 0). */
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

export function isApiErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'message' in error;
}

/** Builds a BeaconApiError from an HTTP status and whatever body came back. */
export function apiError(status: number, body: unknown, fallback: string): BeaconApiError {
  if (isApiErrorBody(body)) return new BeaconApiError(status, body.error.code, body.error.message);
  if (typeof body === 'string' && body.trim() !== '' && body.length < 500) {
    return new BeaconApiError(status, `http_${status}`, body.trim());
  }
  return new BeaconApiError(status, status === 0 ? 'network' : `http_${status}`, fallback);
}

export type QueryParams = Record<string, string | number | undefined | null>;

/** `/api/v1<path>?<params>`, leaving out empty parameters. */
export function apiPath(path: string, params: QueryParams = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    search.set(key, String(value));
  }
  const qs = search.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ''}`;
}

/** GETs a JSON document at an API path (`/api/v1/...`), or throws a BeaconApiError. */
export type Transport = (path: string, options: RequestOptions) => Promise<unknown>;

export function createBeaconClient(get: Transport): BeaconClient {
  const id = (traceId: string) => encodeURIComponent(traceId);
  return {
    listTraces: (query, options = {}) =>
      get(apiPath('/traces', { ...query }), options) as Promise<TraceListResponse>,
    getTrace: (traceId, options = {}) =>
      get(apiPath(`/traces/${id(traceId)}`), options) as Promise<TraceDetailResponse>,
    getTraceGraph: (traceId, options = {}) =>
      get(apiPath(`/traces/${id(traceId)}/graph`), options) as Promise<TraceGraphResponse>,
    search: (query, options = {}) =>
      get(apiPath('/search', { ...query }), options) as Promise<SearchResponse>,
  };
}
