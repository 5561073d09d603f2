// OTLP/HTTP requests: routing (path, method, Content-Type), auth and memory checks before the body is read, then
// decoding and handing traces to the sink or logs to the log sink.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Authenticator, credentialFromHeaders } from '../auth/index.js';
import type { ReceiverProtocol, SpanRejectReason } from '../model.js';
import { type DecodedTraceRequest, DecodeError } from './decode.js';
import { decodeTracesJsonRequest } from './decode-json.js';
import { type DecodedLogsRequest, decodeLogsJson, decodeLogsProtobuf } from './decode-logs.js';
import { decodeTracesProtobufRequest } from './decode-protobuf.js';
import {
  ALLOWED_METHODS,
  answerPreflight,
  send,
  sendAuthRefusal,
  sendError,
  sendRefusal,
  setCorsHeaders,
  wireFormatOf,
} from './http-answers.js';
import {
  BodyTooLargeError,
  contentEncodingOf,
  InvalidBodyEncodingError,
  RequestAbortedError,
  readRequestBody,
} from './http-body.js';
import { type LogSink, type OtlpReceiverOptions, teeAccepted } from './receiver.js';
import { encodeExportResponse, encodeLogsExportResponse, RpcCode, type WireFormat } from './responses.js';

export const OTLP_HTTP_TRACES_PATH = '/v1/traces';
export const OTLP_HTTP_LOGS_PATH = '/v1/logs';

/** What handling a request needs from its receiver. */
export interface HttpRequestContext {
  options: OtlpReceiverOptions;
  /** Largest body accepted, both as sent and after decompression. */
  maxBodyBytes: number;
  authenticator: Authenticator;
  /** Counts spans not taken (the receiver's onRejected). */
  rejected: (count: number, reason: SpanRejectReason) => void;
  /** stop() was called: answers close their connection. */
  stopping: () => boolean;
}

function pathnameOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * The request body within the size limit, or null once an error was answered. `rejected` counts refusals as
 * spans only for trace requests: a refused logs request is no span.
 */
async function readBody(
  context: HttpRequestContext,
  req: IncomingMessage,
  res: ServerResponse,
  format: WireFormat,
  countRejected: (count: number, reason: SpanRejectReason) => void,
): Promise<Buffer | null> {
  const { options, maxBodyBytes } = context;
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
      options.logger.debug({ err }, 'OTLP/HTTP request aborted');
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

function handleTraces(
  context: HttpRequestContext,
  body: Buffer,
  res: ServerResponse,
  format: WireFormat,
  tenant: string,
): void {
  const { options, rejected } = context;
  const { sink, logger } = options;
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

function handleLogs(
  context: HttpRequestContext,
  logs: LogSink,
  body: Buffer,
  res: ServerResponse,
  format: WireFormat,
): void {
  const { logger } = context.options;
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

/** Answers one request (the receiver logs and answers 500 for a throw). */
export async function handleRequest(
  context: HttpRequestContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { options, authenticator, rejected } = context;
  const { logger } = options;
  if (context.stopping()) res.setHeader('Connection', 'close');
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
  const body = await readBody(context, req, res, format, isLogs ? () => {} : rejected);
  if (body === null) return;
  if (logs && isLogs) handleLogs(context, logs, body, res, format);
  else handleTraces(context, body, res, format, auth.principal.tenant);
}
