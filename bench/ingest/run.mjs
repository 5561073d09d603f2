#!/usr/bin/env node
// Ingest: how many GenAI spans per second a collector on the embedded engine stores, measured with the real OTLP
// exporters of the OpenTelemetry SDK, and how that compares with the machine's two limits.
//
//   1. build (tsc -b); pre-build every span of a run as the SDK's ReadableSpans (generated agent traces, shaped to
//      15–30 attributes and ~2 KB each, 1% with an 8 KB message history) before any timing;
//   2. limits, in a child process with no collector running (limits.mjs): decode-only (the collector's protobuf
//      decoder over the same serialized ExportTraceServiceRequests) and insert-only (the same rows, built with the
//      collector's row builder, inserted straight into a fresh embedded engine), spans/s, --runs runs each;
//   3. per protocol (gRPC, HTTP/protobuf): a fresh collector child process (embedded engine, default settings), then
//      - fixed rate: `--rate` spans/s offered for `--rate-seconds` (export calls of `--batch` spans on a schedule,
//        open loop), ack latency of every export call (export() → result callback, as the SDK sees it);
//      - saturation: `--spans` spans, `--concurrency` export calls in flight, until /metrics
//        beacon_spans_written_total covers every span: spans/s stored, collector CPU and peak RSS;
//      each --runs times; `--profile` runs the collector with `node --cpu-prof` and prints its top functions;
//   4. write bench/results/ingest.json and print a table: medians (min–max), end-to-end / min(limits), targets.
//
// Targets (2 cores): ≥ 40,000 spans/s stored at saturation; end-to-end ≥ 50% of the slower limit; ack p99 ≤ 100 ms
// at 20,000 spans/s; RSS ≤ 512 MiB at saturation.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseFlags } from '../lib/args.mjs';
import { buildAll, openWorkDir, scrapeMetrics, startCollector, waitUntilWritten } from '../lib/collector.mjs';
import { createRandom, createTraceGenerator } from '../lib/genai-traces.mjs';
import { sleep } from '../lib/http.mjs';
import {
  cpuSince,
  cpuSnapshot,
  machineInfo,
  sourceInfo,
  threadCpuDelta,
  threadCpuSeconds,
} from '../lib/machine.mjs';
import { buildExportBatches } from '../lib/otel-spans.mjs';
import { BENCH_DIR, REPO_ROOT, RESULTS_DIR } from '../lib/paths.mjs';
import { createProgress, log } from '../lib/progress.mjs';
import { fmt, formatTable, updateReadme, writeResult } from '../lib/results.mjs';
import { median, summarize } from '../lib/stats.mjs';
import { topSelfTime } from './profile.mjs';

const NAME = 'ingest';

