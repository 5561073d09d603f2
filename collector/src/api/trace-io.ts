// Trace export (OTLP/JSON, CSV) and import (Beacon's export JSON → the pipeline's span model).
//
// Stored attributes are strings (the contrib exporter's Map(String, String)), and the semconv readers accept
// strings wherever they expect numbers, so an import hands the strings on as they are: normalizing them again
// yields the same GenAI facts, and storing them again the same strings. That makes export → import → export
// give the same document.
import type { Attributes } from '@beacon/semconv';
import { z } from 'zod';
import type {
  Annotation,
  SpanKindName,
  SpanView,
  StatusCodeName,
  TraceExportJson,
} from '../contract/index.js';
import { type DecodedSpan, SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '../model.js';
import { badRequest } from './http.js';

/** The span kind and status names the contrib exporter writes (and so does Beacon's). */
const SPAN_KINDS: readonly SpanKindName[] = SPAN_KIND_NAMES;
const STATUS_CODES: readonly StatusCodeName[] = STATUS_CODE_NAMES;

/** Milliseconds (as SpanView carries durations) → whole nanoseconds. Exact for durations below ~26 days. */
export function msToNanos(ms: number): bigint {
  return BigInt(Math.round(ms * 1e6));
}

// ---- OTLP/JSON ----------------------------------------------------------------------------------------------------

type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number };
type OtlpKeyValue = { key: string; value: OtlpAnyValue };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A stored attribute string → the typed OTLP value it most likely came from, only where storing that value again
 * gives back exactly this string (so a re-import stores the same text); anything else stays a string.
 */
export function otlpValue(text: string): OtlpAnyValue {
  if (text === 'true' || text === 'false') return { boolValue: text === 'true' };
  if (/^(0|-?[1-9]\d{0,18})$/.test(text)) {
    const n = BigInt(text);
    if (n >= INT64_MIN && n <= INT64_MAX) return { intValue: text };
  }
  if (/^-?\d+(\.\d+)?(e[+-]\d+)?$/.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n) && String(n) === text) return { doubleValue: n };
  }
  return { stringValue: text };
}

function keyValues(attributes: Record<string, string>): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: otlpValue(value) }));
}

/** An OTLP/JSON ExportTraceServiceRequest (what POST /v1/traces takes): one ResourceSpans per resource, one ScopeSpans per scope. */
export function toOtlpJson(spans: readonly SpanView[]): { resourceSpans: unknown[] } {
  const resources = new Map<
    string,
    {
      attributes: Record<string, string>;
      scopes: Map<string, { name: string; version: string; spans: unknown[] }>;
    }
  >();
  for (const span of spans) {
    const resourceKey = JSON.stringify(Object.entries(span.resourceAttributes));
    let resource = resources.get(resourceKey);
    if (!resource) {
      resource = { attributes: span.resourceAttributes, scopes: new Map() };
      resources.set(resourceKey, resource);
    }
    const version = span.scopeVersion ?? '';
    const scopeKey = JSON.stringify([span.scopeName, version]);
    let scope = resource.scopes.get(scopeKey);
    if (!scope) {
      scope = { name: span.scopeName, version, spans: [] };
      resource.scopes.set(scopeKey, scope);
    }
    scope.spans.push({
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      traceState: span.traceState ?? '',
      name: span.name,
      kind: Math.max(0, SPAN_KINDS.indexOf(span.kind)),
      startTimeUnixNano: span.startTimeUnixNano,
      endTimeUnixNano: (BigInt(span.startTimeUnixNano) + msToNanos(span.durationMs)).toString(),
      attributes: keyValues(span.attributes),
      events: span.events.map((event) => ({
        timeUnixNano: event.timeUnixNano,
        name: event.name,
        attributes: keyValues(event.attributes),
      })),
      links: span.links.map((link) => ({
        traceId: link.traceId,
        spanId: link.spanId,
        traceState: link.traceState ?? '',
        attributes: keyValues(link.attributes),
      })),
      status: { code: Math.max(0, STATUS_CODES.indexOf(span.statusCode)), message: span.statusMessage },
    });
  }
  return {
    resourceSpans: [...resources.values()].map((resource) => ({
      resource: { attributes: keyValues(resource.attributes) },
      scopeSpans: [...resource.scopes.values()].map((scope) => ({
        scope: { name: scope.name, version: scope.version },
        spans: scope.spans,
      })),
    })),
  };
}

// ---- CSV ----------------------------------------------------------------------------------------------------------

