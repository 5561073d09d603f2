// One spool record on disk: [payload length u32 LE][CRC32 of payload u32 LE][payload]. The payload is one accepted
// batch as JSON, `{"v":2,"tenant","spans"}`, with the spans' nanosecond timestamps (the model's only bigints) as
// decimal strings.
import { crc32 } from 'node:zlib';
import { DEFAULT_TENANT, type EnrichedSpan, type SpanEvent, type TenantSpans } from '../../../model.js';

export const RECORD_HEADER_BYTES = 8;

const FORMAT_VERSION = 2;

/** Key of the object a bigint was written as by version 1 records (a JSON.stringify replacer). */
const V1_BIGINT_KEY = '$beacon.bigint';

type Stringified<T, K extends keyof T> = Omit<T, K> & { [P in K]: string };
type SpanEventJson = Stringified<SpanEvent, 'timeUnixNano'>;
type SpanJson = Omit<Stringified<EnrichedSpan, 'startTimeUnixNano' | 'endTimeUnixNano'>, 'events'> & {
  events: SpanEventJson[];
};

// The bigints are converted field by field rather than with a JSON.stringify replacer: a replacer runs for every
// value of every span and keeps V8 off its fast serializer. It was the collector's largest self cost after GC at
// saturation (bench/ingest, 7% of the main thread).
function spanToJson(span: EnrichedSpan): SpanJson {
  return {
    ...span,
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    endTimeUnixNano: span.endTimeUnixNano.toString(),
    events: span.events.map((event) => ({ ...event, timeUnixNano: event.timeUnixNano.toString() })),
  };
}

function spanFromJson(span: SpanJson): EnrichedSpan {
  return {
    ...span,
    startTimeUnixNano: BigInt(span.startTimeUnixNano),
    endTimeUnixNano: BigInt(span.endTimeUnixNano),
    events: span.events.map((event) => ({ ...event, timeUnixNano: BigInt(event.timeUnixNano) })),
  };
}

export function encodeSpans(batch: TenantSpans): Buffer {
  return Buffer.from(
    JSON.stringify({ v: FORMAT_VERSION, tenant: batch.tenant, spans: batch.spans.map(spanToJson) }),
  );
}

export function decodeSpans(payload: Buffer): TenantSpans {
  const text = payload.toString('utf8');
  const decoded = JSON.parse(text) as { v?: number; tenant: string; spans: SpanJson[] } | unknown[];
  if (!Array.isArray(decoded) && decoded.v === FORMAT_VERSION)
    return { tenant: decoded.tenant, spans: decoded.spans.map(spanFromJson) };
  return decodeVersion1(text);
}

/** Records written before version 2 (a spool left by an older collector is still replayed). */
function decodeVersion1(text: string): TenantSpans {
  const decoded = JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const tagged = (value as Record<string, unknown>)[V1_BIGINT_KEY];
      if (typeof tagged === 'string' && Object.keys(value).length === 1) return BigInt(tagged);
    }
    return value;
  }) as TenantSpans | EnrichedSpan[];
  // Spools written before tenants held a bare array of spans: the default tenant's.
  return Array.isArray(decoded) ? { tenant: DEFAULT_TENANT, spans: decoded } : decoded;
}

// node:zlib's crc32 (Node ≥ 20.15; package.json's engines require ≥ 20.19), not a hand-written table: the same
// CRC-32 (IEEE) that gzip uses, computed natively.
export function frameRecord(payload: Buffer): Buffer {
  const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

export type ReadOutcome =
  | { kind: 'record'; payload: Buffer; next: number }
  /** The checksum does not match: the record's bytes were damaged; `next` skips it (its length looked sane). */
  | { kind: 'corrupt'; next: number }
  /** The file ends inside a header or payload: a write cut short by a crash. Nothing after it is readable. */
  | { kind: 'torn' }
  | { kind: 'end' };

/** Reads the record at `offset` of a segment's bytes. A length beyond `maxPayload` counts as torn (garbage header). */
export function readRecord(data: Buffer, offset: number, maxPayload: number): ReadOutcome {
  if (offset === data.length) return { kind: 'end' };
  if (data.length - offset < RECORD_HEADER_BYTES) return { kind: 'torn' };
  const length = data.readUInt32LE(offset);
  const checksum = data.readUInt32LE(offset + 4);
  const start = offset + RECORD_HEADER_BYTES;
  if (length > maxPayload || start + length > data.length) return { kind: 'torn' };
  const payload = data.subarray(start, start + length);
  if (crc32(payload) !== checksum) return { kind: 'corrupt', next: start + length };
  return { kind: 'record', payload, next: start + length };
}
