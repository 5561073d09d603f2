// Closed-loop OTLP/JSON load for the chaos test: N clients each post a batch, wait for the answer, and post the next,
// recording per phase every answer's status, every dropped connection, and the span ids answered 200.
import { jsonBatch, newSpanIds } from '../support/load.js';
import { sleep } from './helpers.js';

export interface PhaseTally {
  /** HTTP status → answers. */
  statuses: Map<number, number>;
  /** Requests that got no HTTP answer (connection refused/reset, timeout), with the error text. */
  dropped: string[];
  ackedSpans: number;
}

export class ClosedLoopLoad<Phase extends string> {
  readonly acked: string[] = [];
  readonly tallies = new Map<Phase, PhaseTally>();
  /** Requests sent and not answered yet. */
  inFlight = 0;
  phase: Phase;
  #stopped = false;
  #workers: Promise<void>[] = [];

  constructor(
    /** Where the next requests go (a restarted collector listens on new ports). */
    public url: string,
    initial: Phase,
    private readonly spansPerRequest = 50,
  ) {
    this.phase = initial;
  }

  /** One line per phase: statuses, spans acknowledged, dropped requests. */
  report(): string {
    return [...this.tallies]
      .map(
        ([phase, t]) =>
          `${phase}: ${JSON.stringify(Object.fromEntries(t.statuses))} acked=${t.ackedSpans} dropped=${t.dropped.length}`,
      )
      .join('; ');
  }

  tally(phase: Phase): PhaseTally {
    let tally = this.tallies.get(phase);
    if (!tally) {
      tally = { statuses: new Map(), dropped: [], ackedSpans: 0 };
      this.tallies.set(phase, tally);
    }
    return tally;
  }

  start(concurrency: number): this {
    this.#stopped = false;
    this.#workers = Array.from({ length: concurrency }, () => this.#worker());
    return this;
  }

  /** Lets in-flight requests finish, then resolves. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#workers);
  }

  async #worker(): Promise<void> {
    while (!this.#stopped) {
      const ids = newSpanIds(this.spansPerRequest);
      this.inFlight += 1;
      try {
        const res = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: jsonBatch(ids),
          signal: AbortSignal.timeout(60_000),
        });
        await res.arrayBuffer();
        // Counted in the phase it was answered in: a request sent just before a kill is the kill's.
        const tally = this.tally(this.phase);
        tally.statuses.set(res.status, (tally.statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200) {
          this.acked.push(...ids);
          tally.ackedSpans += ids.length;
        } else if (res.status === 429 || res.status === 503) {
          // What an OTLP exporter does: come back after Retry-After (capped so the load stays continuous).
          const retryAfter = Number(res.headers.get('retry-after') ?? '1');
          await sleep(Math.min(1000, Math.max(100, retryAfter * 1000)));
        }
      } catch (err) {
        // No answer: not acknowledged, so the client would resend it; no claim on these ids.
        this.tally(this.phase).dropped.push(String((err as Error).cause ?? err));
        await sleep(100);
      } finally {
        this.inFlight -= 1;
      }
    }
  }
}
