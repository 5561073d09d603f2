// Where a benchmark ran: machine, runtime and source revision, recorded in every result file.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { REPO_ROOT } from './paths.mjs';

/** The cgroup v2 CPU limit (cpu.max), when the container has one: cores as a fraction, else null. */
function cgroupCpuLimit() {
  try {
    const [quota, period] = readFileSync('/sys/fs/cgroup/cpu.max', 'utf8').trim().split(/\s+/);
    if (!quota || quota === 'max' || !period) return null;
    return Math.round((Number(quota) / Number(period)) * 100) / 100;
  } catch {
    return null;
  }
}

/** @param {string[]} args */
function git(args) {
  try {
    return execFileSync('git', args, {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    cgroupCpuLimit: cgroupCpuLimit(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
  };
}

/**
 * The revision measured, and whether its source had uncommitted changes. What benchmarks write themselves
 * (bench/results/, the README's results sections) does not count: `npm run bench` writes one benchmark's results
 * before the next one starts.
 */
export function sourceInfo() {
  const status = git([
    'status',
    '--porcelain',
    '--',
    '.',
    ':(exclude)bench/results',
    ':(exclude)bench/README.md',
  ]);
  return { commit: git(['rev-parse', 'HEAD']), dirty: status === null ? null : status.length > 0 };
}

let clockTicks = 0;
/** USER_HZ: the unit of /proc CPU times. */
function ticksPerSecond() {
  if (clockTicks === 0) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds a process has used (user + system), from /proc/<pid>/stat; null off Linux or when it is gone. */
function processCpuSeconds(/** @type {number | 'self'} */ pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat; null off Linux. */
function machineBusySeconds() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [, ...values] = line.trim().split(/\s+/);
    const n = values.map(Number);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (n[3] ?? 0) + (n[4] ?? 0);
    return (total - idle) / ticksPerSecond();
  } catch {
    return null;
  }
}

/**
 * A point in time for `cpuSince`: machine busy time, this process's and `pid`'s (the collector's) CPU time.
 * @param {number} [pid]
 */
export function cpuSnapshot(pid) {
  return {
    at: performance.now(),
    machine: machineBusySeconds(),
    bench: processCpuSeconds('self'),
    collector: pid === undefined ? null : processCpuSeconds(pid),
    pid,
  };
}

/**
 * Where the CPU went between `start` and now: the collector, this benchmark process, and everything else on the
 * machine (other processes competing with the benchmark: the less, the more trustworthy the numbers).
 * @param {ReturnType<typeof cpuSnapshot>} start
 */
export function cpuSince(start) {
  const end = cpuSnapshot(start.pid);
  const wall = (end.at - start.at) / 1000;
  const delta = (/** @type {number | null} */ a, /** @type {number | null} */ b) =>
    a === null || b === null ? null : Math.round((b - a) * 10) / 10;
  const machine = delta(start.machine, end.machine);
  const collector = delta(start.collector, end.collector);
  const bench = delta(start.bench, end.bench);
  const other =
    machine === null ? null : Math.max(0, Math.round((machine - (collector ?? 0) - (bench ?? 0)) * 10) / 10);
  const capacity = wall * os.availableParallelism();
  return {
    wallSeconds: Math.round(wall * 10) / 10,
    collectorCpuSeconds: collector,
    benchCpuSeconds: bench,
    /** CPU seconds used by other processes in the meantime. */
    otherCpuSeconds: other,
    /** Share of the machine's CPU capacity other processes used (0 = the benchmark had the machine to itself). */
    otherCpuShare: other === null || capacity === 0 ? null : Math.round((other / capacity) * 1000) / 1000,
  };
}

/**
 * CPU seconds per thread name of a process (from /proc/<pid>/task/<tid>/stat; threads of the same name summed):
 * tells the JavaScript main thread from the embedded engine's and libuv's threads. Empty off Linux.
 * @param {number} pid
 * @returns {Map<string, number>}
 */
export function threadCpuSeconds(pid) {
  /** @type {Map<string, number>} */
  const byName = new Map();
  let tids;
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
      // Numbered pools (e.g. "QueryPipelineEx", "libuv-worker") are grouped by their name without digits.
      const group = tid === String(pid) ? 'main (JavaScript)' : name.replace(/[\d]+$/, '').trim() || name;
      byName.set(group, (byName.get(group) ?? 0) + seconds);
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}

/**
 * Per-thread-group CPU seconds between two threadCpuSeconds() readings, largest first (threads that ended in
 * between are missing from the later reading and left out).
 * @param {Map<string, number>} before
 * @param {Map<string, number>} after
 */
export function threadCpuDelta(before, after) {
  return [...after]
    .map(([name, seconds]) => ({
      thread: name,
      cpuSeconds: Math.round((seconds - (before.get(name) ?? 0)) * 10) / 10,
    }))
    .filter((t) => t.cpuSeconds > 0)
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
}