const CSV_COLUMNS: readonly [string, (span: SpanView) => string | number | boolean | null][] = [
  ['traceId', (s) => s.traceId],
  ['spanId', (s) => s.spanId],
  ['parentSpanId', (s) => s.parentSpanId],
  ['name', (s) => s.name],
  ['kind', (s) => s.kind],
  ['serviceName', (s) => s.serviceName],
  ['scopeName', (s) => s.scopeName],
  ['startTimeUnixNano', (s) => s.startTimeUnixNano],
  ['durationMs', (s) => s.durationMs],
  ['statusCode', (s) => s.statusCode],
  ['statusMessage', (s) => s.statusMessage],
  ['operation', (s) => s.genai?.operation ?? null],
  ['provider', (s) => s.genai?.provider ?? null],
  ['requestModel', (s) => s.genai?.requestModel ?? null],
  ['responseModel', (s) => s.genai?.responseModel ?? null],
  ['agentName', (s) => s.genai?.agentName ?? null],
  ['toolName', (s) => s.genai?.toolName ?? null],
  ['inputTokens', (s) => s.genai?.usage.inputTokens ?? null],
  ['outputTokens', (s) => s.genai?.usage.outputTokens ?? null],
  ['cacheReadTokens', (s) => s.genai?.usage.cacheReadTokens ?? null],
  ['cacheWriteTokens', (s) => s.genai?.usage.cacheWriteTokens ?? null],
  ['reasoningTokens', (s) => s.genai?.usage.reasoningTokens ?? null],
  ['costUsd', (s) => s.genai?.costUsd ?? null],
  ['unpriced', (s) => s.genai?.unpriced ?? null],
  ['usageMissing', (s) => s.genai?.usageMissing ?? null],
  ['errorType', (s) => s.genai?.errorType ?? null],
  ['attributes', (s) => JSON.stringify(s.attributes)],
  ['resourceAttributes', (s) => JSON.stringify(s.resourceAttributes)],
];

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; null is an empty field. */
function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row per span, with a header row; CRLF line ends. */
export function toCsv(spans: readonly SpanView[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const span of spans) lines.push(CSV_COLUMNS.map(([, get]) => csvField(get(span))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

// ---- Import of Beacon's export JSON -------------------------------------------------------------------------------

/** A plain object of string values; validated without copying (the copy below keeps `__proto__` an ordinary key). */
const stringRecord = z.custom<Record<string, string>>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string'),
  { message: 'expected an object of string values' },
);
const hex = (chars: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-fA-F]{${chars}}$`), `expected ${chars} hex characters`)
    .refine((id) => /[1-9a-fA-F]/.test(id), 'an all-zero id is invalid')
    .transform((id) => id.toLowerCase());
const optionalHex = (chars: number) => z.union([z.literal(''), hex(chars)]);
const nanos = z.string().regex(/^\d{1,19}$/, 'expected nanoseconds since the epoch as a decimal string');

const annotationSchema = z.object({
  id: z.string().min(1).max(100),
  text: z.string(),
  author: z.string().nullable(),
  createdAt: nanos,
});

const spanSchema = z.object({
  traceId: hex(32),
  spanId: hex(16),
  parentSpanId: optionalHex(16),
  name: z.string(),
  kind: z.enum(SPAN_KINDS as [SpanKindName, ...SpanKindName[]]),
  serviceName: z.string(),
  scopeName: z.string(),
  startTimeUnixNano: nanos.refine((ns) => !/^0+$/.test(ns), 'must be after the epoch'),
  durationMs: z.number().nonnegative(),
  statusCode: z.enum(STATUS_CODES as [StatusCodeName, ...StatusCodeName[]]),
  statusMessage: z.string(),
  attributes: stringRecord,
  resourceAttributes: stringRecord,
  events: z.array(z.object({ timeUnixNano: nanos, name: z.string(), attributes: stringRecord })),
  links: z.array(
    z.object({
      traceId: optionalHex(32),
      spanId: optionalHex(16),
      attributes: stringRecord,
      traceState: z.string().optional(),
    }),
  ),
  annotations: z.array(annotationSchema).max(1000).default([]),
  traceState: z.string().optional(),
  scopeVersion: z.string().optional(),
});

const exportSchema = z.object({
  format: z.literal('beacon.trace.v1'),
  trace: z.object({ traceId: hex(32), tags: z.array(z.string()).default([]) }),
  spans: z.array(spanSchema),
});

export interface ParsedExport {
  spans: DecodedSpan[];
  traceId: string;
  tags: string[];
  annotations: { spanId: string; annotations: Annotation[] }[];
}

/** Copies a string record into a null-prototype object (a `__proto__` attribute key stays a key). */
function attributes(record: Record<string, string>): Attributes {
  const out: Attributes = Object.create(null);
  for (const [key, value] of Object.entries(record)) out[key] = value;
  return out;
}

/** Validates a TraceExportJson body (400 naming the first bad field) and turns it into decoded spans. */
export function parseTraceExport(body: unknown): ParsedExport {
  const parsed = exportSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw badRequest(`body${path}: ${issue.message}`);
  }
  const doc = parsed.data;
  const foreign = doc.spans.find((span) => span.traceId !== doc.trace.traceId);
  if (foreign) throw badRequest(`body.spans: span ${foreign.spanId} is not of trace ${doc.trace.traceId}`);
  const spans = doc.spans.map((span): DecodedSpan => {
    const start = BigInt(span.startTimeUnixNano);
    const resource = attributes(span.resourceAttributes);
    return {
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      traceState: span.traceState ?? '',
      name: span.name,
      kind: SPAN_KINDS.indexOf(span.kind),
      startTimeUnixNano: start,
      endTimeUnixNano: start + msToNanos(span.durationMs),
      attributes: attributes(span.attributes),
      events: span.events.map((event) => ({
        timeUnixNano: BigInt(event.timeUnixNano),
        name: event.name,
        attributes: attributes(event.attributes),
      })),
      links: span.links.map((link) => ({
        traceId: link.traceId,
        spanId: link.spanId,
        traceState: link.traceState ?? '',
        attributes: attributes(link.attributes),
      })),
      statusCode: STATUS_CODES.indexOf(span.statusCode),
      statusMessage: span.statusMessage,
      resource,
      serviceName: span.serviceName,
      scopeName: span.scopeName,
      scopeVersion: span.scopeVersion ?? '',
    };
  });
  return {
    spans,
    traceId: doc.trace.traceId,
    tags: doc.trace.tags,
    annotations: doc.spans
      .filter((span) => span.annotations.length > 0)
      .map((span) => ({ spanId: span.spanId, annotations: span.annotations })),
  };
}

export function isTraceExport(body: unknown): body is TraceExportJson {
  return (
    typeof body === 'object' && body !== null && (body as { format?: unknown }).format === 'beacon.trace.v1'
  );
}
