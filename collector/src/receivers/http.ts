// OTLP/HTTP receiver (POST /v1/traces, and /v1/logs when logs are forwarded; protobuf or JSON, optionally
// gzip/deflate) on node:http.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthOutcome, authDisabled, credentialFromHeaders } from '../auth/index.js';
import type { AcceptOutcome, ReceiverProtocol, SpanRejectReason } from '../model.js';
import { type DecodedTraceRequest, DecodeError } from './decode.js';
import { decodeTracesJsonRequest } from './decode-json.js';
import { type DecodedLogsRequest, decodeLogsJson, decodeLogsProtobuf } from './decode-logs.js';
import { decodeTracesProtobufRequest } from './decode-protobuf.js';
import {
  BodyTooLargeError,
  contentEncodingOf,
  InvalidBodyEncodingError,
  RequestAbortedError,
  readRequestBody,
} from './http-body.js';
import {
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  type LogSink,
  type OtlpReceiver,
  type OtlpReceiverOptions,
  teeAccepted,
} from './receiver.js';
import {
  encodeExportResponse,
  encodeLogsExportResponse,
  encodeRpcStatus,
  RpcCode,
  rpcStatus,
  type WireFormat,
} from './responses.js';

export const OTLP_HTTP_TRACES_PATH = '/v1/traces';
export const OTLP_HTTP_LOGS_PATH = '/v1/logs';

export interface OtlpHttpReceiverOptions extends OtlpReceiverOptions {
  /** Largest body accepted, both as sent and after decompression; larger requests get 413. */
  maxBodyBytes: number;
}

const CONTENT_TYPES: Record<WireFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};
const ALLOWED_METHODS = 'POST, OPTIONS';
const PREFLIGHT_MAX_AGE_SECONDS = 86_400;

/** The wire format named by the Content-Type header (parameters such as charset ignored), or null. */
function wireFormatOf(req: IncomingMessage): WireFormat | null {
  const mediaType = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === CONTENT_TYPES.protobuf) return 'protobuf';
  if (mediaType === CONTENT_TYPES.json) return 'json';
  return null;
}

function pathnameOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Browser exporters send cross-origin POSTs; the endpoint has no cookies to protect, so any origin may post. */
function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  if (!req.headers.origin) return;
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
}

function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
  res.setHeader(
    'Access-Control-Allow-Headers',
    req.headers['access-control-request-headers'] ?? 'Content-Type, Content-Encoding',
  );
  res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
  res.writeHead(204).end();
}

function send(res: ServerResponse, httpStatus: number, body: Buffer, format: WireFormat): void {
  res
    .writeHead(httpStatus, { 'Content-Type': CONTENT_TYPES[format], 'Content-Length': body.length })
    .end(body);
}

function sendError(
  res: ServerResponse,
  httpStatus: number,
  code: number,
  message: string,
  format: WireFormat,
  retryAfterSeconds?: number,
): void {
  if (retryAfterSeconds !== undefined)
    res.setHeader('Retry-After', String(Math.max(0, Math.ceil(retryAfterSeconds))));
  send(res, httpStatus, encodeRpcStatus(rpcStatus(code, message, retryAfterSeconds), format), format);
}

/** OTLP/HTTP answers for a refused batch: both are retryable, 429 says "slow down", 503 "try elsewhere or later". */
function sendRefusal(
  res: ServerResponse,
  outcome: Extract<AcceptOutcome, { accepted: false }>,
  format: WireFormat,
) {
  if (outcome.reason === 'queue_full') {
    sendError(
      res,
      429,
      RpcCode.RESOURCE_EXHAUSTED,
      'export queue is full, retry later',
      format,
      outcome.retryAfterSeconds,
    );
  } else {
    sendError(
      res,
      503,
      RpcCode.UNAVAILABLE,
      'collector is shutting down, retry later',
      format,
      outcome.retryAfterSeconds,
    );
  }
}

