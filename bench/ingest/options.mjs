// The ingest benchmark's flags, checked once at start-up, its protocols and its targets.
import { parseFlags } from '../lib/args.mjs';
import { log } from '../lib/progress.mjs';

export const NAME = 'ingest';

export const flags = parseFlags({
  name: `bench/${NAME}`,
  description:
    'spans/s stored by a collector on the embedded engine, fed by the real OTLP exporters (gRPC, HTTP/protobuf)',
  flags: {
    protocols: { type: 'string', default: 'grpc,http', help: 'grpc, http or both (comma-separated)' },
    runs: { type: 'number', default: 5, help: 'runs of each measurement (median, min, max reported)' },
    spans: { type: 'number', default: 100_000, help: 'spans per saturation run' },
    batch: { type: 'number', default: 512, help: 'spans per export call (the BatchSpanProcessor default)' },
    concurrency: { type: 'number', default: 8, help: 'export calls in flight at saturation' },
    clients: {
      type: 'string',
      default: 'replay,sdk',
      help: 'load generators: replay (requests serialized before the run, a few µs per span) and/or sdk (the OTel exporters, serializing as they send)',
    },
    rate: {
      type: 'number',
      help: 'offered spans/s of the fixed-rate runs (default: half the saturation rate just measured)',
    },
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
export const PROTOCOLS = /** @type {('grpc' | 'http')[]} */ (
  String(flags.protocols).split(',').filter(Boolean)
);
if (PROTOCOLS.length === 0 || PROTOCOLS.some((p) => p !== 'grpc' && p !== 'http')) {
  log(`--protocols must list grpc and/or http, got ${flags.protocols}`);
  process.exit(2);
}
export const CLIENTS = /** @type {('replay' | 'sdk')[]} */ (String(flags.clients).split(',').filter(Boolean));
if (CLIENTS.length === 0 || CLIENTS.some((c) => c !== 'replay' && c !== 'sdk')) {
  log(`--clients must list replay and/or sdk, got ${flags.clients}`);
  process.exit(2);
}
/** @type {Record<string, string>} */
export const extraEnv = Object.fromEntries(
  String(flags.env ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
);

/** Issue 18's targets (2 cores, the replayer on the same cores); ack p99 at half the measured saturation rate. */
export const TARGETS = {
  storedSpansPerSecond: 20_000,
  cpuUsPerSpan: 60,
  ofSlowerLimit: 0.6,
  ackP99Ms: 100,
  rssMiB: 512,
};
