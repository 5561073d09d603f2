// The API port: health, readiness, Prometheus metrics (/metrics), the query API (/api/v1, routes in query-api.ts)
// and, through `fallback`, the standalone UI.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ANONYMOUS,
  type Authenticator,
  authDisabled,
  credentialFromHeaders,
  type Principal,
} from '../auth/index.js';
import type { Logger } from '../logger.js';
import type { QueryContext } from '../storage/queries/index.js';
import { ApiError, apiErrorOf, CorsPolicy, readJsonBody, sendApiError, sendError, sendJson } from './http.js';
import { type Caller, type Route, type RouteAccess, type RouteResult, Router } from './router.js';

export { sendError } from './http.js';

export interface Readiness {
  /** null when ready, else why not (e.g. storage unreachable). */
  notReadyReason(): string | null;
}

/** Serves GET /metrics: the exposition in the format the Accept header asks for (e.g. the Prometheus exporter). */
export interface MetricsSource {
  scrape(accept: string | undefined): Promise<{ contentType: string; body: string }>;
}

/** Serves a request outside /api and the built-in paths; returns true when it answered (e.g. the standalone UI). */
export type FallbackHandler = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/**
 * Owns the whole exchange at one exact path outside /api/ (the MCP endpoint, whose protocol is not JSON routes). The
 * key is checked first exactly as for a route of the same access (401 / 403 / 429); the handler gets the principal
 * and the key itself (to act as the caller). A thrown ApiError becomes its JSON error answer.
 */
export interface RawHandler {
  access: Exclude<RouteAccess, 'public'>;
  handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    caller: { principal: Principal; credential: string | undefined },
  ): Promise<void>;
}

