// Per protocol: the decode-only and insert-only limits, the fixed-rate and saturation runs, and their summary.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openWorkDir, startCollector } from '../lib/collector.mjs';
import { createRandom, createTraceGenerator } from '../lib/genai-traces.mjs';
import { buildExportBatches } from '../lib/otel-spans.mjs';
import { BENCH_DIR, REPO_ROOT, RESULTS_DIR } from '../lib/paths.mjs';
import { log } from '../lib/progress.mjs';
import { fmt } from '../lib/results.mjs';
import { median } from '../lib/stats.mjs';
import { extraEnv, flags, NAME } from './options.mjs';
import { topSelfTime } from './profile.mjs';
import { fixedRateRun, saturationRun, spread } from './runs.mjs';

/**
 * The limits, in a child process (limits.mjs) with no collector running.
 * @param {{ windowStartNs: bigint; windowEndNs: bigint }} window
 */
export function measureLimits(window) {
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
 * @param {'replay' | 'sdk'} client
 * @param {ReturnType<typeof createTraceGenerator>} generator
 * @param {ReturnType<typeof createRandom>} shaping
 */
export async function measureProtocol(protocol, client, generator, shaping) {
  const label = `${protocol}/${client}`;
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
      `--cpu-prof-name=ingest-${protocol}-${client}-${Date.now()}.cpuprofile`,
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
    `${label}: collector ${collector.pid} ready (gRPC ${collector.ports.grpc}, HTTP ${collector.ports.http})`,
  );
  let failed = false;
  try {
    // Warm-up: connections, JIT, the first parts of every table.
    const warm = buildExportBatches(generator, shaping, 5 * flags.batch, flags.batch);
    await Promise.race([saturationRun(protocol, client, collector, warm), collector.crashed]);

    // Saturation first: the fixed rate is half of it unless --rate says otherwise (the target's ack p99 is there).
    /** @type {any[]} */
    const saturationRuns = [];
    if (!flags['skip-saturation']) {
      for (let run = 0; run < flags.runs; run++) {
        const batches = buildExportBatches(generator, shaping, flags.spans, flags.batch);
        const result = await Promise.race([
          saturationRun(protocol, client, collector, batches),
          collector.crashed,
        ]);
        saturationRuns.push(result);
        log(
          `  ${label} saturation run ${run + 1}/${flags.runs}: ${fmt(result.storedSpansPerSecond)} spans/s stored, ` +
            `${fmt(result.ackedSpansPerSecond)} acked, RSS peak ${result.rss.peakMiB} MiB, ${result.collectorCpuSecondsPerMillionSpans} CPU-s/1M spans; ` +
            `threads (CPU-s): ${result.collectorThreadCpuSeconds
              .slice(0, 5)
              .map((/** @type {any} */ t) => `${t.thread} ${t.cpuSeconds}`)
              .join(', ')}`,
        );
      }
    }
    const measuredSaturation = saturationRuns.length
      ? median(saturationRuns.map((r) => r.storedSpansPerSecond))
      : null;
    const rate = flags.rate ?? (measuredSaturation ? Math.round(measuredSaturation / 2) : 1000);
    /** @type {any[]} */
    const rateRuns = [];
    if (!flags['skip-rate']) {
      const count = Math.max(1, Math.round((rate * flags['rate-seconds']) / flags.batch));
      for (let run = 0; run < flags.runs; run++) {
        const batches = buildExportBatches(generator, shaping, count * flags.batch, flags.batch).slice(
          0,
          count,
        );
        const result = await Promise.race([
          fixedRateRun(protocol, client, collector, batches, rate),
          collector.crashed,
        ]);
        rateRuns.push(result);
        log(
          `  ${label} fixed rate run ${run + 1}/${flags.runs}: ${fmt(result.offeredSpansPerSecond)} spans/s offered, ` +
            `ack p50 ${result.ackLatencyMs.p50} ms p99 ${result.ackLatencyMs.p99} ms, collector ${result.collectorCores} cores`,
        );
      }
    }
    const code = await collector.stop();
    if (code !== 0) log(`collector exited with ${code} (log: ${collector.logFile})`);
    /** @type {any} */
    let profile = null;
    if (flags.profile) {
      const file = readdirSync(profileDir).find(
        (f) => !profilesBefore.has(f) && f.includes(`ingest-${protocol}-${client}-`),
      );
      if (file) {
        const top = topSelfTime(path.join(profileDir, file), 25);
        profile = { file: path.relative(REPO_ROOT, path.join(profileDir, file)), ...top };
      } else log(`${label}: no .cpuprofile written in ${profileDir}`);
    }
    return summarizeProtocol(protocol, client, rate, rateRuns, saturationRuns, profile);
  } catch (err) {
    failed = true;
    log(`${label} failed: ${/** @type {Error} */ (err).stack ?? err}`);
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
 * @param {'replay' | 'sdk'} client
 * @param {number} rate offered spans/s of the fixed-rate runs
 * @param {any[]} rateRuns
 * @param {any[]} saturationRuns
 * @param {any} profile
 */
export function summarizeProtocol(protocol, client, rate, rateRuns, saturationRuns, profile) {
  return {
    protocol,
    client,
    label: `${protocol}/${client}`,
    fixedRate: rateRuns.length
      ? {
          rate,
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
          /** µs of collector CPU (JavaScript and engine) per stored span: CPU-s per 1M spans. */
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
