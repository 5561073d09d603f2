// One spool record on disk: [payload length u32 LE][CRC32 of payload u32 LE][payload]. The payload is one accepted
// batch as JSON, `{"tenant", "spans"}`, with bigints (nanosecond timestamps) tagged so they come back as bigints.
import { crc32 } from 'node:zlib';
import { DEFAULT_TENANT, type EnrichedSpan, type TenantSpans } from '../../../model.js';

export const RECORD_HEADER_BYTES = 8;

/** Key of the object a bigint is written as; attribute maps never use it (OTLP keys are dotted names). */
const BIGINT_KEY = '$beacon.bigint';

export function encodeSpans(batch: TenantSpans): Buffer {
  return Buffer.from(
    JSON.stringify(batch, (_key, value: unknown) =>
      typeof value === 'bigint' ? { [BIGINT_KEY]: value.toString() } : value,
    ),
  );
}

export function decodeSpans(payload: Buffer): TenantSpans {
  const decoded = JSON.parse(payload.toString('utf8'), (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const tagged = (value as Record<string, unknown>)[BIGINT_KEY];
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
