// The price override file: prices for custom, fine-tuned or self-hosted models that genai-prices does not know,
// or that a user is billed differently for. Checked before genai-prices.
//
// Format (JSON):
// {
//   "version": "2026-11-01",                       // required; recorded with every cost as override:<version>
//   "models": [
//     {
//       "provider": "ollama",                      // optional; any spelling normalizeProviderName understands.
//                                                  //   Omitted = any provider.
//       "match": "llama3*",                        // required; model id, case-insensitive, `*` = any characters
//                                                  //   or { "regex": "^my-org/.*-ft$" } (JavaScript RegExp)
//       "input_per_mtok": 0.1,                     // required; USD per million input tokens
//       "output_per_mtok": 0.2,                    // required; USD per million output tokens (incl. reasoning)
//       "cache_read_per_mtok": 0.01,               // optional; default = input_per_mtok
//       "cache_write_per_mtok": 0.125              // optional; default = input_per_mtok
//     }
//   ]
// }
// The first entry that matches a span's provider and model wins. Unknown fields are errors (a misspelt price
// field must not silently fall back to another price).
import { isRecord, parseJson } from './attribute-values.js';
import { normalizeProviderName } from './providers.js';

export interface PriceOverrideModel {
  /** Normalized OTel provider name, or null for any provider. */
  provider: string | null;
  /** The match as written in the file (`llama3*` or `regex:<pattern>`), used in `priceEntry`. */
  matchText: string;
  pattern: RegExp;
  inputPerMtok: number;
  outputPerMtok: number;
  cacheReadPerMtok: number;
  cacheWritePerMtok: number;
}

export interface PriceOverrides {
  version: string;
  models: PriceOverrideModel[];
}

/** A price override file that cannot be used; the message names the offending field. */
export class PriceOverrideError extends Error {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'PriceOverrideError';
    this.field = field;
  }
}

const MODEL_FIELDS: ReadonlySet<string> = new Set([
  'provider',
  'match',
  'input_per_mtok',
  'output_per_mtok',
  'cache_read_per_mtok',
  'cache_write_per_mtok',
]);
const TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set(['version', 'models', '$schema', 'description']);

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}

function price(
  entry: Record<string, unknown>,
  key: string,
  path: string,
  required: boolean,
): number | undefined {
  const value = entry[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PriceOverrideError(
      `${path}.${key}`,
      `expected a non-negative number (USD per million tokens), got ${describe(value)}`,
    );
  }
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map(escapeRegExp).join('.*')}$`, 'i');
}

function parseMatch(value: unknown, path: string): { matchText: string; pattern: RegExp } {
  if (typeof value === 'string' && value.trim() !== '') {
    return { matchText: value, pattern: globToRegExp(value) };
  }
  if (isRecord(value) && typeof value.regex === 'string' && Object.keys(value).length === 1) {
    try {
      return { matchText: `regex:${value.regex}`, pattern: new RegExp(value.regex) };
    } catch (err) {
      throw new PriceOverrideError(
        `${path}.match.regex`,
        `invalid regular expression: ${(err as Error).message}`,
      );
    }
  }
  throw new PriceOverrideError(
    `${path}.match`,
    `expected a model id pattern like "llama3*" or {"regex": "..."}, got ${describe(value)}`,
  );
}

function parseModel(raw: unknown, index: number): PriceOverrideModel {
  const path = `models[${index}]`;
  if (!isRecord(raw)) throw new PriceOverrideError(path, `expected an object, got ${describe(raw)}`);
  for (const key of Object.keys(raw)) {
    if (!MODEL_FIELDS.has(key)) {
      throw new PriceOverrideError(
        `${path}.${key}`,
        `unknown field (allowed: ${[...MODEL_FIELDS].join(', ')})`,
      );
    }
  }
  let provider: string | null = null;
  if (raw.provider !== undefined) {
    if (typeof raw.provider !== 'string' || raw.provider.trim() === '') {
      throw new PriceOverrideError(
        `${path}.provider`,
        `expected a provider name, got ${describe(raw.provider)}`,
      );
    }
    provider = normalizeProviderName(raw.provider);
  }
  const { matchText, pattern } = parseMatch(raw.match, path);
  const inputPerMtok = price(raw, 'input_per_mtok', path, true)!;
  return {
    provider,
    matchText,
    pattern,
    inputPerMtok,
    outputPerMtok: price(raw, 'output_per_mtok', path, true)!,
    cacheReadPerMtok: price(raw, 'cache_read_per_mtok', path, false) ?? inputPerMtok,
    cacheWritePerMtok: price(raw, 'cache_write_per_mtok', path, false) ?? inputPerMtok,
  };
}

/**
 * Validates a parsed override file (or its JSON text) and returns the compiled overrides.
 * Throws PriceOverrideError naming the bad field.
 */
export function parsePriceOverrides(json: unknown): PriceOverrides {
  let doc = json;
  if (typeof json === 'string') {
    doc = parseJson(json);
    if (doc === undefined) throw new PriceOverrideError('(file)', 'not valid JSON');
  }
  if (!isRecord(doc)) throw new PriceOverrideError('(file)', `expected a JSON object, got ${describe(doc)}`);
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL_FIELDS.has(key))
      throw new PriceOverrideError(key, 'unknown field (allowed: version, models)');
  }
  if (typeof doc.version !== 'string' || doc.version.trim() === '') {
    throw new PriceOverrideError(
      'version',
      `expected a non-empty string such as "2026-11-01", got ${describe(doc.version)}`,
    );
  }
  if (!Array.isArray(doc.models)) {
    throw new PriceOverrideError('models', `expected an array of model prices, got ${describe(doc.models)}`);
  }
  return { version: doc.version, models: doc.models.map(parseModel) };
}

/** The first override entry for this provider and model, if any. */
export function findOverride(
  overrides: PriceOverrides,
  provider: string | null,
  model: string,
): PriceOverrideModel | undefined {
  return overrides.models.find(
    (entry) => (entry.provider === null || entry.provider === provider) && entry.pattern.test(model),
  );
}
