#!/usr/bin/env node
// Trace view: how fast a real-size multi-agent run opens. A collector on embedded ClickHouse stores the ≈600- and
// ≈10,000-span runs of bench/lib/agent-run; then (1) GET /api/v1/traces/{id} and /graph are timed, (2) Chromium
// opens the standalone UI on each trace and the time to usable is measured (browser.mjs says what usable is).
// Results: bench/results/trace-view.json and the README's "trace-view" section. See bench/README.md.
import path from 'node:path';
import { generateAgentRun } from '../lib/agent-run/index.mjs';
import { parseFlags } from '../lib/args.mjs';
import { buildAll, openWorkDir, startCollector, waitUntilWritten } from '../lib/collector.mjs';
import { keepAliveAgent, request, sleep } from '../lib/http.mjs';
import { log } from '../lib/progress.mjs';
import { updateReadme, writeResult } from '../lib/results.mjs';
import { timeApi } from './api.mjs';
import { checkChromium, measureUsable, SELECTORS } from './browser.mjs';
import { buildFloors, serveFloors } from './floor.mjs';
import { buildUi, collectorProfile, PROFILE_DIR } from './prepare.mjs';
import { report } from './report.mjs';

const flags = parseFlags({
  name: 'bench/trace-view',
  description: 'trace detail API latency and browser time to usable on the 600- and 10,000-span agent runs',
  flags: {
    quick: {
      type: 'boolean',
      default: false,
      help: 'smoke test: 3 browser runs, 10 API requests (trace-view.quick.json)',
    },
    'skip-build': { type: 'boolean', default: false, help: 'do not run tsc -b' },
    'skip-ui-build': { type: 'boolean', default: false, help: 'do not build the standalone UI' },
    'skip-browser': { type: 'boolean', default: false, help: 'API timings only' },
    runs: { type: 'number', default: 5, help: 'browser measurements per trace (median reported)' },
    requests: { type: 'number', default: 30, help: 'timed API requests per endpoint and trace' },
    warmup: { type: 'number', default: 3, help: 'untimed API requests per endpoint and trace first' },
    profile: {
      type: 'boolean',
      default: false,
      help: 'run the collector under node --cpu-prof (bench/results/profiles/)',
    },
    'target-api-ms': {
      type: 'number',
      default: 300,
      help: 'detail API target at 10,000 spans (median and p95)',
    },
    'target-small-ms': { type: 'number', default: 1000, help: 'time-to-usable target at 600 spans (median)' },
    'target-large-ms': {
      type: 'number',
      default: 2000,
      help: 'time-to-usable target at 10,000 spans (median)',
    },
    'timeout-ms': { type: 'number', default: 60_000, help: 'longest wait for one page step' },
    out: { type: 'string', help: 'result file instead of bench/results/trace-view[.quick].json' },
  },
});
const quick = Boolean(flags.quick);
const runs = quick ? Math.min(3, flags.runs) : flags.runs;
const requests = quick ? Math.min(10, flags.requests) : flags.requests;

if (!flags['skip-build']) buildAll();
if (!flags['skip-browser']) {
  checkChromium();
  if (!flags['skip-ui-build']) buildUi();
  await buildFloors();
}

const runsToStore = [
  {
    name: 'small',
    label: '≈600 spans',
    run: generateAgentRun({ seed: 1, size: 'small' }),
    targetMs: flags['target-small-ms'],
  },
  {
    name: 'large',
    label: '≈10,000 spans',
    run: generateAgentRun({ seed: 2, size: 'large' }),
    targetMs: flags['target-large-ms'],
  },
];

const work = await openWorkDir(undefined, 'beacon-bench-trace-view');
const collector = await startCollector({
  dataDir: work.dataDir,
  logFile: path.join(work.root, 'collector.log'),
  nodeArgs: flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
});
try {
  if (!flags['skip-browser']) {
    // The collector serves the UI only if grafana-plugin/dist-standalone held a build when it started (a concurrent
    // rebuild empties it): say so now rather than time out in the browser.
    const home = await request(`${collector.apiUrl}/`, { headers: { accept: 'text/html' } });
    if (!String(home.headers['content-type'] ?? '').includes('text/html'))
      throw new Error(
        'the collector serves no standalone UI (grafana-plugin/dist-standalone was empty at start)',
      );
  }
  const totalSpans = runsToStore.reduce((n, r) => n + r.run.manifest.spanCount, 0);
  log(`ingesting ${totalSpans} spans (${runsToStore.map((r) => r.run.manifest.spanCount).join(' + ')})`);
  for (const { run } of runsToStore) {
    for (const body of run.requests) {
      const res = await request(`${collector.otlpHttpUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (res.status !== 200)
        throw new Error(`ingest answered ${res.status}: ${res.body.toString().slice(0, 200)}`);
    }
  }
  await Promise.race([waitUntilWritten(collector.apiUrl, totalSpans), collector.crashed]);
  await sleep(3000); // background merges of the fresh parts

  const agent = keepAliveAgent(1);
  const api = await timeApi(
    collector.apiUrl,
    runsToStore.map((r) => ({ name: r.name, traceId: r.run.traceId, spanCount: r.run.manifest.spanCount })),
    { requests, warmup: flags.warmup, agent },
  );
  agent.destroy();
  for (const [name, endpoints] of Object.entries(api))
    for (const [endpoint, t] of Object.entries(endpoints))
      log(`${endpoint} ${name}: p50 ${t.ms.p50} ms, p95 ${t.ms.p95} ms, ${t.bytes} bytes`);

  const floors = flags['skip-browser'] ? null : await serveFloors();
  const browser = floors
    ? await measureUsable(
        runsToStore.map((r) => ({ name: r.name, url: `${collector.apiUrl}/traces/${r.run.traceId}` })),
        Object.entries(floors.urls).map(([name, url]) => ({ name, url })),
        { runs, timeoutMs: flags['timeout-ms'] },
      ).finally(() => floors.close())
    : null;
  await collector.stop();
  const profile = flags.profile ? collectorProfile(collector.pid) : null;

  const { result, text } = report({
    runs: runsToStore.map((r) => ({
      name: r.name,
      label: r.label,
      spans: r.run.manifest.spanCount,
      targetMs: r.targetMs,
    })),
    api,
    browser,
    targets: { apiMs: flags['target-api-ms'] },
    settings: { requests, warmup: flags.warmup, browserRuns: runs, selectors: SELECTORS, quick },
    profile,
  });
  const file = await writeResult(quick ? 'trace-view.quick.json' : 'trace-view.json', result, flags.out);
  console.log(text);
  log(`results: ${file}`);
  if (!quick && !flags.out) await updateReadme('trace-view', text);
} finally {
  await collector.stop();
  await work.release();
  await work.remove();
}
