// JSON.stringify writes a lone UTF-16 surrogate (possible in OTLP/JSON input: "\ud800") as an escape that
// ClickHouse's JSON input refuses, which would fail the whole batch on every retry. Lone surrogates become U+FFFD,
// as Go's encoding/json (the contrib exporter's path) turns invalid UTF-8 into U+FFFD.
//
// String.prototype.isWellFormed / toWellFormed (ES2024, Node ≥ 20) do exactly that natively; the regexes remain for
// runtimes without them.

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

interface WellFormedString {
  isWellFormed?: () => boolean;
  toWellFormed?: () => string;
}

const native = typeof (String.prototype as WellFormedString).isWellFormed === 'function';

export const wellFormed: (text: string) => string = native
  ? (text) => {
      const s = text as unknown as Required<WellFormedString>;
      return s.isWellFormed() ? text : s.toWellFormed();
    }
  : (text) => (SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text);

/** Makes every string (and object key) in a freshly built row well-formed, in place. */
export function wellFormedDeep<T>(value: T): T {
  if (typeof value === 'string') return wellFormed(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      // Only strings and containers can change.
      if (item !== null && (typeof item === 'string' || typeof item === 'object'))
        value[i] = wellFormedDeep(item);
    }
    return value;
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const item = object[key];
    const fixedKey = wellFormed(key);
    const fixedValue =
      item !== null && (typeof item === 'string' || typeof item === 'object') ? wellFormedDeep(item) : item;
    if (fixedKey !== key) {
      delete object[key];
      object[fixedKey] = fixedValue;
    } else if (fixedValue !== item) object[key] = fixedValue;
  }
  return value;
}
