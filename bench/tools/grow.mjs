#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
// Multiplies the data a benchmark kept (--work-dir) by --factor with SQL: factor - 1 copies of every trace, with new
// trace ids and a few seconds earlier (bench/lib/grow.mjs says exactly how). The query benchmark reaches its 10M
// spans this way from the 1M it ingested over OTLP; by hand:
//
//   node bench/query-latency/run.mjs --scales 1000000 --work-dir /tmp/bq     # ingest 1M, measure
//   node bench/tools/grow.mjs --work-dir /tmp/bq --factor 10                  # → 10M (collector stopped)
//   node bench/query-latency/run.mjs --work-dir /tmp/bq --skip-ingest         # measure the 10M
//
// Opens <work-dir>/chdb with the embedded engine in this process, so the collector must not be running on it (the
// benchmark's lock file says so; the benchmark itself runs this script as its child while it holds the lock).
// Updates <work-dir>/manifest.json (stored spans and traces, the growth), so a later --skip-ingest knows the scale.
import path from 'node:path';
import { parseFlags } from '../lib/args.mjs';
import { openWorkDir } from '../lib/collector.mjs';
import { growData } from '../lib/grow.mjs';
import { COLLECTOR_DIR } from '../lib/paths.mjs';
import { log } from '../lib/progress.mjs';

const flags = parseFlags({
  name: 'bench/tools/grow',
  description:
    'multiply the spans stored in a kept benchmark data directory with SQL copies (collector stopped)',
  flags: {
    'work-dir': { type: 'string', help: 'benchmark work directory (holds chdb/ and manifest.json)' },
    factor: { type: 'number', help: 'stored spans × factor (an integer ≥ 2)' },
    'shift-seconds': { type: 'number', default: 7, help: 'copy c starts c × this many seconds earlier' },
    'chunk-rows': { type: 'number', default: 250_000, help: 'rows per INSERT … SELECT' },
    'copy-base': {
      type: 'number',
      help: 'stored data ÷ ingested data, when grown before (default: from manifest.json, else 1)',
    },
    json: { type: 'boolean', help: 'print the result as JSON on stdout (progress stays on stderr)' },
  },
});
if (!flags['work-dir'] || flags.factor === undefined) {
  log('usage: node bench/tools/grow.mjs --work-dir DIR --factor N');
  process.exit(2);
}

const root = path.resolve(flags['work-dir']);
const dataDir = path.join(root, 'chdb');
if (!existsSync(dataDir)) {
  log(`${dataDir} does not exist: --work-dir must be the directory of a benchmark run with --work-dir`);
  process.exit(2);
}
// The query benchmark holds the lock while it runs this script (its collector stopped): that holder is the parent.
const holder = Number((await readFile(path.join(root, 'bench.lock'), 'utf8').catch(() => '')).trim());
const work = holder === process.ppid ? null : await openWorkDir(root, 'unused');

const manifestFile = path.join(root, 'manifest.json');
/** @type {any} */
const manifest = existsSync(manifestFile) ? JSON.parse(await readFile(manifestFile, 'utf8')) : null;
const copyBase =
  flags['copy-base'] ?? (manifest?.stored ? Math.round(manifest.stored.spans / manifest.stats.spans) : 1);

let exitCode = 0;
try {
  const { Session } = createRequire(path.join(COLLECTOR_DIR, 'package.json'))('chdb');
  const session = new Session(dataDir);
  let result;
  try {
    session.query('USE beacon');
    result = growData(session, {
      factor: flags.factor,
      shiftSeconds: flags['shift-seconds'],
      copyBase,
      expectSpans: manifest ? (manifest.stored?.spans ?? manifest.stats.spans) : undefined,
      chunkRows: flags['chunk-rows'],
      log,
    });
  } finally {
    session.cleanup?.();
  }
  if (manifest) {
    manifest.stored = { spans: result.after.spans, traces: result.after.traces };
    manifest.grown = [
      ...(manifest.grown ?? []),
      {
        at: new Date().toISOString(),
        factor: result.factor,
        copyBase: result.copyBase,
        shiftSeconds: result.shiftSeconds,
        maxShiftSeconds: result.maxShiftSeconds,
        spansBefore: result.before.spans,
        spansAfter: result.after.spans,
      },
    ];
    await writeFile(manifestFile, JSON.stringify(manifest));
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (err) {
  exitCode = 1;
  log(`grow failed: ${/** @type {Error} */ (err).stack ?? err}`);
} finally {
  await work?.release();
}
process.exitCode = exitCode;