const flags = parseFlags({
  name: `bench/${NAME}`,
  description:
    'spans/s stored by a collector on the embedded engine, fed by the real OTLP exporters (gRPC, HTTP/protobuf)',
  flags: {
    protocols: { type: 'string', default: 'grpc,http', help: 'grpc, http or both (comma-separated)' },
    runs: { type: 'number', default: 5, help: 'runs of each measurement (median, min, max reported)' },
    spans: { type: 'number', default: 100_000, help: 'spans per saturation run' },
    batch: { type: 'number', default: 512, help: 'spans per export call (the BatchSpanProcessor default)' },
    concurrency: { type: 'number', default: 8, help: 'export calls in flight at saturation' },
    rate: { type: 'number', default: 20_000, help: 'offered spans/s of the fixed-rate runs' },
    'rate-seconds': {
      type: 'number',
      default: 10,
      help: 'length of each fixed-rate run (offered spans = rate × seconds)',
    },
    'limit-spans': { type: 'number', default: 100_000, help: 'spans decoded / inserted per limit run' },
    'insert-batch': {
      type: 'number',
      default: 10_000,
      help: 'spans per insert in the insert-only limit (the writer’s BEACON_BATCH_SPANS default)',
    },
    seed: { type: 'number', default: 1, help: 'generator seed' },
    profile: {
      type: 'boolean',
      help: 'run the collector under node --cpu-prof (bench/results/profiles/) and print its top self-time functions',
    },
    'skip-limits': { type: 'boolean', help: 'do not measure the decode-only and insert-only limits' },
    'skip-rate': { type: 'boolean', help: 'do not run the fixed-rate runs' },
    'skip-saturation': { type: 'boolean', help: 'do not run the saturation runs' },
    env: {
      type: 'string',
      help: 'extra collector environment, e.g. BEACON_SPOOL_FSYNC=never,BEACON_BATCH_SPANS=20000',
    },
    quick: {
      type: 'boolean',
      help: 'smoke test: 3 runs of 20,000 spans, 5 s fixed rate, 20,000 limit spans; results in ingest.quick.json',
    },
    'skip-build': { type: 'boolean', help: 'do not run tsc -b first' },
    'keep-data': { type: 'boolean', help: 'do not delete the temporary data directories' },
    out: { type: 'string', help: 'result file (default bench/results/ingest.json)' },
  },
});
if (flags.quick) {
  const given = (/** @type {string} */ flag) =>
    process.argv.some((a) => a === flag || a.startsWith(`${flag}=`));
  if (!given('--runs')) flags.runs = 3;
  if (!given('--spans')) flags.spans = 20_000;
  if (!given('--rate-seconds')) flags['rate-seconds'] = 5;
  if (!given('--limit-spans')) flags['limit-spans'] = 20_000;
}
const PROTOCOLS = /** @type {('grpc' | 'http')[]} */ (String(flags.protocols).split(',').filter(Boolean));
if (PROTOCOLS.length === 0 || PROTOCOLS.some((p) => p !== 'grpc' && p !== 'http')) {
  log(`--protocols must list grpc and/or http, got ${flags.protocols}`);
  process.exit(2);
}
/** @type {Record<string, string>} */
const extraEnv = Object.fromEntries(
  String(flags.env ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
);

const TARGETS = { storedSpansPerSecond: 40_000, ofSlowerLimit: 0.5, ackP99Ms: 100, rssMiB: 512 };

const requireFromRoot = createRequire(path.join(REPO_ROOT, 'package.json'));
const { OTLPTraceExporter: GrpcExporter } = requireFromRoot('@opentelemetry/exporter-trace-otlp-grpc');
const { OTLPTraceExporter: ProtoExporter } = requireFromRoot('@opentelemetry/exporter-trace-otlp-proto');

/** @typedef {import('@opentelemetry/sdk-trace-base').ReadableSpan} ReadableSpan */
/** @typedef {{ export(spans: ReadableSpan[], done: (result: { code: number; error?: Error }) => void): void; shutdown(): Promise<void> }} Exporter */

/**
 * The SDK's OTLP exporter for `protocol`, pointed at the collector; enough concurrency for every call we make.
 * @param {'grpc' | 'http'} protocol
 * @param {import('../lib/collector.mjs').CollectorHandle} collector
 * @param {number} concurrencyLimit
 * @returns {Exporter}
 */
function createExporter(protocol, collector, concurrencyLimit) {
  const common = { concurrencyLimit, timeoutMillis: 30_000 };
  return protocol === 'grpc'
    ? new GrpcExporter({ ...common, url: `http://127.0.0.1:${collector.ports.grpc}` })
    : new ProtoExporter({ ...common, url: `${collector.otlpHttpUrl}/v1/traces` });
}

/**
 * One export call until the exporter reports success, retrying (after a pause) what it gave up on — the exporter
 * itself already retries 429 / RESOURCE_EXHAUSTED honouring Retry-After, up to its own limit.
 * @param {Exporter} exporter
 * @param {ReadableSpan[]} spans
 * @param {{ failures: number; firstError: string | null }} stats
 * @returns {Promise<number>} ms from the first export() call to the success callback
 */
async function exportUntilAcked(exporter, spans, stats) {
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    /** @type {{ code: number; error?: Error }} */
    const result = await new Promise((resolve) => exporter.export(spans, resolve));
    if (result.code === 0) return performance.now() - started;
    stats.failures += 1;
    stats.firstError ??= result.error?.message ?? 'export failed';
    if (attempt >= 20) throw new Error(`export failed ${attempt} times: ${result.error?.message}`);
    await sleep(250 * attempt);
  }
}

