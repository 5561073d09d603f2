#!/usr/bin/env node
// SDK overhead: the CPU time @beacon/sdk adds to an agent per LLM call span.
//
//   1. build (tsc -b), then, per scenario, init() the SDK in this process with the real BatchSpanProcessor and
//      either an exporter that discards (counting what it gets) or the OTLP/HTTP exporter to a local sink (a child
//      process that answers every export with 200, so its CPU is not counted);
//   2. warm up, then in each of --runs runs: N uninstrumented calls (baseline), then N `llmCall`s around the same
//      no-op function (a canned OpenAI chat completion with usage), flushing the batch processor every 512 spans
//      inside the timed window, so export (and, for OTLP, encoding and sending) is counted and no span is dropped;
//   3. CPU per span = (process.cpuUsage() of the instrumented pass − of the baseline pass) / N; the median of runs;
//   4. write bench/results/sdk-overhead.json and print a table.
//
// Target: under 50 µs of CPU per span (instrumented no-op LLM call).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseFlags } from '../lib/args.mjs';
import { buildAll } from '../lib/collector.mjs';
import { machineInfo, sourceInfo } from '../lib/machine.mjs';
import { createProgress, log } from '../lib/progress.mjs';
import { fmt, formatTable, updateReadme, writeResult } from '../lib/results.mjs';
import { median } from '../lib/stats.mjs';

const NAME = 'sdk-overhead';
/** BatchSpanProcessor's default maxExportBatchSize: one export per flush. */
const FLUSH_EVERY = 512;

const flags = parseFlags({
  name: `bench/${NAME}`,
  description: 'CPU per span of an instrumented no-op LLM call (llmCall) through the real batch processor',
  flags: {
    calls: { type: 'number', default: 50_000, help: 'calls per pass (baseline and instrumented)' },
    runs: { type: 'number', default: 7, help: 'runs per scenario (the median is reported)' },
    warmup: { type: 'number', default: 20_000, help: 'untimed instrumented calls per scenario first' },
    'target-us': { type: 'number', default: 50, help: 'CPU per span target' },
    quick: { type: 'boolean', help: 'smoke test: 5,000 calls, 3 runs; results in sdk-overhead.quick.json' },
    'skip-build': { type: 'boolean', help: 'do not run tsc -b first' },
    out: { type: 'string', help: 'result file (default bench/results/sdk-overhead.json)' },
  },
});
if (flags.quick) {
  const given = (/** @type {string} */ flag) =>
    process.argv.some((a) => a === flag || a.startsWith(`${flag}=`));
  if (!given('--calls')) flags.calls = 5_000;
  if (!given('--runs')) flags.runs = 3;
  if (!given('--warmup')) flags.warmup = 2_000;
}

if (!flags['skip-build']) buildAll();
// Imported after the build: the benchmark measures the built package, as an agent would use it.
const { init, llmCall } = await import('@beacon/sdk');

/** A canned OpenAI chat completion, as a provider would answer (usage incl. cached tokens). */
const CANNED = Object.freeze({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Lisbon is sunny today, 21°C with a light breeze.' },
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 120,
    completion_tokens: 40,
    total_tokens: 160,
    prompt_tokens_details: { cached_tokens: 32 },
    completion_tokens_details: { reasoning_tokens: 0 },
  },
});
const MESSAGES = [
  { role: 'system', content: 'You are a concise travel assistant.' },
  { role: 'user', content: 'What is the weather in Lisbon today?' },
];
const CALL_OPTIONS = { provider: 'openai', model: 'gpt-4o-mini', messages: MESSAGES };

/** The agent's "LLM client": no I/O, so everything measured on top of it is the SDK's. */
const noopLlm = async () => CANNED;

/** @returns {number} CPU microseconds (user + system) used by this process so far */
function cpuMicros() {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * A SpanExporter that drops what it gets, counting spans (to check that nothing was dropped on the way).
 * @returns {import('@opentelemetry/sdk-trace-base').SpanExporter & { spans: number }}
 */
function discardingExporter() {
  return {
    spans: 0,
    export(spans, done) {
      this.spans += spans.length;
      done({ code: 0 });
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
}

/**
 * A local OTLP/HTTP endpoint in a child process (its CPU is not this process's): 200 with an empty protobuf
 * ExportTraceServiceResponse for every request; counts requests and bytes.
 * @returns {Promise<{ url: string; stop(): Promise<{ requests: number; bytes: number }> }>}
 */
async function startOtlpSink() {
  const script = `
    const http = require('node:http');
    let requests = 0, bytes = 0;
    const server = http.createServer((req, res) => {
      req.on('data', (c) => { bytes += c.length; });
      req.on('end', () => { requests++; res.writeHead(200, { 'content-type': 'application/x-protobuf' }); res.end(); });
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
    process.on('message', () => { process.send({ requests, bytes }, () => process.exit(0)); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout?.once('data', (chunk) => resolve(Number(String(chunk).trim())));
    child.once('exit', (code) => reject(new Error(`OTLP sink exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('message', (stats) => resolve(/** @type {{ requests: number; bytes: number }} */ (stats)));
        child.send('stop');
      }),
  };
}

/**
 * @param {number} calls
 * @param {() => Promise<void>} flush
 */
async function instrumentedPass(calls, flush) {
  for (let i = 1; i <= calls; i++) {
    await llmCall(CALL_OPTIONS, noopLlm);
    if (i % FLUSH_EVERY === 0) await flush();
  }
  await flush();
}

/** @param {number} calls */
async function baselinePass(calls) {
  for (let i = 1; i <= calls; i++) await noopLlm();
}

/**
 * @typedef {object} Scenario
 * @property {string} name
 * @property {'discard' | 'otlp-http'} exporter
 * @property {boolean} captureContent
 */

