// The durable spool behind the ClickHouse writer: every batch the writer takes is appended here (synchronously,
// before the receiver answers the client) and released once ClickHouse stored it; whatever is left at start-up is
// replayed. Append-only segment files of checksummed records; a segment is deleted when all its records are
// released. Bounded by bytes on disk: when full, append() refuses and the client is told to retry.
//
// fsync policy: `always` fdatasyncs every append before it returns (an acknowledged batch survives a power loss or
// kernel crash, at the cost of one disk flush per request); `never` leaves flushing to the OS, which still survives
// the collector process dying (SIGKILL, OOM kill, crash) because written bytes are in the page cache.
//
// Synchronous file I/O on purpose: SpanSink.accept is synchronous (receivers answer from its result), and an
// append must be on disk before the answer. One write (plus one fdatasync) per request is the cost.
import {
  closeSync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { DEFAULT_TENANT, type TenantSpans } from '../../../model.js';
import { decodeSpans, encodeSpans, frameRecord, readRecord } from './record.js';

export type SpoolFsync = 'always' | 'never';

export interface SpoolOptions {
  dir: string;
  /** Bytes on disk (all segments) before append() refuses. */
  maxBytes: number;
  fsync: SpoolFsync;
  logger: Logger;
  /** A segment is closed and a new one started past this size. Default 16 MiB. */
  segmentBytes?: number;
}

export interface SpoolStats {
  /** Bytes of all segment files. */
  bytes: number;
  /** Records appended (or recovered) and not yet released. */
  records: number;
  /** Records skipped at start-up because their checksum failed or the file ended inside them. */
  corruptRecords: number;
  /** Appends refused because the spool was full or the write failed. */
  refusedAppends: number;
}

/** One batch read back from the spool, and how many spans the spool counted in it when it was recovered. */
export interface RecoveredBatch {
  batch: TenantSpans;
  /** `batch.spans.length`, unless the record became unreadable after start-up (then fewer: the rest is lost). */
  expectedSpans: number;
}

/**
 * The batches left in the spool at start-up. Their records were checked and counted when the spool was opened, but
 * are read back (one at a time, from their segment files) only as the writer takes them: a full spool (1 GiB by
 * default) is replayed without ever being held in memory at once.
 */
export interface RecoveredSpool {
  readonly batches: number;
  readonly spans: number;
  /** Every recovered batch in spool order; iterate once. */
  read(): Iterable<RecoveredBatch>;
}

/** Where a recovered record's payload is. */
interface RecordRef {
  file: string;
  offset: number;
  length: number;
  spans: number;
}

/** Where the writer makes batches durable; the ClickHouse writer releases them in the order they were appended. */
export interface SpanSpool {
  /** False = not written (full, or the disk failed): the batch must be refused. */
  append(batch: TenantSpans): boolean;
  /** `spans` more spans, in append order, are stored in ClickHouse. */
  release(spans: number): void;
  close(): void;
  readonly stats: SpoolStats;
}

interface Segment {
  seq: number;
  file: string;
  bytes: number;
  records: number;
  released: number;
  /** Open for appends (the newest segment of this run only). */
  fd: number | null;
}

const SEGMENT_PATTERN = /^segment-(\d{16})\.log$/;
const LOCK_FILE = 'spool.lock';

/** Another live process holds the spool: two collectors replaying and deleting the same segments would lose data. */
export class SpoolInUseError extends Error {
  override name = 'SpoolInUseError';
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the spool directory's lock file (holding our pid). A lock left by a process that is gone (killed, crashed)
 * is taken over. Node has no flock(), so processes in other PID namespaces (containers sharing a volume) are not
 * detected: give each replica its own spool.
 */
function acquireLock(dir: string): string {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isSafeInteger(holder) && holder !== process.pid && processAlive(holder))
      throw new SpoolInUseError(`spool directory ${dir} is in use by process ${holder}`);
    unlinkSync(file);
  }
}
const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;

function segmentName(seq: number): string {
  return `segment-${String(seq).padStart(16, '0')}.log`;
}

export class Spool implements SpanSpool {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #fsync: SpoolFsync;
  readonly #logger: Logger;
  readonly #segmentBytes: number;
  readonly #segments: Segment[] = [];
  /** Unreleased records in append order: their segment and span count. */
  readonly #pending: { segment: Segment; spans: number }[] = [];
  #pendingHead = 0;
  /** Released spans not yet adding up to the whole head record. */
  #releasedCarry = 0;
  #nextSeq = 1;
  #bytes = 0;
  #corruptRecords = 0;
  #refusedAppends = 0;
  #closed = false;
  #lockFile: string | null = null;

