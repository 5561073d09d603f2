#!/usr/bin/env node
// Query latency: how fast the collector's query API answers with N stored spans (default 1,000,000).
//
//   1. build (tsc -b) and start a real collector child process on a fresh data directory and free ports;
//   2. ingest N spans of generated GenAI agent traces over OTLP/HTTP (protobuf), several requests in flight,
//      retrying 429/503 after Retry-After; wait until /metrics says every span is written;
//   3. time the query API over HTTP, one request at a time, interleaving the queries in rounds: trace list (no
//      filter, by service, agent, model, status=error, page 2 by cursor), trace detail, search, stats summary;
//   4. write bench/results/query-latency.json and print a table.
//
// Target: trace list and trace detail answer in under 300 ms at p95 with 1M stored spans.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFlags } from '../lib/args.mjs';
import { buildAll, openWorkDir, scrapeMetrics, startCollector, waitUntilWritten } from '../lib/collector.mjs';
import { createTraceGenerator } from '../lib/genai-traces.mjs';
import { keepAliveAgent, sleep, timedGet } from '../lib/http.mjs';
import { cpuSince, cpuSnapshot, machineInfo, sourceInfo } from '../lib/machine.mjs';
import { countSpans, createOtlpSender } from '../lib/otlp.mjs';
import { createProgress, log } from '../lib/progress.mjs';
import { fmt, formatTable, updateReadme, writeResult } from '../lib/results.mjs';
import { summarize, summarizeRounds } from '../lib/stats.mjs';

const NAME = 'query-latency';
const MANIFEST = 'manifest.json';