/** The OTLP/HTTP answer to a request whose key was refused: 401 / 403, or 429 with Retry-After. */
function sendAuthRefusal(
  res: ServerResponse,
  outcome: Extract<AuthOutcome, { ok: false }>,
  format: WireFormat,
): void {
  if (outcome.reason === 'rate_limited') {
    sendError(res, 429, RpcCode.RESOURCE_EXHAUSTED, outcome.message, format, outcome.retryAfterSeconds);
  } else if (outcome.reason === 'forbidden') {
    sendError(res, 403, RpcCode.PERMISSION_DENIED, outcome.message, format);
  } else {
    res.setHeader('WWW-Authenticate', 'Bearer realm="beacon"');
    sendError(res, 401, RpcCode.UNAUTHENTICATED, outcome.message, format);
  }
}

export function createOtlpHttpReceiver(options: OtlpHttpReceiverOptions): OtlpReceiver {
  const { sink, logger, maxBodyBytes } = options;
  const authenticator = options.authenticator ?? authDisabled;
  const rejected = (count: number, reason: SpanRejectReason) => options.onRejected?.(count, reason);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  let stopping = false;

  /**
   * The request body within the size limit, or null once an error was answered. `rejected` counts refusals as
   * spans only for trace requests: a refused logs request is no span.
   */
  async function readBody(
    req: IncomingMessage,
    res: ServerResponse,
    format: WireFormat,
    countRejected: (count: number, reason: SpanRejectReason) => void,
  ): Promise<Buffer | null> {
    const encoding = contentEncodingOf(req);
    if (!encoding) {
      countRejected(1, 'unsupported_media_type');
      const header = req.headers['content-encoding'];
      sendError(
        res,
        415,
        RpcCode.INVALID_ARGUMENT,
        `unsupported Content-Encoding "${header}": use gzip, deflate or identity`,
        format,
      );
      return null;
    }
    const declaredBytes = Number(req.headers['content-length']);
    if (declaredBytes > maxBodyBytes) {
      // Answer before reading; the connection is closed rather than drained.
      countRejected(1, 'too_large');
      res.setHeader('Connection', 'close');
      sendError(res, 413, RpcCode.RESOURCE_EXHAUSTED, `request body exceeds ${maxBodyBytes} bytes`, format);
      return null;
    }

    let body: Buffer;
    try {
      body = await readRequestBody(req, encoding, maxBodyBytes);
    } catch (err) {
      if (err instanceof RequestAbortedError) {
        logger.debug({ err }, 'OTLP/HTTP request aborted');
        return null;
      }
      if (err instanceof BodyTooLargeError) {
        countRejected(1, 'too_large');
        res.setHeader('Connection', 'close');
        sendError(res, 413, RpcCode.RESOURCE_EXHAUSTED, err.message, format);
        return null;
      }
      if (err instanceof InvalidBodyEncodingError) {
        countRejected(1, 'malformed_request');
        sendError(res, 400, RpcCode.INVALID_ARGUMENT, err.message, format);
        return null;
      }
      throw err;
    }
    return body;
  }

  function handleTraces(body: Buffer, res: ServerResponse, format: WireFormat, tenant: string): void {
    const protocol: ReceiverProtocol = format === 'json' ? 'http_json' : 'http_protobuf';
    let decoded: DecodedTraceRequest;
    try {
      decoded =
        format === 'json'
          ? decodeTracesJsonRequest(body, options.decodeLimits)
          : decodeTracesProtobufRequest(body, options.decodeLimits);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      rejected(1, 'malformed_request');
      logger.debug({ protocol, error: err.message }, 'malformed OTLP/HTTP request');
      sendError(res, 400, RpcCode.INVALID_ARGUMENT, err.message, format);
      return;
    }

    const result = decoded.result;
    if (result.spans.length > 0) {
      const outcome = sink.accept(result.spans, protocol, tenant);
      if (!outcome.accepted) {
        rejected(result.spans.length, outcome.reason);
        logger.debug(
          { protocol, spans: result.spans.length, reason: outcome.reason },
          'OTLP/HTTP batch refused',
        );
        sendRefusal(res, outcome, format);
        return;
      }
    }
    if (result.rejectedSpans > 0) {
      rejected(result.rejectedSpans, 'invalid_span');
      logger.debug(
        { protocol, rejectedSpans: result.rejectedSpans, errors: result.errors },
        'rejected invalid spans',
      );
    }
    teeAccepted(options, decoded);
    send(res, 200, encodeExportResponse(result, format), format);
  }

  function handleLogs(logs: LogSink, body: Buffer, res: ServerResponse, format: WireFormat): void {
    const protocol: ReceiverProtocol = format === 'json' ? 'http_json' : 'http_protobuf';
    let decoded: DecodedLogsRequest;
    try {
      decoded = format === 'json' ? decodeLogsJson(body) : decodeLogsProtobuf(body);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      logger.debug({ protocol, error: err.message }, 'malformed OTLP/HTTP logs request');
      sendError(res, 400, RpcCode.INVALID_ARGUMENT, err.message, format);
      return;
    }
    if (decoded.logRecords > 0)
      logs.accept({ protobuf: decoded.protobuf(), logRecords: decoded.logRecords, protocol });
    send(res, 200, encodeLogsExportResponse(format), format);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (stopping) res.setHeader('Connection', 'close');
    const format = wireFormatOf(req);
    const replyFormat = format ?? 'json';
    setCorsHeaders(req, res);

    const path = pathnameOf(req);
    const logs = options.logs;
    if (path === OTLP_HTTP_LOGS_PATH && !logs) {
      const message =
        'this collector does not take OTLP logs: set BEACON_FORWARD_LOGS_ENDPOINT to have them forwarded (e.g. to Loki)';
      sendError(res, 404, RpcCode.NOT_FOUND, message, replyFormat);
      return;
    }
    if (path !== OTLP_HTTP_TRACES_PATH && path !== OTLP_HTTP_LOGS_PATH) {
      sendError(
        res,
        404,
        RpcCode.NOT_FOUND,
        `no OTLP endpoint at ${path}: send traces to POST ${OTLP_HTTP_TRACES_PATH}`,
        replyFormat,
      );
      return;
    }
    if (req.method === 'OPTIONS') {
      answerPreflight(req, res);
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', ALLOWED_METHODS);
      sendError(res, 405, RpcCode.UNIMPLEMENTED, `method ${req.method} not allowed: use POST`, replyFormat);
      return;
    }
    const isLogs = path === OTLP_HTTP_LOGS_PATH;
    if (!format) {
      if (!isLogs) rejected(1, 'unsupported_media_type');
      const contentType = req.headers['content-type'] ?? '';
      const message = `unsupported Content-Type "${contentType}": use application/x-protobuf or application/json`;
      sendError(res, 415, RpcCode.INVALID_ARGUMENT, message, replyFormat);
      return;
    }
    // Before the body is read: an unauthenticated client costs no decompression or decoding.
    const auth = await authenticator.authorize(credentialFromHeaders(req.headers), 'ingest');
    if (!auth.ok) {
      if (!isLogs) rejected(1, auth.reason === 'rate_limited' ? 'rate_limited' : 'unauthorized');
      logger.debug({ reason: auth.reason }, 'OTLP/HTTP request refused by auth');
      // The body is not read: close rather than drain it.
      res.setHeader('Connection', 'close');
      sendAuthRefusal(res, auth, format);
      return;
    }
    if (options.memoryLimiter?.refusesRequest()) {
      if (!isLogs) rejected(1, 'queue_full');
      // Not read: closing beats draining a body we refuse for lack of memory.
      res.setHeader('Connection', 'close');
      sendError(
        res,
        429,
        RpcCode.RESOURCE_EXHAUSTED,
        'collector memory is near its limit, retry later',
        format,
        1,
      );
      return;
    }
    const body = await readBody(req, res, format, isLogs ? () => {} : rejected);
    if (body === null) return;
    if (logs && isLogs) handleLogs(logs, body, res, format);
    else handleTraces(body, res, format, auth.principal.tenant);
  }

  // Responses not yet started when stop() is called: told to close their connection instead of keeping it alive.
  const inFlight = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    handle(req, res).catch((err: unknown) => {
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
