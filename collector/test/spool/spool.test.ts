// The spool's files on their own: what is appended comes back after a restart (bigint timestamps intact), released
// records' segments are deleted, a torn or corrupt record is skipped with a warning, a full spool refuses. And the
// memory limiter's decisions.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPricer } from '@beacon/semconv';
import { afterAll, describe, expect, test } from 'vitest';
import {
  decodeSpans,
  encodeSpans,
  type RecoveredSpool,
  Spool,
  SpoolInUseError,
  type SpoolOptions,
} from '../../src/exporters/clickhouse/spool/index.js';
import { createLogger } from '../../src/logger.js';
import { DEFAULT_TENANT, type TenantSpans } from '../../src/model.js';
import { enrichSpans } from '../../src/processors/enrich.js';
import { MemoryLimiter } from '../../src/processors/memory-limiter.js';
import { normalizeSpan } from '../../src/processors/normalize.js';
import { makeSpan, T0 } from '../support/spans.js';
import { segmentFiles } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function spoolOptions(overrides: Partial<SpoolOptions> = {}): SpoolOptions & { warnings: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'beacon-spool-'));
  dirs.push(dir);
  const warnings: string[] = [];
  const logger = createLogger('warn', { write: (line: string) => void warnings.push(line) });
  return { dir, maxBytes: 1024 * 1024, fsync: 'always', logger, warnings, ...overrides };
}

/** Every batch a recovered spool reads back. */
const replayed = (recovered: RecoveredSpool): TenantSpans[] => [...recovered.read()].map((r) => r.batch);

describe('spool', () => {
  test('unreleased batches come back after a restart, in order, with nanosecond timestamps intact', () => {
    const options = spoolOptions();
    const { spool, recovered } = Spool.open(options);
    expect(recovered.spans).toBe(0);
    expect(replayed(recovered)).toEqual([]);
    const first = [makeSpan({ attributes: { 'gen_ai.request.model': 'gpt-4o', nested: { a: [1, 'x'] } } })];
    const second = [makeSpan(), makeSpan()];
    expect(spool.append({ tenant: DEFAULT_TENANT, spans: first })).toBe(true);
    expect(spool.append({ tenant: DEFAULT_TENANT, spans: second })).toBe(true);
    spool.close();

    const reopened = Spool.open(options);
    expect(reopened.recovered).toMatchObject({ batches: 2, spans: 3 });
    const batches = replayed(reopened.recovered);
    expect(batches).toEqual([
      { tenant: DEFAULT_TENANT, spans: first },
      { tenant: DEFAULT_TENANT, spans: second },
    ]);
    expect(typeof batches[0]!.spans[0]!.startTimeUnixNano).toBe('bigint');
    expect(reopened.spool.stats.records).toBe(2);
    reopened.spool.close();
  });

  test('an enriched LLM span with events and a failure comes back field for field', () => {
    const span = makeSpan({
      name: 'chat gpt-4o',
      statusCode: 2,
      statusMessage: 'upstream timeout',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 80,
        'error.type': 'TimeoutError',
      },
      events: [
        { timeUnixNano: T0 + 5n, name: 'exception', attributes: { 'exception.type': 'TimeoutError' } },
        { timeUnixNano: 2n ** 63n - 1n, name: 'late', attributes: {} },
      ],
    });
    const [enriched] = enrichSpans([span], [normalizeSpan(span)], createPricer());
    // The fixture must exercise every part of an enriched span, or the round trip proves little.
    expect(enriched!.genai).not.toBeNull();
    expect(enriched!.cost).not.toBeNull();
    expect(enriched!.failure).not.toBeNull();
    const batch = { tenant: 'acme', spans: [enriched!] };
    expect(decodeSpans(encodeSpans(batch))).toEqual(batch);
  });

  test('records written by an earlier collector (bigints tagged by a replacer, or no tenant) are still replayed', () => {
    const spans = [makeSpan({ events: [{ timeUnixNano: T0 + 1n, name: 'e', attributes: {} }] })];
    const tagged = (value: unknown) =>
      JSON.stringify(value, (_key, v: unknown) =>
        typeof v === 'bigint' ? { '$beacon.bigint': v.toString() } : v,
      );
    expect(decodeSpans(Buffer.from(tagged({ tenant: 'acme', spans })))).toEqual({ tenant: 'acme', spans });
    expect(decodeSpans(Buffer.from(tagged(spans)))).toEqual({ tenant: DEFAULT_TENANT, spans });
  });

  test('released records are gone from disk; a partly released spool replays only the rest', () => {
    const options = spoolOptions({ segmentBytes: 1 });
    const { spool } = Spool.open(options);
    const batches = [[makeSpan(), makeSpan()], [makeSpan()], [makeSpan(), makeSpan(), makeSpan()]];
    for (const batch of batches) expect(spool.append({ tenant: DEFAULT_TENANT, spans: batch })).toBe(true);
    // segmentBytes 1: one record per segment.
    expect(segmentFiles(options.dir)).toHaveLength(3);
    spool.release(2);
    // The writer confirms spans, not records: 1 of the third batch's 3 spans leaves it pending.
    spool.release(1 + 1);
    expect(segmentFiles(options.dir)).toHaveLength(1);
    spool.close();

    const reopened = Spool.open(options);
    expect(replayed(reopened.recovered)).toEqual([{ tenant: DEFAULT_TENANT, spans: batches[2] }]);
    reopened.spool.release(3);
    expect(segmentFiles(options.dir)).toEqual([]);
    expect(reopened.spool.stats).toMatchObject({ bytes: 0, records: 0 });
    reopened.spool.close();
  });

  test('replay reads each record from disk only when the writer takes it; one lost since start-up is reported', () => {
    const options = spoolOptions({ segmentBytes: 1 });
    const { spool } = Spool.open(options);
    const batches = [
      [makeSpan({ name: 'one' })],
      [makeSpan({ name: 'two' }), makeSpan()],
      [makeSpan({ name: 'three' })],
    ];
    for (const batch of batches) spool.append({ tenant: 'acme', spans: batch });
    spool.close();

    const reopened = Spool.open(options);
    expect(reopened.recovered).toMatchObject({ batches: 3, spans: 4 });
    const reading = reopened.recovered.read()[Symbol.iterator]();
    expect(reading.next().value).toEqual({ batch: { tenant: 'acme', spans: batches[0] }, expectedSpans: 1 });
    // The second segment disappears after start-up, before it is read: nothing of it was held in memory.
    rmSync(segmentFiles(options.dir)[1]!);
    expect(reading.next().value).toEqual({ batch: { tenant: DEFAULT_TENANT, spans: [] }, expectedSpans: 2 });
    expect(options.warnings.join('\n')).toMatch(/unreadable on replay/);
    expect(reading.next().value).toEqual({ batch: { tenant: 'acme', spans: batches[2] }, expectedSpans: 1 });
    expect(reading.next().done).toBe(true);
    reopened.spool.close();
  });
});

