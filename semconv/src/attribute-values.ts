// Tolerant readers for decoded attribute values. Values may arrive typed (OTLP protobuf) or as strings (OTLP
// JSON int64, or spans re-read from ClickHouse where every attribute is a string), so readers coerce.
import type { Attributes, AttrValue } from './model.js';

/** A non-empty string, or null. Numbers and booleans are stringified (ids are sometimes numeric). */
export function readString(attrs: Attributes, key: string): string | null {
  return asString(attrs[key]);
}

export function asString(value: AttrValue | undefined): string | null {
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** A finite number, also from a numeric string; otherwise null. */
export function readNumber(attrs: Attributes, key: string): number | null {
  return asNumber(attrs[key]);
}

export function asNumber(value: AttrValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** First key that holds a number. */
export function readFirstNumber(attrs: Attributes, keys: readonly string[]): number | null {
  for (const key of keys) {
    const n = readNumber(attrs, key);
    if (n !== null) return n;
  }
  return null;
}

/** First key that holds a non-empty string. */
export function readFirstString(attrs: Attributes, keys: readonly string[]): string | null {
  for (const key of keys) {
    const s = readString(attrs, key);
    if (s !== null) return s;
  }
  return null;
}

/** A string list given as an array, a JSON array string, or a single string. */
export function readStringList(attrs: Attributes, key: string): string[] {
  const value = attrs[key];
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' && value.trimStart().startsWith('[') ? parseJson(value) : value;
  if (Array.isArray(list))
    return list.map((v) => asString(v as AttrValue)).filter((v): v is string => v !== null);
  const single = asString(value);
  return single === null ? [] : [single];
}

/** JSON.parse that returns undefined instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A string that looks like JSON (object/array) parsed, anything else returned as is. */
export function parseIfJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  const parsed = parseJson(value);
  return parsed === undefined ? value : parsed;
}

/** Text form of a captured value: strings as they are, structured values as JSON. */
export function toJsonText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when any attribute key starts with one of the prefixes. */
export function hasKeyWithPrefix(attrs: Attributes, prefixes: readonly string[]): boolean {
  for (const key of Object.keys(attrs)) {
    for (const prefix of prefixes) if (key.startsWith(prefix)) return true;
  }
  return false;
}

/**
 * Groups flattened list attributes: `<prefix>.<i>.<rest>` → Map(i → { rest: value }), ordered by index.
 * Used for OpenInference `llm.input_messages.0.message.role` and OpenLLMetry `gen_ai.prompt.0.role`.
 */
export function collectIndexed(
  attrs: Attributes | Record<string, AttrValue>,
  prefix: string,
): Map<number, Record<string, AttrValue>> {
  const groups = new Map<number, Record<string, AttrValue>>();
  const start = `${prefix}.`;
  for (const [key, value] of Object.entries(attrs)) {
    if (!key.startsWith(start)) continue;
    const rest = key.slice(start.length);
    const dot = rest.indexOf('.');
    if (dot <= 0) continue;
    const index = Number(rest.slice(0, dot));
    if (!Number.isInteger(index) || index < 0) continue;
    let group = groups.get(index);
    if (!group) {
      group = {};
      groups.set(index, group);
    }
    group[rest.slice(dot + 1)] = value;
  }
  return new Map([...groups.entries()].sort((a, b) => a[0] - b[0]));
}
