// The ClickHouse exporter: a bounded in-memory queue of processed spans, written in batches (otel_traces,
// beacon_genai_spans, beacon_messages, beacon_span_failures). A batch that fails is retried with exponential backoff
// and jitter until it is stored; it stays counted in the queue meanwhile, so a full queue pushes back on the
// receivers (OTLP clients are told to retry) instead of dropping data. Exactly once: after a failed attempt, the rows a table already holds are
// looked up by (TraceId, SpanId) and not inserted again. With a spool (spool/), every accepted batch is on disk
// first and released once stored; batches replayed from it after a crash are treated like a failed attempt (their
// rows may be stored already), so they are stored exactly once too.
// The parts: queue.ts (accepted and replayed spans, flush targets), retry.ts (backoff until stored),
// reconcile.ts (which rows of a retried batch are stored already); this file schedules and inserts.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { TenantSpans } from '../../model.js';
import type { ClickHouseStorage } from '../../storage/client.js';
import { TABLES } from '../../storage/tables.js';
import { encodeGenAIBlocks, GENAI_COLUMN_NAMES } from './genai-columns.js';
import { RecentMessages } from './messages.js';
import { SpanQueue, type TakenSpans } from './queue.js';
import { rowKey, type SpanKey, spanKey, withoutStored } from './reconcile.js';
import { Retrier } from './retry.js';
import { type BatchRows, type GenAIEntry, toBatchRows } from './rows.js';
import type { RecoveredSpool, SpanSpool } from './spool/index.js';
import { encodeTraceBlocks, TRACE_COLUMN_NAMES } from './trace-columns.js';

export interface ClickHouseWriterOptions {
  storage: Pick<ClickHouseStorage, 'client' | 'insertJsonEachRow' | 'insertNative'>;
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

const MAX_ERROR_TEXT = 500;

/** A GenAI row's key, from the span it is encoded from. */
const genaiKey = (entry: GenAIEntry): SpanKey => spanKey(entry.span);

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
  readonly #insertNative: ClickHouseStorage['insertNative'];
  readonly #databaseFor: (tenant: string) => Promise<string>;
  readonly #logger: Logger;
  readonly #maxQueueSpans: number;
  readonly #batchSpans: number;
  readonly #flushIntervalMs: number;
  readonly #recentMessages: number;
  /** Per tenant: a message stored in one tenant's database is not in another's. */
  readonly #recent = new Map<string, RecentMessages>();
  readonly #spool: SpanSpool | undefined;
  readonly #queue: SpanQueue;
  /** Abandoned (no more retries, no more batches) when close() gives up. */
  readonly #retry: Retrier;

  #timer: NodeJS.Timeout | null = null;
  #pump: Promise<void> | null = null;
  #closing = false;
  #closed: Promise<void> | undefined;

  #spansWritten = 0;
  #batchesWritten = 0;
  #messagesWritten = 0;
  #writeErrors = 0;
  #lastWriteError: string | null = null;

  constructor(options: ClickHouseWriterOptions) {
    this.#client = options.storage.client;
    this.#insertJsonEachRow = options.storage.insertJsonEachRow;
    this.#insertNative = options.storage.insertNative;
    this.#databaseFor = options.databaseFor;
    this.#logger = options.logger;
    this.#maxQueueSpans = options.maxQueueSpans;
    this.#batchSpans = Math.max(1, options.batchSpans);
    this.#flushIntervalMs = options.flushIntervalMs;
    this.#retry = new Retrier(options.retryInitialDelayMs ?? 100, options.retryMaxDelayMs ?? 10_000);
    this.#recentMessages = options.recentMessages ?? 100_000;
    this.#spool = options.spool;
    this.#queue = new SpanQueue((lost) => this.#spool?.release(lost));
  }

  get queueDepth(): number {
    return this.#queue.depth;
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
      spansDropped: this.#queue.dropped,
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
    this.#kick();
    return true;
  }

  /**
   * Queues batches recovered from the spool (already accepted once, so never refused), before anything else is
   * enqueued. Their rows are checked against storage before insert, like a retry after a failed attempt.
   */
  replay(recovered: RecoveredSpool): void {
    if (recovered.spans === 0) return;
    this.#queue.replay(recovered);
    this.#kick();
  }

