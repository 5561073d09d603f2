// Attribute values as the contrib ClickHouse exporter stores them: every value a string, produced by pdata's
// pcommon.Value.AsString() (internal.AttributesToMap in exporter/clickhouseexporter/internal/util.go):
//   string → as is; bool → "true"/"false"; int → decimal; double → ES6 number-to-string (float64AsString);
//   array / map → Go encoding/json of the raw value (map keys sorted, <, >, & escaped); bytes → base64
//   (Beacon's decoder already turned bytes into base64 strings); empty → "".
import type { Attributes, AttrValue } from '@beacon/semconv';

/** pdata's float64AsString: ES6 formatting, which is exactly JavaScript's String(number), plus Go's non-finite text. */
function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'json: unsupported value: NaN';
  if (!Number.isFinite(value)) return `json: unsupported value: ${value > 0 ? '+Inf' : '-Inf'}`;
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/** Go's encoding/json string escaping: JSON.stringify's, plus HTML-safe <, >, & and U+2028/U+2029. */
function goJsonString(value: string): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Go sorts map keys by their UTF-8 bytes. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

class UnsupportedValue extends Error {}

function goJson(value: AttrValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    // json.Marshal fails on NaN/±Inf, and AsString then yields "".
    if (!Number.isFinite(value)) throw new UnsupportedValue();
    return formatDouble(value);
  }
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  const keys = Object.keys(value).sort(compareUtf8);
  return `{${keys.map((key) => `${goJsonString(key)}:${goJson(value[key] ?? null)}`).join(',')}}`;
}

/** One attribute value → the string the contrib exporter writes into a Map(LowCardinality(String), String). */
export function attributeValueToString(value: AttrValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatDouble(value);
  try {
    return goJson(value);
  } catch (err) {
    if (err instanceof UnsupportedValue) return '';
    throw err;
  }
}

/**
 * Attributes → a plain string map for JSONEachRow. A null-prototype object, so that a `__proto__` attribute key
 * (legal in OTLP) stays an ordinary key.
 */
export function attributesToMap(attributes: Attributes): Record<string, string> {
  const map: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(attributes)) map[key] = attributeValueToString(value);
  return map;
}