let runsDone = 0;

/**
 * @param {Scenario} scenario
 * @param {ReturnType<typeof createProgress>} progress
 */
async function measure(scenario, progress) {
  const discard = scenario.exporter === 'discard' ? discardingExporter() : null;
  const sink = scenario.exporter === 'otlp-http' ? await startOtlpSink() : null;
  const beacon = init({
    serviceName: 'bench-sdk-overhead',
    presets: false,
    captureContent: scenario.captureContent,
    flushOnExit: false,
    ...(discard ? { traceExporter: discard } : { protocol: 'http/protobuf', endpoint: sink?.url }),
  });
  const flush = () => beacon.forceFlush();
  try {
    await instrumentedPass(flags.warmup, flush);
    /** @type {{ baselineUs: number; instrumentedUs: number; perSpanUs: number; wallUsPerSpan: number }[]} */
    const runs = [];
    for (let run = 0; run < flags.runs; run++) {
      const b0 = cpuMicros();
      await baselinePass(flags.calls);
      const baselineUs = cpuMicros() - b0;
      const t0 = performance.now();
      const i0 = cpuMicros();
      await instrumentedPass(flags.calls, flush);
      const instrumentedUs = cpuMicros() - i0;
      const wallMs = performance.now() - t0;
      runs.push({
        baselineUs,
        instrumentedUs,
        perSpanUs: (instrumentedUs - baselineUs) / flags.calls,
        wallUsPerSpan: (wallMs * 1000) / flags.calls,
      });
      progress.update(++runsDone);
    }
    await beacon.shutdown();
    const expectedSpans = flags.warmup + flags.runs * flags.calls;
    // Every span must have reached the exporter: a dropped span would make the SDK look cheaper than it is.
    if (discard && discard.spans !== expectedSpans) {
      throw new Error(`${scenario.name}: exported ${discard.spans} of ${expectedSpans} spans`);
    }
    const perSpan = median(runs.map((r) => r.perSpanUs));
    return {
      ...scenario,
      cpuUsPerSpan: perSpan,
      cpuUsPerSpanRuns: runs.map((r) => Math.round(r.perSpanUs * 100) / 100),
      baselineCpuUsPerCall: median(runs.map((r) => r.baselineUs / flags.calls)),
      wallUsPerSpan: median(runs.map((r) => r.wallUsPerSpan)),
      meetsTarget: perSpan < flags['target-us'],
      spans: expectedSpans,
      exportedSpans: discard ? discard.spans : null,
      /** OTLP requests and bytes the sink received. */
      sink: sink ? await sink.stop() : null,
    };
  } finally {
    await beacon.shutdown();
  }
}

/** @type {Scenario[]} */
const SCENARIOS = [
  { name: 'discard', exporter: 'discard', captureContent: false },
  { name: 'discard + content', exporter: 'discard', captureContent: true },
  { name: 'otlp-http', exporter: 'otlp-http', captureContent: false },
  { name: 'otlp-http + content', exporter: 'otlp-http', captureContent: true },
];

async function main() {
  const startedAt = new Date().toISOString();
  log(
    `${NAME}: ${fmt(flags.calls)} calls × ${flags.runs} runs per scenario, ${fmt(flags.warmup)} warm-up calls, ` +
      `${SCENARIOS.length} scenarios`,
  );
  const progress = createProgress({ label: 'runs', total: flags.runs * SCENARIOS.length, unit: 'runs' });
  const scenarios = [];
  for (const scenario of SCENARIOS) scenarios.push(await measure(scenario, progress));
  progress.finish();
  const result = {
    benchmark: NAME,
    startedAt,
    parameters: {
      callsPerPass: flags.calls,
      runs: flags.runs,
      warmupCalls: flags.warmup,
      flushEvery: FLUSH_EVERY,
      targetUsPerSpan: flags['target-us'],
      quick: flags.quick === true,
    },
    scenarios,
  };
  const file = flags.quick ? `${NAME}.quick.json` : `${NAME}.json`;
  const written = await writeResult(file, result, flags.out);
  console.log(`\n${table(result)}`);
  if (!flags.quick && !flags.out) await updateReadme(NAME, readmeSection(result));
  log(`\nresults: ${path.relative(process.cwd(), written)}`);
  const slow = scenarios.filter((s) => !s.meetsTarget);
  if (slow.length > 0) log(`over the ${flags['target-us']} µs target: ${slow.map((s) => s.name).join(', ')}`);
}

/** @param {any} result */
function table(result) {
  return formatTable(
    ['scenario', 'CPU µs/span', 'runs (µs/span)', 'baseline µs/call', 'wall µs/span', ''],
    result.scenarios.map((/** @type {any} */ s) => [
      s.name,
      s.cpuUsPerSpan,
      s.cpuUsPerSpanRuns.join(' '),
      s.baselineCpuUsPerCall,
      s.wallUsPerSpan,
      s.meetsTarget ? 'ok' : 'OVER',
    ]),
  );
}

/** @param {any} result */
function readmeSection(result) {
  const machine = machineInfo();
  const source = sourceInfo();
  const revision = source.commit
    ? `${source.commit.slice(0, 7)}${source.dirty ? ' + uncommitted changes' : ''}`
    : 'unknown';
  return [
    `${result.startedAt.slice(0, 10)}, ${machine.cpuModel} × ${machine.cores} cores, Node ${machine.node}, ` +
      `revision ${revision}. ${fmt(result.parameters.callsPerPass)} calls per pass, median of ` +
      `${result.parameters.runs} runs. Target: < ${result.parameters.targetUsPerSpan} µs CPU per span.`,
    '',
    table(result),
  ].join('\n');
}

await main();
