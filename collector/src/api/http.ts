// HTTP plumbing of the API port: JSON answers, API errors, JSON request bodies, CORS.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError, type DomainErrorCode } from '../errors.js';

/** An answer other than 2xx, as `{ error: { code, message } }` (ApiErrorBody). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** 400 — the message names the parameter (or body field) at fault. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'bad_request', message);
}

export function notFound(message: string): ApiError {
  return new ApiError(404, 'not_found', message);
}

/** How the API answers each domain error: its status and the `error.code` of the body. */
const ANSWER_OF_DOMAIN_ERROR: Readonly<Record<DomainErrorCode, { status: number; code: string }>> = {
  invalid_argument: { status: 400, code: 'bad_request' },
  not_found: { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  unavailable: { status: 503, code: 'unavailable' },
  provider_error: { status: 502, code: 'provider_error' },
};

/** The API answer of an error a route may throw: ApiErrors as they are, domain errors mapped; null for the rest. */
export function apiErrorOf(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (!(err instanceof DomainError)) return null;
  const answer = ANSWER_OF_DOMAIN_ERROR[err.code];
  const headers: Record<string, string> =
    err.retryAfterSeconds === undefined ? {} : { 'retry-after': String(err.retryAfterSeconds) };
  return new ApiError(answer.status, answer.code, err.message, headers);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

export function sendApiError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.status, { error: { code: err.code, message: err.message } }, err.headers);
}

/** The media type of the Content-Type header, lowercased, without parameters. */
function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

const isJsonMediaType = (type: string) =>
  type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);

/** A parsed JSON value that is an object: not null, not an array. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a JSON request body: 415 unless Content-Type is JSON and the body is not compressed, 413 past `maxBytes`
 * (from Content-Length up front, else while reading), 400 when it does not parse.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = mediaTypeOf(req);
  if (!isJsonMediaType(type)) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      `Content-Type must be application/json, got ${type || 'none'}`,
    );
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') {
    throw new ApiError(415, 'unsupported_media_type', `Content-Encoding ${encoding} is not supported`);
  }
  const tooLarge = () =>
    // The rest of the body is not read: close the connection rather than drain it.
    new ApiError(413, 'payload_too_large', `request body exceeds ${maxBytes} bytes`, { connection: 'close' });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();

  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        // Stop reading but leave the socket alone, so the 413 reaches the client (then the connection closes).
        done();
        req.pause();
        reject(tooLarge());
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks, bytes).toString('utf8'));
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8's message quotes the body around the error; a body may hold a provider key (replay), so only the position
    // is echoed back.
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    throw badRequest(`body: invalid JSON${position === undefined ? '' : ` at position ${position}`}`);
  }
}

/**
 * Which browser origins may read the API. `*` = any; `localhost` = any http(s) origin on localhost, 127.0.0.1 or
 * [::1] (dev servers of the UI and the Grafana plugin); otherwise exact origins. Requests without an Origin header
 * (curl, Grafana's server-side plugin proxy, the UI served from this port) need no CORS at all.
 */
export class CorsPolicy {
  readonly #any: boolean;
  readonly #localhost: boolean;
  readonly #origins: Set<string>;

  constructor(allowed: readonly string[]) {
    this.#any = allowed.includes('*');
    this.#localhost = allowed.includes('localhost');
    this.#origins = new Set(
      allowed.filter((o) => o !== '*' && o !== 'localhost').map((o) => o.toLowerCase()),
    );
  }

  allows(origin: string): boolean {
    if (this.#any || this.#origins.has(origin.toLowerCase())) return true;
    if (!this.#localhost) return false;
    try {
      const url = new URL(origin);
      return (
        (url.protocol === 'http:' || url.protocol === 'https:') &&
        ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
      );
    } catch {
      return false;
    }
  }

  /** Adds the CORS headers of an actual (non-preflight) response when the request's origin is allowed. */
  apply(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    res.setHeader('vary', 'Origin');
    if (!origin || !this.allows(origin)) return;
    res.setHeader('access-control-allow-origin', this.#any ? '*' : origin);
    res.setHeader('access-control-expose-headers', 'Content-Disposition, Retry-After');
  }

  /** Answers an OPTIONS preflight: 204, with the allowances only for an allowed origin. */
  preflight(req: IncomingMessage, res: ServerResponse, methods: string): void {
    this.apply(req, res);
    if (res.hasHeader('access-control-allow-origin')) {
      res.setHeader('access-control-allow-methods', methods);
      res.setHeader(
        'access-control-allow-headers',
        req.headers['access-control-request-headers'] ?? 'Content-Type, Authorization',
      );
      res.setHeader('access-control-max-age', '600');
    }
    res.writeHead(204).end();
  }
}