export interface ApiServer {
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

const API_ROOT = '/api/';
/** Largest JSON request body of the query API when the options give none. */
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ApiServerOptions {
  host: string;
  port: number;
  readiness: Readiness;
  logger: Logger;
  /** Without it, /metrics is a 404 like any unknown path. */
  metrics?: MetricsSource;
  /** The query API's routes (all under /api/); without them every /api/ path is a 404. */
  routes?: readonly Route[];
  /** Largest JSON request body of the query API. */
  maxBodyBytes?: number;
  /** Browser origins allowed to call /api/ (see CorsPolicy); default: localhost origins. */
  corsOrigins?: readonly string[];
  /** Asked before the JSON 404 for paths outside /api/. */
  fallback?: FallbackHandler;
  /** Exact path → handler, asked before everything else (e.g. `/mcp`). */
  rawHandlers?: Readonly<Record<string, RawHandler>>;
  /** Checks the API key of every /api/ request but public routes; unset = auth off. */
  authenticator?: Authenticator;
  /** The storage of a tenant (created on first use); required when `routes` touch storage. */
  storageFor?: (tenant: string) => Promise<QueryContext>;
}

export function createApiServer(options: ApiServerOptions): ApiServer {
  const server = http.createServer(createRequestDispatcher(options));
  return {
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          resolve({ port: (server.address() as AddressInfo).port });
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** Which handler answers a request: a raw handler's exact path, then /api/, then the built-in paths, then `fallback`. */
function createRequestDispatcher(options: ApiServerOptions): http.RequestListener {
  const authorize = keyChecker(options.authenticator ?? authDisabled);
  const serveApi = createQueryApiHandler(options, authorize);
  return (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendError(res, 400, 'bad_request', 'invalid request URL');
      return;
    }
    const path = url.pathname;
    const raw =
      options.rawHandlers && Object.hasOwn(options.rawHandlers, path) ? options.rawHandlers[path] : null;
    if (raw) {
      void serveRaw(raw, authorize, options.logger, req, res);
      return;
    }
    if (path.startsWith(API_ROOT)) {
      void serveApi(req, res, url);
      return;
    }
    serveOutsideApi(options, req, res, path);
  };
}

/** The principal of a request's key for `access`; an ApiError (401 / 403 / 429) when it does not allow it. */
type KeyCheck = (req: http.IncomingMessage, access: Exclude<RouteAccess, 'public'>) => Promise<Principal>;

function keyChecker(authenticator: Authenticator): KeyCheck {
  return async (req, access) => {
    const auth = await authenticator.authorize(credentialFromHeaders(req.headers), access);
    if (!auth.ok) {
      if (auth.reason === 'rate_limited')
        throw new ApiError(429, 'rate_limited', auth.message, {
          'retry-after': String(auth.retryAfterSeconds),
        });
      if (auth.reason === 'forbidden') throw new ApiError(403, 'forbidden', auth.message);
      throw new ApiError(401, 'unauthorized', auth.message, { 'www-authenticate': 'Bearer realm="beacon"' });
    }
    return auth.principal;
  };
}

async function serveRaw(
  handler: RawHandler,
  authorize: KeyCheck,
  logger: Logger,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  try {
    const principal = await authorize(req, handler.access);
    await handler.handle(req, res, { principal, credential: credentialFromHeaders(req.headers) });
  } catch (err) {
    const apiError = apiErrorOf(err);
    if (res.headersSent) res.destroy();
    else if (apiError) sendApiError(res, apiError);
    else {
      logger.error({ err, method: req.method, path: req.url }, 'request failed');
      sendError(res, 500, 'internal', 'the request failed; see the collector log');
    }
  }
}

/** /api/: CORS, the route, its caller (key and tenant storage), its answer; errors as JSON. */
function createQueryApiHandler(
  options: ApiServerOptions,
  authorize: KeyCheck,
): (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void> {
  const storageFor =
    options.storageFor ??
    (() => Promise.reject(new Error('createApiServer: routes need storageFor to reach storage')));
  const router = new Router(options.routes ?? []);
  const cors = new CorsPolicy(options.corsOrigins ?? ['localhost']);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  /** The caller of a route: its key checked against the route's access, its tenant's storage. */
  const callerOf = async (req: http.IncomingMessage, route: Route): Promise<Caller> => {
    // Public routes read no tenant data: the anonymous principal and no storage.
    if (route.access === 'public') return { principal: ANONYMOUS, storage: null };
    const principal = await authorize(req, route.access);
    return { principal, storage: await storageFor(principal.tenant) };
  };

  return async (req, res, url) => {
    const method = req.method ?? 'GET';
    try {
      const match = router.match(method, url.pathname);
      if (method === 'OPTIONS') {
        const allowed = [...match.allowed, ...(match.allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'];
        cors.preflight(req, res, allowed.join(', '));
        return;
      }
      cors.apply(req, res);
      if (match.kind === 'not_found') throw new ApiError(404, 'not_found', `no route for ${url.pathname}`);
      if (match.kind === 'method_not_allowed') {
        throw new ApiError(405, 'method_not_allowed', `${method} is not supported on ${url.pathname}`, {
          allow: match.allowed.join(', '),
        });
      }
      const caller = await callerOf(req, match.route);
      const result = await match.route.handle(req, caller, match.pathValues, url.searchParams, () =>
        readJsonBody(req, maxBodyBytes),
      );
      if ('events' in result) await sendEvents(options.logger, req, res, result);
      else sendResult(res, result);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const apiError = apiErrorOf(err);
      if (apiError) {
        sendApiError(res, apiError);
        return;
      }
      options.logger.error({ err, method, path: url.pathname }, 'query API request failed');
      sendError(res, 500, 'internal', 'the request failed; see the collector log');
    }
  };
}

/** Health, readiness and metrics; then `fallback` (the standalone UI); else a JSON 404 (405 for a write). */
function serveOutsideApi(
  options: ApiServerOptions,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
): void {
  const isRead = req.method === 'GET' || req.method === 'HEAD';
  if (isRead && path === '/healthz') {
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  if (isRead && path === '/readyz') {
    const reason = options.readiness.notReadyReason();
    if (reason) sendJson(res, 503, { status: 'not_ready', reason });
    else sendJson(res, 200, { status: 'ready' });
    return;
  }
  if (isRead && path === '/metrics' && options.metrics) {
    void serveMetrics(options.metrics, options.logger, req, res);
    return;
  }
  if (options.fallback?.(req, res)) return;
  if (!isRead) {
    sendError(res, 405, 'method_not_allowed', `${req.method} is not supported on ${path}`);
    return;
  }
  sendError(res, 404, 'not_found', `no route for ${path}`);
}

async function serveMetrics(
  metrics: MetricsSource,
  logger: Logger,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  try {
    const { contentType, body } = await metrics.scrape(req.headers.accept);
    res.writeHead(200, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      vary: 'Accept',
      'cache-control': 'no-store',
    });
    res.end(body);
  } catch (err) {
    logger.error({ err }, 'metrics scrape failed');
    if (!res.headersSent) sendError(res, 500, 'internal', 'metrics could not be collected');
    else res.destroy();
  }
}

/** Server-Sent Events: headers now, each event as the route sends it, the end when the route returns. */
async function sendEvents(
  logger: Logger,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  result: Extract<RouteResult, { events: unknown }>,
): Promise<void> {
  const aborter = new AbortController();
  const onClose = () => {
    if (!res.writableEnded) aborter.abort();
  };
  res.on('close', onClose);
  res.writeHead(200, {
    'cache-control': 'no-store',
    ...result.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    // Proxies (nginx) must pass each event on as it comes.
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  const stream = {
    signal: aborter.signal,
    send(event: string, data: unknown) {
      if (res.writableEnded || res.destroyed) return;
      // JSON.stringify never emits a raw newline, so the data is a single `data:` line.
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
  };
  try {
    await result.events(stream);
  } catch (err) {
    logger.error({ err, path: req.url }, 'event stream failed');
    stream.send('error', {
      error: { code: 'internal', message: 'the request failed; see the collector log' },
    });
  } finally {
    res.off('close', onClose);
    res.end();
  }
}

function sendResult(res: http.ServerResponse, result: Exclude<RouteResult, { events: unknown }>): void {
  const headers = { 'cache-control': 'no-store', ...result.headers };
  if ('json' in result) {
    sendJson(res, result.status ?? 200, result.json, headers);
    return;
  }
  res.writeHead(result.status ?? 200, {
    ...headers,
    'content-type': result.contentType,
    'content-length': Buffer.byteLength(result.body),
  });
  res.end(result.body);
}
