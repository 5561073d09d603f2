// Content redaction: regex rules applied to every string a span carries (attribute values, event and link
// attributes, status message) before it is stored or becomes a metric label. Strings holding JSON (GenAI messages:
// gen_ai.input.messages and the like) are redacted inside, string by string, so they stay valid JSON.
import type { Attributes, AttrValue } from '@beacon/semconv';
import { z } from 'zod';
import type { DecodedSpan } from '../model.js';

export interface RedactionRule {
  name: string;
  /** Global regex. */
  pattern: RegExp;
  replacement: string;
  /** Only matches it accepts are replaced (cards: issuer prefix and Luhn check). */
  accept?: (match: string) => boolean;
  /**
   * A cheap necessary condition (speed only): false when `pattern` cannot match `text`, nor any string decoded from
   * `text` as JSON that holds no \u escape. Sound when it only asks for characters JSON never escapes otherwise
   * (letters, digits, space, `@`, `-`); unset = always run the pattern.
   */
  screen?: (text: string) => boolean;
}

/** The shortest run of digits (and single separators) the card pattern needs; not global, so test() keeps no state. */
const CARD_DIGITS = /\d(?:[ -]?\d){12}/;

/** Issuer prefixes of Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay: a nanosecond timestamp is no card. */
const CARD_PREFIX = /^(?:4|5[1-5]|2[2-7]|3[47]|3[05689]|6[0245]|62)/;

/**
 * A card number: a known issuer prefix and the Luhn checksum, which together tell cards from the other long digit
 * runs (ids, timestamps) the card pattern also matches.
 */
export function looksLikeCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19 || !CARD_PREFIX.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The built-in rules (BEACON_REDACTION=default). */
export const DEFAULT_REDACTION_RULES: readonly RedactionRule[] = [
  // OpenAI / Anthropic style secret keys: sk-..., sk-proj-..., sk-ant-...
  {
    name: 'api_key',
    pattern: /\bsk-[A-Za-z0-9_-]{16,}/g,
    replacement: '[REDACTED:api_key]',
    screen: (text) => text.includes('sk-'),
  },
  {
    name: 'aws_access_key',
    pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
    replacement: '[REDACTED:aws_access_key]',
    screen: (text) => text.includes('AKIA') || text.includes('ASIA'),
  },
  {
    name: 'bearer_token',
    pattern: /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g,
    replacement: 'Bearer [REDACTED:token]',
    screen: (text) => text.includes('Bearer'),
  },
  {
    name: 'email',
    pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
    replacement: '[REDACTED:email]',
    screen: (text) => text.includes('@'),
  },
  {
    name: 'card_number',
    pattern: /\b\d(?:[ -]?\d){12,18}\b/g,
    replacement: '[REDACTED:card_number]',
    accept: looksLikeCardNumber,
    // Thirteen digits with at most one space or hyphen between them: the part of a match no JSON escape can split.
    screen: (text) => CARD_DIGITS.test(text),
  },
];

const ruleFileSchema = z.array(
  z.object({
    name: z.string().min(1),
    pattern: z.string().min(1),
    replacement: z.string().default('[REDACTED]'),
  }),
);

/**
 * Rules from a BEACON_REDACTION_RULES_FILE document: `[{name, pattern, replacement}]`. Throws an Error with one line
 * naming the bad rule.
 */
export function parseRedactionRules(json: unknown): RedactionRule[] {
  const parsed = ruleFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `at [${issue.path.join('].')}` : '';
    throw new Error(
      `expected [{name, pattern, replacement}] ${where}: ${issue?.message ?? 'invalid'}`.trim(),
    );
  }
  return parsed.data.map((rule, index) => {
    let pattern: RegExp;
    try {
      pattern = new RegExp(rule.pattern, 'g');
    } catch (err) {
      throw new Error(`rule [${index}] "${rule.name}": invalid pattern: ${(err as Error).message}`);
    }
    if (pattern.test('')) throw new Error(`rule [${index}] "${rule.name}": pattern matches the empty string`);
    return { name: rule.name, pattern, replacement: rule.replacement };
  });
}

export interface RedactionStats {
  /** Replacements made, by rule name. */
  byRule: Record<string, number>;
}

export interface Redactor {
  redactSpan(span: DecodedSpan): DecodedSpan;
  readonly stats: RedactionStats;
}

/** Strings that may hold a JSON document: only these are parsed (cheap test first). */
function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

