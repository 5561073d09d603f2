// Builds OTLP/JSON trace requests for integration tests: GenAI spans with current timestamps (older spans fall
// outside the retention TTL) and random ids.
import { randomBytes } from 'node:crypto';

export type AttrInput = string | number | boolean | string[];

export interface SpanSpec {
  name: string;
  attributes: Record<string, AttrInput>;
  /** Defaults to a root span. */
  parent?: string;
  spanId?: string;
  error?: string;
  durationMs?: number;
}

function anyValue(value: AttrInput): Record<string, unknown> {
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => ({ stringValue: v })) } };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

export const newSpanId = () => randomBytes(8).toString('hex');
export const newTraceId = () => randomBytes(16).toString('hex');

/** One trace of one service as an ExportTraceServiceRequest (OTLP/JSON). */
export function traceRequest(service: string, spans: SpanSpec[], traceId = newTraceId()): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'beacon-integration' },
            spans: spans.map((s) => ({
              traceId,
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
              status: s.error ? { code: 2, message: s.error } : { code: 1 },
            })),
          },
        ],
      },
    ],
  });
}

export async function postTraces(baseUrl: string, body: string): Promise<Response> {
  const res = await fetch(`${baseUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  if (res.status !== 200) throw new Error(`OTLP export answered ${res.status}: ${await res.text()}`);
  return res;
}