/** Peak resident memory of a process, sampled (VmRSS) and lifetime high-water mark (VmHWM), in MiB. */
function rssSampler(/** @type {number} */ pid, intervalMs = 200) {
  const read = (/** @type {string} */ field) => {
    try {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
        readFileSync(`/proc/${pid}/status`, 'utf8'),
      );
      return match ? Number(match[1]) / 1024 : null;
    } catch {
      return null;
    }
  };
  let peak = read('VmRSS') ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, read('VmRSS') ?? 0);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return {
        peakMiB: Math.round(Math.max(peak, read('VmRSS') ?? 0)),
        hwmMiB: Math.round(read('VmHWM') ?? 0),
      };
    },
  };
}

/**
 * @param {import('../lib/collector.mjs').CollectorHandle} collector
 * @param {number} expected
 */
async function waitWritten(collector, expected) {
  return waitUntilWritten(collector.apiUrl, expected, { stallMs: 120_000 });
}

/**
 * Offered load at a fixed rate: one export call every batch/rate seconds, whatever the answers (open loop).
 * @param {'grpc' | 'http'} protocol
 * @param {import('../lib/collector.mjs').CollectorHandle} collector
 * @param {ReadableSpan[][]} batches
 */
async function fixedRateRun(protocol, collector, batches) {
  const exporter = createExporter(protocol, collector, 1000);
  const stats = { failures: 0, firstError: /** @type {string | null} */ (null) };
  const before = await scrapeMetrics(collector.apiUrl);
  const writtenBefore = before.get('beacon_spans_written_total') ?? 0;
  const cpu = cpuSnapshot(collector.pid);
  const rss = rssSampler(collector.pid);
  /** @type {number[]} */
  const latencies = [];
  /** @type {Promise<void>[]} */
  const calls = [];
  let spans = 0;
  let lateMs = 0;
  const intervalMs = ((batches[0]?.length ?? 0) / flags.rate) * 1000;
  const started = performance.now();
  for (let i = 0; i < batches.length; i++) {
    const due = started + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    else lateMs = Math.max(lateMs, -wait);
    const batch = /** @type {ReadableSpan[]} */ (batches[i]);
    spans += batch.length;
    calls.push(exportUntilAcked(exporter, batch, stats).then((ms) => void latencies.push(ms)));
  }
  const offeredSeconds = (performance.now() - started) / 1000;
  await Promise.all(calls);
  const ackedSeconds = (performance.now() - started) / 1000;
  const cpuUse = cpuSince(cpu);
  await waitWritten(collector, writtenBefore + spans);
  const storedSeconds = (performance.now() - started) / 1000;
  await exporter.shutdown();
  const memory = rss.stop();
  return {
    spans,
    exportCalls: batches.length,
    offeredSpansPerSecond: Math.round(spans / offeredSeconds),
    /** How far behind schedule the generator fell at worst (its own CPU starved): 0 = the rate was offered. */
    maxScheduleLagMs: Math.round(lateMs),
    ackedSeconds: Math.round(ackedSeconds * 10) / 10,
    storedSeconds: Math.round(storedSeconds * 10) / 10,
    ackLatencyMs: summarize(latencies),
    exportFailures: stats.failures,
    firstExportError: stats.firstError,
    collectorCores:
      cpuUse.collectorCpuSeconds === null ? null : round2(cpuUse.collectorCpuSeconds / cpuUse.wallSeconds),
    cpu: cpuUse,
    rss: memory,
  };
}

