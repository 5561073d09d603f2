// Shared by the query API tests: an OTLP/JSON builder with the span features the API reads back (start offsets,
// events, links, trace state, scope version, resource attributes), and small HTTP helpers.
import { newSpanId, newTraceId, postTracesOk } from '../support/otlp-json.js';

export { newSpanId, newTraceId };

type AttrInput = string | number | boolean | string[];

export interface ApiSpanSpec {
  name: string;
  spanId?: string;
  parent?: string;
  attributes?: Record<string, AttrInput>;
  /** Start relative to the trace's base time. */
  startOffsetMs?: number;
  durationMs?: number;
  /** OTLP status code; `error` sets ERROR with that message. */
  statusCode?: number;
  error?: string;
  kind?: number;
  traceState?: string;
  events?: { name: string; offsetMs: number; attributes?: Record<string, AttrInput> }[];
  links?: { traceId: string; spanId: string; attributes?: Record<string, AttrInput> }[];
}

export interface ApiTraceSpec {
  traceId?: string;
  service: string;
  /** Base time of the trace (ms since the epoch); default now. */
  startMs?: number;
  resource?: Record<string, AttrInput>;
  scopeVersion?: string;
  spans: ApiSpanSpec[];
}

function anyValue(value: AttrInput): Record<string, unknown> {
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => ({ stringValue: v })) } };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

const keyValues = (attributes: Record<string, AttrInput> = {}) =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));

const msToNs = (ms: number) => BigInt(Math.round(ms * 1000)) * 1000n;

/** One OTLP/JSON ExportTraceServiceRequest holding the given traces. */
export function otlpRequest(traces: ApiTraceSpec[]): string {
  return JSON.stringify({
    resourceSpans: traces.map((trace) => {
      const traceId = trace.traceId ?? newTraceId();
      const base = msToNs(trace.startMs ?? Date.now());
      return {
        resource: { attributes: keyValues({ 'service.name': trace.service, ...trace.resource }) },
        scopeSpans: [
          {
            scope: { name: 'beacon-api-test', version: trace.scopeVersion ?? '1.0.0' },
            spans: trace.spans.map((s) => {
              const start = base + msToNs(s.startOffsetMs ?? 0);
              return {
                traceId,
                spanId: s.spanId ?? newSpanId(),
                parentSpanId: s.parent ?? '',
                traceState: s.traceState ?? '',
                name: s.name,
                kind: s.kind ?? 1,
                startTimeUnixNano: String(start),
                endTimeUnixNano: String(start + msToNs(s.durationMs ?? 100)),
                attributes: keyValues(s.attributes),
                events: (s.events ?? []).map((e) => ({
                  name: e.name,
                  timeUnixNano: String(start + msToNs(e.offsetMs)),
                  attributes: keyValues(e.attributes),
                })),
                links: (s.links ?? []).map((l) => ({
                  traceId: l.traceId,
                  spanId: l.spanId,
                  attributes: keyValues(l.attributes),
                })),
                status: s.error ? { code: 2, message: s.error } : { code: s.statusCode ?? 0 },
              };
            }),
          },
        ],
      };
    }),
  });
}

/** Sends traces through the collector's OTLP/HTTP receiver (the whole ingest pipeline). */
export async function sendTraces(httpUrl: string, traces: ApiTraceSpec[]): Promise<void> {
  await postTracesOk(httpUrl, otlpRequest(traces));
}

export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function api<T = unknown>(
  baseUrl: string,
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<ApiAnswer<T>> {
  const { json, ...rest } = init;
  const res = await fetch(`${baseUrl}${path}`, {
    ...rest,
    ...(json === undefined
      ? {}
      : { body: JSON.stringify(json), headers: { 'content-type': 'application/json', ...rest.headers } }),
  });
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: body as T, text };
}

/** GET that must answer 200. */
export async function getOk<T>(baseUrl: string, path: string): Promise<T> {
  const answer = await api<T>(baseUrl, path);
  if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.text}`);
  return answer.body;
}

/** Answers a 400 whose message names the parameter. */
export function expectBadRequest(answer: ApiAnswer, parameter: string): void {
  const body = answer.body as { error?: { code?: string; message?: string } };
  if (
    answer.status !== 400 ||
    body.error?.code !== 'bad_request' ||
    !body.error.message?.includes(parameter)
  ) {
    throw new Error(`expected a 400 naming ${parameter}, got ${answer.status}: ${answer.text}`);
  }
}

/** Strings that would change a query's meaning if they were ever spliced into SQL. */
export const INJECTIONS = [
  "' OR 1=1 --",
  "x') OR ('1'='1",
  "'; DROP TABLE otel_traces; --",
  "\\' OR 1=1 /*",
  '`otel_traces`',
  '{q:String}',
  "x' UNION ALL SELECT TraceId FROM otel_traces --",
  'line\nbreak\ttab',
  '%27%20OR%201%3D1',
];
