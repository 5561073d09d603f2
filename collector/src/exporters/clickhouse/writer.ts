// The ClickHouse exporter: a bounded in-memory queue of processed spans, written in batches (otel_traces,
// beacon_genai_spans, beacon_messages, beacon_span_failures). A batch that fails is retried with exponential backoff
// and jitter until it is stored; it stays counted in the queue meanwhile, so a full queue pushes back on the
// receivers (OTLP clients are told to retry) instead of dropping data. Exactly once: after a failed attempt, the rows a table already holds are
// looked up by (TraceId, SpanId) and not inserted again. With a spool (spool/), every accepted batch is on disk
// first and released once stored; batches replayed from it after a crash are treated like a failed attempt (their
// rows may be stored already), so they are stored exactly once too.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { EnrichedSpan, TenantSpans } from '../../model.js';
import type { ClickHouseStorage } from '../../storage/client.js';
import { qualifiedName } from '../../storage/sql.js';
import { TABLES } from '../../storage/tables.js';
import { RecentMessages } from './messages.js';
import { type BatchRows, type FailureRow, type GenAIRow, type TraceRow, toBatchRows } from './rows.js';
import type { RecoveredBatch, RecoveredSpool, SpanSpool } from './spool/index.js';

export interface ClickHouseWriterOptions {
  storage: Pick<ClickHouseStorage, 'client' | 'insertJsonEachRow'>;
  /** The database of a tenant, ready for inserts (storage/tenants.ts: created and migrated on first use). */
  databaseFor: (tenant: string) => Promise<string>;
  logger: Logger;
  /** Spans held (queued or being written) before enqueue() refuses. */
  maxQueueSpans: number;
  /** Spans per insert. */
  batchSpans: number;
  /** Longest a span waits for a batch to fill before it is written anyway. */
  flushIntervalMs: number;
  /** First retry delay; doubles per failed attempt up to retryMaxDelayMs (each with jitter). Default 100. */
  retryInitialDelayMs?: number;
  /** Default 10 000. */
  retryMaxDelayMs?: number;
  /** Message hashes remembered as written, to skip re-inserting resent conversation history. Default 100 000. */
  recentMessages?: number;
  /** Durable copy of every accepted batch until it is stored; unset = in memory only. */
  spool?: SpanSpool;
}

export interface ClickHouseWriterStats {
  /** Spans accepted and not yet written (includes the batch being written). */
  queueDepth: number;
  spansWritten: number;
  batchesWritten: number;
  /** New beacon_messages rows written (distinct messages). */
  messagesWritten: number;
  /** Failed insert attempts (each retry that fails counts again). */
  writeErrors: number;
  /** Accepted spans given up on: only when close() runs out of time. Always logged. */
  spansDropped: number;
  healthy: boolean;
  lastWriteError: string | null;
}

type Table = 'messages' | 'traces' | 'genai' | 'failures';
/**
 * Messages first, so a stored GenAI row never references a message that is not stored yet; failures after the
 * spans they describe.
 */
const INSERT_ORDER: readonly Table[] = ['messages', 'traces', 'genai', 'failures'];
const TABLE_NAMES: Record<Table, string> = {
  messages: TABLES.messages,
  traces: TABLES.traces,
  genai: TABLES.genaiSpans,
  failures: TABLES.spanFailures,
};

/** Spans taken from the queue for one batch, grouped by tenant. */
interface TakenSpans {
  size: number;
  byTenant: Map<string, EnrichedSpan[]>;
}

/** Ids per reconcile query: keeps the query parameters far below the HTTP interface's URL limit. */
const RECONCILE_CHUNK = 1000;
const MAX_ERROR_TEXT = 500;

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

/** `ssssssssss.nnnnnnnnn` (rows.ts's DateTime64 text) → nanoseconds as a decimal string, for an Int64 parameter. */
function dateTime64ToNanos(text: string): string {
  return BigInt(text.replace('.', '')).toString();
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}

/** The rows of one tenant in a batch: they go to that tenant's database. */
interface TenantPart {
  tenant: string;
  rows: BatchRows;
  /** Tables whose insert has not succeeded yet. */
  pending: Set<Table>;
}

/** One batch on its way to storage. Rows are built once, so a retry writes exactly what the first attempt tried. */
interface Batch {
  size: number;
  parts: TenantPart[];
  /** An attempt failed: some rows of the pending tables may be stored anyway (partial or timed-out insert). */
  uncertain: boolean;
}