describe('spool: one owner, damaged records, a full spool', () => {
  test('one process at a time: a live holder of the spool refuses a second; a dead one is taken over', () => {
    const options = spoolOptions();
    const { spool } = Spool.open(options);
    spool.close();
    // A lock left by a process that is gone (SIGKILL): taken over.
    writeFileSync(path.join(options.dir, 'spool.lock'), '2147483646');
    const second = Spool.open(options);
    // Held by a live process (this test's parent, the Vitest main process).
    second.spool.close();
    writeFileSync(path.join(options.dir, 'spool.lock'), String(process.ppid));
    expect(() => Spool.open(options)).toThrow(SpoolInUseError);
    expect(() => Spool.open(options)).toThrow(`in use by process ${process.ppid}`);
  });

  test('a torn tail record (crash mid-write) is skipped with a warning; the records before it replay', () => {
    const options = spoolOptions();
    const { spool } = Spool.open(options);
    const kept = [makeSpan()];
    spool.append({ tenant: DEFAULT_TENANT, spans: kept });
    spool.close();
    const [segment] = segmentFiles(options.dir);
    // A header announcing 500 payload bytes, then only 10 of them: what a killed write leaves behind.
    const header = Buffer.alloc(8);
    header.writeUInt32LE(500, 0);
    appendFileSync(segment!, Buffer.concat([header, Buffer.alloc(10, 7)]));

    const reopened = Spool.open(options);
    expect(replayed(reopened.recovered)).toEqual([{ tenant: DEFAULT_TENANT, spans: kept }]);
    expect(reopened.spool.stats.corruptRecords).toBe(1);
    expect(options.warnings.join('\n')).toMatch(/ends inside a record/);
    reopened.spool.close();
  });

  test('a record whose bytes changed fails its checksum and is skipped; the next record still replays', () => {
    const options = spoolOptions();
    const { spool } = Spool.open(options);
    const damaged = [makeSpan({ name: 'damaged' })];
    const intact = [makeSpan({ name: 'intact' })];
    spool.append({ tenant: DEFAULT_TENANT, spans: damaged });
    spool.append({ tenant: DEFAULT_TENANT, spans: intact });
    spool.close();
    const [segment] = segmentFiles(options.dir);
    const bytes = readFileSync(segment!);
    const at = bytes.indexOf('damaged');
    bytes[at] = 'D'.charCodeAt(0);
    writeFileSync(segment!, bytes);

    const reopened = Spool.open(options);
    expect(replayed(reopened.recovered)).toEqual([{ tenant: DEFAULT_TENANT, spans: intact }]);
    expect(options.warnings.join('\n')).toMatch(/failed its checksum/);
    reopened.spool.close();
  });

  test('full: append refuses until ClickHouse confirms what is spooled; one oversized batch fits an empty spool', () => {
    const options = spoolOptions({ maxBytes: 2_000 });
    const { spool } = Spool.open(options);
    const big = Array.from({ length: 5 }, () => makeSpan());
    expect(spool.append({ tenant: DEFAULT_TENANT, spans: big })).toBe(true);
    expect(spool.stats.bytes).toBeGreaterThan(2_000);
    expect(spool.append({ tenant: DEFAULT_TENANT, spans: [makeSpan()] })).toBe(false);
    expect(spool.stats.refusedAppends).toBe(1);
    spool.release(5);
    expect(spool.stats.bytes).toBe(0);
    expect(spool.append({ tenant: DEFAULT_TENANT, spans: [makeSpan()] })).toBe(true);
    spool.close();
  });
});

