// The API port: health, readiness and Prometheus metrics (/metrics); the query API and standalone UI mount here
// as they land.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';

export interface Readiness {
  /** null when ready, else why not (e.g. storage unreachable). */
  notReadyReason(): string | null;
}

/** Serves GET /metrics: the exposition in the format the Accept header asks for (e.g. the Prometheus exporter). */
export interface MetricsSource {
  scrape(accept: string | undefined): Promise<{ contentType: string; body: string }>;
}

export interface ApiServer {
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: http.ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

export function createApiServer(options: {
  host: string;
  port: number;
  readiness: Readiness;
  logger: Logger;
  /** Without it, /metrics is a 404 like any unknown path. */
  metrics?: MetricsSource;
}): ApiServer {
  const serveMetrics = async (
    metrics: MetricsSource,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ) => {
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
      options.logger.error({ err }, 'metrics scrape failed');
      if (!res.headersSent) sendError(res, 500, 'internal', 'metrics could not be collected');
      else res.destroy();
    }
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'method_not_allowed', `${req.method} is not supported on ${path}`);
      return;
    }
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      const reason = options.readiness.notReadyReason();
      if (reason) sendJson(res, 503, { status: 'not_ready', reason });
      else sendJson(res, 200, { status: 'ready' });
      return;
    }
    if (path === '/metrics' && options.metrics) {
      void serveMetrics(options.metrics, req, res);
      return;
    }
    sendError(res, 404, 'not_found', `no route for ${path}`);
  });

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
