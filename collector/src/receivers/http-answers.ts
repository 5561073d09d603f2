// OTLP/HTTP answers: the status, body encoding and headers (CORS, Retry-After, WWW-Authenticate) of each reply
// the HTTP receiver gives.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthOutcome } from '../auth/index.js';
import type { AcceptOutcome } from '../model.js';
import { encodeRpcStatus, RpcCode, rpcStatus, type WireFormat } from './responses.js';

export const CONTENT_TYPES: Record<WireFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};
export const ALLOWED_METHODS = 'POST, OPTIONS';
const PREFLIGHT_MAX_AGE_SECONDS = 86_400;

/** The wire format named by the Content-Type header (parameters such as charset ignored), or null. */
export function wireFormatOf(req: IncomingMessage): WireFormat | null {
  const mediaType = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === CONTENT_TYPES.protobuf) return 'protobuf';
  if (mediaType === CONTENT_TYPES.json) return 'json';
  return null;
}

/** Browser exporters send cross-origin POSTs; the endpoint has no cookies to protect, so any origin may post. */
export function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  if (!req.headers.origin) return;
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
}

export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
  res.setHeader(
    'Access-Control-Allow-Headers',
    req.headers['access-control-request-headers'] ?? 'Content-Type, Content-Encoding',
  );
  res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
  res.writeHead(204).end();
}

export function send(res: ServerResponse, httpStatus: number, body: Buffer, format: WireFormat): void {
  res
    .writeHead(httpStatus, { 'Content-Type': CONTENT_TYPES[format], 'Content-Length': body.length })
    .end(body);
}

export function sendError(
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
export function sendRefusal(
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
export function sendAuthRefusal(
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
