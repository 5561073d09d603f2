// Shared by the protobuf and JSON decoders: turns a decoded ExportTraceServiceRequest into Beacon's span model and
// applies the per-span validity rules of the OTLP spec (invalid spans are rejected one by one, the rest kept).
import type { Attributes, AttrValue } from '@beacon/semconv';
import type { DecodedSpan, DecodeResult, SpanEvent, SpanLink } from '../model.js';
import type {
  Int64,
  OtlpAnyValue,
  OtlpExportTraceServiceRequest,
  OtlpKeyValue,
  OtlpLink,
  OtlpSpan,
} from './otlp-proto.js';

/** The whole request is malformed: answered with 400 / INVALID_ARGUMENT and never retried. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

export const UNKNOWN_SERVICE = 'unknown_service';

/** Limits on what one request may hold; beyond them the whole request is refused (400 / INVALID_ARGUMENT). */
export interface DecodeLimits {
  /** BEACON_MAX_SPANS_PER_REQUEST */
  maxSpansPerRequest: number;
  /** BEACON_MAX_JSON_DEPTH: nesting of arrays and objects in an OTLP/JSON body. */
  maxJsonDepth: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxSpansPerRequest: 10_000, maxJsonDepth: 64 };

/** Rejection reasons kept per request: enough to diagnose a client, small enough for a response body. */
const MAX_REPORTED_ERRORS = 10;

const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;
const MAX_SPAN_KIND = 5;
const MAX_STATUS_CODE = 2;

const ANY_VALUE_FIELDS = [
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue',
] as const;

const hasOwn = (object: object, key: string) => Object.hasOwn(object, key);

/** Assigns without letting a `__proto__` key from the wire replace the object's prototype. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true });
  else target[key] = value;
}

export function int64ToBigInt(value: Int64 | null | undefined): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string') return BigInt(value);
  const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return value.unsigned ? bits : BigInt.asIntN(64, bits);
}

function int64ToAttrValue(value: Int64): AttrValue {
  const big = int64ToBigInt(value);
  const asNumber = Number(big);
  return Number.isSafeInteger(asNumber) ? asNumber : big.toString();
}

export function toHex(bytes: Uint8Array | null | undefined): string {
  if (!bytes || bytes.length === 0) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The first of ANY_VALUE_FIELDS set on `value` (own and not null), or undefined. */
function anyValueField(value: OtlpAnyValue): (typeof ANY_VALUE_FIELDS)[number] | undefined {
  for (let i = 0; i < ANY_VALUE_FIELDS.length; i++) {
    const name = ANY_VALUE_FIELDS[i]!;
    if (value[name] != null && hasOwn(value, name)) return name;
  }
  return undefined;
}

export function anyValueToAttrValue(value: OtlpAnyValue | null | undefined): AttrValue {
  if (!value) return null;
  // Own properties only: decoded protobufjs messages keep every oneof member's default on the prototype.
  // Strings first: most attribute values are, and stringValue comes first in ANY_VALUE_FIELDS anyway.
  const text = value.stringValue;
  if (typeof text === 'string' && hasOwn(value, 'stringValue')) return text;
  const field = anyValueField(value);
  switch (field) {
    case 'stringValue':
      return value.stringValue!;
    case 'boolValue':
      return value.boolValue!;
    case 'intValue':
      return int64ToAttrValue(value.intValue!);
    case 'doubleValue':
      return value.doubleValue!;
    case 'arrayValue':
      return (value.arrayValue!.values ?? []).map(anyValueToAttrValue);
    case 'kvlistValue':
      return keyValuesToAttributes(value.kvlistValue!.values);
    case 'bytesValue':
      return Buffer.from(value.bytesValue!).toString('base64');
    default:
      return null;
  }
}

export function keyValuesToAttributes(keyValues: OtlpKeyValue[] | null | undefined): Attributes {
  const attributes: Attributes = {};
  for (const keyValue of keyValues ?? [])
    setOwn(attributes, keyValue.key ?? '', anyValueToAttrValue(keyValue.value));
  return attributes;
}

function isAllZero(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 0);
}

function idProblem(
  field: string,
  bytes: Uint8Array | null | undefined,
  expectedBytes: number,
): string | null {
  if (!bytes || bytes.length === 0) return `missing ${field}`;
  if (bytes.length !== expectedBytes)
    return `invalid ${field}: expected ${expectedBytes} bytes, got ${bytes.length}`;
  if (isAllZero(bytes)) return `invalid ${field}: all zeros`;
  return null;
}

/** Why OTLP says this span must be rejected, or null when it is valid. */
function spanProblem(span: OtlpSpan, start: bigint, end: bigint): string | null {
  const problem =
    idProblem('traceId', span.traceId, TRACE_ID_BYTES) ?? idProblem('spanId', span.spanId, SPAN_ID_BYTES);
  if (problem) return problem;
  const parentBytes = span.parentSpanId?.length ?? 0;
  if (parentBytes !== 0 && parentBytes !== SPAN_ID_BYTES) {
    return `invalid parentSpanId: expected ${SPAN_ID_BYTES} bytes or empty, got ${parentBytes}`;
  }
  if (start === 0n) return 'missing startTimeUnixNano';
  if (end < start) return 'endTimeUnixNano is before startTimeUnixNano';
  return null;
}

