// The trace-view benchmark's result document and the table it prints (also the README's "trace-view" section).
import { fmt, formatTable } from '../lib/results.mjs';
import { median } from '../lib/stats.mjs';

/** @type {Record<string, string>} */
const FLOOR_LABELS = {
  react: 'React, one element',
  'grafana-ui': '@grafana/ui shell: theme, global styles, a button',
};

/**
 * @param {{
 *   runs: { name: string; label: string; spans: number; targetMs: number }[];
 *   api: Record<string, Record<string, import('./api.mjs').EndpointTiming>>;
 *   browser: { usable: Record<string, import('./browser.mjs').UsableTiming[]>; floors: Record<string, number[]> } | null;
 *   targets: { apiMs: number };
 *   settings: Record<string, unknown>;
 *   profile: unknown;
 * }} input
 */
export function report({ runs, api, browser, targets, settings, profile }) {
  const date = new Date().toISOString().slice(0, 10);
  const apiRows = [];
  const usableRows = [];
  /** @type {string[]} */
  const verdicts = [];
  /** @type {Record<string, unknown>} */
  const perRun = {};
  for (const run of runs) {
    const timings = api[run.name] ?? {};
    for (const [endpoint, t] of Object.entries(timings)) {
      const judged = run.name === 'large' && endpoint === 'detail';
      const ok = t.ms.p50 <= targets.apiMs && t.ms.p95 <= targets.apiMs;
      if (judged)
        verdicts.push(
          `detail API at ${fmt(run.spans)} spans: median ${t.ms.p50} ms, p95 ${t.ms.p95} ms (target ≤ ${targets.apiMs} ms): ${ok ? 'ok' : 'MISS'}`,
        );
      apiRows.push([
        `${endpoint} ${run.label}`,
        t.ms.count,
        t.ms.p50,
        t.ms.p95,
        t.ms.max,
        fmt(t.bytes / 2 ** 20, 1),
        judged ? `≤ ${targets.apiMs} ms: ${ok ? 'ok' : 'MISS'}` : '',
      ]);
    }
    const samples = browser?.usable[run.name] ?? [];
    /** @type {{ usableMedianMs: number; graphMedianMs: number; timelineMedianMs: number } | null} */
    let usable = null;
    if (samples.length > 0) {
      usable = {
        usableMedianMs: median(samples.map((s) => s.usableMs)),
        graphMedianMs: median(samples.map((s) => s.graphMs)),
        timelineMedianMs: median(samples.map((s) => s.timelineMs)),
      };
      const ok = usable.usableMedianMs <= run.targetMs;
      verdicts.push(
        `time to usable at ${fmt(run.spans)} spans: median ${usable.usableMedianMs} ms (target ≤ ${run.targetMs} ms): ${ok ? 'ok' : 'MISS'}`,
      );
      usableRows.push([
        run.label,
        samples.length,
        usable.graphMedianMs,
        usable.timelineMedianMs,
        usable.usableMedianMs,
        samples.map((s) => s.usableMs).join(' '),
        `≤ ${run.targetMs} ms: ${ok ? 'ok' : 'MISS'}`,
      ]);
    }
    perRun[run.name] = {
      spans: run.spans,
      api: timings,
      browser: samples,
      usable,
      targetUsableMs: run.targetMs,
    };
  }
  const floorRows = Object.entries(browser?.floors ?? {}).map(([name, ms]) => [
    FLOOR_LABELS[name] ?? name,
    ms.length,
    median(ms),
    ms.join(' '),
  ]);
  /** @type {Record<string, number>} */
  const floorMedians = Object.fromEntries(
    Object.entries(browser?.floors ?? {}).map(([n, ms]) => [n, median(ms)]),
  );
  if (floorMedians['grafana-ui'] !== undefined)
    verdicts.push(
      `an empty @grafana/ui page opens in ${floorMedians['grafana-ui']} ms and a React one in ${floorMedians.react} ms in this run: the floor under both usable targets`,
    );
  const lines = [
    `${date}. Runs of bench/lib/agent-run (seed 1 small, seed 2 large) stored in a collector on embedded ClickHouse.`,
    '',
    `API: ${settings.requests} timed requests per row after ${settings.warmup} warm-up, one at a time, interleaved; ms from sending to the last byte.`,
    '',
    formatTable(['request', 'n', 'p50 ms', 'p95 ms', 'max ms', 'MiB', 'target'], apiRows),
  ];
  if (usableRows.length > 0) {
    lines.push(
      '',
      'Chromium (headless, fresh context per run, after one warm-up): navigation start → first agent-graph node ' +
        'visible (graph), Timeline tab click → first timeline row visible (timeline), and their sum from navigation ' +
        '(usable). Median of the runs.',
      '',
      formatTable(
        ['trace', 'runs', 'graph ms', 'timeline ms', 'usable ms', 'runs (usable ms)', 'target'],
        usableRows,
      ),
    );
  }
  if (floorRows.length > 0) {
    lines.push(
      '',
      'Floors, in the same browser, interleaved with the runs above (bench/trace-view/floor.mjs): navigation start → ' +
        "the page's one element visible, for pages that do nothing, built and served like the standalone UI.",
      '',
      formatTable(['page', 'runs', 'first content ms', 'runs (ms)'], floorRows),
    );
  }
  lines.push('', ...verdicts.map((v) => `- ${v}`));
  return {
    result: {
      benchmark: 'trace-view',
      date,
      targets: { ...targets, usableMs: Object.fromEntries(runs.map((r) => [r.name, r.targetMs])) },
      settings,
      runs: perRun,
      floors: browser ? { samplesMs: browser.floors, medianMs: floorMedians } : null,
      verdicts,
      profile,
    },
    text: lines.join('\n'),
  };
}
