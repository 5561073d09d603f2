#!/usr/bin/env node
// Query latency: how fast the collector's query API answers at each scale of stored spans (default 1M and 10M).
//
//   1. build (tsc -b) and start a real collector child process on a fresh data directory and free ports;
//   2. ingest the first scale's spans of generated GenAI agent traces over OTLP/HTTP (protobuf), several requests
//      in flight, retrying 429/503 after Retry-After; wait until /metrics says every span is written;
//   3. time the query API over HTTP, one request at a time, interleaving the queries in rounds: trace list (no
//      filter, by service, agent, model, status=error, page 2 by cursor), trace detail, search, stats summary;
//   4. each later scale (a whole multiple of the one before): stop the collector, grow the stored data with SQL
//      copies of every trace (bench/tools/grow.mjs, new trace ids, a few seconds earlier), start the collector
//      again on the same data, settle, and time the same queries;
//   5. write bench/results/query-latency.json and print one table per scale.
//
// Targets (2 cores, stated for 10M spans, applied at every scale): trace detail p95 <= 100 ms, every trace list
// p95 <= 300 ms.
import { spawn } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFlags } from '../lib/args.mjs';
import { buildAll, openWorkDir, scrapeMetrics, startCollector, waitUntilWritten } from '../lib/collector.mjs';
import { createTraceGenerator } from '../lib/genai-traces.mjs';
import { keepAliveAgent, sleep, timedGet } from '../lib/http.mjs';
import { cpuSince, cpuSnapshot, machineInfo, sourceInfo } from '../lib/machine.mjs';
import { countSpans, createOtlpSender } from '../lib/otlp.mjs';
import { BENCH_DIR } from '../lib/paths.mjs';
import { createProgress, log } from '../lib/progress.mjs';
import { fmt, formatTable, updateReadme, writeResult } from '../lib/results.mjs';
import { summarize, summarizeRounds } from '../lib/stats.mjs';

const NAME = 'query-latency';
const MANIFEST = 'manifest.json';

const flags = parseFlags({
  name: `bench/${NAME}`,
  description:
    'query API latency at several scales of stored spans: the first ingested through a real collector, the others grown from it with SQL copies',
  flags: {
    scales: {
      type: 'string',
      default: '1000000,10000000',
      help: 'stored spans to measure at, ascending: the first ingested over OTLP, each later one a whole multiple of the one before (grown with SQL copies)',
    },
    spans: { type: 'number', help: 'one scale only: the same as --scales N' },
    quick: {
      type: 'boolean',
      help: 'smoke test: scales 20,000 and 100,000, 30 requests per query, results in query-latency.quick.json',
    },
    seed: { type: 'number', default: 1, help: 'generator seed (same seed, same traces)' },
    'window-hours': { type: 'number', default: 24, help: 'trace start times spread over the last N hours' },
    batch: { type: 'number', default: 2000, help: 'spans per OTLP request (whole traces)' },
    concurrency: { type: 'number', default: 4, help: 'OTLP requests in flight' },
    encoding: { type: 'string', default: 'protobuf', help: 'protobuf | json' },
    stream: {
      type: 'boolean',
      help: 'generate while sending (default: encode every request first, so the ingest rate is the collector’s)',
    },
    requests: { type: 'number', default: 200, help: 'timed requests per query, after warm-up' },
    warmup: { type: 'number', default: 20, help: 'untimed requests per query first' },
    rounds: { type: 'number', default: 5, help: 'rounds the timed requests are split into' },
    'max-seconds': {
      type: 'number',
      default: 180,
      help: 'time budget per query; a slower query stops early',
    },
    settle: {
      type: 'number',
      default: 10,
      help: 'seconds to wait before querying each scale; then on until the collector is idle (background merges)',
    },
    'settle-max': {
      type: 'number',
      default: 300,
      help: 'at most this many seconds of settling per scale, idle or not',
    },
    'target-list-ms': { type: 'number', default: 300, help: 'p95 target of every trace list query (list*)' },
    'target-detail-ms': { type: 'number', default: 100, help: 'p95 target of trace detail' },
    'grow-shift-seconds': {
      type: 'number',
      default: 7,
      help: 'grown scales: copy c of a trace starts c × this many seconds earlier than its original',
    },
    'grow-chunk-rows': { type: 'number', default: 250_000, help: 'grown scales: rows per INSERT … SELECT' },
    'work-dir': {
      type: 'string',
      help: 'keep the collector data here (kept afterwards); with --skip-ingest, query data ingested before',
    },
    'skip-ingest': {
      type: 'boolean',
      help: 'reuse the data and manifest in --work-dir: measure what is stored, then grow to each larger scale',
    },
    'keep-data': { type: 'boolean', help: 'do not delete the temporary data directory' },
    'skip-build': { type: 'boolean', help: 'do not run tsc -b first' },
    out: { type: 'string', help: 'result file (default bench/results/query-latency.json)' },
  },
});

const given = (/** @type {string} */ flag) =>
  process.argv.some((a) => a === flag || a.startsWith(`${flag}=`));
