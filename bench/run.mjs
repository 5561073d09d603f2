#!/usr/bin/env node
// Runs every benchmark (each folder of bench/ with a run.mjs), one after the other, after one build. Flags are
// passed on to each benchmark (every benchmark understands --quick and --skip-build):
//
//   npm run bench                    # full runs, results in bench/results/<name>.json
//   npm run bench -- --quick         # smoke test of every benchmark
//   npm run bench -- --only query-latency
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { buildAll } from './lib/collector.mjs';
import { BENCH_DIR } from './lib/paths.mjs';
import { log } from './lib/progress.mjs';

const args = process.argv.slice(2);
let only = null;
const onlyAt = args.indexOf('--only');
if (onlyAt !== -1) {
  only = new Set((args[onlyAt + 1] ?? '').split(',').filter(Boolean));
  args.splice(onlyAt, 2);
}

const benchmarks = readdirSync(BENCH_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join(BENCH_DIR, entry.name, 'run.mjs')))
  .map((entry) => entry.name)
  .filter((name) => !only || only.has(name))
  .sort();
if (benchmarks.length === 0) {
  log(`no benchmark matches ${[...(only ?? [])].join(', ')}`);
  process.exit(2);
}

if (!args.includes('--skip-build')) buildAll();
/** @type {{ name: string; status: number | null; seconds: number }[]} */
const outcomes = [];
for (const name of benchmarks) {
  log(`\n=== ${name}`);
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [path.join(BENCH_DIR, name, 'run.mjs'), '--skip-build', ...args],
    {
      stdio: 'inherit',
    },
  );
  outcomes.push({ name, status: result.status, seconds: Math.round((performance.now() - started) / 1000) });
}

log('\n=== summary');
for (const { name, status, seconds } of outcomes)
  log(`${status === 0 ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)`);
process.exitCode = outcomes.every((o) => o.status === 0) ? 0 : 1;