describe('memory limiter', () => {
  test('refuses while the heap is above the soft limit, accepts again once it drops, and counts refused spans', () => {
    let heap = 700;
    let now = 0;
    const limiter = new MemoryLimiter({
      // Soft limit 800: 20% below the limit.
      limitBytes: 1000,
      checkIntervalMs: 100,
      heapUsed: () => heap,
      now: () => now,
      collectGarbage: null,
    });
    expect(limiter.softLimitBytes).toBe(800);
    expect(limiter.refuses(10)).toBe(false);
    heap = 850;
    // Sampled at most once per interval: the old reading still holds.
    expect(limiter.refuses(10)).toBe(false);
    now = 100;
    expect(limiter.refuses(10)).toBe(true);
    expect(limiter.refuses(5)).toBe(true);
    heap = 400;
    now = 200;
    expect(limiter.refuses(10)).toBe(false);
    expect(limiter.refusesRequest()).toBe(false);
    expect(limiter.stats).toEqual({
      limitBytes: 1000,
      heapUsedBytes: 400,
      refusedSpans: 15,
      refusedRequests: 0,
      forcedGcs: 0,
    });
  });

  test('above the soft limit it first collects garbage (at most once a second), and refuses only what stays', () => {
    let live = 500;
    let garbage = 400;
    let now = 0;
    const limiter = new MemoryLimiter({
      limitBytes: 1000,
      checkIntervalMs: 0,
      heapUsed: () => live + garbage,
      now: () => now,
      collectGarbage: () => {
        garbage = 0;
      },
    });
    // 900 counted, 500 live: the collection brings it under 800, nothing is refused.
    expect(limiter.refusesRequest()).toBe(false);
    expect(limiter.stats).toMatchObject({ forcedGcs: 1, heapUsedBytes: 500, refusedRequests: 0 });
    // Live data above the soft limit: refused, and no second collection within the second.
    live = 850;
    now = 500;
    expect(limiter.refusesRequest()).toBe(true);
    expect(limiter.stats.forcedGcs).toBe(1);
    now = 1500;
    expect(limiter.refusesRequest()).toBe(true);
    expect(limiter.stats).toMatchObject({ forcedGcs: 2, refusedRequests: 2 });
  });

  test('near the limit (top half of the spike) it collects at every check, not once a second', () => {
    let heap = 1000;
    let now = 0;
    const limiter = new MemoryLimiter({
      limitBytes: 1000,
      checkIntervalMs: 100,
      heapUsed: () => heap,
      now: () => now,
      collectGarbage: () => {
        heap -= 50;
      },
    });
    expect(limiter.refusesRequest()).toBe(true);
    now = 100;
    expect(limiter.refusesRequest()).toBe(true);
    expect(limiter.stats.forcedGcs).toBe(2);
    // In the lower half of the spike (800-900): once a second again.
    heap = 890;
    now = 200;
    expect(limiter.refusesRequest()).toBe(true);
    expect(limiter.stats.forcedGcs).toBe(2);
  });

  test('forces a real V8 garbage collection without --expose-gc', () => {
    const limiter = new MemoryLimiter({ limitBytes: 1, checkIntervalMs: 0 });
    expect(limiter.refusesRequest()).toBe(true);
    expect(limiter.stats.forcedGcs).toBe(1);
  });

  test('defaults to a share of the V8 heap limit; an explicit MiB setting wins', () => {
    expect(MemoryLimiter.limitBytes(64)).toBe(64 * 1024 * 1024);
    const fallback = MemoryLimiter.limitBytes(undefined);
    expect(fallback).toBeGreaterThan(64 * 1024 * 1024);
  });
});
