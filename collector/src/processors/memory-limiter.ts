// Like the OpenTelemetry Collector's memory_limiter: above a soft limit on the V8 heap, refuse new batches (clients
// are told to retry) until usage drops back, so an overload slows clients down instead of killing the process with
// an out-of-memory crash. Checked on the request path, so the heap is sampled at most once per check interval.
import { getHeapStatistics } from 'node:v8';

/** The default soft limit: this share of the heap V8 may grow to (--max-old-space-size or its default). */
export const DEFAULT_HEAP_LIMIT_FRACTION = 0.8;
const DEFAULT_CHECK_INTERVAL_MS = 100;

export interface MemoryLimiterOptions {
  /** Soft limit on used heap bytes. */
  limitBytes: number;
  /** Heap usage is re-read when the last reading is older than this. Default 100 ms. */
  checkIntervalMs?: number;
  /** Reads used heap bytes; defaults to V8's heap statistics. */
  heapUsed?: () => number;
  now?: () => number;
}

export interface MemoryLimiterStats {
  limitBytes: number;
  /** The latest reading. */
  heapUsedBytes: number;
  /** Spans of batches refused for memory. */
  refusedSpans: number;
}

export class MemoryLimiter {
  readonly #limitBytes: number;
  readonly #checkIntervalMs: number;
  readonly #heapUsed: () => number;
  readonly #now: () => number;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #heapUsedBytes = 0;
  #refusedSpans = 0;

  constructor(options: MemoryLimiterOptions) {
    this.#limitBytes = options.limitBytes;
    this.#checkIntervalMs = options.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
    this.#heapUsed = options.heapUsed ?? (() => getHeapStatistics().used_heap_size);
    this.#now = options.now ?? Date.now;
  }

  /** The soft limit for a setting in MiB; unset → DEFAULT_HEAP_LIMIT_FRACTION of V8's heap size limit. */
  static limitBytes(limitMib: number | undefined): number {
    if (limitMib !== undefined) return limitMib * 1024 * 1024;
    return Math.floor(getHeapStatistics().heap_size_limit * DEFAULT_HEAP_LIMIT_FRACTION);
  }

  get stats(): MemoryLimiterStats {
    return {
      limitBytes: this.#limitBytes,
      heapUsedBytes: this.#heapUsedBytes,
      refusedSpans: this.#refusedSpans,
    };
  }

  /** True when a batch of `spans` must be refused: the heap is above the soft limit. Counts the refusal. */
  refuses(spans: number): boolean {
    const now = this.#now();
    if (now - this.#checkedAt >= this.#checkIntervalMs) {
      this.#checkedAt = now;
      this.#heapUsedBytes = this.#heapUsed();
    }
    if (this.#heapUsedBytes <= this.#limitBytes) return false;
    this.#refusedSpans += spans;
    return true;
  }
}
