// The benchmark's flags, checked once at start-up, and the scales they ask for.
import { parseFlags } from '../lib/args.mjs';
import { log } from '../lib/progress.mjs';

export const NAME = 'query-latency';
export const MANIFEST = 'manifest.json';

export const flags = parseFlags({
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

export const given = (/** @type {string} */ flag) =>
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
export const SCALES = parseScales(flags.spans !== undefined ? String(flags.spans) : flags.scales);
/** The targets are stated for 10M spans; they are read the same at every scale. */
export const TARGET_NOTE =
  'stated for 10M stored spans (2 cores); the same figures are applied at every scale';

/**
 * "1000000,10000000" → [1000000, 10000000]; exits on anything but ascending positive integers, each a whole
 * multiple of the one before (a later scale is grown by copying the data of the one before).
 * @param {string} text
 */
export function parseScales(text) {
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
export function stepNotGrowable(scales) {
  for (let i = 1; i < scales.length; i++) {
    const from = /** @type {number} */ (scales[i - 1]);
    const to = /** @type {number} */ (scales[i]);
    if (to <= from || to % from !== 0) return { from, to };
  }
  return null;
}