  /** Resolves once every span enqueued before the call is written (or dropped by a timed-out close()). */
  flush(): Promise<void> {
    const done = this.#queue.untilSettled();
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

    this.#retry.abandon();
    await this.#pump;
    this.#queue.abandon();
    // Unwritten batches stay in the spool (never released): the next start writes them.
    this.#spool?.close();
    const spansDropped = this.#queue.dropped;
    this.#logger.error(
      {
        spansDropped,
        timeoutMs,
        lastWriteError: this.#lastWriteError,
        spooled: !!this.#spool,
      },
      this.#spool
        ? `shutdown timed out after ${timeoutMs} ms: ${spansDropped} accepted spans stay in the spool and are written at the next start`
        : `shutdown timed out after ${timeoutMs} ms: ${spansDropped} accepted spans were not written to ClickHouse`,
    );
  }

  // --- scheduling -------------------------------------------------------------------------------------------

  #due(): boolean {
    return this.#queue.isDue(this.#batchSpans, this.#closing);
  }

  /** Starts the (single) write loop when a batch is due, else makes sure the interval timer runs. */
  #kick(): void {
    if (this.#pump || this.#retry.abandoned || this.#queue.queued === 0) return;
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
      this.#queue.dueNow();
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
    while (!this.#retry.abandoned && this.#queue.queued > 0 && this.#due()) {
      const replayed = this.#queue.nextIsReplayed;
      const taken = this.#queue.take(this.#batchSpans);
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
        this.#queue.drop(taken.size);
      }
    }
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
    const stored = await this.#retry.untilSucceeded(() => this.#attempt(batch), {
      failed: (err) => {
        this.#writeErrors++;
        this.#lastWriteError = errorText(err);
        batch.uncertain = true;
      },
      retrying: (err, attempt, retryInMs) => {
        this.#logger.warn(
          {
            err,
            attempt,
            retryInMs,
            spans: batch.size,
            pendingTables: batch.parts.flatMap((part) => [...part.pending]),
          },
          'ClickHouse write failed; retrying the batch',
        );
      },
    });
    if (!stored) {
      this.#queue.drop(batch.size);
      return;
    }
    if (this.#lastWriteError !== null) {
      this.#logger.info({ spans: batch.size }, 'ClickHouse writes recovered');
      this.#lastWriteError = null;
    }
    this.#spansWritten += batch.size;
    this.#batchesWritten++;
    this.#spool?.release(batch.size);
    this.#queue.settle(batch.size);
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
        if (uncertain) rows.traces = await this.#withoutStored(database, table, rows.traces, spanKey);
        if (rows.traces.length > 0) {
          await this.#insertNative(
            database,
            TABLE_NAMES.traces,
            TRACE_COLUMN_NAMES,
            encodeTraceBlocks(rows.traces),
          );
        }
      } else if (table === 'genai') {
        if (uncertain) rows.genai = await this.#withoutStored(database, table, rows.genai, genaiKey);
        if (rows.genai.length > 0) {
          await this.#insertNative(
            database,
            TABLE_NAMES.genai,
            GENAI_COLUMN_NAMES,
            encodeGenAIBlocks(rows.genai),
          );
        }
      } else {
        // Exactly once like the spans: a duplicated failure row would count twice in every error pattern.
        if (uncertain) rows.failures = await this.#withoutStored(database, table, rows.failures, rowKey);
        await this.#insert(database, table, rows.failures);
      }
      part.pending.delete(table);
    }
  }

  async #insert(database: string, table: Table, values: unknown[]): Promise<void> {
    await this.#insertJsonEachRow(database, TABLE_NAMES[table], values);
  }

  /** The rows that `table` does not hold yet, by (TraceId, SpanId). */
  #withoutStored<R>(database: string, table: Table, rows: R[], keyOf: (row: R) => SpanKey): Promise<R[]> {
    return withoutStored(this.#client, this.#logger, database, TABLE_NAMES[table], rows, keyOf);
  }
}
