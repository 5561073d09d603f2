#!/usr/bin/env node
// Ingest: how many GenAI spans per second a collector on the embedded engine stores, at what CPU cost per span, and
// how that compares with the machine's two limits.
//
//   1. build (tsc -b); pre-build every span of a run as the SDK's ReadableSpans (generated agent traces, shaped to
//      15–30 attributes and ~2 KB each, 1% with an 8 KB message history) before any timing;
//   2. limits, in a child process with no collector running (limits.mjs): decode-only (the collector's protobuf
//      decoder over the same serialized ExportTraceServiceRequests) and insert-only (the same rows, built with the
//      collector's row builder, inserted straight into a fresh embedded engine), spans/s, --runs runs each;
//   3. per protocol (gRPC, HTTP/protobuf) and client (`replay`: requests serialized by the SDK's serializer before
//      the run, so the generator costs little of the two cores; `sdk`: the OTel exporters themselves, for fidelity),
//      a fresh collector child process (embedded engine, default settings), then
//      - saturation: `--spans` spans, `--concurrency` export calls in flight, until /metrics
//        beacon_spans_written_total covers every span: spans/s stored, collector CPU per span and peak RSS;
//      - fixed rate: `--rate` spans/s (default: half the saturation median just measured) offered for
//        `--rate-seconds` (export calls of `--batch` spans on a schedule, open loop), ack latency of every call;
//      each --runs times; `--profile` runs the collector with `node --cpu-prof` and prints its top functions;
//   4. write bench/results/ingest.json and print a table: medians (min–max), end-to-end / min(limits), targets.
//
// Targets (issue 18; 2 cores, replayer on the same cores): ≥ 20,000 spans/s stored at saturation; ≤ 60 µs of
// collector CPU per stored span; end-to-end ≥ 60% of the slower limit; ack p99 ≤ 100 ms at half the saturation
// rate; RSS ≤ 512 MiB at saturation.
import path from 'node:path';
import { buildAll } from '../lib/collector.mjs';
import { createRandom, createTraceGenerator } from '../lib/genai-traces.mjs';
import { sleep } from '../lib/http.mjs';
import { cpuSince, cpuSnapshot } from '../lib/machine.mjs';
import { log } from '../lib/progress.mjs';
import { updateReadme, writeResult } from '../lib/results.mjs';
import { CLIENTS, extraEnv, flags, NAME, PROTOCOLS, TARGETS } from './options.mjs';
import { measureLimits, measureProtocol } from './protocol.mjs';
import { profileTable, readmeSection, summaryText } from './report.mjs';
import { round2 } from './runs.mjs';

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
    for (const client of CLIENTS) {
      // Every protocol and client gets the same spans (same seed), each run different ones.
      const generator = createTraceGenerator({ seed: flags.seed, totalSpans: 1e12, ...window });
      const shaping = createRandom(flags.seed + 1);
      perProtocol.push(await measureProtocol(protocol, client, generator, shaping));
    }
  }

  const slowerLimit =
    limits?.decode && limits.insert
      ? Math.min(limits.decode.spansPerSecond.median, limits.insert.spansPerSecond.median)
      : null;
  const verdicts = perProtocol.map((p) => {
    const stored = p.saturation?.storedSpansPerSecond.median ?? null;
    const cpuUs = p.saturation?.collectorCpuSecondsPerMillionSpans.median ?? null;
    return {
      label: p.label,
      protocol: p.protocol,
      client: p.client,
      storedSpansPerSecond: stored,
      ofSlowerLimit: stored !== null && slowerLimit ? round2(stored / slowerLimit) : null,
      meetsThroughput: stored === null ? null : stored >= TARGETS.storedSpansPerSecond,
      meetsCpuPerSpan: cpuUs === null ? null : cpuUs <= TARGETS.cpuUsPerSpan,
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
      clients: CLIENTS,
      runs: flags.runs,
      spansPerSaturationRun: flags.spans,
      spansPerExport: flags.batch,
      concurrency: flags.concurrency,
      /** Offered spans/s of the fixed-rate runs: --rate, else half of each saturation median (per protocol). */
      offeredRate: flags.rate ?? 'half of saturation',
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
      console.log(`\n${p.label}: top self-time functions of the collector (${p.profile.file}):`);
      console.log(profileTable(p.profile));
    }
  }
  if (!flags.quick && !flags.out && !flags.profile && Object.keys(extraEnv).length === 0)
    await updateReadme(NAME, readmeSection(result));
  log(`\nresults: ${path.relative(process.cwd(), written)}`);
}

await main();