function toLink(link: OtlpLink): SpanLink {
  return {
    traceId: toHex(link.traceId),
    spanId: toHex(link.spanId),
    traceState: link.traceState ?? '',
    attributes: keyValuesToAttributes(link.attributes),
  };
}

/** Enum values from a newer or broken client fall back to UNSPECIFIED / UNSET rather than failing the span. */
function enumOrZero(value: number | null | undefined, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max ? value : 0;
}

function serviceNameOf(resource: Attributes): string {
  const name = resource['service.name'];
  return typeof name === 'string' && name !== '' ? name : UNKNOWN_SERVICE;
}

/** Converts a decoded (protobuf or ProtoJSON) request; spans that break OTLP's rules are counted, not kept. */
export function requestToDecodeResult(
  request: OtlpExportTraceServiceRequest,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): DecodeResult {
  checkSpanCount(request, limits.maxSpansPerRequest);
  const spans: DecodedSpan[] = [];
  const errors = new Set<string>();
  let rejectedSpans = 0;

  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = keyValuesToAttributes(resourceSpans.resource?.attributes);
    const serviceName = serviceNameOf(resource);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scopeName = scopeSpans.scope?.name ?? '';
      const scopeVersion = scopeSpans.scope?.version ?? '';
      for (const span of scopeSpans.spans ?? []) {
        const startTimeUnixNano = int64ToBigInt(span.startTimeUnixNano);
        const endTimeUnixNano = int64ToBigInt(span.endTimeUnixNano);
        const problem = spanProblem(span, startTimeUnixNano, endTimeUnixNano);
        if (problem) {
          rejectedSpans++;
          if (errors.size < MAX_REPORTED_ERRORS) errors.add(problem);
          continue;
        }
        // An all-zero parent is how some SDKs spell "no parent".
        const parentSpanId =
          span.parentSpanId && !isAllZero(span.parentSpanId) ? toHex(span.parentSpanId) : '';
        spans.push({
          traceId: toHex(span.traceId),
          spanId: toHex(span.spanId),
          parentSpanId,
          traceState: span.traceState ?? '',
          name: span.name ?? '',
          kind: enumOrZero(span.kind, MAX_SPAN_KIND),
          startTimeUnixNano,
          endTimeUnixNano,
          attributes: keyValuesToAttributes(span.attributes),
          events: (span.events ?? []).map(
            (event): SpanEvent => ({
              timeUnixNano: int64ToBigInt(event.timeUnixNano),
              name: event.name ?? '',
              attributes: keyValuesToAttributes(event.attributes),
            }),
          ),
          links: (span.links ?? []).map(toLink),
          statusCode: enumOrZero(span.status?.code, MAX_STATUS_CODE),
          statusMessage: span.status?.message ?? '',
          resource,
          serviceName,
          scopeName,
          scopeVersion,
        });
      }
    }
  }
  return { spans, rejectedSpans, errors: [...errors] };
}

/**
 * The whole request is refused rather than its first N spans kept (partial_success): an oversized batch is a client
 * misconfiguration, a 400 naming the limit is what its operator sees in the exporter's log, and nothing is stored as a
 * trace silently missing its tail.
 */
function checkSpanCount(request: OtlpExportTraceServiceRequest, max: number): void {
  let count = 0;
  for (const resourceSpans of request.resourceSpans ?? [])
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) count += scopeSpans.spans?.length ?? 0;
  if (count > max) {
    throw new DecodeError(
      `request has ${count} spans, more than BEACON_MAX_SPANS_PER_REQUEST=${max}: send smaller batches`,
    );
  }
}

/** A decoded request, plus its protobuf encoding for whoever forwards accepted requests on (the span forwarder). */
export interface DecodedTraceRequest {
  result: DecodeResult;
  /**
   * ExportTraceServiceRequest bytes holding exactly the spans `result` kept, every field as received. Computed on
   * demand: only the span forwarder asks.
   */
  protobuf(): Uint8Array;
}

/** A copy of a decoded message with some fields replaced, keeping the fields protobufjs did not know ($unknowns). */
function copyWith<T extends object>(message: T, changes: Partial<T>): T {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(message)) as T, message, changes);
  const unknowns = (message as { $unknowns?: unknown }).$unknowns;
  if (unknowns !== undefined) Object.defineProperty(copy, '$unknowns', { value: unknowns, writable: true });
  return copy;
}

/** The request without the spans requestToDecodeResult rejected; everything else (and every kept span) untouched. */
export function keptSpansRequest(request: OtlpExportTraceServiceRequest): OtlpExportTraceServiceRequest {
  const isKept = (span: OtlpSpan) =>
    spanProblem(span, int64ToBigInt(span.startTimeUnixNano), int64ToBigInt(span.endTimeUnixNano)) === null;
  return copyWith(request, {
    resourceSpans: (request.resourceSpans ?? []).map((resourceSpans) =>
      copyWith(resourceSpans, {
        scopeSpans: (resourceSpans.scopeSpans ?? []).map((scopeSpans) =>
          copyWith(scopeSpans, { spans: (scopeSpans.spans ?? []).filter(isKept) }),
        ),
      }),
    ),
  });
}
