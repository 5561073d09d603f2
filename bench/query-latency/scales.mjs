// Between scales: waiting for the collector to be idle, growing the stored data with SQL copies, and the verdicts
// against the targets.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { sleep } from '../lib/http.mjs';
import { cpuSince, cpuSnapshot } from '../lib/machine.mjs';
import { BENCH_DIR } from '../lib/paths.mjs';
import { log } from '../lib/progress.mjs';
import { fmt } from '../lib/results.mjs';
import { flags } from './options.mjs';

/**
 * Waits `flags.settle` seconds, then on until the collector is idle (under 0.1 cores over 5 s: background merges
 * done), at most `flags['settle-max']` seconds in all. Returns the seconds waited.
 * @param {number} collectorPid
 */
export async function settle(collectorPid) {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  if (flags.settle <= 0) return 0;
  log(`settling: ${flags.settle} s, then until the collector is idle (at most ${flags['settle-max']} s)`);
  await sleep(flags.settle * 1000);
  while (elapsed() < flags['settle-max']) {
    const before = cpuSnapshot(collectorPid);
    await sleep(Math.min(5000, Math.max(0, flags['settle-max'] - elapsed()) * 1000));
    const cpu = cpuSince(before);
    const cores = (cpu.collectorCpuSeconds ?? 0) / Math.max(cpu.wallSeconds, 0.1);
    if (cpu.collectorCpuSeconds === null || cores < 0.1) break;
    log(`  collector busy (${fmt(cores, 2)} cores: merges), ${fmt(elapsed())} s`);
  }
  const seconds = Math.round(elapsed() * 10) / 10;
  if (seconds >= flags['settle-max']) log(`  still busy after ${flags['settle-max']} s: querying anyway`);
  return seconds;
}

/**
 * Grows the stored data `factor` times in a child process (bench/tools/grow.mjs; the collector must be stopped):
 * the engine is loaded there, not in this process, which goes on timing requests. Returns the grow result and the
 * child's wall time (engine start included).
 * @param {string} workRoot
 * @param {number} factor
 */
export async function grow(workRoot, factor) {
  const script = path.join(BENCH_DIR, 'tools', 'grow.mjs');
  const args = [
    script,
    '--work-dir',
    workRoot,
    '--factor',
    String(factor),
    '--shift-seconds',
    String(flags['grow-shift-seconds']),
    '--chunk-rows',
    String(flags['grow-chunk-rows']),
    '--json',
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  /** @type {Buffer[]} */
  const out = [];
  child.stdout.on('data', (/** @type {Buffer} */ chunk) => out.push(chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench/tools/grow.mjs --factor ${factor} exited with ${code}`);
  return {
    result: JSON.parse(Buffer.concat(out).toString('utf8')),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

/**
 * Verdicts of one scale against the targets: the slowest list* query, detail.
 * @param {any[]} queries
 */
export function verdicts(queries) {
  const measured = queries.filter((q) => q.measured);
  const lists = measured.filter((q) => q.countsForTarget === 'list');
  const worst = lists.reduce((a, b) => (b.latencyMs.p95 > (a?.latencyMs.p95 ?? -1) ? b : a), null);
  const detail = measured.find((q) => q.countsForTarget === 'detail') ?? null;
  const unmeasured = queries.filter((q) => !q.measured && q.countsForTarget).map((q) => q.name);
  return {
    list: {
      targetMs: flags['target-list-ms'],
      worstQuery: worst?.name ?? null,
      worstP95Ms: worst?.latencyMs.p95 ?? null,
      meets:
        worst !== null && lists.every((q) => q.meetsTarget) && !unmeasured.some((n) => n.startsWith('list')),
    },
    detail: {
      targetMs: flags['target-detail-ms'],
      p95Ms: detail?.latencyMs.p95 ?? null,
      meets: detail?.meetsTarget === true,
    },
  };
}