if (flags.spans !== undefined && given('--scales')) {
  log('--spans is one scale, --scales several: give one of them');
  process.exit(2);
}
if (flags.quick) {
  if (!given('--scales')) flags.scales = '20000,100000';
  if (!given('--requests')) flags.requests = 30;
  if (!given('--warmup')) flags.warmup = 5;
  if (!given('--settle')) flags.settle = 2;
}
if (!['protobuf', 'json'].includes(flags.encoding)) {
  log(`--encoding must be protobuf or json, got ${flags.encoding}`);
  process.exit(2);
}
if (flags['skip-ingest'] && !flags['work-dir']) {
  log('--skip-ingest needs --work-dir (the directory of an earlier run with --work-dir)');
  process.exit(2);
}
/** The scales asked for, ascending. */
const SCALES = parseScales(flags.spans !== undefined ? String(flags.spans) : flags.scales);
/** The targets are stated for 10M spans; they are read the same at every scale. */
const TARGET_NOTE = 'stated for 10M stored spans (2 cores); the same figures are applied at every scale';

/**
 * "1000000,10000000" → [1000000, 10000000]; exits on anything but ascending positive integers, each a whole
 * multiple of the one before (a later scale is grown by copying the data of the one before).
 * @param {string} text
 */
function parseScales(text) {
  const scales = text.split(',').map((part) => Number(part.trim().replaceAll('_', '')));
  const fail = (/** @type {string} */ why) => {
    log(`--scales ${text}: ${why}`);
    process.exit(2);
  };
  if (scales.some((n) => !Number.isInteger(n) || n <= 0)) fail('expected positive integers, comma-separated');
  const step = stepNotGrowable(scales);
  if (step) fail(`${step.to} is not a larger whole multiple of ${step.from}`);
  return scales;
}

/**
 * The first step of `scales` that growing cannot take (a later scale is the one before copied a whole number of
 * times), or null.
 * @param {number[]} scales
 */
function stepNotGrowable(scales) {
  for (let i = 1; i < scales.length; i++) {
    const from = /** @type {number} */ (scales[i - 1]);
    const to = /** @type {number} */ (scales[i]);
    if (to <= from || to % from !== 0) return { from, to };
  }
  return null;
}

