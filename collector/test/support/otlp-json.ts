// Builds OTLP/JSON trace requests for tests: GenAI spans with current timestamps (older spans fall outside the
// retention TTL and are never stored) and random ids.
import { randomBytes } from 'node:crypto';

export type AttrInput = string | number | boolean | string[];

export interface SpanSpec {
  name: string;
  attributes: Record<string, AttrInput>;
  /** Defaults to a root span. */
  parent?: string;
  spanId?: string;
  /** Defaults to the request's trace id. */
  traceId?: string;
  /** OTLP status code (0 UNSET, 1 OK, 2 ERROR); `error` sets ERROR with that message. */
  statusCode?: number;
  error?: string;
  durationMs?: number;
}

export const newTraceId = () => randomBytes(16).toString('hex');
export const newSpanId = () => randomBytes(8).toString('hex');

function anyValue(value: AttrInput): Record<string, unknown> {
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => ({ stringValue: v })) } };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/** One ExportTraceServiceRequest (OTLP/JSON) for one service; spans start now. */
export function traceRequest(service: string, spans: SpanSpec[], traceId = newTraceId()): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'beacon-test' },
            spans: spans.map((s) => ({
              traceId: s.traceId ?? traceId,
              spanId: s.spanId ?? newSpanId(),
              parentSpanId: s.parent ?? '',
              name: s.name,
              kind: 3,
              startTimeUnixNano: String(now),
              endTimeUnixNano: String(now + BigInt(s.durationMs ?? 100) * 1_000_000n),
              attributes: Object.entries(s.attributes).map(([key, value]) => ({
                key,
                value: anyValue(value),
              })),
              status: s.error ? { code: 2, message: s.error } : { code: s.statusCode ?? 0 },
            })),
          },
        ],
      },
    ],
  });
}

/** POSTs an OTLP request to a collector's HTTP receiver and returns the answer, whatever its status. */
export async function postTraces(
  httpUrl: string,
  body: string | Buffer,
  contentType = 'application/json',
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${httpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** Like postTraces, but throws unless the collector accepted the request (200). */
export async function postTracesOk(httpUrl: string, body: string): Promise<void> {
  const { status, text } = await postTraces(httpUrl, body);
  if (status !== 200) throw new Error(`OTLP export answered ${status}: ${text}`);
}