export class ClickHouseWriter {
  readonly #client: ClickHouseClient;
  readonly #insertJsonEachRow: ClickHouseStorage['insertJsonEachRow'];
  readonly #databaseFor: (tenant: string) => Promise<string>;
  readonly #logger: Logger;
  readonly #maxQueueSpans: number;
  readonly #batchSpans: number;
  readonly #flushIntervalMs: number;
  readonly #retryInitialDelayMs: number;
  readonly #retryMaxDelayMs: number;
  readonly #recentMessages: number;
  /** Per tenant: a message stored in one tenant's database is not in another's. */
  readonly #recent = new Map<string, RecentMessages>();
  readonly #spool: SpanSpool | undefined;
  /** Spans up to this cumulative count were replayed from the spool: some of their rows may be stored already. */
  #replayedUntil = 0;

  /** Accepted chunks not yet taken into a batch; #headOffset spans of the head chunk are already taken. */
  readonly #queue: TenantSpans[] = [];
  /** Batches recovered from the spool, read lazily and taken before anything in #queue. */
  #replaySource: Iterator<RecoveredBatch> | null = null;
  /** The recovered batch being taken (the head chunk while set). */
  #replayHead: TenantSpans | null = null;
  #headOffset = 0;
  // Cumulative span counts: queued = enqueued - taken, queueDepth = enqueued - settled.
  #enqueued = 0;
  #taken = 0;
  /** Written or dropped. */
  #settled = 0;
  /** Everything up to this cumulative count is due now (flush() or the interval timer asked for it). */
  #drainTarget = 0;
  readonly #waiters: { target: number; resolve: () => void }[] = [];

  #timer: NodeJS.Timeout | null = null;
  #pump: Promise<void> | null = null;
  /** Cancels a backoff sleep when close() gives up. */
  #wake: (() => void) | null = null;
  #closing = false;
  #abandoned = false;
  #closed: Promise<void> | undefined;

  #spansWritten = 0;
  #batchesWritten = 0;
  #messagesWritten = 0;
  #writeErrors = 0;
  #spansDropped = 0;
  #lastWriteError: string | null = null;

  constructor(options: ClickHouseWriterOptions) {
    this.#client = options.storage.client;
    this.#insertJsonEachRow = options.storage.insertJsonEachRow;
    this.#databaseFor = options.databaseFor;
    this.#logger = options.logger;
    this.#maxQueueSpans = options.maxQueueSpans;
    this.#batchSpans = Math.max(1, options.batchSpans);
    this.#flushIntervalMs = options.flushIntervalMs;
    this.#retryInitialDelayMs = options.retryInitialDelayMs ?? 100;
    this.#retryMaxDelayMs = options.retryMaxDelayMs ?? 10_000;
    this.#recentMessages = options.recentMessages ?? 100_000;
    this.#spool = options.spool;
  }

  get queueDepth(): number {
    return this.#enqueued - this.#settled;
  }

  /** False while the latest write attempt failed (for /readyz). */
  get healthy(): boolean {
    return this.#lastWriteError === null;
  }

  get lastWriteError(): string | null {
    return this.#lastWriteError;
  }

  get stats(): ClickHouseWriterStats {
    return {
      queueDepth: this.queueDepth,
      spansWritten: this.#spansWritten,
      batchesWritten: this.#batchesWritten,
      messagesWritten: this.#messagesWritten,
      writeErrors: this.#writeErrors,
      spansDropped: this.#spansDropped,
      healthy: this.healthy,
      lastWriteError: this.#lastWriteError,
    };
  }

