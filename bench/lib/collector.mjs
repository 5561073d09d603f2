// A real collector for benchmarks: built with `tsc -b`, started as a child process (`node collector/dist/cli.js
// start`) on free ports and its own embedded-ClickHouse data directory, stopped with SIGTERM.
//
// One chDB data directory belongs to one process: a benchmark never opens the directory itself while its collector
// runs, and a lock file in the work directory keeps two benchmark runs off the same directory.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { request, sleep } from './http.mjs';
import { COLLECTOR_DIR, REPO_ROOT } from './paths.mjs';
import { log } from './progress.mjs';

const CLI = path.join(COLLECTOR_DIR, 'dist', 'cli.js');

/** `tsc -b` at the repository root (what `npm run build` runs); exits the benchmark when the build fails. */
export function buildAll() {
  log('building: tsc -b');
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-b'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    log(`build failed (tsc -b exited with ${result.status}); fix the build or pass --skip-build`);
    process.exit(1);
  }
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

/**
 * A benchmark work directory: `<dir>/chdb` is the collector's data directory, other files (manifest, collector log)
 * sit beside it. Without `dir`, a fresh temporary directory. Locked by this process until `release()`.
 * @param {string | undefined} dir
 * @param {string} prefix
 */
export async function openWorkDir(dir, prefix) {
  const root = dir ? path.resolve(dir) : await mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  await mkdir(root, { recursive: true });
  const lock = path.join(root, 'bench.lock');
  const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
  if (holder && holder !== process.pid && alive(holder)) {
    throw new Error(`${root} is in use by process ${holder} (one collector per data directory)`);
  }
  await writeFile(lock, String(process.pid));
  return {
    root,
    dataDir: path.join(root, 'chdb'),
    temporary: !dir,
    release: () => unlink(lock).catch(() => {}),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * @typedef {object} CollectorHandle
 * @property {number} pid
 * @property {{ grpc: number; http: number; api: number }} ports
 * @property {string} otlpHttpUrl
 * @property {string} apiUrl
 * @property {string} logFile
 * @property {() => Promise<number | null>} stop SIGTERM (graceful flush), SIGKILL after the timeout
 * @property {Promise<number | null>} exited
 * @property {Promise<never>} crashed rejects when the collector exits without stop() (killed from outside, crash):
 *   race long phases against it
 */

/**
 * Starts `node collector/dist/cli.js start` on 127.0.0.1 with OS-assigned ports; resolves on the
 * `Beacon collector ready` log line. The collector's stdout/stderr go to `<workDir>/collector.log`.
 * `nodeArgs` go to node before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not allow).
 * @param {{ dataDir: string; logFile: string; env?: Record<string, string>; nodeArgs?: string[]; readyTimeoutMs?: number }} options
 * @returns {Promise<CollectorHandle>}
 */
export async function startCollector({
  dataDir,
  logFile,
  env = {},
  nodeArgs = [],
  readyTimeoutMs = 120_000,
}) {
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'start'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      BEACON_HOST: '127.0.0.1',
      BEACON_OTLP_GRPC_PORT: '0',
      BEACON_OTLP_HTTP_PORT: '0',
      BEACON_API_PORT: '0',
      BEACON_DATA_DIR: dataDir,
      BEACON_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = /** @type {number} */ (child.pid);
  const logStream = createWriteStream(logFile, { flags: 'a' });
  child.stderr.pipe(logStream);
  // A benchmark that dies must not leave its collector running (and holding the data directory).
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  let stopping = false;
  /** @type {(err: Error) => void} */
  let crash = () => {};
  /** @type {Promise<never>} */
  const crashed = new Promise((_, reject) => {
    crash = reject;
  });
  crashed.catch(() => {}); // observed by whoever races against it
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        crash(new Error(`collector ${pid} ${how} while the benchmark was running (log: ${logFile})`));
      }
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  exited.then(() => process.off('exit', killOnExit));

  const ports = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`collector not ready after ${readyTimeoutMs} ms (log: ${logFile})`));
    }, readyTimeoutMs);
    let buffered = '';
    child.stdout.on('data', (/** @type {Buffer} */ chunk) => {
      logStream.write(chunk);
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        let entry;
        try {
          entry = JSON.parse(line);
        } catch {
          continue;
        }
        if (entry.ports && typeof entry.msg === 'string' && entry.msg.startsWith('Beacon collector ready')) {
          clearTimeout(timer);
          resolve(entry.ports);
        }
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited with ${code} before it was ready (log: ${logFile})`));
    });
  });

  return {
    pid,
    ports,
    otlpHttpUrl: `http://127.0.0.1:${ports.http}`,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    logFile,
    exited,
    crashed,
    stop: async (timeoutMs = 120_000) => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => {
        log(`collector ${pid} did not stop within ${timeoutMs} ms: SIGKILL`);
        child.kill('SIGKILL');
      }, timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      if (!logStream.writableEnded) logStream.end();
      return code;
    },
  };
}

/**
 * Prometheus text exposition → sum of every sample of each metric name (labels summed over).
 * @param {string} text
 * @returns {Map<string, number>}
 */
export function parseMetricTotals(text) {
  const totals = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    const name = /** @type {string} */ (match[1]);
    totals.set(name, (totals.get(name) ?? 0) + value);
  }
  return totals;
}

/**
 * GET /metrics → totals per metric name.
 * @param {string} apiUrl
 */
export async function scrapeMetrics(apiUrl) {
  let res;
  for (let attempt = 1; ; attempt++) {
    try {
      res = await request(`${apiUrl}/metrics`, { headers: { accept: 'text/plain' } });
      break;
    } catch (err) {
      // Node's global agent keeps sockets alive: a reused socket the server closed a moment before (its keep-alive
      // timeout) fails with ECONNRESET. A GET is safe to send again.
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'ECONNRESET' || attempt >= 3) throw err;
    }
  }
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return parseMetricTotals(res.body.toString('utf8'));
}

/**
 * Polls beacon_spans_written_total until it reaches `expected`, reporting progress; fails on dropped spans or when
 * the count stops moving for `stallMs`.
 * @param {string} apiUrl
 * @param {number} expected
 * @param {{ onProgress?: (written: number) => void; stallMs?: number; intervalMs?: number }} [options]
 */
export async function waitUntilWritten(
  apiUrl,
  expected,
  { onProgress, stallMs = 120_000, intervalMs = 250 } = {},
) {
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    const metrics = await scrapeMetrics(apiUrl);
    const written = metrics.get('beacon_spans_written_total') ?? 0;
    const dropped = metrics.get('beacon_spans_dropped_total') ?? 0;
    onProgress?.(written);
    if (dropped > 0) throw new Error(`collector dropped ${dropped} spans`);
    if (written >= expected) return metrics;
    if (written !== last) {
      last = written;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > stallMs) {
      throw new Error(`beacon_spans_written_total stuck at ${written} of ${expected} for ${stallMs} ms`);
    }
    await sleep(intervalMs);
  }
}