/**
 * Closed loop: `concurrency` export calls in flight until every span is acknowledged, then until all are stored.
 * @param {'grpc' | 'http'} protocol
 * @param {import('../lib/collector.mjs').CollectorHandle} collector
 * @param {ReadableSpan[][]} batches
 */
async function saturationRun(protocol, collector, batches) {
  const exporter = createExporter(protocol, collector, flags.concurrency * 2);
  const stats = { failures: 0, firstError: /** @type {string | null} */ (null) };
  const before = await scrapeMetrics(collector.apiUrl);
  const writtenBefore = before.get('beacon_spans_written_total') ?? 0;
  const total = batches.reduce((n, b) => n + b.length, 0);
  const progress = createProgress({ label: `  ${protocol} saturation (stored)`, total, unit: 'spans' });
  const cpu = cpuSnapshot(collector.pid);
  const threads = threadCpuSeconds(collector.pid);
  const rss = rssSampler(collector.pid);
  /** @type {number[]} */
  const latencies = [];
  let next = 0;
  let acked = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < batches.length) {
      const batch = /** @type {ReadableSpan[]} */ (batches[next++]);
      latencies.push(await exportUntilAcked(exporter, batch, stats));
      acked += batch.length;
    }
  };
  await Promise.all(Array.from({ length: flags.concurrency }, worker));
  const ackedSeconds = (performance.now() - started) / 1000;
  const after = await waitUntilWritten(collector.apiUrl, writtenBefore + total, {
    onProgress: (written) => progress.update(written - writtenBefore),
  });
  progress.finish();
  const storedSeconds = (performance.now() - started) / 1000;
  const cpuUse = cpuSince(cpu);
  const threadCpu = threadCpuDelta(threads, threadCpuSeconds(collector.pid));
  const memory = rss.stop();
  await exporter.shutdown();
  const collectorCpu = cpuUse.collectorCpuSeconds ?? 0;
  return {
    spans: total,
    exportCalls: batches.length,
    ackedSpansPerSecond: Math.round(acked / ackedSeconds),
    storedSpansPerSecond: Math.round(total / storedSeconds),
    ackedSeconds: Math.round(ackedSeconds * 10) / 10,
    storedSeconds: Math.round(storedSeconds * 10) / 10,
    ackLatencyMs: summarize(latencies),
    exportFailures: stats.failures,
    firstExportError: stats.firstError,
    rejected:
      (after.get('beacon_spans_rejected_total') ?? 0) - (before.get('beacon_spans_rejected_total') ?? 0),
    collectorCpuSecondsPerMillionSpans: Math.round((collectorCpu / total) * 1e6 * 10) / 10,
    collectorCores: round2(collectorCpu / cpuUse.wallSeconds),
    cpu: cpuUse,
    /** Where the collector's CPU went: its JavaScript main thread, the embedded engine's threads, libuv's pool. */
    collectorThreadCpuSeconds: threadCpu,
    rss: memory,
  };
}

const round2 = (/** @type {number} */ v) => Math.round(v * 100) / 100;

/** @param {number[]} values */
const spread = (values) => ({
  median: median(values),
  min: round2(Math.min(...values)),
  max: round2(Math.max(...values)),
  runs: values.map(round2),
});

/**
 * The limits, in a child process (limits.mjs) with no collector running.
 * @param {{ windowStartNs: bigint; windowEndNs: bigint }} window
 */
