// One measured run against a collector: pre-generated batches sent by the replayer (requests serialized before the
// run) or by the real OTel exporters, at a fixed rate or as fast as acknowledged, with ack latency, RSS and the wait
// until everything is stored.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { scrapeMetrics, waitUntilWritten } from '../lib/collector.mjs';
import { sleep } from '../lib/http.mjs';
import { cpuSince, cpuSnapshot, threadCpuDelta, threadCpuSeconds } from '../lib/machine.mjs';
import { REPO_ROOT } from '../lib/paths.mjs';
import { createProgress } from '../lib/progress.mjs';
import { median, summarize } from '../lib/stats.mjs';
import { flags } from './options.mjs';
import { createReplayer, preEncode } from './replay.mjs';

// The exporters the agents of users run, resolved from the repository root (bench/ has no package.json).
const requireFromRoot = createRequire(path.join(REPO_ROOT, 'package.json'));
const { OTLPTraceExporter: GrpcExporter } = requireFromRoot('@opentelemetry/exporter-trace-otlp-grpc');
const { OTLPTraceExporter: ProtoExporter } = requireFromRoot('@opentelemetry/exporter-trace-otlp-proto');

/** @typedef {import('@opentelemetry/sdk-trace-base').ReadableSpan} ReadableSpan */
/** @typedef {{ export(spans: ReadableSpan[], done: (result: { code: number; error?: Error }) => void): void; shutdown(): Promise<void> }} Exporter */

/**
 * The load generator for `protocol`, pointed at the collector: the replayer (the batches are serialized here,
 * before any timing) or the SDK's OTLP exporter, with enough concurrency for every call we make.
 * @param {'grpc' | 'http'} protocol
 * @param {'replay' | 'sdk'} client
 * @param {import('../lib/collector.mjs').CollectorHandle} collector
 * @param {ReadableSpan[][]} batches
 * @param {number} concurrencyLimit
 * @returns {Exporter}
 */
export function createExporter(protocol, client, collector, batches, concurrencyLimit) {
  if (client === 'replay') {
    preEncode(batches);
    return createReplayer(protocol, collector);
  }
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
export async function exportUntilAcked(exporter, spans, stats) {
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
export function rssSampler(/** @type {number} */ pid, intervalMs = 200) {
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
export async function waitWritten(collector, expected) {
  return waitUntilWritten(collector.apiUrl, expected, { stallMs: 120_000 });
}

/**
 * Offered load at a fixed rate: one export call every batch/rate seconds, whatever the answers (open loop).
 * @param {'grpc' | 'http'} protocol
 * @param {'replay' | 'sdk'} client
 * @param {import('../lib/collector.mjs').CollectorHandle} collector
 * @param {ReadableSpan[][]} batches
 * @param {number} rate offered spans/s
 */
export async function fixedRateRun(protocol, client, collector, batches, rate) {
  const exporter = createExporter(protocol, client, collector, batches, 1000);
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
  const intervalMs = ((batches[0]?.length ?? 0) / rate) * 1000;
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
 * @param {'replay' | 'sdk'} client
 * @param {import('../lib/collector.mjs').CollectorHandle} collector
 * @param {ReadableSpan[][]} batches
 */
export async function saturationRun(protocol, client, collector, batches) {
  const exporter = createExporter(protocol, client, collector, batches, flags.concurrency * 2);
  const stats = { failures: 0, firstError: /** @type {string | null} */ (null) };
  const before = await scrapeMetrics(collector.apiUrl);
  const writtenBefore = before.get('beacon_spans_written_total') ?? 0;
  const total = batches.reduce((n, b) => n + b.length, 0);
  const progress = createProgress({
    label: `  ${protocol}/${client} saturation (stored)`,
    total,
    unit: 'spans',
  });
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

export const round2 = (/** @type {number} */ v) => Math.round(v * 100) / 100;

/** @param {number[]} values */
export const spread = (values) => ({
  median: median(values),
  min: round2(Math.min(...values)),
  max: round2(Math.max(...values)),
  runs: values.map(round2),
});
