// Content capture: messages in the OTel GenAI parts format, tool arguments and results, each string passed
// through the user's redaction hook before it reaches a span.
import { contentToParts, type Message, type MessagePart, normalizeMessage } from '@beacon/semconv';
import type { Redactor } from './settings.js';

/** Keys of the message / part JSON that name structure, not content: never redacted. */
const STRUCTURAL_KEYS = new Set(['role', 'type', 'id', 'name', 'finish_reason', 'modality', 'mime_type']);

/** `value` with every content string passed through `redact` (structure, numbers and ids left alone). */
export function redactDeep(value: unknown, redact: Redactor | undefined, key?: string): unknown {
  if (redact === undefined) return value;
  if (typeof value === 'string') return key !== undefined && STRUCTURAL_KEYS.has(key) ? value : redact(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact, k);
    return out;
  }
  return value;
}

/** A message as callers give it: OTel `{role, parts}`, provider-shaped `{role, content, tool_calls}`, or text. */
export type MessageInput = Message | { role: string; content?: unknown; [key: string]: unknown } | string;

/** Messages in the OTel GenAI JSON shape (`[{role, parts: [...]}]`). */
export function toOtelMessages(
  messages: readonly MessageInput[],
  fallbackRole: 'user' | 'assistant',
): Message[] {
  return messages.map((m) => normalizeMessage(m, fallbackRole)).filter((m): m is Message => m !== null);
}

/** System instructions as a bare list of parts (gen_ai.system_instructions). */
export function toSystemParts(system: string | readonly MessagePart[]): MessagePart[] {
  return typeof system === 'string' ? contentToParts(system) : [...system];
}

/** JSON text for a content attribute, redacted; strings stay as they are (already text). */
export function contentAttribute(value: unknown, redact: Redactor | undefined): string {
  const redacted = redactDeep(value, redact);
  if (typeof redacted === 'string') return redacted;
  try {
    return JSON.stringify(redacted) ?? String(redacted);
  } catch {
    return String(redacted); // cyclic or BigInt values: a readable form beats dropping the capture
  }
}