function measureLimits(window) {
  log(`limits: decode-only and insert-only, ${fmt(flags['limit-spans'])} spans × ${flags.runs} runs`);
  const args = {
    seed: flags.seed,
    spans: flags['limit-spans'],
    batch: flags.batch,
    insertBatch: flags['insert-batch'],
    runs: flags.runs,
    windowStartNs: String(window.windowStartNs),
    windowEndNs: String(window.windowEndNs),
  };
  const child = spawnSync(
    process.execPath,
    [path.join(BENCH_DIR, NAME, 'limits.mjs'), JSON.stringify(args)],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (child.status !== 0) throw new Error(`limits.mjs exited with ${child.status}`);
  const raw = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}');
  const summary = (/** @type {any[]} */ runs) =>
    runs.length === 0
      ? null
      : {
          spansPerSecond: spread(runs.map((r) => r.spansPerSecond)),
          cpuUsPerSpan: median(runs.map((r) => (r.cpuSeconds / r.spans) * 1e6)),
          ...(runs[0]?.stageUsPerSpan
            ? {
                /** Median µs per span of each stage of the collector's processing (decode → rows → JSON). */
                stageUsPerSpan: Object.fromEntries(
                  Object.keys(runs[0].stageUsPerSpan).map((k) => [
                    k,
                    median(runs.map((r) => r.stageUsPerSpan[k] ?? 0)),
                  ]),
                ),
              }
            : {}),
        };
  return {
    spans: raw.spans,
    bytesPerSpan: raw.bytesPerSpan,
    decode: summary(raw.decode),
    process: summary(raw.process),
    insert: summary(raw.insert),
  };
}

/**
 * @param {'grpc' | 'http'} protocol
 * @param {ReturnType<typeof createTraceGenerator>} generator
 * @param {ReturnType<typeof createRandom>} shaping
 */
async function measureProtocol(protocol, generator, shaping) {
  const work = await openWorkDir(undefined, `beacon-bench-ingest-${protocol}`);
  const profileDir = path.join(RESULTS_DIR, 'profiles');
  /** @type {Record<string, string>} */
  const env = { ...extraEnv };
  /** @type {string[]} */
  const nodeArgs = [];
  if (flags.profile) {
    await mkdir(profileDir, { recursive: true });
    nodeArgs.push(
      '--cpu-prof',
      `--cpu-prof-dir=${profileDir}`,
      `--cpu-prof-name=ingest-${protocol}-${Date.now()}.cpuprofile`,
    );
  }
  const profilesBefore = new Set(flags.profile ? readdirSync(profileDir) : []);
  const collector = await startCollector({
    dataDir: work.dataDir,
    logFile: path.join(work.root, 'collector.log'),
    env,
    nodeArgs,
  });
  log(
    `${protocol}: collector ${collector.pid} ready (gRPC ${collector.ports.grpc}, HTTP ${collector.ports.http})`,
  );
  let failed = false;
  try {
    // Warm-up: connections, JIT, the first parts of every table.
    const warm = buildExportBatches(generator, shaping, 5 * flags.batch, flags.batch);
    await Promise.race([saturationRun(protocol, collector, warm), collector.crashed]);

    /** @type {any[]} */
    const rateRuns = [];
    if (!flags['skip-rate']) {
      const count = Math.max(1, Math.round((flags.rate * flags['rate-seconds']) / flags.batch));
      for (let run = 0; run < flags.runs; run++) {
        const batches = buildExportBatches(generator, shaping, count * flags.batch, flags.batch).slice(
          0,
          count,
        );
        const result = await Promise.race([fixedRateRun(protocol, collector, batches), collector.crashed]);
        rateRuns.push(result);
        log(
          `  ${protocol} fixed rate run ${run + 1}/${flags.runs}: ${fmt(result.offeredSpansPerSecond)} spans/s offered, ` +
            `ack p50 ${result.ackLatencyMs.p50} ms p99 ${result.ackLatencyMs.p99} ms, collector ${result.collectorCores} cores`,
        );
      }
    }
    /** @type {any[]} */
    const saturationRuns = [];
    if (!flags['skip-saturation']) {
      for (let run = 0; run < flags.runs; run++) {
        const batches = buildExportBatches(generator, shaping, flags.spans, flags.batch);
        const result = await Promise.race([saturationRun(protocol, collector, batches), collector.crashed]);
        saturationRuns.push(result);
        log(
          `  ${protocol} saturation run ${run + 1}/${flags.runs}: ${fmt(result.storedSpansPerSecond)} spans/s stored, ` +
            `${fmt(result.ackedSpansPerSecond)} acked, RSS peak ${result.rss.peakMiB} MiB, ${result.collectorCpuSecondsPerMillionSpans} CPU-s/1M spans; ` +
            `threads (CPU-s): ${result.collectorThreadCpuSeconds
              .slice(0, 5)
              .map((t) => `${t.thread} ${t.cpuSeconds}`)
              .join(', ')}`,
        );
      }
    }
    const code = await collector.stop();
    if (code !== 0) log(`collector exited with ${code} (log: ${collector.logFile})`);
    /** @type {any} */
    let profile = null;
    if (flags.profile) {
      const file = readdirSync(profileDir).find(
        (f) => !profilesBefore.has(f) && f.includes(`ingest-${protocol}-`),
      );
      if (file) {
        const top = topSelfTime(path.join(profileDir, file), 25);
        profile = { file: path.relative(REPO_ROOT, path.join(profileDir, file)), ...top };
      } else log(`${protocol}: no .cpuprofile written in ${profileDir}`);
    }
    return summarizeProtocol(protocol, rateRuns, saturationRuns, profile);
  } catch (err) {
    failed = true;
    log(`${protocol} failed: ${/** @type {Error} */ (err).stack ?? err}`);
    log(`collector log: ${collector.logFile}`);
    throw err;
  } finally {
    await collector.stop();
    await work.release();
    if (!flags['keep-data'] && !failed) await work.remove();
    else log(`data kept in ${work.root}`);
  }
}

