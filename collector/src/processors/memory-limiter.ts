// Like the OpenTelemetry Collector's memory_limiter: the configured limit is the hard one, a soft limit sits a
// "spike" below it (default 20%). Above the soft limit new requests are refused (clients are told to retry) and a full
// garbage collection is forced — at most once per second, and at every check in the top half of the spike — so an overload
// slows clients down instead of killing the process with an out-of-memory crash. V8's used-heap figure counts garbage
// not yet collected, and with a large heap V8 lets garbage pile up well past a soft limit before collecting: without
// the forced GC the limiter would refuse everything while the live data is small, and the heap would still cross the
// limit. Receivers ask before reading a request's body, so a refused request costs neither its body nor its decoding.
// The heap is sampled at most once per check interval, on requests and on a timer.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The default soft limit: this share of the heap V8 may grow to (--max-old-space-size or its default). */
export const DEFAULT_HEAP_LIMIT_FRACTION = 0.8;
const DEFAULT_CHECK_INTERVAL_MS = 100;
/** The soft limit is this share of the limit below it (the OpenTelemetry Collector's default spike_limit). */
export const DEFAULT_SPIKE_FRACTION = 0.2;
const MIN_GC_INTERVAL_MS = 1000;

/**
 * The global gc() — with --expose-gc, or turned on at run time. The flag must be set before the function is looked
 * up; V8 then hands it to any new context (runInNewContext), which is how Node programs get it without a CLI flag.
 */
function garbageCollector(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

export interface MemoryLimiterOptions {
  /** Limit on used heap bytes; refusals start DEFAULT_SPIKE_FRACTION below it. */
  limitBytes: number;
  /** How far below the limit refusals start. Default DEFAULT_SPIKE_FRACTION of the limit. */
  spikeBytes?: number;
  /** Forces a full garbage collection; default: V8's gc(). null = never. */
  collectGarbage?: (() => void) | null;
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
  /** Requests refused before their body was read. */
  refusedRequests: number;
  /** Garbage collections forced above the soft limit. */
  forcedGcs: number;
}

export class MemoryLimiter {
  readonly #limitBytes: number;
  readonly #softLimitBytes: number;
  /** Halfway between the soft limit and the limit: above it, a GC at every check. */
  readonly #urgentBytes: number;
  readonly #collectGarbage: (() => void) | null;
  readonly #checkIntervalMs: number;
  readonly #heapUsed: () => number;
  readonly #now: () => number;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #heapUsedBytes = 0;
  #refusedSpans = 0;
  #refusedRequests = 0;
  #forcedGcs = 0;
  #gcAt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: MemoryLimiterOptions) {
    this.#limitBytes = options.limitBytes;
    this.#softLimitBytes =
      options.limitBytes - (options.spikeBytes ?? Math.floor(options.limitBytes * DEFAULT_SPIKE_FRACTION));
    this.#urgentBytes = Math.floor((this.#softLimitBytes + this.#limitBytes) / 2);
    this.#collectGarbage = options.collectGarbage === undefined ? garbageCollector() : options.collectGarbage;
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
      refusedRequests: this.#refusedRequests,
      forcedGcs: this.#forcedGcs,
    };
  }

  get softLimitBytes(): number {
    return this.#softLimitBytes;
  }

  /** True when a batch of `spans` must be refused: the heap is above the soft limit. Counts the refusal. */
  refuses(spans: number): boolean {
    if (!this.#overLimit()) return false;
    this.#refusedSpans += spans;
    return true;
  }

  /**
   * Also checks on a timer: the writer's inserts keep making garbage while requests are being refused, and between
   * requests nothing else would collect it before the heap crosses the limit.
   */
  start(): void {
    this.#timer ??= setInterval(() => this.#overLimit(), Math.max(this.#checkIntervalMs, 10));
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** True when a request must be refused before its body is read (its span count is unknown). Counts it. */
  refusesRequest(): boolean {
    if (!this.#overLimit()) return false;
    this.#refusedRequests++;
    return true;
  }

  #overLimit(): boolean {
    const now = this.#now();
    if (now - this.#checkedAt >= this.#checkIntervalMs) {
      this.#checkedAt = now;
      this.#heapUsedBytes = this.#heapUsed();
    }
    if (this.#heapUsedBytes <= this.#softLimitBytes) return false;
    // Much of what is counted may be garbage: collect it before refusing — at most once per second, or at once
    // (once per check interval) in the top half of the spike, so the heap turns back before it reaches the limit.
    const gcDue = this.#heapUsedBytes > this.#urgentBytes ? this.#checkIntervalMs : MIN_GC_INTERVAL_MS;
    if (this.#collectGarbage && now - this.#gcAt >= gcDue) {
      this.#gcAt = now;
      this.#forcedGcs++;
      this.#collectGarbage();
      this.#heapUsedBytes = this.#heapUsed();
      this.#checkedAt = this.#now();
    }
    return this.#heapUsedBytes > this.#softLimitBytes;
  }
}