/** Bytes of the files under `dir`; files that vanish meanwhile (merges in progress) are skipped. */
async function directoryBytes(/** @type {string} */ dir) {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    total += (await stat(path.join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------------- ingest

/**
 * @param {import('../lib/collector.mjs').CollectorHandle} collector
 * @param {string} workRoot
 * @param {number} totalSpans
 */
async function ingest(collector, workRoot, totalSpans) {
  const nowMs = Date.now();
  // The newest trace starts a couple of minutes ago, so even the longest has ended "now".
  const windowEndMs = nowMs - 2 * 60_000;
  const windowStartMs = windowEndMs - flags['window-hours'] * 3_600_000;
  const generator = createTraceGenerator({
    seed: flags.seed,
    totalSpans,
    windowStartNs: BigInt(windowStartMs) * 1_000_000n,
    windowEndNs: BigInt(windowEndMs) * 1_000_000n,
  });
  const sender = createOtlpSender({
    url: collector.otlpHttpUrl,
    encoding: flags.encoding,
    concurrency: flags.concurrency,
  });

  /** @type {{ body: Buffer; spans: number }[]} */
  const encoded = [];
  let generateSeconds = null;
  if (!flags.stream) {
    const progress = createProgress({ label: 'generating', total: totalSpans, unit: 'spans' });
    const started = performance.now();
    for (let batch = generator.nextBatch(flags.batch); batch; batch = generator.nextBatch(flags.batch)) {
      encoded.push({ body: sender.encode(batch), spans: countSpans(batch) });
      progress.update(generator.emitted);
    }
    progress.finish();
    generateSeconds = (performance.now() - started) / 1000;
  }

  const before = await scrapeMetrics(collector.apiUrl);
  const cpuStart = cpuSnapshot(collector.pid);
  const sendProgress = createProgress({ label: 'ingesting (accepted)', total: totalSpans, unit: 'spans' });
  /** Accepted spans per second, sampled each second. */
  const perSecond = /** @type {number[]} */ ([]);
  let lastAccepted = 0;
  const sampler = setInterval(() => {
    perSecond.push(sender.stats.acceptedSpans - lastAccepted);
    lastAccepted = sender.stats.acceptedSpans;
    sendProgress.update(sender.stats.acceptedSpans);
  }, 1000);
  const started = performance.now();
  try {
    if (flags.stream) {
      for (let batch = generator.nextBatch(flags.batch); batch; batch = generator.nextBatch(flags.batch)) {
        await sender.submit(batch);
      }
    } else {
      for (const { body, spans } of encoded.splice(0)) await sender.submitBody(body, spans);
    }
    await sender.drain();
  } finally {
    clearInterval(sampler);
  }
  const acceptedSeconds = (performance.now() - started) / 1000;
  sendProgress.update(sender.stats.acceptedSpans);
  sendProgress.finish();
  if (sender.stats.rejectedSpans > 0)
    throw new Error(`collector rejected ${sender.stats.rejectedSpans} spans`);

  const expectedWritten = (before.get('beacon_spans_written_total') ?? 0) + sender.stats.acceptedSpans;
  const storeProgress = createProgress({ label: 'storing (written)', total: expectedWritten, unit: 'spans' });
  const after = await waitUntilWritten(collector.apiUrl, expectedWritten, {
    onProgress: (written) => storeProgress.update(written),
  });
  storeProgress.finish();
  const storedSeconds = (performance.now() - started) / 1000;
  const cpu = cpuSince(cpuStart);
  const collectorCpu =
    cpu.collectorCpuSeconds ??
    (after.get('process_cpu_seconds_total') ?? 0) - (before.get('process_cpu_seconds_total') ?? 0);
  const manifest = {
    version: 1,
    createdAt: new Date(nowMs).toISOString(),
    parameters: { spans: totalSpans, seed: flags.seed, windowHours: flags['window-hours'] },
    windowStartMs,
    windowEndMs,
    stats: generator.stats,
    sample: generator.sample,
  };
  await writeFile(path.join(workRoot, MANIFEST), JSON.stringify(manifest));

  const s = sender.stats;
  return {
    manifest,
    ingest: {
      spans: s.acceptedSpans,
      traces: generator.stats.traces,
      requests: s.accepted,
      spansPerRequest: Math.round(s.acceptedSpans / Math.max(1, s.accepted)),
      encoding: flags.encoding,
      concurrency: flags.concurrency,
      megabytesSent: Math.round(s.bytes / 1e5) / 10,
      generateSeconds: generateSeconds === null ? null : Math.round(generateSeconds * 10) / 10,
      /** First request sent → last request answered 200 (accepted into the collector's queue). */
      acceptedSeconds: Math.round(acceptedSeconds * 10) / 10,
      acceptedSpansPerSecond: Math.round(s.acceptedSpans / acceptedSeconds),
      /** First request sent → beacon_spans_written_total covers every span (stored in ClickHouse). */
      storedSeconds: Math.round(storedSeconds * 10) / 10,
      storedSpansPerSecond: Math.round(s.acceptedSpans / storedSeconds),
      /** Accepted spans in each whole second of the send phase. */
      acceptedPerSecond: summarize(perSecond.length > 1 ? perSecond.slice(0, -1) : perSecond),
      requestLatencyMs: summarize(s.latenciesMs),
      retries: { http429: s.retried429, http503: s.retried503, network: s.retriedNetwork },
      collectorCpuSecondsPerMillionSpans: Math.round((collectorCpu / s.acceptedSpans) * 1e6 * 10) / 10,
      cpu,
      collectorRssMiB: Math.round((after.get('process_resident_memory_bytes') ?? 0) / 2 ** 20),
    },
  };
}

// ---------------------------------------------------------------------------------------------------- queries

/**
 * @typedef {object} QueryCheck
 * @property {string} [mismatch] why the answer looks wrong (counted, not fatal)
 * @property {number} [rows] rows in the answer (traces, spans, hits, groups)
 * @typedef {object} QuerySpec
 * @property {string} name
 * @property {string} label
 * @property {'list' | 'detail' | null} target which p95 target it counts against
 * @property {() => { path: string; check: (body: any) => QueryCheck }} next the next request (rotates values)
 */

/** @template T @param {readonly T[]} values */
function rotate(values) {
  let i = 0;
  return () => /** @type {T} */ (values[i++ % values.length]);
}

/** @param {any} body */
const traceRows = (body) => (Array.isArray(body?.traces) ? body.traces : null);

/**
 * @param {any} manifest
 * @param {string} apiUrl
 * @param {import('node:http').Agent} agent
 * @returns {Promise<QuerySpec[]>}
 */
async function querySpecs(manifest, apiUrl, agent) {
  const byCount = (/** @type {Record<string, number>} */ counts) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([key]) => key);
  const services = byCount(manifest.stats.byService);
  const agents = byCount(manifest.stats.byRootAgent);
  const models = byCount(manifest.stats.byModel);
  const sample = /** @type {{ traceId: string; spans: number }[]} */ (manifest.sample);
  // Grown copies start up to the sum of the growths' maxShiftSeconds earlier than the ingested window.
  const shiftedMs =
    1000 *
    (manifest.grown ?? []).reduce(
      (/** @type {number} */ sum, /** @type {any} */ g) => sum + g.maxShiftSeconds,
      0,
    );
  const range = `from=${manifest.windowStartMs - 60_000 - shiftedMs}&to=${manifest.windowEndMs + 10 * 60_000}`;

  // Page 2 needs page 1's cursor.
  const first = await timedGet(`${apiUrl}/api/v1/traces?limit=50`, agent);
  let cursor = null;
  /** @type {Set<string>} */
  const page1 = new Set();
  if (first.status === 200) {
    const body = JSON.parse(first.body.toString('utf8'));
    cursor = body.nextCursor ?? null;
    for (const t of traceRows(body) ?? []) page1.add(t.traceId);
  }

  const nextService = rotate(services);
  const nextAgent = rotate(agents);
  const nextModel = rotate(models);
  const nextTrace = rotate(sample);
  const nextTerm = rotate(/** @type {string[]} */ (manifest.searchTerms));
  const nextGroup = rotate(['model', 'agent', 'service']);

  /**
   * A trace-list check: an array of traces, each passing `ok`.
   * @param {(t: any) => boolean} ok
   * @param {string} what
   */
  const listCheck = (ok, what) => (/** @type {any} */ body) => {
    const rows = traceRows(body);
    if (!rows) return { mismatch: 'no traces array' };
    if (rows.length === 0) return { rows: 0, mismatch: 'empty list' };
    const bad = rows.filter((/** @type {any} */ t) => !ok(t)).length;
    return bad > 0
      ? { rows: rows.length, mismatch: `${bad} of ${rows.length} traces not ${what}` }
      : { rows: rows.length };
  };

  return [
    {
      name: 'list',
      label: 'trace list (no filter)',
      target: 'list',
      next: () => ({ path: '/api/v1/traces?limit=50', check: listCheck(() => true, '') }),
    },
    {
      name: 'list_service',
      label: 'trace list, service=',
      target: 'list',
      next: () => {
        const service = nextService();
        return {
          path: `/api/v1/traces?limit=50&service=${encodeURIComponent(service)}`,
          check: listCheck((t) => t.rootServiceName === service, `of service ${service}`),
        };
      },
    },
    {
      name: 'list_agent',
      label: 'trace list, agent=',
      target: 'list',
      next: () => {
        const agentName = nextAgent();
        return {
          path: `/api/v1/traces?limit=50&agent=${encodeURIComponent(agentName)}`,
          check: listCheck(
            (t) => t.rootAgent === agentName || (t.agents ?? []).includes(agentName),
            `with agent ${agentName}`,
          ),
        };
      },
    },
    {
      name: 'list_model',
      label: 'trace list, model=',
      target: 'list',
      next: () => {
        const model = nextModel();
        return {
          path: `/api/v1/traces?limit=50&model=${encodeURIComponent(model)}`,
          check: listCheck((t) => (t.models ?? []).includes(model), `using ${model}`),
        };
      },
    },
    {
      name: 'list_error',
      label: 'trace list, status=error',
      target: 'list',
      next: () => ({
        path: '/api/v1/traces?limit=50&status=error',
        check: listCheck((t) => t.status === 'error', 'errors'),
      }),
    },
    {
      name: 'list_page2',
      label: 'trace list, page 2 (cursor)',
      target: 'list',
      next: () => ({
        path: `/api/v1/traces?limit=50&cursor=${encodeURIComponent(cursor ?? '')}`,
        check: (body) => {
          const result = listCheck(() => true, '')(body);
          if (cursor === null) return { ...result, mismatch: 'page 1 had no nextCursor' };
          const repeated = (traceRows(body) ?? []).filter((/** @type {any} */ t) =>
            page1.has(t.traceId),
          ).length;
          return repeated > 0 ? { ...result, mismatch: `${repeated} traces repeat page 1` } : result;
        },
      }),
    },
    {
      name: 'detail',
      label: 'trace detail (random trace)',
      target: 'detail',
      next: () => {
        const trace = nextTrace();
        return {
          path: `/api/v1/traces/${trace.traceId}`,
          check: (body) => {
            const spans = Array.isArray(body?.spans) ? body.spans : null;
            if (!spans) return { mismatch: 'no spans array' };
            return spans.length === trace.spans
              ? { rows: spans.length }
              : { rows: spans.length, mismatch: `${spans.length} spans, ${trace.spans} sent` };
          },
        };
      },
    },
    {
      name: 'search',
      label: 'search q= (whole window)',
      target: null,
      next: () => ({
        path: `/api/v1/search?q=${encodeURIComponent(nextTerm())}&${range}`,
        check: (body) =>
          Array.isArray(body?.hits)
            ? { rows: body.hits.length, ...(body.hits.length === 0 ? { mismatch: 'no hits' } : {}) }
            : { mismatch: 'no hits array' },
      }),
    },
    {
      name: 'stats_summary',
      label: 'stats summary (whole window)',
      target: null,
      next: () => ({
        path: `/api/v1/stats/summary?groupBy=${nextGroup()}&${range}`,
        check: (body) =>
          Array.isArray(body?.groups)
            ? { rows: body.groups.length, ...(body.groups.length === 0 ? { mismatch: 'no groups' } : {}) }
            : { mismatch: 'no groups array' },
      }),
    },
  ];
}

/**
 * The p95 target of a query, in ms.
 * @param {QuerySpec['target']} target
 */
function targetOf(target) {
  if (target === 'list') return /** @type {number} */ (flags['target-list-ms']);
  if (target === 'detail') return /** @type {number} */ (flags['target-detail-ms']);
  return null;
}

/**
 * @param {QuerySpec[]} specs
 * @param {string} apiUrl
 * @param {import('node:http').Agent} agent
 * @param {number} collectorPid
 */
async function measure(specs, apiUrl, agent, collectorPid) {
  const state = specs.map((spec) => ({
    spec,
    available: true,
    /** @type {string | null} */
    unavailableReason: null,
    errors: 0,
    /** @type {string | null} */
    firstError: null,
    mismatches: 0,
    /** @type {string | null} */
    firstMismatch: null,
    /** @type {number[]} */
    rows: [],
    spentMs: 0,
    truncated: false,
    /** @type {number[][]} */
    rounds: [],
    example: spec.next().path,
  }));

  /**
   * @param {(typeof state)[number]} s
   * @param {boolean} timed
   * @returns {Promise<number | null>} ms when answered 200
   */
  async function once(s, timed) {
    const { path: urlPath, check } = s.spec.next();
    let res;
    try {
      res = await timedGet(`${apiUrl}${urlPath}`, agent);
    } catch (err) {
      s.errors += 1;
      s.firstError ??= `${urlPath}: ${/** @type {Error} */ (err).message}`;
      return null;
    }
    if (timed) s.spentMs += res.ms;
    if (res.status !== 200) {
      s.errors += 1;
      s.firstError ??= `${urlPath}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`;
      return null;
    }
    let verdict;
    try {
      verdict = check(JSON.parse(res.body.toString('utf8')));
    } catch (err) {
      verdict = { mismatch: `invalid JSON: ${/** @type {Error} */ (err).message}` };
    }
    if (verdict.rows !== undefined) s.rows.push(verdict.rows);
    if (verdict.mismatch) {
      s.mismatches += 1;
      s.firstMismatch ??= `${urlPath}: ${verdict.mismatch}`;
    }
    return res.ms;
  }

  // Warm-up: also finds the endpoints that do not exist yet (404/501) and leaves them out.
  const warm = createProgress({ label: 'warm-up', total: specs.length * flags.warmup, unit: 'requests' });
  let warmed = 0;
  for (const s of state) {
    for (let i = 0; i < flags.warmup; i++) {
      await once(s, false);
      warm.update(++warmed);
    }
    if (s.errors === flags.warmup) {
      s.available = false;
      s.unavailableReason = s.firstError;
      log(`\n${s.spec.name}: every warm-up request failed, not measured: ${s.firstError}`);
    }
  }
  warm.finish();

  const perRound = Math.ceil(flags.requests / flags.rounds);
  const active = state.filter((s) => s.available);
  const timed = createProgress({
    label: 'timed requests',
    total: active.length * perRound * flags.rounds,
    unit: 'requests',
  });
  let done = 0;
  const budgetMs = flags['max-seconds'] * 1000;
  const cpuStart = cpuSnapshot(collectorPid);
  for (let round = 0; round < flags.rounds; round++) {
    for (const s of active) s.rounds.push([]);
    for (let i = 0; i < perRound; i++) {
      // Interleaved: a background merge or GC pause lands on every query alike, not on one.
      for (const s of active) {
        if (s.spentMs > budgetMs) {
          s.truncated = true;
          continue;
        }
        const ms = await once(s, true);
        if (ms !== null) s.rounds[round]?.push(ms);
        timed.update(++done);
      }
    }
  }
  timed.finish();
  const cpu = cpuSince(cpuStart);

  const results = state.map((s) => {
    const base = {
      name: s.spec.name,
      label: s.spec.label,
      example: s.example,
      countsForTarget: s.spec.target,
    };
    const targetMs = targetOf(s.spec.target);
    if (!s.available) return { ...base, measured: false, reason: s.unavailableReason };
    const latency = summarizeRounds(s.rounds);
    return {
      ...base,
      measured: true,
      latencyMs: latency,
      meanRows: s.rows.length
        ? Math.round((s.rows.reduce((a, b) => a + b, 0) / s.rows.length) * 10) / 10
        : null,
      errors: s.errors,
      firstError: s.firstError,
      mismatches: s.mismatches,
      firstMismatch: s.firstMismatch,
      truncated: s.truncated,
      targetMs,
      meetsTarget: targetMs === null ? null : latency.p95 <= targetMs,
    };
  });
  return { results, cpu };
}

// ---------------------------------------------------------------------------------------------------- scales

/**
 * Waits `flags.settle` seconds, then on until the collector is idle (under 0.1 cores over 5 s: background merges
 * done), at most `flags['settle-max']` seconds in all. Returns the seconds waited.
 * @param {number} collectorPid
 */
async function settle(collectorPid) {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  if (flags.settle <= 0) return 0;
  log(`settling: ${flags.settle} s, then until the collector is idle (at most ${flags['settle-max']} s)`);
  await sleep(flags.settle * 1000);
  while (elapsed() < flags['settle-max']) {
    const before = cpuSnapshot(collectorPid);
    await sleep(Math.min(5000, Math.max(0, flags['settle-max'] - elapsed()) * 1000));
    const cpu = cpuSince(before);
    const cores = (cpu.collectorCpuSeconds ?? 0) / Math.max(cpu.wallSeconds, 0.1);
    if (cpu.collectorCpuSeconds === null || cores < 0.1) break;
    log(`  collector busy (${fmt(cores, 2)} cores: merges), ${fmt(elapsed())} s`);
  }
  const seconds = Math.round(elapsed() * 10) / 10;
  if (seconds >= flags['settle-max']) log(`  still busy after ${flags['settle-max']} s: querying anyway`);
  return seconds;
}

/**
 * Grows the stored data `factor` times in a child process (bench/tools/grow.mjs; the collector must be stopped):
 * the engine is loaded there, not in this process, which goes on timing requests. Returns the grow result and the
 * child's wall time (engine start included).
 * @param {string} workRoot
 * @param {number} factor
 */
async function grow(workRoot, factor) {
  const script = path.join(BENCH_DIR, 'tools', 'grow.mjs');
  const args = [
    script,
    '--work-dir',
    workRoot,
    '--factor',
    String(factor),
    '--shift-seconds',
    String(flags['grow-shift-seconds']),
    '--chunk-rows',
    String(flags['grow-chunk-rows']),
    '--json',
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  /** @type {Buffer[]} */
  const out = [];
  child.stdout.on('data', (/** @type {Buffer} */ chunk) => out.push(chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench/tools/grow.mjs --factor ${factor} exited with ${code}`);
  return {
    result: JSON.parse(Buffer.concat(out).toString('utf8')),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

/**
 * Verdicts of one scale against the targets: the slowest list* query, detail.
 * @param {any[]} queries
 */
function verdicts(queries) {
  const measured = queries.filter((q) => q.measured);
  const lists = measured.filter((q) => q.countsForTarget === 'list');
  const worst = lists.reduce((a, b) => (b.latencyMs.p95 > (a?.latencyMs.p95 ?? -1) ? b : a), null);
  const detail = measured.find((q) => q.countsForTarget === 'detail') ?? null;
  const unmeasured = queries.filter((q) => !q.measured && q.countsForTarget).map((q) => q.name);
  return {
    list: {
      targetMs: flags['target-list-ms'],
      worstQuery: worst?.name ?? null,
      worstP95Ms: worst?.latencyMs.p95 ?? null,
      meets:
        worst !== null && lists.every((q) => q.meetsTarget) && !unmeasured.some((n) => n.startsWith('list')),
    },
    detail: {
      targetMs: flags['target-detail-ms'],
      p95Ms: detail?.latencyMs.p95 ?? null,
      meets: detail?.meetsTarget === true,
    },
  };
}

// ---------------------------------------------------------------------------------------------------- main

async function main() {
  const startedAt = new Date();
  if (!flags['skip-build']) buildAll();
  // Other processes on the machine skew every number: measure how busy it is before starting.
  const idle = cpuSnapshot();
  await sleep(3000);
  const quietBefore = cpuSince(idle);
  if ((quietBefore.otherCpuShare ?? 0) > 0.1) {
    log(
      `warning: other processes use ${Math.round((quietBefore.otherCpuShare ?? 0) * 100)}% of this machine's CPU; ` +
        'results will be slower and noisier than on an idle machine',
    );
  }
  const work = await openWorkDir(flags['work-dir'], 'beacon-bench-query');
  log(`work directory: ${work.root}`);
  /** @type {import('../lib/collector.mjs').CollectorHandle | null} */
  let collector = null;
  let exitCode = 0;
  /** A failure before the results were written: the data stays for a look. */
  let crashed = false;
  try {
    /** @type {any} */
    let manifest;
    /** @type {any} */
    let ingestResult = null;
    /** Spans stored at each step: the first is ingested (or reused), each later one grown from the one before. */
    let plan = SCALES;
    if (flags['skip-ingest']) {
      manifest = JSON.parse(await readFile(path.join(work.root, MANIFEST), 'utf8'));
      const stored = manifest.stored?.spans ?? manifest.stats.spans;
      log(
        `reusing ${fmt(stored)} spans ingested ${manifest.createdAt}` +
          (manifest.grown?.length ? ` (${fmt(manifest.stats.spans)} over OTLP, grown with SQL copies)` : ''),
      );
      const skipped = SCALES.filter((n) => n < stored);
      if (skipped.length > 0)
        log(`skipped (fewer spans than stored): ${skipped.map((n) => fmt(n)).join(', ')}`);
      plan = [stored, ...SCALES.filter((n) => n > stored)];
      const step = stepNotGrowable(plan);
      if (step)
        throw new Error(
          `cannot grow ${fmt(step.from)} stored spans to ${fmt(step.to)}: not a whole multiple`,
        );
    } else {
      const existing = await readdir(work.dataDir).catch(() => []);
      if (existing.length > 0)
        throw new Error(`${work.dataDir} already holds data: use --skip-ingest, or an empty --work-dir`);
    }
    log(`scales: ${plan.map((n) => fmt(n)).join(', ')} spans`);

    /** @type {any[]} */
    const scales = [];
    for (const [index, spans] of plan.entries()) {
      /** @type {{ result: any; seconds: number } | null} */
      let grown = null;
      if (index > 0) {
        const factor = spans / /** @type {number} */ (plan[index - 1]);
        log(
          `\n=== ${fmt(spans)} spans: growing the stored data × ${factor} with SQL copies (collector stopped)`,
        );
        grown = await grow(work.root, factor);
        manifest = JSON.parse(await readFile(path.join(work.root, MANIFEST), 'utf8'));
      } else {
        log(`\n=== ${fmt(spans)} spans`);
      }

      collector = await startCollector({
        dataDir: work.dataDir,
        logFile: path.join(work.root, 'collector.log'),
      });
      log(`collector ${collector.pid} ready: OTLP HTTP ${collector.otlpHttpUrl}, API ${collector.apiUrl}`);

      if (index === 0 && !flags['skip-ingest']) {
        const result = await Promise.race([ingest(collector, work.root, spans), collector.crashed]);
        manifest = result.manifest;
        ingestResult = result.ingest;
        log(
          `ingested ${fmt(ingestResult.spans)} spans (${fmt(ingestResult.traces)} traces): ` +
            `${fmt(ingestResult.acceptedSpansPerSecond)} spans/s accepted, ${fmt(ingestResult.storedSpansPerSecond)} spans/s stored`,
        );
      }
      manifest.searchTerms ??= (await import('../lib/genai-traces.mjs')).SEARCH_TERMS;

      const settleSeconds = await Promise.race([settle(collector.pid), collector.crashed]);
      const agent = keepAliveAgent(1);
      const specs = await querySpecs(manifest, collector.apiUrl, agent);
      const { results: queries, cpu: queryCpu } = await Promise.race([
        measure(specs, collector.apiUrl, agent, collector.pid),
        collector.crashed,
      ]);
      agent.destroy();
      const afterQueries = await scrapeMetrics(collector.apiUrl);

      const code = await collector.stop();
      collector = null;
      if (code !== 0) log(`collector exited with ${code}`);
      // Measured with the collector stopped: no merge in progress (replaced parts not yet deleted may remain).
      const dataBytes = await directoryBytes(work.dataDir);

      const multiple = spans / manifest.stats.spans;
      const reused = index === 0 && Boolean(flags['skip-ingest']);
      scales.push({
        spans,
        traces: grown?.result.after.traces ?? manifest.stored?.traces ?? manifest.stats.traces,
        errorTraces: manifest.stats.errorTraces * multiple,
        /** How this data came to be: ingested over OTLP, or grown from the scale before by SQL copies. */
        grownBy: grown || (reused && manifest.grown?.length) ? 'sql-copies' : 'otlp',
        reusedData: reused,
        /** Wall time of the grow (engine start, snapshot, copies, checks); null when not grown in this run. */
        growSeconds: grown?.seconds ?? null,
        grow: grown
          ? {
              factor: grown.result.factor,
              shiftSeconds: grown.result.shiftSeconds,
              maxShiftSeconds: grown.result.maxShiftSeconds,
              rowsInserted: grown.result.rowsInserted,
              /** Rows of all three tables copied per second (materialized views included). */
              rowsPerSecond: grown.result.rowsPerSecond,
              /** otel_traces rows (spans) added per second of the whole grow. */
              spansPerSecond: Math.round(
                (grown.result.after.spans - grown.result.before.spans) / grown.seconds,
              ),
              tables: grown.result.tables,
              activePartsAfter: grown.result.activeParts,
            }
          : null,
        dataDirMiB: Math.round(dataBytes / 2 ** 20),
        settleSeconds,
        queries,
        queryPhaseCpu: queryCpu,
        collectorAfterQueries: {
          rssMiB: Math.round((afterQueries.get('process_resident_memory_bytes') ?? 0) / 2 ** 20),
        },
        verdicts: verdicts(queries),
      });
      printScale(/** @type {any} */ (scales.at(-1)));
    }

    const result = {
      benchmark: NAME,
      description:
        'Query API latency over HTTP at several scales of stored spans: the first ingested over OTLP, each later one grown from it with SQL copies of every trace; one request at a time, after warm-up, queries interleaved in rounds.',
      startedAt: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      parameters: {
        scales: plan,
        seed: manifest.parameters.seed,
        windowHours: manifest.parameters.windowHours,
        reusedData: Boolean(flags['skip-ingest']),
        requestsPerQuery: Math.ceil(flags.requests / flags.rounds) * flags.rounds,
        warmupPerQuery: flags.warmup,
        rounds: flags.rounds,
        settleSeconds: flags.settle,
        settleMaxSeconds: flags['settle-max'],
        targets: {
          listP95Ms: flags['target-list-ms'],
          detailP95Ms: flags['target-detail-ms'],
          note: TARGET_NOTE,
        },
        growShiftSeconds: flags['grow-shift-seconds'],
        collector: 'node collector/dist/cli.js start, embedded ClickHouse (chDB), default settings',
      },
      /** The data set ingested over OTLP; a grown scale holds (scale / spans) copies of each of its traces. */
      dataset: {
        traces: manifest.stats.traces,
        spans: manifest.stats.spans,
        errorTraces: manifest.stats.errorTraces,
        chatSpans: manifest.stats.chatSpans,
        toolSpans: manifest.stats.toolSpans,
        tracesByService: manifest.stats.byService,
        tracesByModel: manifest.stats.byModel,
      },
      quietBefore,
      ingest: ingestResult,
      scales,
    };
    const file = flags.quick ? `${NAME}.quick.json` : `${NAME}.json`;
    const written = await writeResult(file, result, flags.out);
    printSummary(result);
    // The README shows the committed result: only a default-location, full run updates it.
    if (!flags.quick && !flags.out)
      await updateReadme(NAME, readmeSection(result, machineInfo(), sourceInfo()));
    log(`\nresults: ${path.relative(process.cwd(), written)}`);
    const unmeasured = new Set(
      scales.flatMap((s) =>
        s.queries.filter((/** @type {any} */ q) => !q.measured).map((/** @type {any} */ q) => q.name),
      ),
    );
    if (unmeasured.size > 0) {
      exitCode = 1;
      log(`not measured (endpoint failing or missing): ${[...unmeasured].join(', ')}`);
    }
  } catch (err) {
    exitCode = 1;
    crashed = true;
    log(`\n${NAME} failed: ${/** @type {Error} */ (err).stack ?? err}`);
    log(`collector log: ${path.join(work.root, 'collector.log')}`);
  } finally {
    if (collector) await collector.stop();
    await work.release();
    if (work.temporary && !flags['keep-data'] && !crashed) await work.remove();
    else log(`data kept in ${work.root}`);
  }
  // After a failure, requests may still be retrying in the background: do not wait for them.
  if (crashed) process.exit(exitCode);
  process.exitCode = exitCode;
}

// ---------------------------------------------------------------------------------------------------- output

/** @param {number | null} value */
const share = (value) => (value === null ? 'n/a' : `${Math.round(value * 100)}%`);

/** @param {any[]} queries */
function queryTable(queries) {
  const rows = queries.map((/** @type {any} */ q) => {
    if (!q.measured) return [q.name, '—', '—', '—', '—', '—', '—', 'not measured'];
    const l = q.latencyMs;
    const verdict = q.meetsTarget === null ? '' : q.meetsTarget ? 'ok' : 'SLOW';
    const notes = [
      verdict,
      q.errors ? `${q.errors} errors` : '',
      q.mismatches ? `${q.mismatches} mismatches` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return [q.name, l.count, l.p50, l.p95, l.p99, l.max, l.medianOfRounds.p95, notes];
  });
  return formatTable(['query', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'p95 med/rounds', ''], rows);
}

/** @param {any} ingest */
function ingestLine(ingest) {
  return (
    `${fmt(ingest.acceptedSpansPerSecond)} spans/s accepted (${ingest.acceptedSeconds} s), ` +
    `${fmt(ingest.storedSpansPerSecond)} spans/s stored (${ingest.storedSeconds} s); ` +
    `429 retries ${fmt(ingest.retries.http429)}; collector ${ingest.collectorCpuSecondsPerMillionSpans} CPU-s per 1M spans; ` +
    `other processes used ${share(ingest.cpu.otherCpuShare)} of the CPU`
  );
}

/** @param {any} scale */
function growLine(scale) {
  const g = scale.grow;
  return (
    `× ${g.factor} in ${fmt(scale.growSeconds, 1)} s: ${fmt(g.rowsInserted)} rows copied at ${fmt(g.rowsPerSecond)} rows/s ` +
    `(${fmt(g.spansPerSecond)} spans/s overall), copy c shifted c × ${g.shiftSeconds} s earlier`
  );
}

/** @param {any} scale */
function scaleTitle(scale) {
  const how =
    scale.grownBy === 'otlp'
      ? 'ingested over OTLP/HTTP'
      : scale.grow
        ? `grown from ${fmt(scale.spans / scale.grow.factor)} with SQL copies`
        : 'grown with SQL copies';
  return (
    `${fmt(scale.spans)} spans in ${fmt(scale.traces)} traces (${fmt(scale.errorTraces)} with errors), ${how}` +
    `${scale.reusedData ? ' (reused data)' : ''}, ${fmt(scale.dataDirMiB)} MiB on disk, settled ${scale.settleSeconds} s`
  );
}

/** @param {any} scale */
function verdictLine(scale) {
  const { list, detail } = scale.verdicts;
  const verdict = (/** @type {boolean} */ ok) => (ok ? 'ok' : 'MISS');
  return (
    `${fmt(scale.spans)} spans: list p95 ≤ ${list.targetMs} ms ${verdict(list.meets)} ` +
    `(slowest ${list.worstQuery ?? '—'} ${list.worstP95Ms ?? '—'} ms); ` +
    `detail p95 ≤ ${detail.targetMs} ms ${verdict(detail.meets)} (${detail.p95Ms ?? '—'} ms)`
  );
}

/** One scale as soon as it is measured (the whole summary follows at the end). @param {any} scale */
function printScale(scale) {
  log(`\n${scaleTitle(scale)}\n${queryTable(scale.queries)}\n${verdictLine(scale)}`);
}

/** @param {any} result */
function printSummary(result) {
  console.log(`\n${NAME}`);
  if (result.ingest) console.log(`ingest: ${ingestLine(result.ingest)}`);
  for (const scale of result.scales) {
    console.log(`\n${scaleTitle(scale)}`);
    if (scale.grow) console.log(`grown ${growLine(scale)}`);
    console.log(queryTable(scale.queries));
    console.log(
      `other processes used ${share(scale.queryPhaseCpu.otherCpuShare)} of the CPU while querying; ` +
        `collector RSS ${fmt(scale.collectorAfterQueries.rssMiB)} MiB after`,
    );
    for (const q of scale.queries) {
      if (q.firstError) console.log(`  ${q.name}: first error: ${q.firstError}`);
      if (q.firstMismatch) console.log(`  ${q.name}: first mismatch: ${q.firstMismatch}`);
    }
  }
  console.log(`\ntargets (${TARGET_NOTE}):`);
  for (const scale of result.scales) console.log(`  ${verdictLine(scale)}`);
}

/**
 * The README's "latest results" section.
 * @param {any} result
 * @param {ReturnType<typeof machineInfo>} machine
 * @param {ReturnType<typeof sourceInfo>} source
 */
function readmeSection(result, machine, source) {
  const date = result.startedAt.slice(0, 10);
  const revision = source.commit
    ? `${source.commit.slice(0, 7)}${source.dirty ? ' + uncommitted changes' : ''}`
    : 'unknown';
  const { targets } = result.parameters;
  const lines = [
    `${date}, ${machine.cpuModel} × ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `revision ${revision}. Traces over ${result.parameters.windowHours} h; ` +
      `${result.parameters.requestsPerQuery} timed requests per query in ${result.parameters.rounds} rounds. ` +
      `Targets (stated for 10M spans, applied at every scale): every list p95 ≤ ${targets.listP95Ms} ms, ` +
      `detail p95 ≤ ${targets.detailP95Ms} ms.`,
  ];
  for (const scale of result.scales) {
    lines.push(
      '',
      `**${scaleTitle(scale)}.**${scale.grow ? ` Grown ${growLine(scale)}.` : ''} ` +
        `Other processes used ${share(scale.queryPhaseCpu.otherCpuShare)} of the machine's CPU while querying.`,
      '',
      queryTable(scale.queries),
    );
  }
  lines.push('', ...result.scales.map((/** @type {any} */ scale) => `- ${verdictLine(scale)}`));
  if (result.ingest) {
    lines.push(
      '',
      `Ingest of the first scale (OTLP/HTTP ${result.ingest.encoding}, ${fmt(result.ingest.spansPerRequest)} spans per request, ` +
        `${result.ingest.concurrency} in flight): ${ingestLine(result.ingest)}.`,
    );
  }
  return lines.join('\n');
}

await main();
