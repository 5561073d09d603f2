// Sends accepted OTLP requests on to another OTLP endpoint (Jaeger, Tempo, Loki) off the ingest path: enqueue() is
// synchronous and O(1) and never refuses, a single background loop batches and sends, retries with exponential
// backoff and jitter, and a bounded queue drops the oldest requests when the target cannot keep up. Whatever the
// target does, receivers answer as they would without forwarding; every item ends counted as sent, dropped
// (queue full, or shutdown out of time) or failed (rejected by the target, or retried past the give-up time).
import type { Logger } from '../../logger.js';
import { type ForwardBatch, ForwardQueue } from './queue.js';
import type { ForwardTransport, SendOutcome } from './transport.js';

/** What a forwarder warns about; each kind is rate-limited on its own. */
type WarningKind = 'queue_full' | 'retrying' | 'given_up';

export interface ForwarderStats {
  readonly sent: number;
  readonly dropped: number;
  readonly failed: number;
  /** Items waiting, plus those of the batch being sent. */
  readonly queueDepth: number;
}

export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
  multiplier: number;
  /** A batch still failing after this long is given up (counted failed). */
  maxElapsedMs: number;
}

/** The OpenTelemetry Collector exporterhelper's defaults, initial delay shortened so short outages heal quickly. */
export const DEFAULT_RETRY: RetryPolicy = {
  initialMs: 1_000,
  maxMs: 30_000,
  multiplier: 1.5,
  maxElapsedMs: 300_000,
};

export interface OtlpForwarderOptions {
  /** What one item is, plural, for log lines: "spans", "log records". */
  itemName: string;
  transport: ForwardTransport;
  maxQueueItems: number;
  /** Items per export call; the OpenTelemetry Collector batch processor's default. */
  batchItems?: number;
  /**
   * Bytes per export call: below the 4 MiB receive limit Jaeger, Tempo and Loki apply by default (a single larger
   * request is still sent, alone).
   */
  batchBytes?: number;
  /** Longest an item waits for a batch to fill. */
  flushIntervalMs: number;
  /** Deadline of one export call. */
  timeoutMs: number;
  retry?: RetryPolicy;
  logger: Logger;
  /** At most one warning per interval; the ones held back are counted in the next. */
  warnIntervalMs?: number;
}