const flags = parseFlags({
  name: `bench/${NAME}`,
  description: 'query API latency with N stored spans, ingested through a real collector',
  flags: {
    spans: { type: 'number', default: 1_000_000, help: 'spans to ingest' },
    quick: {
      type: 'boolean',
      help: 'smoke test: 20,000 spans, 30 requests per query, results in query-latency.quick.json',
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
    settle: { type: 'number', default: 10, help: 'seconds to wait after ingest before querying' },
    'target-ms': { type: 'number', default: 300, help: 'p95 target for trace list and trace detail' },
    'work-dir': {
      type: 'string',
      help: 'keep the collector data here (kept afterwards); with --skip-ingest, query data ingested before',
    },
    'skip-ingest': { type: 'boolean', help: 'reuse the data and manifest in --work-dir' },
    'keep-data': { type: 'boolean', help: 'do not delete the temporary data directory' },
    'skip-build': { type: 'boolean', help: 'do not run tsc -b first' },
    out: { type: 'string', help: 'result file (default bench/results/query-latency.json)' },
  },
});

if (flags.quick) {
  const given = (/** @type {string} */ flag) =>
    process.argv.some((a) => a === flag || a.startsWith(`${flag}=`));
  if (!given('--spans')) flags.spans = 20_000;
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
 */
async function ingest(collector, workRoot) {
  const totalSpans = flags.spans;
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
 * @property {boolean} target counts against the p95 target
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
  const range = `from=${manifest.windowStartMs - 60_000}&to=${manifest.windowEndMs + 10 * 60_000}`;

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
      target: true,
      next: () => ({ path: '/api/v1/traces?limit=50', check: listCheck(() => true, '') }),
    },
    {
      name: 'list_service',
      label: 'trace list, service=',
      target: true,
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
      target: true,
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
      target: true,
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
      target: true,
      next: () => ({
        path: '/api/v1/traces?limit=50&status=error',
        check: listCheck((t) => t.status === 'error', 'errors'),
      }),
    },
    {
      name: 'list_page2',
      label: 'trace list, page 2 (cursor)',
      target: true,
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
      target: true,
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
      target: false,
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
      target: false,
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
      targetMs: s.spec.target ? flags['target-ms'] : null,
      meetsTarget: s.spec.target ? latency.p95 < flags['target-ms'] : null,
    };
  });
  return { results, cpu };
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
  let collector;
  let exitCode = 0;
  /** A failure before the results were written: the data stays for a look. */
  let crashed = false;
  try {
    /** @type {any} */
    let manifest;
    /** @type {any} */
    let ingestResult = null;
    if (flags['skip-ingest']) {
      manifest = JSON.parse(await readFile(path.join(work.root, MANIFEST), 'utf8'));
      log(`reusing ${fmt(manifest.stats.spans)} spans ingested ${manifest.createdAt}`);
    } else {
      const existing = await readdir(work.dataDir).catch(() => []);
      if (existing.length > 0)
        throw new Error(`${work.dataDir} already holds data: use --skip-ingest, or an empty --work-dir`);
    }

    collector = await startCollector({
      dataDir: work.dataDir,
      logFile: path.join(work.root, 'collector.log'),
    });
    log(`collector ${collector.pid} ready: OTLP HTTP ${collector.otlpHttpUrl}, API ${collector.apiUrl}`);

    if (!flags['skip-ingest']) {
      const result = await Promise.race([ingest(collector, work.root), collector.crashed]);
      manifest = result.manifest;
      ingestResult = result.ingest;
      log(
        `ingested ${fmt(ingestResult.spans)} spans (${fmt(ingestResult.traces)} traces): ` +
          `${fmt(ingestResult.acceptedSpansPerSecond)} spans/s accepted, ${fmt(ingestResult.storedSpansPerSecond)} spans/s stored`,
      );
    }
    manifest.searchTerms ??= (await import('../lib/genai-traces.mjs')).SEARCH_TERMS;

    if (flags.settle > 0) {
      log(`settling ${flags.settle} s (background merges)`);
      await sleep(flags.settle * 1000);
    }

    const agent = keepAliveAgent(1);
    const specs = await querySpecs(manifest, collector.apiUrl, agent);
    const { results: queries, cpu: queryCpu } = await Promise.race([
      measure(specs, collector.apiUrl, agent, collector.pid),
      collector.crashed,
    ]);
    agent.destroy();
    const afterQueries = await scrapeMetrics(collector.apiUrl);

    const code = await collector.stop();
    if (code !== 0) log(`collector exited with ${code} (log: ${collector.logFile})`);
    // Measured with the collector stopped: no merge in progress (replaced parts not yet deleted may remain).
    const dataBytes = await directoryBytes(work.dataDir);

    const result = {
      benchmark: NAME,
      description:
        'Query API latency over HTTP with N stored spans: one request at a time, after warm-up, queries interleaved in rounds.',
      startedAt: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      parameters: {
        spans: manifest.stats.spans,
        traces: manifest.stats.traces,
        seed: manifest.parameters.seed,
        windowHours: manifest.parameters.windowHours,
        reusedData: Boolean(flags['skip-ingest']),
        requestsPerQuery: Math.ceil(flags.requests / flags.rounds) * flags.rounds,
        warmupPerQuery: flags.warmup,
        rounds: flags.rounds,
        settleSeconds: flags.settle,
        targetMs: flags['target-ms'],
        collector: 'node collector/dist/cli.js start, embedded ClickHouse (chDB), default settings',
      },
      dataset: {
        traces: manifest.stats.traces,
        spans: manifest.stats.spans,
        errorTraces: manifest.stats.errorTraces,
        chatSpans: manifest.stats.chatSpans,
        toolSpans: manifest.stats.toolSpans,
        tracesByService: manifest.stats.byService,
        tracesByModel: manifest.stats.byModel,
        dataDirMiB: Math.round(dataBytes / 2 ** 20),
      },
      quietBefore,
      ingest: ingestResult,
      queries,
      queryPhaseCpu: queryCpu,
      collectorAfterQueries: {
        rssMiB: Math.round((afterQueries.get('process_resident_memory_bytes') ?? 0) / 2 ** 20),
      },
    };
    const file = flags.quick ? `${NAME}.quick.json` : `${NAME}.json`;
    const written = await writeResult(file, result, flags.out);
    printSummary(result);
    // The README shows the committed result: only a default-location, full run updates it.
    if (!flags.quick && !flags.out)
      await updateReadme(NAME, readmeSection(result, machineInfo(), sourceInfo()));
    log(`\nresults: ${path.relative(process.cwd(), written)}`);
    const unmeasured = queries.filter((q) => !q.measured);
    if (unmeasured.length > 0) {
      exitCode = 1;
      log(`not measured (endpoint failing or missing): ${unmeasured.map((q) => q.name).join(', ')}`);
    }
    const failed = queries.filter((q) => 'meetsTarget' in q && q.meetsTarget === false);
    if (failed.length > 0)
      log(`over the ${flags['target-ms']} ms p95 target: ${failed.map((q) => q.name).join(', ')}`);
  } catch (err) {
    exitCode = 1;
    crashed = true;
    log(`\n${NAME} failed: ${/** @type {Error} */ (err).stack ?? err}`);
    if (collector) log(`collector log: ${collector.logFile}`);
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

/** @param {number | null} value */
const share = (value) => (value === null ? 'n/a' : `${Math.round(value * 100)}%`);

/** @param {any} result */
function queryTable(result) {
  const rows = result.queries.map((/** @type {any} */ q) => {
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

/** @param {any} result */
function printSummary(result) {
  const { ingest, queries } = result;
  console.log(
    `\n${NAME}: ${fmt(result.dataset.spans)} spans, ${fmt(result.dataset.traces)} traces, ` +
      `${fmt(result.dataset.dataDirMiB)} MiB on disk`,
  );
  if (ingest) console.log(`ingest: ${ingestLine(ingest)}\n`);
  console.log(queryTable(result));
  console.log(`other processes used ${share(result.queryPhaseCpu.otherCpuShare)} of the CPU while querying`);
  for (const q of queries) {
    if (q.firstError) console.log(`  ${q.name}: first error: ${q.firstError}`);
    if (q.firstMismatch) console.log(`  ${q.name}: first mismatch: ${q.firstMismatch}`);
  }
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
  const lines = [
    `${date}, ${machine.cpuModel} × ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `revision ${revision}. ${fmt(result.dataset.spans)} spans in ${fmt(result.dataset.traces)} traces ` +
      `(${fmt(result.dataset.errorTraces)} with errors) over ${result.parameters.windowHours} h, ` +
      `${fmt(result.dataset.dataDirMiB)} MiB on disk; ` +
      `${result.parameters.requestsPerQuery} timed requests per query in ${result.parameters.rounds} rounds. ` +
      `Target: list and detail p95 < ${result.parameters.targetMs} ms.`,
    '',
    queryTable(result),
    '',
    `Other processes used ${share(result.queryPhaseCpu.otherCpuShare)} of the machine's CPU while querying.`,
  ];
  if (result.ingest) {
    lines.push(
      '',
      `Ingest (OTLP/HTTP ${result.ingest.encoding}, ${fmt(result.ingest.spansPerRequest)} spans per request, ` +
        `${result.ingest.concurrency} in flight): ${ingestLine(result.ingest)}.`,
    );
  }
  return lines.join('\n');
}

await main();
