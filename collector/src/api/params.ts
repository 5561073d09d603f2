// Request parameters: one spec per parameter that both validates (400 naming the parameter) and describes itself in
// the OpenAPI document, so the two cannot drift apart.
import type { TraceCursor } from '../storage/queries/index.js';
import { MAX_NANOS, parseInstant } from '../time.js';
import { badRequest } from './http.js';

export type JsonSchema = Record<string, unknown>;

export interface ParamSpec<T> {
  readonly description: string;
  readonly schema: JsonSchema;
  readonly required: boolean;
  /** `raw` is the parameter's value, or undefined when absent. Throws a 400 ApiError naming `name`. */
  parse(raw: string | undefined, name: string): T;
}

export type ParamSpecs = Record<string, ParamSpec<unknown>>;
export type ParsedParams<S extends ParamSpecs> = {
  [K in keyof S]: S[K] extends ParamSpec<infer T> ? T : never;
};

/** Parses every declared parameter from their raw values; a parameter given twice is an error. */
export function parseParams<S extends ParamSpecs>(
  specs: S,
  lookup: (name: string) => string[],
): ParsedParams<S> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const values = lookup(name);
    if (values.length > 1) throw badRequest(`${name}: given ${values.length} times, expected at most once`);
    out[name] = spec.parse(values[0], name);
  }
  return out as ParsedParams<S>;
}

const MAX_TEXT = 500;

/** Optional free text; empty counts as absent. */
export function text(description: string, maxLength = MAX_TEXT): ParamSpec<string | undefined> {
  return {
    description,
    schema: { type: 'string', maxLength },
    required: false,
    parse(raw, name) {
      if (raw === undefined || raw === '') return undefined;
      if (raw.length > maxLength) throw badRequest(`${name}: longer than ${maxLength} characters`);
      return raw;
    },
  };
}

export function requiredText(description: string, maxLength = MAX_TEXT): ParamSpec<string> {
  const optional = text(description, maxLength);
  return {
    ...optional,
    schema: { ...optional.schema, minLength: 1 },
    required: true,
    parse(raw, name) {
      const value = optional.parse(raw, name);
      if (value === undefined) throw badRequest(`${name}: required`);
      return value;
    },
  };
}

export function oneOf<const V extends string>(
  values: readonly V[],
  description: string,
): ParamSpec<V | undefined>;
export function oneOf<const V extends string>(
  values: readonly V[],
  description: string,
  fallback: V,
): ParamSpec<V>;
export function oneOf<const V extends string>(
  values: readonly V[],
  description: string,
  fallback?: V,
): ParamSpec<V | undefined> {
  return {
    description,
    schema:
      fallback === undefined
        ? { type: 'string', enum: values }
        : { type: 'string', enum: values, default: fallback },
    required: false,
    parse(raw, name) {
      if (raw === undefined || raw === '') return fallback;
      const value = values.find((v) => v === raw);
      if (value === undefined) throw badRequest(`${name}: expected one of ${values.join(', ')}`);
      return value;
    },
  };
}

function parseInteger(raw: string, name: string, min: number, max: number): number {
  const value = /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) throw badRequest(`${name}: expected an integer from ${min} to ${max}`);
  return value;
}

export function integer(
  description: string,
  range: { min: number; max: number; fallback: number },
): ParamSpec<number> {
  return {
    description,
    schema: { type: 'integer', minimum: range.min, maximum: range.max, default: range.fallback },
    required: false,
    parse: (raw, name) =>
      raw === undefined || raw === '' ? range.fallback : parseInteger(raw, name, range.min, range.max),
  };
}

/** An integer without default: absent → undefined. */
export function optionalInteger(
  description: string,
  range: { min: number; max: number },
): ParamSpec<number | undefined> {
  return {
    description,
    schema: { type: 'integer', minimum: range.min, maximum: range.max },
    required: false,
    parse: (raw, name) =>
      raw === undefined || raw === '' ? undefined : parseInteger(raw, name, range.min, range.max),
  };
}

export function nonNegativeNumber(description: string): ParamSpec<number | undefined> {
  return {
    description,
    schema: { type: 'number', minimum: 0 },
    required: false,
    parse(raw, name) {
      if (raw === undefined || raw === '') return undefined;
      const value = /^\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isFinite(value)) throw badRequest(`${name}: expected a number ≥ 0`);
      return value;
    },
  };
}

export function instant(description: string): ParamSpec<bigint | undefined> {
  return {
    description: `${description} RFC 3339 (e.g. 2026-11-23T10:00:00Z) or epoch milliseconds.`,
    schema: { type: 'string', examples: ['2026-11-23T10:00:00Z', '1795428000000'] },
    required: false,
    parse(raw, name) {
      if (raw === undefined || raw === '') return undefined;
      const nanos = parseInstant(raw);
      if (nanos === null) throw badRequest(`${name}: expected an RFC 3339 time or epoch milliseconds`);
      return nanos;
    },
  };
}

/** A from..to range given as two instant() parameters: `from` later than `to` is a 400. */
export function checkRange(fromNs: bigint | undefined, toNs: bigint | undefined): void {
  if (fromNs !== undefined && toNs !== undefined && fromNs > toNs) throw badRequest('from: later than to');
}

/** A lowercase hex id of `bytes` bytes (trace id 16, span id 8); upper case is accepted and lowered. */
export function hexId(bytes: number, description: string): ParamSpec<string> {
  const pattern = new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`);
  return {
    description,
    schema: { type: 'string', pattern: `^[0-9a-fA-F]{${bytes * 2}}$` },
    required: true,
    parse(raw, name) {
      if (raw === undefined || !pattern.test(raw))
        throw badRequest(`${name}: expected ${bytes * 2} hex characters`);
      return raw.toLowerCase();
    },
  };
}

// The trace list's keyset cursor: (start time, trace id) of the last trace on the page, opaque to clients.

export function encodeCursor(cursor: TraceCursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.startNs.toString(), t: cursor.traceId })).toString(
    'base64url',
  );
}

export function decodeCursor(raw: string): TraceCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) return null;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null) return null;
    const { s, t } = value as { s?: unknown; t?: unknown };
    if (
      typeof s !== 'string' ||
      !/^\d{1,19}$/.test(s) ||
      typeof t !== 'string' ||
      !/^[0-9a-f]{32}$/.test(t)
    ) {
      return null;
    }
    const startNs = BigInt(s);
    return startNs <= MAX_NANOS ? { startNs, traceId: t } : null;
  } catch {
    return null;
  }
}

export function cursor(description: string): ParamSpec<TraceCursor | undefined> {
  return {
    description,
    schema: { type: 'string' },
    required: false,
    parse(raw, name) {
      if (raw === undefined || raw === '') return undefined;
      const value = decodeCursor(raw);
      if (!value) throw badRequest(`${name}: not a cursor returned by this API (nextCursor)`);
      return value;
    },
  };
}