const DEFAULT_BATCH_ITEMS = 8192;
const DEFAULT_BATCH_BYTES = 4_000_000;
const DEFAULT_WARN_INTERVAL_MS = 10_000;
/** Backoff delays are spread ±50% so replicas that failed together do not retry together. */
const JITTER = 0.5;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export class OtlpForwarder {
  readonly #options: OtlpForwarderOptions;
  readonly #queue: ForwardQueue;
  readonly #retry: RetryPolicy;
  readonly #batchItems: number;
  readonly #batchBytes: number;
  readonly #warnIntervalMs: number;
  /** Aborted when shutdown runs out of time: cancels the call in flight and any backoff wait. */
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #inFlightItems = 0;
  #sent = 0;
  #dropped = 0;
  #failed = 0;
  readonly #warnings = new Map<WarningKind, { lastAt: number; heldBack: number }>();
  #failing = false;

  constructor(options: OtlpForwarderOptions) {
    this.#options = options;
    this.#queue = new ForwardQueue(options.maxQueueItems);
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#batchItems = options.batchItems ?? DEFAULT_BATCH_ITEMS;
    this.#batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
    this.#warnIntervalMs = options.warnIntervalMs ?? DEFAULT_WARN_INTERVAL_MS;
  }

  get target(): string {
    return this.#options.transport.target;
  }

  get stats(): ForwarderStats {
    return {
      sent: this.#sent,
      dropped: this.#dropped,
      failed: this.#failed,
      queueDepth: this.#queue.items + this.#inFlightItems,
    };
  }

  /** Queues one encoded Export*ServiceRequest holding `items` items. Never throws, never waits. */
  enqueue(protobuf: Uint8Array, items: number): void {
    if (items <= 0) return;
    if (this.#closing) {
      this.#dropped += items;
      return;
    }
    const dropped = this.#queue.push({ protobuf, items });
    if (dropped > 0) {
      this.#dropped += dropped;
      this.#warn(
        'queue_full',
        { dropped, droppedTotal: this.#dropped, queueMaxItems: this.#options.maxQueueItems },
        `forward queue full: dropped the oldest ${this.#options.itemName}`,
      );
    }
    this.#schedule();
  }

  /**
   * Stops taking items and sends what is queued within `timeoutMs`; whatever is still unsent then (queued, or in a
   * call that is cancelled) is counted as dropped.
   */
  close(options: { timeoutMs: number }): Promise<void> {
    this.#closing ??= (async () => {
      const deadline = setTimeout(() => this.#abort.abort(), options.timeoutMs);
      deadline.unref();
      this.#startDrain();
      await this.#draining;
      clearTimeout(deadline);
      const unsent = this.#queue.clear();
      if (unsent > 0) {
        this.#dropped += unsent;
      }
      if (this.#abort.signal.aborted || unsent > 0) {
        this.#options.logger.warn(
          { target: this.target, timeoutMs: options.timeoutMs, droppedTotal: this.#dropped },
          `shutdown timeout: unsent ${this.#options.itemName} dropped`,
        );
      }
      this.#options.transport.close();
    })();
    return this.#closing;
  }

  /** Starts sending now when a batch is full, else after the flush interval. */
  #schedule(): void {
    if (this.#draining) return;
    if (this.#queue.items >= this.#batchItems) {
      this.#startDrain();
      return;
    }
    if (!this.#timer) {
      this.#timer = setTimeout(() => this.#startDrain(), this.#options.flushIntervalMs);
      this.#timer.unref();
    }
  }

  #startDrain(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#draining || this.#queue.isEmpty) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      if (!this.#closing && !this.#queue.isEmpty) this.#schedule();
    });
  }

  /** One batch at a time, oldest first, until the queue is empty (or shutdown gives up). */
  async #drain(): Promise<void> {
    while (!this.#queue.isEmpty && !this.#abort.signal.aborted) {
      const batch = this.#queue.take(this.#batchItems, this.#batchBytes);
      this.#inFlightItems = batch.items;
      try {
        await this.#sendWithRetry(batch);
      } catch (err) {
        // A transport bug: the batch is lost, the loop goes on.
        this.#failed += batch.items;
        this.#options.logger.error({ err, target: this.target }, 'forwarding failed unexpectedly');
      } finally {
        this.#inFlightItems = 0;
      }
    }
  }

  async #sendWithRetry(batch: ForwardBatch): Promise<void> {
    const { transport, timeoutMs, itemName } = this.#options;
    // Export*ServiceRequest has one field, a repeated one: concatenated encodings are the encoding of the merged
    // request, so batching needs no decoding.
    const body =
      batch.chunks.length === 1
        ? batch.chunks[0]!.protobuf
        : Buffer.concat(
            batch.chunks.map((chunk) => chunk.protobuf),
            batch.bytes,
          );
    const signal = this.#abort.signal;
    const startedAt = Date.now();
    for (let attempt = 0; ; attempt++) {
      const outcome: SendOutcome = await transport.send(body, timeoutMs, signal);
      if (signal.aborted) {
        this.#dropped += batch.items;
        return;
      }
      if (outcome.ok) {
        this.#sent += batch.items;
        if (this.#failing) {
          this.#failing = false;
          this.#options.logger.info({ target: this.target }, `forwarding ${itemName} works again`);
        }
        return;
      }
      this.#failing = true;
      const delayMs = outcome.retryAfterMs ?? this.#backoff(attempt);
      const giveUp = !outcome.retryable || Date.now() - startedAt + delayMs > this.#retry.maxElapsedMs;
      if (giveUp) {
        this.#failed += batch.items;
        this.#warn(
          'given_up',
          { target: this.target, error: outcome.message, failed: batch.items, failedTotal: this.#failed },
          outcome.retryable
            ? `forwarding ${itemName} failed for too long: batch given up`
            : `forward target rejected ${itemName}: batch given up`,
        );
        return;
      }
      this.#warn(
        'retrying',
        { target: this.target, error: outcome.message, attempt: attempt + 1, retryInMs: Math.round(delayMs) },
        `forwarding ${itemName} failed: retrying`,
      );
      await sleep(delayMs, signal);
    }
  }

  #backoff(attempt: number): number {
    const { initialMs, maxMs, multiplier } = this.#retry;
    const base = Math.min(maxMs, initialMs * multiplier ** attempt);
    return base * (1 - JITTER + Math.random() * 2 * JITTER);
  }

  /**
   * A warning of each kind at most once per interval: a dead target must not flood the log, and retry warnings must
   * not hide that the queue is full (one shared limit did, now and then).
   */
  #warn(kind: WarningKind, fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    const state = this.#warnings.get(kind) ?? { lastAt: Number.NEGATIVE_INFINITY, heldBack: 0 };
    this.#warnings.set(kind, state);
    if (now - state.lastAt < this.#warnIntervalMs) {
      state.heldBack++;
      return;
    }
    this.#options.logger.warn({ ...fields, warningsHeldBack: state.heldBack }, message);
    state.lastAt = now;
    state.heldBack = 0;
  }
}
