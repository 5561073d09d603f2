// The forwarder's bounded in-memory queue of encoded OTLP requests, counted in items (spans or log records).
// Full → the oldest requests are dropped: forwarding is best effort, and the newest telemetry is the most useful
// to whoever reads it downstream (the authoritative copy is in ClickHouse).

/** One accepted request: Export*ServiceRequest protobuf bytes and how many items they hold. */
export interface ForwardChunk {
  readonly protobuf: Uint8Array;
  readonly items: number;
}

/** Chunks taken together for one export call. */
export interface ForwardBatch {
  readonly chunks: readonly ForwardChunk[];
  readonly items: number;
  readonly bytes: number;
}

export class ForwardQueue {
  readonly #maxItems: number;
  #chunks: ForwardChunk[] = [];
  #items = 0;

  constructor(maxItems: number) {
    this.#maxItems = maxItems;
  }

  get items(): number {
    return this.#items;
  }

  get isEmpty(): boolean {
    return this.#chunks.length === 0;
  }

  /** Adds a chunk, dropping the oldest ones to make room; returns how many items were dropped. */
  push(chunk: ForwardChunk): number {
    // A chunk larger than the whole queue can never fit: it is the one dropped.
    if (chunk.items > this.#maxItems) return chunk.items;
    let dropped = 0;
    while (this.#items + chunk.items > this.#maxItems) {
      const oldest = this.#chunks.shift()!;
      this.#items -= oldest.items;
      dropped += oldest.items;
    }
    this.#chunks.push(chunk);
    this.#items += chunk.items;
    return dropped;
  }

  /**
   * The oldest chunks up to `maxItems` items and `maxBytes` bytes, removed from the queue. Always at least one chunk
   * (when not empty), so a chunk over either limit still leaves, alone.
   */
  take(maxItems: number, maxBytes: number): ForwardBatch {
    const chunks: ForwardChunk[] = [];
    let items = 0;
    let bytes = 0;
    for (const chunk of this.#chunks) {
      const fits = items + chunk.items <= maxItems && bytes + chunk.protobuf.length <= maxBytes;
      if (chunks.length > 0 && !fits) break;
      chunks.push(chunk);
      items += chunk.items;
      bytes += chunk.protobuf.length;
    }
    this.#chunks.splice(0, chunks.length);
    this.#items -= items;
    return { chunks, items, bytes };
  }

  /** Empties the queue; returns how many items it held. */
  clear(): number {
    const items = this.#items;
    this.#chunks = [];
    this.#items = 0;
    return items;
  }
}