/** JSON strings nested deeper are redacted as plain text instead of value by value. */
const MAX_JSON_DEPTH = 64;

class TooDeep extends Error {}

export function createRedactor(rules: readonly RedactionRule[]): Redactor {
  const stats: RedactionStats = { byRule: {} };
  for (const rule of rules) stats.byRule[rule.name] = 0;

  const redactText = (text: string, active: readonly RedactionRule[] = rules): string => {
    let out = text;
    for (const rule of active) {
      out = out.replace(rule.pattern, (match) => {
        if (rule.accept && !rule.accept(match)) return match;
        stats.byRule[rule.name] = (stats.byRule[rule.name] ?? 0) + 1;
        return rule.replacement;
      });
    }
    return out;
  };

  /** Throws TooDeep past MAX_JSON_DEPTH: a string is any size and depth a client likes, the stack is not. */
  const redactJsonValue = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return redactString(value, false);
    if (depth > MAX_JSON_DEPTH) throw new TooDeep();
    if (Array.isArray(value)) return value.map((item) => redactJsonValue(item, depth + 1));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value))
        Object.defineProperty(out, key, {
          value: redactJsonValue(item, depth + 1),
          enumerable: true,
          writable: true,
        });
      return out;
    }
    return value;
  };

  const screened = rules.some((rule) => rule.screen);
  /**
   * The rules that may match `text` (or, when `json`, a string decoded from it): all of them when a \u escape could
   * hide what a screen looks for. The others cannot change anything, so skipping them changes no result.
   */
  const activeRules = (text: string, json: boolean): readonly RedactionRule[] => {
    if (!screened || (json && text.includes('\\u'))) return rules;
    let active: RedactionRule[] | null = null;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (!rule.screen || rule.screen(text)) {
        if (active) active.push(rule);
        continue;
      }
      // The first rule screened out: copy the ones before it.
      active ??= rules.slice(0, i);
    }
    return active ?? rules;
  };

  /** A JSON document is redacted value by value (and re-serialized only when something changed). */
  function redactString(text: string, mayBeJson = true): string {
    if (mayBeJson && looksLikeJson(text)) {
      // Nothing in the document can match: no need to parse it.
      if (activeRules(text, true).length === 0) return text;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return redactText(text, activeRules(text, false));
      }
      const before = total();
      try {
        const redacted = redactJsonValue(parsed, 0);
        return total() === before ? text : JSON.stringify(redacted);
      } catch (err) {
        if (!(err instanceof TooDeep)) throw err;
        return redactText(text, activeRules(text, false));
      }
    }
    return redactPlain(text);
  }

  const total = () => Object.values(stats.byRule).reduce((sum, n) => sum + n, 0);

  const redactValue = (value: AttrValue): AttrValue => {
    if (typeof value === 'string') return redactString(value);
    if (Array.isArray(value)) {
      const out = value.map(redactValue);
      return out.every((item, i) => item === value[i]) ? value : out;
    }
    if (value !== null && typeof value === 'object') return redactAttributes(value);
    return value;
  };

  const redactPlain = (text: string): string => {
    const active = activeRules(text, false);
    return active.length === 0 ? text : redactText(text, active);
  };

  /** A copy with every value redacted; the object itself when no value changed (most spans hold no secret). */
  function redactAttributes(attributes: Attributes): Attributes {
    const keys = Object.keys(attributes);
    let i = 0;
    let redacted: AttrValue = null;
    for (; i < keys.length; i++) {
      const value = attributes[keys[i]!]!;
      redacted = redactValue(value);
      if (redacted !== value) break;
    }
    if (i === keys.length) return attributes;
    const out: Attributes = {};
    const define = (key: string, value: AttrValue) =>
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    for (let j = 0; j < i; j++) define(keys[j]!, attributes[keys[j]!]!);
    define(keys[i]!, redacted);
    for (let j = i + 1; j < keys.length; j++) define(keys[j]!, redactValue(attributes[keys[j]!]!));
    return out;
  }

  return {
    stats,
    redactSpan(span) {
      if (rules.length === 0) return span;
      return {
        ...span,
        attributes: redactAttributes(span.attributes),
        events: span.events.map((event) => ({ ...event, attributes: redactAttributes(event.attributes) })),
        links: span.links.map((link) => ({ ...link, attributes: redactAttributes(link.attributes) })),
        statusMessage: redactPlain(span.statusMessage),
        resource: redactAttributes(span.resource),
      };
    },
  };
}
