// Retrying a batch until it is stored: exponential backoff with jitter, no attempt limit (a stored batch is the
// only way out), and a way for close() to give up mid-sleep.

/** Exponential backoff with "equal jitter": between half and all of min(max, initial·2^(attempt-1)). */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RetryHooks {
  /** Every failed attempt, before anything else happens. */
  failed(err: unknown): void;
  /** A failed attempt is retried after `retryInMs` (not called once abandoned). */
  retrying(err: unknown, attempt: number, retryInMs: number): void;
}

export class Retrier {
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  /** Cancels a backoff sleep when close() gives up. */
  #wake: (() => void) | null = null;
  #abandoned = false;

  constructor(initialDelayMs: number, maxDelayMs: number) {
    this.#initialDelayMs = initialDelayMs;
    this.#maxDelayMs = maxDelayMs;
  }

  get abandoned(): boolean {
    return this.#abandoned;
  }

  /** Stops retrying: a backoff sleep ends now, and no failed attempt is retried. */
  abandon(): void {
    this.#abandoned = true;
    this.#wake?.();
  }

  /** Runs `attempt` until it succeeds (true) or until abandon() after a failure (false). */
  async untilSucceeded(attempt: () => Promise<void>, hooks: RetryHooks): Promise<boolean> {
    for (let count = 1; ; count++) {
      try {
        await attempt();
        return true;
      } catch (err) {
        hooks.failed(err);
        if (this.#abandoned) return false;
        const delay = backoffDelay(count, this.#initialDelayMs, this.#maxDelayMs);
        hooks.retrying(err, count, delay);
        await this.#sleep(delay);
        if (this.#abandoned) return false;
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
    });
  }
}
