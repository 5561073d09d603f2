// OTLP/HTTP receiver (POST /v1/traces, and /v1/logs when logs are forwarded; protobuf or JSON, optionally
// gzip/deflate) on node:http. Routing and handling: http-requests.ts; the answers: http-answers.ts.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authDisabled } from '../auth/index.js';
import type { SpanRejectReason } from '../model.js';
import { sendError, wireFormatOf } from './http-answers.js';
import { type HttpRequestContext, handleRequest } from './http-requests.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, type OtlpReceiver, type OtlpReceiverOptions } from './receiver.js';
import { RpcCode } from './responses.js';

export { OTLP_HTTP_LOGS_PATH, OTLP_HTTP_TRACES_PATH } from './http-requests.js';

export interface OtlpHttpReceiverOptions extends OtlpReceiverOptions {
  /** Largest body accepted, both as sent and after decompression; larger requests get 413. */
  maxBodyBytes: number;
}

export function createOtlpHttpReceiver(options: OtlpHttpReceiverOptions): OtlpReceiver {
  const { logger, maxBodyBytes } = options;
  const authenticator = options.authenticator ?? authDisabled;
  const rejected = (count: number, reason: SpanRejectReason) => options.onRejected?.(count, reason);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  let stopping = false;
  const context: HttpRequestContext = {
    options,
    maxBodyBytes,
    authenticator,
    rejected,
    stopping: () => stopping,
  };

  // Responses not yet started when stop() is called: told to close their connection instead of keeping it alive.
  const inFlight = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    handleRequest(context, req, res).catch((err: unknown) => {
      logger.error({ err }, 'OTLP/HTTP request failed');
      if (!res.headersSent)
        sendError(res, 500, RpcCode.INTERNAL, 'internal error', wireFormatOf(req) ?? 'json');
      else res.destroy();
    });
  });

  return {
    start() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          const { port } = server.address() as AddressInfo;
          logger.debug({ host: options.host, port }, 'OTLP/HTTP receiver listening');
          resolve({ port });
        });
      });
    },

    stop() {
      stopping = true;
      if (!server.listening) return Promise.resolve();
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      return new Promise<void>((resolve) => {
        const deadline = setTimeout(() => {
          logger.warn(
            { timeoutMs: shutdownTimeoutMs },
            'OTLP/HTTP requests still in flight at shutdown: closing them',
          );
          server.closeAllConnections();
        }, shutdownTimeoutMs);
        deadline.unref();
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        // In-flight requests keep their connection until answered; idle keep-alive ones go now.
        server.closeIdleConnections();
      });
    },
  };
}
