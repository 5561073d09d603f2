// Content addressing for GenAI messages: a message's identity is the sha256 of its canonical JSON, so the same
// message resent on every call of a long agent run maps to one stored row.
import { createHash } from 'node:crypto';
import type { Message, MessagePart } from '@beacon/semconv';

/** JSON with object keys sorted at every level and no whitespace: equal messages give equal text. */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // A hole stays empty, as map() and join() leave it.
      if (!(i in value)) continue;
      const item: unknown = value[i];
      out += item === undefined ? 'null' : canonicalJson(item);
    }
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  // Default sort: UTF-16 code unit order, the same as comparing with < and >.
  const keys = Object.keys(object).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = object[key];
    if (item === undefined || typeof item === 'function') continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

export interface ContentAddressedMessage {
  /** sha256 of `content`, hex. */
  hash: string;
  role: string;
  /** Canonical JSON of the whole message. */
  content: string;
}

export function addressMessage(message: Message): ContentAddressedMessage {
  const content = canonicalJson(message);
  return { hash: createHash('sha256').update(content).digest('hex'), role: message.role, content };
}

/** System instructions are stored as one system message, so they are deduplicated like any other message. */
export function systemInstructionsMessage(parts: MessagePart[]): Message | null {
  return parts.length > 0 ? { role: 'system', parts } : null;
}

/**
 * Hashes this process wrote recently, with the UTC day (since the epoch) of the row written. beacon_messages is
 * partitioned by day, so a message is written again only when referenced on a later day than its newest row: its
 * row then lives as long as the newest span referencing it. Bounded: the least recently used hash is forgotten
 * first, which costs at most a duplicate row (merged away, and reads aggregate anyway).
 */
export class RecentMessages {
  readonly #days = new Map<string, number>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#days.size;
  }

  /** True when a row for `hash` on `day` (or later) was already written. */
  covers(hash: string, day: number): boolean {
    const written = this.#days.get(hash);
    if (written === undefined) return false;
    // Refresh recency so that hot messages (system prompts) stay cached.
    this.#days.delete(hash);
    this.#days.set(hash, written);
    return written >= day;
  }

  remember(hash: string, day: number): void {
    const written = this.#days.get(hash);
    this.#days.delete(hash);
    this.#days.set(hash, written === undefined ? day : Math.max(written, day));
    while (this.#days.size > this.capacity) {
      const oldest = this.#days.keys().next();
      if (oldest.done) break;
      this.#days.delete(oldest.value);
    }
  }
}
