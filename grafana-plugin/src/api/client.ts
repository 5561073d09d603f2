// The one data client of the app: every page reads the collector's query API (/api/v1, see
// collector/src/contract/) through a BeaconClient taken from React context. Two implementations share
// this file's request building: the Grafana plugin proxy (proxyClient.ts) and plain fetch (fetchClient.ts).
import type {
  AgentMapResponse,
  AnalysisKind,
  AnalysisRequest,
  AnalysisResponse,
  ApiErrorBody,
  BaselineResponse,
  BudgetBurndownResponse,
  BudgetListResponse,
  CreateShareRequest,
  CreateShareResponse,
  FailureCategory,
  PromptVersion,
  PromptVersionListResponse,
  ReplayRequest,
  ReplayResult,
  SearchResponse,
  SessionDetailResponse,
  SessionListResponse,
  SharedTraceResponse,
  ShareLink,
  ShareListResponse,
  SpanDetailResponse,
  TraceDetailResponse,
  TraceExportJson,
  TraceGraphResponse,
  TraceListResponse,
  TraceOutlineResponse,
  TraceStatus,
} from '@beacon/collector/api-contract';
import { detailOfOutline } from './outline';
import { withMessagesInline } from './sharedMessages';
import { readServerSentEvents } from './sse';

/** Query of GET /api/v1/traces. Times are RFC 3339 or epoch milliseconds. */
export interface TraceListQuery {
  service?: string;
  agent?: string;
  model?: string;
  status?: TraceStatus;
  /** Free text. */
  q?: string;
  tag?: string;
  /** Failure category auto-tagged at ingest (rate_limit, tool_failure, …). */
  failure?: FailureCategory;
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

/** Query of GET /api/v1/sessions. */
export interface SessionListQuery {
  from?: string;
  to?: string;
  service?: string;
  agent?: string;
  limit?: number;
  cursor?: string;
}

/** Query of GET /api/v1/agents/map. */
export interface AgentMapQuery {
  from?: string;
  to?: string;
  service?: string;
  /** Model calls as nodes too. */
  models?: boolean;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** Which prompt's versions to list: those of a span's prompt, or of a prompt key. */
export type PromptVersionQuery = { traceId: string; spanId: string } | { promptKey: string };

export interface ReplayStreamHandlers {
  /** Text of the new completion as it arrives (each call: the next piece). */
  onDelta(text: string): void;
}

export interface BeaconClient {
  listTraces(query: TraceListQuery, options?: RequestOptions): Promise<TraceListResponse>;
  /** The trace with every span whole: messages (read shared, filled back in), attributes and tool text. */
  getTrace(traceId: string, options?: RequestOptions): Promise<TraceDetailResponse>;
  /**
   * The trace with its spans in outline (`spans=outline`): no attributes, tool text or messages — what the graph
   * and the timeline draw, a fraction of the bytes — and its agent graph (`include=graph`, built from the same read).
   * getTraceSpan has a span whole.
   */
  getTraceOutline(traceId: string, options?: RequestOptions): Promise<TraceDetailResponse>;
  /** One span whole (GET /traces/{id}/spans/{spanId}). */
  getTraceSpan(traceId: string, spanId: string, options?: RequestOptions): Promise<SpanDetailResponse>;
  getTraceGraph(traceId: string, options?: RequestOptions): Promise<TraceGraphResponse>;
  /** GET /traces/{id}/export?format=json: every span of the trace (a view may hold only some: `truncated`). */
  exportTrace(traceId: string, options?: RequestOptions): Promise<TraceExportJson>;
  search(query: SearchQuery, options?: RequestOptions): Promise<SearchResponse>;
  /** POST /replay and wait for the whole result. */
  replay(request: ReplayRequest, options?: RequestOptions): Promise<ReplayResult>;
  /** POST /replay with `stream: true`: pieces of text go to `onDelta`, the promise settles with the result. */
  replayStream(
    request: ReplayRequest,
    handlers: ReplayStreamHandlers,
    options?: RequestOptions,
  ): Promise<ReplayResult>;
  listPromptVersions(query: PromptVersionQuery, options?: RequestOptions): Promise<PromptVersionListResponse>;
  getPromptVersion(id: string, options?: RequestOptions): Promise<PromptVersion>;
  /** Saves a copy of the version as the newest one and returns it. */
  restorePromptVersion(id: string, options?: RequestOptions): Promise<PromptVersion>;
  analyze(kind: AnalysisKind, request: AnalysisRequest, options?: RequestOptions): Promise<AnalysisResponse>;
  markBaseline(traceId: string, options?: RequestOptions): Promise<BaselineResponse>;
  /** Share links: create (the answer is the only time the token shows), list, revoke, and open one (no key). */
  createShare(
    traceId: string,
    request: CreateShareRequest,
    options?: RequestOptions,
  ): Promise<CreateShareResponse>;
  listShares(traceId: string, options?: RequestOptions): Promise<ShareListResponse>;
  revokeShare(shareId: string, options?: RequestOptions): Promise<ShareLink>;
  getSharedTrace(token: string, options?: RequestOptions): Promise<SharedTraceResponse>;
  /** Conversations (traces sharing a conversation id), one as a transcript, and the agent map of a range. */
  listSessions(query: SessionListQuery, options?: RequestOptions): Promise<SessionListResponse>;
  getSession(sessionId: string, options?: RequestOptions): Promise<SessionDetailResponse>;
  getAgentMap(query: AgentMapQuery, options?: RequestOptions): Promise<AgentMapResponse>;
  /** Budgets with their spend in the current period, and one budget's burn-down and forecast. */
  listBudgets(options?: RequestOptions): Promise<BudgetListResponse>;
  getBudgetBurndown(name: string, options?: RequestOptions): Promise<BudgetBurndownResponse>;
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

/** The trace page's first read: the trace in outline with its agent graph (one request opens the page). */
export function traceOutlinePath(traceId: string): string {
  return apiPath(`/traces/${encodeURIComponent(traceId)}`, { spans: 'outline', include: 'graph' });
}

export type HttpMethod = 'GET' | 'POST' | 'PUT';

export interface TransportOptions extends RequestOptions {
  /** Default GET. */
  method?: HttpMethod;
  /** Sent as JSON. */
  body?: unknown;
}

/** Requests a JSON document at an API path (`/api/v1/...`), or throws a BeaconApiError. */
export type Transport = (path: string, options: TransportOptions) => Promise<unknown>;

/**
 * POSTs JSON to an API path and answers with the response body as a byte stream when the collector streams
 * (text/event-stream), or as the parsed JSON otherwise; throws a BeaconApiError for an error status.
 */
export type StreamTransport = (
  path: string,
  body: unknown,
  options: RequestOptions,
) => Promise<ReadableStream<Uint8Array> | { json: unknown }>;

function isReplayResult(value: unknown): value is ReplayResult {
  return typeof value === 'object' && value !== null && 'replay' in value && 'diff' in value;
}

/** Reads the replay's event stream: `delta` events to the handler, then one `result` or `error`. */
async function readReplayStream(
  stream: ReadableStream<Uint8Array>,
  handlers: ReplayStreamHandlers,
  signal: AbortSignal | undefined,
): Promise<ReplayResult> {
  for await (const event of readServerSentEvents(stream, signal)) {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      throw new BeaconApiError(0, 'bad_stream', `The replay stream sent an unreadable ${event.event} event`);
    }
    if (event.event === 'delta') {
      const text = (data as { text?: unknown }).text;
      if (typeof text === 'string' && text !== '') handlers.onDelta(text);
    } else if (event.event === 'result') {
      if (!isReplayResult(data)) throw new BeaconApiError(0, 'bad_stream', 'The replay result is incomplete');
      return data;
    } else if (event.event === 'error') {
      throw apiError(502, data, 'The replay failed');
    }
  }
  throw new BeaconApiError(0, 'bad_stream', 'The replay stream ended without a result');
}

export function createBeaconClient(request: Transport, stream?: StreamTransport): BeaconClient {
  const id = (value: string) => encodeURIComponent(value);
  const get = (path: string, options: RequestOptions) => request(path, options);
  const post = (path: string, body: unknown, options: RequestOptions, method: HttpMethod = 'POST') =>
    request(path, { ...options, method, body });
  const replay = (req: ReplayRequest, options: RequestOptions = {}) =>
    post(apiPath('/replay'), { ...req, stream: false }, options) as Promise<ReplayResult>;
  return {
    listTraces: (query, options = {}) =>
      get(apiPath('/traces', { ...query }), options) as Promise<TraceListResponse>,
    getTrace: async (traceId, options = {}) =>
      withMessagesInline(
        (await get(
          apiPath(`/traces/${id(traceId)}`, { messages: 'shared' }),
          options,
        )) as TraceDetailResponse,
      ),
    getTraceOutline: async (traceId, options = {}) =>
      detailOfOutline((await get(traceOutlinePath(traceId), options)) as TraceOutlineResponse),
    getTraceSpan: (traceId, spanId, options = {}) =>
      get(apiPath(`/traces/${id(traceId)}/spans/${id(spanId)}`), options) as Promise<SpanDetailResponse>,
    getTraceGraph: (traceId, options = {}) =>
      get(apiPath(`/traces/${id(traceId)}/graph`), options) as Promise<TraceGraphResponse>,
    exportTrace: (traceId, options = {}) =>
      get(apiPath(`/traces/${id(traceId)}/export`, { format: 'json' }), options) as Promise<TraceExportJson>,
    search: (query, options = {}) =>
      get(apiPath('/search', { ...query }), options) as Promise<SearchResponse>,
    replay,
    replayStream: async (req, handlers, options = {}) => {
      // A host that cannot stream gets the whole answer at once, as one piece.
      if (!stream) {
        const result = await replay(req, options);
        handlers.onDelta(result.replay.output);
        return result;
      }
      const answer = await stream(apiPath('/replay'), { ...req, stream: true }, options);
      if ('json' in answer) {
        if (!isReplayResult(answer.json))
          throw new BeaconApiError(0, 'bad_response', 'Unexpected replay answer');
        handlers.onDelta(answer.json.replay.output);
        return answer.json;
      }
      return readReplayStream(answer, handlers, options.signal);
    },
    listPromptVersions: (query, options = {}) =>
      get(apiPath('/prompts/versions', { ...query }), options) as Promise<PromptVersionListResponse>,
    getPromptVersion: (versionId, options = {}) =>
      get(apiPath(`/prompts/versions/${id(versionId)}`), options) as Promise<PromptVersion>,
    restorePromptVersion: (versionId, options = {}) =>
      post(apiPath(`/prompts/versions/${id(versionId)}/restore`), {}, options) as Promise<PromptVersion>,
    analyze: (kind, req, options = {}) =>
      post(apiPath(`/analysis/${id(kind)}`), req, options) as Promise<AnalysisResponse>,
    markBaseline: (traceId, options = {}) =>
      post(apiPath(`/traces/${id(traceId)}/baseline`), {}, options, 'PUT') as Promise<BaselineResponse>,
    createShare: (traceId, req, options = {}) =>
      post(apiPath(`/traces/${id(traceId)}/shares`), req, options) as Promise<CreateShareResponse>,
    listShares: (traceId, options = {}) =>
      get(apiPath(`/traces/${id(traceId)}/shares`), options) as Promise<ShareListResponse>,
    revokeShare: (shareId, options = {}) =>
      post(apiPath(`/shares/${id(shareId)}/revoke`), {}, options) as Promise<ShareLink>,
    getSharedTrace: (token, options = {}) =>
      get(apiPath(`/shared/${id(token)}`), options) as Promise<SharedTraceResponse>,
    listSessions: (query, options = {}) =>
      get(apiPath('/sessions', { ...query }), options) as Promise<SessionListResponse>,
    getSession: (sessionId, options = {}) =>
      get(apiPath(`/sessions/${id(sessionId)}`), options) as Promise<SessionDetailResponse>,
    getAgentMap: ({ models, ...query }, options = {}) =>
      get(
        apiPath('/agents/map', { ...query, models: models === undefined ? undefined : String(models) }),
        options,
      ) as Promise<AgentMapResponse>,
    listBudgets: (options = {}) => get(apiPath('/budgets'), options) as Promise<BudgetListResponse>,
    getBudgetBurndown: (name, options = {}) =>
      get(apiPath(`/budgets/${id(name)}/burndown`), options) as Promise<BudgetBurndownResponse>,
  };
}
