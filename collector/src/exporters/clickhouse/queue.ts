// The writer's queue: accepted spans and spans recovered from the spool, taken out in batches. It counts in
// cumulative span numbers (enqueued, taken, settled), so flush() can wait for "everything accepted before now"
// however the spans were cut into batches.
import type { EnrichedSpan, TenantSpans } from '../../model.js';
import type { RecoveredBatch, RecoveredSpool } from './spool/index.js';

/** Spans taken from the queue for one batch, grouped by tenant. */
export interface TakenSpans {
  size: number;
  byTenant: Map<string, EnrichedSpan[]>;
}

export class SpanQueue {
  /** Spans of a spooled record that could not be read back: lost, and released from the spool by the caller. */
  readonly #onUnreadable: (lost: number) => void;
  /** Accepted chunks not yet taken into a batch; #headOffset spans of the head chunk are already taken. */
  readonly #chunks: TenantSpans[] = [];
  /** Batches recovered from the spool, read lazily and taken before anything in #chunks. */
  #replaySource: Iterator<RecoveredBatch> | null = null;
  /** The recovered batch being taken (the head chunk while set). */
  #replayHead: TenantSpans | null = null;
  #headOffset = 0;
  // Cumulative span counts: queued = enqueued - taken, depth = enqueued - settled.
  #enqueued = 0;
  #taken = 0;
  /** Written or dropped. */
  #settled = 0;
  #dropped = 0;
  /** Spans up to this cumulative count were replayed from the spool: some of their rows may be stored already. */
  #replayedUntil = 0;
  /** Everything up to this cumulative count is due now (flush() or the interval timer asked for it). */
  #drainTarget = 0;
  readonly #waiters: { target: number; resolve: () => void }[] = [];

  constructor(onUnreadable: (lost: number) => void) {
    this.#onUnreadable = onUnreadable;
  }

  /** Spans accepted and not yet settled (includes the batch being written). */
  get depth(): number {
    return this.#enqueued - this.#settled;
  }

  /** Spans accepted and not yet taken into a batch. */
  get queued(): number {
    return this.#enqueued - this.#taken;
  }

  /** Accepted spans given up on. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The next span to be taken was replayed from the spool. */
  get nextIsReplayed(): boolean {
    return this.#taken < this.#replayedUntil;
  }

  /** A batch is due: a full one is queued, flush() or the timer asked for the queued spans, or the writer closes. */
  isDue(batchSpans: number, closing: boolean): boolean {
    return this.queued >= batchSpans || this.#taken < this.#drainTarget || closing;
  }

  push(batch: TenantSpans): void {
    this.#chunks.push(batch);
    this.#enqueued += batch.spans.length;
  }

  /** Queues the recovered batches ahead of everything else, all due now. */
  replay(recovered: RecoveredSpool): void {
    // Counted now (queue depth, flush targets), read from disk only as batches are taken.
    this.#replaySource = recovered.read()[Symbol.iterator]();
    this.#enqueued += recovered.spans;
    this.#replayedUntil = this.#enqueued;
    this.#drainTarget = Math.max(this.#drainTarget, this.#enqueued);
  }

  /** Makes every span queued so far due (the interval timer fired). */
  dueNow(): void {
    this.#drainTarget = Math.max(this.#drainTarget, this.#enqueued);
  }

  /** Makes every span queued so far due; resolves once they are all settled. */
  untilSettled(): Promise<void> {
    const target = this.#enqueued;
    if (this.#settled >= target) return Promise.resolve();
    this.#drainTarget = Math.max(this.#drainTarget, target);
    return new Promise<void>((resolve) => this.#waiters.push({ target, resolve }));
  }

  /** Up to `count` queued spans, grouped by tenant. */
  take(count: number): TakenSpans {
    const byTenant = new Map<string, EnrichedSpan[]>();
    let size = 0;
    for (;;) {
      if (size >= count) break;
      const head = this.#headChunk();
      if (!head) break;
      let spans = byTenant.get(head.tenant);
      if (!spans) {
        spans = [];
        byTenant.set(head.tenant, spans);
      }
      const end = Math.min(head.spans.length, this.#headOffset + (count - size));
      for (let i = this.#headOffset; i < end; i++) spans.push(head.spans[i]!);
      size += end - this.#headOffset;
      if (end === head.spans.length) {
        this.#dropHeadChunk();
        this.#headOffset = 0;
      } else {
        this.#headOffset = end;
      }
    }
    this.#taken += size;
    return { size, byTenant };
  }

  /** `count` taken spans are written: resolves the flush() calls waiting for them. */
  settle(count: number): void {
    this.#settled += count;
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i]!;
      if (waiter.target <= this.#settled) {
        this.#waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  /** `count` taken spans are given up on: settled, and counted as dropped. */
  drop(count: number): void {
    if (count <= 0) return;
    this.#dropped += count;
    this.settle(count);
  }

  /** Drops every span not taken yet (close() ran out of time). */
  abandon(): void {
    const dropped = this.#enqueued - this.#taken;
    this.#chunks.length = 0;
    this.#replaySource = null;
    this.#replayHead = null;
    this.#headOffset = 0;
    this.#taken = this.#enqueued;
    this.drop(dropped);
  }

  /** The chunk spans are taken from next: recovered batches first, in spool order, then accepted ones. */
  #headChunk(): TenantSpans | undefined {
    while (this.#replaySource && !this.#replayHead) {
      const next = this.#replaySource.next();
      if (next.done) {
        this.#replaySource = null;
        break;
      }
      const { batch, expectedSpans } = next.value;
      // A record unreadable on replay: its spans are lost (logged by the spool); count them so flush() returns.
      const lost = expectedSpans - batch.spans.length;
      if (lost > 0) {
        this.#taken += lost;
        this.#onUnreadable(lost);
        this.drop(lost);
      }
      if (batch.spans.length > 0) this.#replayHead = batch;
    }
    return this.#replayHead ?? this.#chunks[0];
  }

  #dropHeadChunk(): void {
    if (this.#replayHead) this.#replayHead = null;
    else this.#chunks.shift();
  }
}