/**
 * @param {'grpc' | 'http'} protocol
 * @param {any[]} rateRuns
 * @param {any[]} saturationRuns
 * @param {any} profile
 */
function summarizeProtocol(protocol, rateRuns, saturationRuns, profile) {
  return {
    protocol,
    fixedRate: rateRuns.length
      ? {
          offeredSpansPerSecond: spread(rateRuns.map((r) => r.offeredSpansPerSecond)),
          ackP50Ms: spread(rateRuns.map((r) => r.ackLatencyMs.p50)),
          ackP99Ms: spread(rateRuns.map((r) => r.ackLatencyMs.p99)),
          collectorCores: spread(rateRuns.map((r) => r.collectorCores ?? Number.NaN)),
          peakRssMiB: spread(rateRuns.map((r) => r.rss.peakMiB)),
          runs: rateRuns,
        }
      : null,
    saturation: saturationRuns.length
      ? {
          storedSpansPerSecond: spread(saturationRuns.map((r) => r.storedSpansPerSecond)),
          ackedSpansPerSecond: spread(saturationRuns.map((r) => r.ackedSpansPerSecond)),
          ackP50Ms: spread(saturationRuns.map((r) => r.ackLatencyMs.p50)),
          ackP99Ms: spread(saturationRuns.map((r) => r.ackLatencyMs.p99)),
          collectorCpuSecondsPerMillionSpans: spread(
            saturationRuns.map((r) => r.collectorCpuSecondsPerMillionSpans),
          ),
          collectorCores: spread(saturationRuns.map((r) => r.collectorCores)),
          peakRssMiB: spread(saturationRuns.map((r) => r.rss.peakMiB)),
          otherCpuShare: spread(saturationRuns.map((r) => r.cpu.otherCpuShare ?? Number.NaN)),
          runs: saturationRuns,
        }
      : null,
    profile,
  };
}

