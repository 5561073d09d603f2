// The first scale: generated GenAI agent traces sent over OTLP/HTTP to a real collector, until all are stored.
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scrapeMetrics, waitUntilWritten } from '../lib/collector.mjs';
import { createTraceGenerator } from '../lib/genai-traces.mjs';
import { cpuSince, cpuSnapshot } from '../lib/machine.mjs';
import { countSpans, createOtlpSender } from '../lib/otlp.mjs';
import { createProgress } from '../lib/progress.mjs';
import { summarize } from '../lib/stats.mjs';
import { flags, MANIFEST } from './options.mjs';

/** Bytes of the files under `dir`; files that vanish meanwhile (merges in progress) are skipped. */
export async function directoryBytes(/** @type {string} */ dir) {
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
export async function ingest(collector, workRoot, totalSpans) {
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