  /**
   * Takes all of `spans` or none: false when they do not fit (or the writer is closing), and the caller should
   * tell its client to retry. A batch larger than the whole queue is accepted into an empty queue, so that it can
   * never be refused forever.
   */
  enqueue(batch: TenantSpans): boolean {
    if (this.#closing) return false;
    const { spans } = batch;
    if (spans.length === 0) return true;
    const depth = this.queueDepth;
    if (depth > 0 && depth + spans.length > this.#maxQueueSpans) return false;
    if (this.#spool && !this.#spool.append(batch)) return false;
    this.#queue.push(batch);
    this.#enqueued += spans.length;
    this.#kick();
    return true;
  }

  /**
   * Queues batches recovered from the spool (already accepted once, so never refused), before anything else is
   * enqueued. Their rows are checked against storage before insert, like a retry after a failed attempt.
   */
  replay(recovered: RecoveredSpool): void {
    if (recovered.spans === 0) return;
    // Counted now (queue depth, flush targets), read from disk only as batches are taken.
    this.#replaySource = recovered.read()[Symbol.iterator]();
    this.#enqueued += recovered.spans;
    this.#replayedUntil = this.#enqueued;
    this.#drainTarget = Math.max(this.#drainTarget, this.#enqueued);
    this.#kick();
  }

  /** Resolves once every span enqueued before the call is written (or dropped by a timed-out close()). */
  flush(): Promise<void> {
    const target = this.#enqueued;
    if (this.#settled >= target) return Promise.resolve();
    this.#drainTarget = Math.max(this.#drainTarget, target);
    const done = new Promise<void>((resolve) => this.#waiters.push({ target, resolve }));
    this.#kick();
    return done;
  }

  /**
   * Refuses new spans and writes every accepted one. After `timeoutMs`, stops retrying: the attempt in flight
   * finishes (so the count is exact), whatever is still unwritten is counted in spansDropped and logged.
   */
  close(options: { timeoutMs: number }): Promise<void> {
    this.#closed ??= this.#close(options.timeoutMs);
    return this.#closed;
  }

  async #close(timeoutMs: number): Promise<void> {
    this.#closing = true;
    this.#clearTimer();
    const drained = this.flush();
    let deadline: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      drained.then(() => false),
      new Promise<boolean>((resolve) => {
        deadline = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(deadline);
    if (!timedOut) {
      this.#spool?.close();
      return;
    }

    this.#abandoned = true;
    this.#wake?.();
    await this.#pump;
    const dropped = this.#enqueued - this.#taken;
    this.#queue.length = 0;
    this.#replaySource = null;
    this.#replayHead = null;
    this.#headOffset = 0;
    this.#taken = this.#enqueued;
    this.#drop(dropped);
    // Unwritten batches stay in the spool (never released): the next start writes them.
    this.#spool?.close();
    this.#logger.error(
      {
        spansDropped: this.#spansDropped,
        timeoutMs,
        lastWriteError: this.#lastWriteError,
        spooled: !!this.#spool,
      },
      this.#spool
        ? `shutdown timed out after ${timeoutMs} ms: ${this.#spansDropped} accepted spans stay in the spool and are written at the next start`
        : `shutdown timed out after ${timeoutMs} ms: ${this.#spansDropped} accepted spans were not written to ClickHouse`,
    );
  }

  // --- scheduling -------------------------------------------------------------------------------------------

  get #queued(): number {
    return this.#enqueued - this.#taken;
  }

  #due(): boolean {
    return this.#queued >= this.#batchSpans || this.#taken < this.#drainTarget || this.#closing;
  }

  /** Starts the (single) write loop when a batch is due, else makes sure the interval timer runs. */
  #kick(): void {
    if (this.#pump || this.#abandoned || this.#queued === 0) return;
    if (!this.#due()) {
      this.#armTimer();
      return;
    }
    this.#pump = this.#writeDue().finally(() => {
      this.#pump = null;
      this.#kick();
    });
  }

  #armTimer(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#drainTarget = Math.max(this.#drainTarget, this.#enqueued);
      this.#kick();
    }, this.#flushIntervalMs);
    // Pending spans alone must not keep the process alive; shutdown goes through close().
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #writeDue(): Promise<void> {
    while (!this.#abandoned && this.#queued > 0 && this.#due()) {
      const replayed = this.#taken < this.#replayedUntil;
      const taken = this.#take(this.#batchSpans);
      try {
        await this.#writeBatch(taken, replayed);
      } catch (err) {
        // #writeBatch only throws on a bug (e.g. a row that cannot be built); never lose the loop over it.
        this.#logger.error(
          { err, spans: taken.size },
          'ClickHouse writer failed to build a batch; spans dropped',
        );
        // Released too: replaying a batch that cannot be built would fail the same way at every start.
        this.#spool?.release(taken.size);
        this.#drop(taken.size);
      }
    }
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
        this.#spool?.release(lost);
        this.#drop(lost);
      }
      if (batch.spans.length > 0) this.#replayHead = batch;
    }
    return this.#replayHead ?? this.#queue[0];
  }

  #dropHeadChunk(): void {
    if (this.#replayHead) this.#replayHead = null;
    else this.#queue.shift();
  }

  /** Up to `count` queued spans, grouped by tenant. */
  #take(count: number): TakenSpans {
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

  #settle(count: number): void {
    this.#settled += count;
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i]!;
      if (waiter.target <= this.#settled) {
        this.#waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  #drop(count: number): void {
    if (count <= 0) return;
    this.#spansDropped += count;
    this.#settle(count);
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

  // --- writing ----------------------------------------------------------------------------------------------

  #recentOf(tenant: string): RecentMessages {
    let recent = this.#recent.get(tenant);
    if (!recent) {
      recent = new RecentMessages(this.#recentMessages);
      this.#recent.set(tenant, recent);
    }
    return recent;
  }

  async #writeBatch(taken: TakenSpans, replayed: boolean): Promise<void> {
    const parts = [...taken.byTenant].map(([tenant, spans]): TenantPart => {
      const rows = toBatchRows(spans, this.#recentOf(tenant));
      return {
        tenant,
        rows,
        pending: new Set(INSERT_ORDER.filter((table) => this.#rowsOf(rows, table).length > 0)),
      };
    });
    const batch: Batch = {
      size: taken.size,
      parts,
      // A crash may have come after ClickHouse stored the batch but before the spool heard of it.
      uncertain: replayed,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#attempt(batch);
        break;
      } catch (err) {
        this.#writeErrors++;
        this.#lastWriteError = errorText(err);
        batch.uncertain = true;
        if (this.#abandoned) {
          this.#drop(batch.size);
          return;
        }
        const delay = backoffDelay(attempt, this.#retryInitialDelayMs, this.#retryMaxDelayMs);
        this.#logger.warn(
          {
            err,
            attempt,
            retryInMs: delay,
            spans: batch.size,
            pendingTables: batch.parts.flatMap((part) => [...part.pending]),
          },
          'ClickHouse write failed; retrying the batch',
        );
        await this.#sleep(delay);
        if (this.#abandoned) {
          this.#drop(batch.size);
          return;
        }
      }
    }
    if (this.#lastWriteError !== null) {
      this.#logger.info({ spans: batch.size }, 'ClickHouse writes recovered');
      this.#lastWriteError = null;
    }
    this.#spansWritten += batch.size;
    this.#batchesWritten++;
    this.#spool?.release(batch.size);
    this.#settle(batch.size);
  }

  #rowsOf(rows: BatchRows, table: Table): unknown[] {
    return table === 'messages' ? rows.messages : rows[table];
  }

  async #attempt(batch: Batch): Promise<void> {
    for (const part of batch.parts) {
      if (part.pending.size === 0) continue;
      const database = await this.#databaseFor(part.tenant);
      await this.#attemptPart(database, part, batch.uncertain);
    }
  }

  async #attemptPart(database: string, part: TenantPart, uncertain: boolean): Promise<void> {
    const { rows } = part;
    for (const table of INSERT_ORDER) {
      if (!part.pending.has(table)) continue;
      if (table === 'messages') {
        // Re-inserting a message is harmless (rows aggregate per hash and day; reads aggregate too).
        await this.#insert(
          database,
          table,
          rows.messages.map((message) => message.row),
        );
        const recent = this.#recentOf(part.tenant);
        for (const message of rows.messages) recent.remember(message.row.Hash, message.day);
        this.#messagesWritten += rows.messages.length;
      } else if (table === 'traces') {
        if (uncertain) rows.traces = await this.#withoutStored(database, table, rows.traces);
        await this.#insert(database, table, rows.traces);
      } else if (table === 'genai') {
        if (uncertain) rows.genai = await this.#withoutStored(database, table, rows.genai);
        await this.#insert(database, table, rows.genai);
      } else {
        // Exactly once like the spans: a duplicated failure row would count twice in every error pattern.
        if (uncertain) rows.failures = await this.#withoutStored(database, table, rows.failures);
        await this.#insert(database, table, rows.failures);
      }
      part.pending.delete(table);
    }
  }

  async #insert(database: string, table: Table, values: unknown[]): Promise<void> {
    await this.#insertJsonEachRow(database, TABLE_NAMES[table], values);
  }

  /** The rows that `table` does not hold yet, by (TraceId, SpanId). */
  async #withoutStored<R extends TraceRow | GenAIRow | FailureRow>(
    database: string,
    table: Table,
    rows: R[],
  ): Promise<R[]> {
    const stored = new Set<string>();
    for (let i = 0; i < rows.length; i += RECONCILE_CHUNK) {
      const chunk = rows.slice(i, i + RECONCILE_CHUNK);
      let from = chunk[0]!.Timestamp;
      let to = from;
      for (const row of chunk) {
        if (row.Timestamp < from) from = row.Timestamp;
        if (row.Timestamp > to) to = row.Timestamp;
      }
      const result = await this.#client.query({
        // The time range prunes partitions; TraceId hits the table's trace id index.
        query: `SELECT TraceId, SpanId FROM ${qualifiedName(database, TABLE_NAMES[table])}
                WHERE Timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({to:Int64})
                  AND TraceId IN {traceIds:Array(String)} AND SpanId IN {spanIds:Array(String)}`,
        query_params: {
          from: dateTime64ToNanos(from),
          to: dateTime64ToNanos(to),
          traceIds: [...new Set(chunk.map((row) => row.TraceId))],
          spanIds: chunk.map((row) => row.SpanId),
        },
        format: 'JSONEachRow',
      });
      for (const row of await result.json<{ TraceId: string; SpanId: string }>())
        stored.add(`${row.TraceId}/${row.SpanId}`);
    }
    if (stored.size > 0) {
      this.#logger.info(
        { database, table: TABLE_NAMES[table], alreadyStored: stored.size },
        'skipping rows a failed attempt stored',
      );
    }
    return stored.size === 0 ? rows : rows.filter((row) => !stored.has(`${row.TraceId}/${row.SpanId}`));
  }
}