async function main() {
  const startedAt = new Date();
  if (!flags['skip-build']) buildAll();
  const idle = cpuSnapshot();
  await sleep(2000);
  const quietBefore = cpuSince(idle);
  if ((quietBefore.otherCpuShare ?? 0) > 0.1) {
    log(
      `warning: other processes use ${Math.round((quietBefore.otherCpuShare ?? 0) * 100)}% of this machine's CPU; ` +
        'results will be slower and noisier than on an idle machine',
    );
  }
  // Spans of the last 24 hours, the newest a couple of minutes old.
  const windowEndNs = BigInt(Date.now() - 2 * 60_000) * 1_000_000n;
  const window = { windowStartNs: windowEndNs - 24n * 3_600_000_000_000n, windowEndNs };
  const limits = flags['skip-limits'] ? null : measureLimits(window);

  const perProtocol = [];
  for (const protocol of PROTOCOLS) {
    // Every protocol gets the same spans (same seed), each run different ones.
    const generator = createTraceGenerator({ seed: flags.seed, totalSpans: 1e12, ...window });
    const shaping = createRandom(flags.seed + 1);
    perProtocol.push(await measureProtocol(protocol, generator, shaping));
  }

  const slowerLimit =
    limits?.decode && limits.insert
      ? Math.min(limits.decode.spansPerSecond.median, limits.insert.spansPerSecond.median)
      : null;
  const verdicts = perProtocol.map((p) => {
    const stored = p.saturation?.storedSpansPerSecond.median ?? null;
    return {
      protocol: p.protocol,
      storedSpansPerSecond: stored,
      ofSlowerLimit: stored !== null && slowerLimit ? round2(stored / slowerLimit) : null,
      meetsThroughput: stored === null ? null : stored >= TARGETS.storedSpansPerSecond,
      meetsShareOfLimit:
        stored !== null && slowerLimit ? stored / slowerLimit >= TARGETS.ofSlowerLimit : null,
      meetsAckP99: p.fixedRate ? p.fixedRate.ackP99Ms.median <= TARGETS.ackP99Ms : null,
      meetsRss: p.saturation ? p.saturation.peakRssMiB.max <= TARGETS.rssMiB : null,
    };
  });

  const result = {
    benchmark: NAME,
    description:
      'OTLP ingest into a collector on the embedded engine with the OpenTelemetry SDK exporters, at a fixed offered rate and at saturation, against the decode-only and insert-only limits of the machine.',
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    parameters: {
      protocols: PROTOCOLS,
      runs: flags.runs,
      spansPerSaturationRun: flags.spans,
      spansPerExport: flags.batch,
      concurrency: flags.concurrency,
      offeredRate: flags.rate,
      rateSeconds: flags['rate-seconds'],
      limitSpans: flags['limit-spans'],
      insertBatch: flags['insert-batch'],
      seed: flags.seed,
      bytesPerSpan: limits?.bytesPerSpan ?? null,
      spanShape: '15–30 attributes, ~2 KB per span, 1% with an 8 KB message history',
      collector: `node collector/dist/cli.js start, embedded ClickHouse (chDB), default settings${Object.keys(extraEnv).length ? ` + ${flags.env}` : ''}`,
      profile: flags.profile === true,
      quick: flags.quick === true,
    },
    targets: TARGETS,
    quietBefore,
    limits: limits ? { ...limits, slowerLimitSpansPerSecond: slowerLimit } : null,
    protocols: perProtocol,
    verdicts,
  };
  const file = flags.quick ? `${NAME}.quick.json` : `${NAME}.json`;
  const written = await writeResult(file, result, flags.out);
  console.log(`\n${summaryText(result)}`);
  for (const p of perProtocol) {
    if (p.profile) {
      console.log(`\n${p.protocol}: top self-time functions of the collector (${p.profile.file}):`);
      console.log(profileTable(p.profile));
    }
  }
  if (!flags.quick && !flags.out && !flags.profile && Object.keys(extraEnv).length === 0)
    await updateReadme(NAME, readmeSection(result));
  log(`\nresults: ${path.relative(process.cwd(), written)}`);
}

/** @param {any} profile */
function profileTable(profile) {
  return formatTable(
    ['function', 'self ms', 'self %', 'where'],
    profile.top.map((/** @type {any} */ f) => [f.functionName, f.selfMs, f.selfPercent, f.location]),
  );
}