  private constructor(options: SpoolOptions) {
    this.#dir = options.dir;
    this.#maxBytes = options.maxBytes;
    this.#fsync = options.fsync;
    this.#logger = options.logger;
    this.#segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  }

  /**
   * Opens (creating) the spool directory and reads back every record not yet released: the caller must hand them
   * to the writer before anything else is appended. Throws when the directory cannot be created or read, and
   * SpoolInUseError when another live process has it open.
   */
  static open(options: SpoolOptions): { spool: Spool; recovered: RecoveredSpool } {
    const spool = new Spool(options);
    mkdirSync(options.dir, { recursive: true });
    spool.#lockFile = acquireLock(options.dir);
    try {
      return { spool, recovered: spool.#recover() };
    } catch (err) {
      spool.close();
      throw err;
    }
  }

  get stats(): SpoolStats {
    return {
      bytes: this.#bytes,
      records: this.#pending.length - this.#pendingHead,
      corruptRecords: this.#corruptRecords,
      refusedAppends: this.#refusedAppends,
    };
  }

  #recover(): RecoveredSpool {
    const files = readdirSync(this.#dir)
      .map((file) => ({ file, match: SEGMENT_PATTERN.exec(file) }))
      .filter((entry) => entry.match !== null)
      .map((entry) => ({ file: entry.file, seq: Number(entry.match![1]) }))
      .sort((a, b) => a.seq - b.seq);
    const recovered: RecordRef[] = [];
    let recoveredSpans = 0;
    for (const { file, seq } of files) {
      this.#nextSeq = Math.max(this.#nextSeq, seq + 1);
      const fullPath = path.join(this.#dir, file);
      const data = readFileSync(fullPath);
      const segment: Segment = { seq, file: fullPath, bytes: data.length, records: 0, released: 0, fd: null };
      let offset = 0;
      for (;;) {
        const outcome = readRecord(data, offset, Math.max(this.#maxBytes, data.length));
        if (outcome.kind === 'end') break;
        if (outcome.kind === 'torn') {
          this.#corruptRecords++;
          this.#logger.warn(
            { segment: file, offset, bytesSkipped: data.length - offset },
            'spool segment ends inside a record (write cut short by a crash); the partial record is skipped',
          );
          break;
        }
        if (outcome.kind === 'corrupt') {
          this.#corruptRecords++;
          this.#logger.warn({ segment: file, offset }, 'spool record failed its checksum; skipped');
          offset = outcome.next;
          continue;
        }
        const payloadOffset = outcome.next - outcome.payload.length;
        offset = outcome.next;
        let batch: TenantSpans;
        try {
          // Decoded here only to count its spans (and skip what cannot be replayed); read again when replayed.
          batch = decodeSpans(outcome.payload);
        } catch (err) {
          // Checksum fine but unreadable: written by an incompatible version. Replaying it is impossible.
          this.#corruptRecords++;
          this.#logger.warn({ err, segment: file }, 'spool record could not be decoded; skipped');
          continue;
        }
        if (batch.spans.length === 0) continue;
        segment.records++;
        this.#pending.push({ segment, spans: batch.spans.length });
        recovered.push({
          file: fullPath,
          offset: payloadOffset,
          length: outcome.payload.length,
          spans: batch.spans.length,
        });
        recoveredSpans += batch.spans.length;
      }
      this.#segments.push(segment);
      this.#bytes += segment.bytes;
      // Nothing left to replay in it (all records skipped): it would never be released.
      if (segment.records === 0) this.#delete(segment);
    }
    if (recovered.length > 0) {
      this.#logger.info(
        { records: recovered.length, spans: recoveredSpans },
        'replaying spooled batches not yet confirmed by ClickHouse',
      );
    }
    return { batches: recovered.length, spans: recoveredSpans, read: () => this.#readBack(recovered) };
  }

  /** Reads recovered records back one at a time. A segment's file stays open until its records are read. */
  *#readBack(refs: readonly RecordRef[]): Generator<RecoveredBatch> {
    let openFile: string | null = null;
    let fd: number | null = null;
    try {
      for (const ref of refs) {
        let batch: TenantSpans;
        try {
          if (openFile !== ref.file) {
            if (fd !== null) closeSync(fd);
            fd = null;
            openFile = ref.file;
            fd = openSync(ref.file, 'r');
          }
          const payload = Buffer.allocUnsafe(ref.length);
          let read = 0;
          while (read < ref.length) {
            const n = readSync(fd!, payload, read, ref.length - read, ref.offset + read);
            if (n === 0) throw new Error('segment file shorter than at start-up');
            read += n;
          }
          batch = decodeSpans(payload);
        } catch (err) {
          // Checked at start-up, so only a file changed since then gets here: its spans are lost, and said so.
          this.#logger.error(
            { err, segment: ref.file, spans: ref.spans },
            'spool record unreadable on replay',
          );
          batch = { tenant: DEFAULT_TENANT, spans: [] };
        }
        yield { batch, expectedSpans: ref.spans };
      }
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }

  append(batch: TenantSpans): boolean {
    if (this.#closed || batch.spans.length === 0) return batch.spans.length === 0;
    const frame = frameRecord(encodeSpans(batch));
    // A batch larger than the whole spool still goes into an empty one, so it can never be refused forever.
    if (this.#bytes > 0 && this.#bytes + frame.length > this.#maxBytes) {
      this.#refusedAppends++;
      return false;
    }
    let segment = this.#active();
    if (segment.bytes > 0 && segment.bytes + frame.length > this.#segmentBytes) {
      this.#seal(segment);
      segment = this.#active();
    }
    try {
      let written = 0;
      while (written < frame.length) written += writeSync(segment.fd!, frame, written);
      if (this.#fsync === 'always') fdatasyncSync(segment.fd!);
    } catch (err) {
      // The segment may now end in a partial record: never append after it (recovery stops reading there).
      this.#refusedAppends++;
      this.#logger.error({ err, segment: segment.file }, 'spool write failed; the batch is refused');
      segment.bytes += frame.length;
      this.#bytes += frame.length;
      this.#seal(segment);
      return false;
    }
    segment.bytes += frame.length;
    this.#bytes += frame.length;
    segment.records++;
    this.#pending.push({ segment, spans: batch.spans.length });
    return true;
  }

  release(spans: number): void {
    this.#releasedCarry += spans;
    while (this.#pendingHead < this.#pending.length) {
      const head = this.#pending[this.#pendingHead]!;
      if (head.spans > this.#releasedCarry) break;
      this.#releasedCarry -= head.spans;
      this.#pendingHead++;
      head.segment.released++;
      if (head.segment.released === head.segment.records) this.#delete(head.segment);
    }
    // Compact now and then, so a long-running collector does not keep every record it ever spooled.
    if (this.#pendingHead > 1024 && this.#pendingHead * 2 > this.#pending.length) {
      this.#pending.splice(0, this.#pendingHead);
      this.#pendingHead = 0;
    }
  }

  /** Closes the open segment; unreleased records stay on disk for the next start. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const segment of this.#segments) {
      if (segment.fd !== null) closeSync(segment.fd);
      segment.fd = null;
    }
    if (this.#lockFile) {
      try {
        unlinkSync(this.#lockFile);
      } catch {
        // Gone already: nothing to release.
      }
      this.#lockFile = null;
    }
  }

  /** The segment appends go to, opened on first use (and after the previous one was sealed or deleted). */
  #active(): Segment {
    const last = this.#segments.at(-1);
    if (last && last.fd !== null) return last;
    const seq = this.#nextSeq++;
    const file = path.join(this.#dir, segmentName(seq));
    const fd = openSync(file, 'wx');
    if (this.#fsync === 'always') this.#syncDir();
    const segment: Segment = { seq, file, bytes: 0, records: 0, released: 0, fd };
    this.#segments.push(segment);
    return segment;
  }

  /** No more appends to `segment`; deleted right away when nothing in it waits for ClickHouse. */
  #seal(segment: Segment): void {
    if (segment.fd !== null) closeSync(segment.fd);
    segment.fd = null;
    if (segment.released === segment.records) this.#delete(segment);
  }

  #delete(segment: Segment): void {
    if (segment.fd !== null) closeSync(segment.fd);
    segment.fd = null;
    try {
      unlinkSync(segment.file);
    } catch (err) {
      // Left behind, it is replayed at the next start; the writer skips rows already stored.
      this.#logger.warn({ err, segment: segment.file }, 'could not delete a spool segment');
    }
    const index = this.#segments.indexOf(segment);
    if (index >= 0) this.#segments.splice(index, 1);
    this.#bytes -= segment.bytes;
  }

  /** Makes a new segment's directory entry durable (fdatasync covers the file's data, not its name). */
  #syncDir(): void {
    let fd: number | undefined;
    try {
      fd = openSync(this.#dir, 'r');
      fsyncSync(fd);
    } catch {
      // Some filesystems refuse fsync on directories; the data itself is still synced per record.
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}
