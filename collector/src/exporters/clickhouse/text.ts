// JSON.stringify writes a lone UTF-16 surrogate (possible in OTLP/JSON input: "\ud800") as an escape that
// ClickHouse's JSON input refuses, which would fail the whole batch on every retry. Lone surrogates become U+FFFD,
// as Go's encoding/json (the contrib exporter's path) turns invalid UTF-8 into U+FFFD.

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function wellFormed(text: string): string {
  return SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text;
}

/** Makes every string (and object key) in a freshly built row well-formed, in place. */
export function wellFormedDeep<T>(value: T): T {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = wellFormedDeep(value[i]);
    return value;
  }
  if (value === null || typeof value !== 'object') {
    return (typeof value === 'string' ? wellFormed(value) : value) as T;
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const fixedKey = wellFormed(key);
    const fixedValue = wellFormedDeep(object[key]);
    if (fixedKey !== key) delete object[key];
    object[fixedKey] = fixedValue;
  }
  return value;
}