/** @param {{ median: number; min: number; max: number } | undefined} s */
const range = (s, digits = 0) =>
  s ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : '—';

/** @param {any} result */
function summaryText(result) {
  const rows = [];
  const limits = result.limits;
  if (limits) {
    rows.push(['decode-only limit', range(limits.decode?.spansPerSecond), '', '', '', '', '']);
    rows.push(['insert-only limit', range(limits.insert?.spansPerSecond), '', '', '', '', '']);
    rows.push(['(decode → rows, 1 core)', range(limits.process?.spansPerSecond), '', '', '', '', '']);
  }
  for (const p of result.protocols) {
    const v = result.verdicts.find((/** @type {any} */ x) => x.protocol === p.protocol);
    if (p.fixedRate) {
      rows.push([
        `${p.protocol} @ ${fmt(result.parameters.offeredRate)}/s`,
        range(p.fixedRate.offeredSpansPerSecond),
        range(p.fixedRate.ackP50Ms, 1),
        range(p.fixedRate.ackP99Ms, 1),
        range(p.fixedRate.collectorCores, 2),
        range(p.fixedRate.peakRssMiB),
        v.meetsAckP99 ? 'ok' : 'MISS (ack p99)',
      ]);
    }
    if (p.saturation) {
      const share = v.ofSlowerLimit === null ? '' : `, ${Math.round(v.ofSlowerLimit * 100)}% of min(limits)`;
      rows.push([
        `${p.protocol} saturation`,
        range(p.saturation.storedSpansPerSecond),
        range(p.saturation.ackP50Ms, 1),
        range(p.saturation.ackP99Ms, 1),
        range(p.saturation.collectorCores, 2),
        range(p.saturation.peakRssMiB),
        [
          v.meetsThroughput ? 'ok' : 'MISS (40k/s)',
          v.meetsShareOfLimit === false ? 'MISS (50% of limit)' : '',
          v.meetsRss === false ? 'MISS (RSS)' : '',
        ]
          .filter(Boolean)
          .join(', ') + share,
      ]);
    }
  }
  const m = machineInfo();
  return [
    `${NAME}: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}; ${result.parameters.runs} runs each, ` +
      `median (min–max); ${fmt(result.parameters.spansPerExport)} spans per export call` +
      `${result.parameters.bytesPerSpan ? `, ~${fmt(result.parameters.bytesPerSpan)} B/span` : ''}` +
      `; saturation ${fmt(result.parameters.spansPerSaturationRun)} spans × ${result.parameters.concurrency} in flight`,
    '',
    formatTable(
      ['measurement', 'spans/s', 'ack p50 ms', 'ack p99 ms', 'collector cores', 'peak RSS MiB', ''],
      rows,
    ),
    ...(limits?.process?.stageUsPerSpan
      ? [
          '',
          `decode → rows, µs per span on one core (${limits.process.cpuUsPerSpan} µs CPU in all): ` +
            Object.entries(limits.process.stageUsPerSpan)
              .map(([name, us]) => `${name} ${us}`)
              .join(', '),
        ]
      : []),
  ].join('\n');
}

/** @param {any} result */
function readmeSection(result) {
  const source = sourceInfo();
  const revision = source.commit
    ? `${source.commit.slice(0, 7)}${source.dirty ? ' + uncommitted changes' : ''}`
    : 'unknown';
  return [
    `${result.startedAt.slice(0, 10)}, revision ${revision}. Targets: ≥ ${fmt(TARGETS.storedSpansPerSecond)} spans/s stored, ` +
      `≥ ${TARGETS.ofSlowerLimit * 100}% of min(decode, insert), ack p99 ≤ ${TARGETS.ackP99Ms} ms at ${fmt(result.parameters.offeredRate)} spans/s, ` +
      `RSS ≤ ${TARGETS.rssMiB} MiB.`,
    '',
    summaryText(result),
  ].join('\n');
}

await main();
