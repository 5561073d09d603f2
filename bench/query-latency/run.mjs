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
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildAll, openWorkDir, scrapeMetrics, startCollector } from '../lib/collector.mjs';
import { keepAliveAgent, sleep } from '../lib/http.mjs';
import { cpuSince, cpuSnapshot, machineInfo, sourceInfo } from '../lib/machine.mjs';
import { log } from '../lib/progress.mjs';
import { fmt, updateReadme, writeResult } from '../lib/results.mjs';
import { directoryBytes, ingest } from './ingest.mjs';
import { flags, MANIFEST, NAME, SCALES, stepNotGrowable, TARGET_NOTE } from './options.mjs';
import { measure, querySpecs } from './queries.mjs';
import { printScale, printSummary, readmeSection } from './report.mjs';
import { grow, settle, verdicts } from './scales.mjs';

/**
 * What to measure: the scales asked for, or — reusing stored data (--skip-ingest) — what is stored and the larger
 * scales grown from it. Throws when the data directory cannot serve the plan.
 * @param {Awaited<ReturnType<typeof openWorkDir>>} work
 * @returns {Promise<{ manifest: any; plan: number[] }>}
 */
async function planScales(work) {
  /** @type {any} */
  let manifest;
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
      throw new Error(`cannot grow ${fmt(step.from)} stored spans to ${fmt(step.to)}: not a whole multiple`);
  } else {
    const existing = await readdir(work.dataDir).catch(() => []);
    if (existing.length > 0)
      throw new Error(`${work.dataDir} already holds data: use --skip-ingest, or an empty --work-dir`);
  }
  return { manifest, plan };
}

/**
 * One scale's result: how its data came to be, its size, and its query timings and verdicts.
 * @param {{ spans: number; index: number; manifest: any; grown: { result: any; seconds: number } | null;
 *   dataBytes: number; settleSeconds: number; queries: any[]; queryCpu: any; afterQueries: Map<string, number> }} m
 */
function scaleEntry({
  spans,
  index,
  manifest,
  grown,
  dataBytes,
  settleSeconds,
  queries,
  queryCpu,
  afterQueries,
}) {
  const multiple = spans / manifest.stats.spans;
  const reused = index === 0 && Boolean(flags['skip-ingest']);
  return {
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
          spansPerSecond: Math.round((grown.result.after.spans - grown.result.before.spans) / grown.seconds),
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
  };
}

/**
 * The result file's content.
 * @param {{ startedAt: Date; plan: number[]; manifest: any; quietBefore: any; ingestResult: any; scales: any[] }} m
 */
function runResult({ startedAt, plan, manifest, quietBefore, ingestResult, scales }) {
  return {
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
}

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
    let ingestResult = null;
    /** Spans stored at each step: the first is ingested (or reused), each later one grown from the one before. */
    const planned = await planScales(work);
    let manifest = planned.manifest;
    const plan = planned.plan;
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

      scales.push(
        scaleEntry({
          spans,
          index,
          manifest,
          grown,
          dataBytes,
          settleSeconds,
          queries,
          queryCpu,
          afterQueries,
        }),
      );
      printScale(/** @type {any} */ (scales.at(-1)));
    }

    const result = runResult({ startedAt, plan, manifest, quietBefore, ingestResult, scales });
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

await main();
