// OTLP/HTTP export of already-encoded requests (protobuf) with Node's fetch; hand-written rather than the OTel
// SDK's OTLP/HTTP exporter for the same reason as the gRPC transport: that one serializes SDK records, not bytes.
import type { ForwardTransport, SendOutcome } from './transport.js';

/** OTLP/HTTP: the statuses a client retries. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
/** Enough of an error body for a log line. */
const MAX_ERROR_BODY_CHARS = 200;

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function createHttpTransport(endpoint: string): ForwardTransport {
  const url = new URL(endpoint);
  return {
    target: url.href,
    async send(body, timeoutMs, signal): Promise<SendOutcome> {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-protobuf' },
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
        const text = await response.text();
        if (response.ok) return { ok: true };
        const message = `HTTP ${response.status}: ${text.slice(0, MAX_ERROR_BODY_CHARS)}`;
        return {
          ok: false,
          retryable: RETRYABLE_STATUSES.has(response.status),
          message,
          retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
        };
      } catch (err) {
        // Connection refused or reset, DNS, timeout: the target may come back, so all are retried.
        const cause = (err as Error & { cause?: Error }).cause;
        return { ok: false, retryable: true, message: cause?.message ?? (err as Error).message };
      }
    },
    close() {},
  };
}
