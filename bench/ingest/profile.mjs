#!/usr/bin/env node
// Top self-time functions of a V8 .cpuprofile (written by `node --cpu-prof`). As a script:
//
//   node bench/ingest/profile.mjs bench/results/profiles/<file>.cpuprofile [count]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../lib/paths.mjs';

/**
 * @typedef {object} CpuProfileNode
 * @property {number} id
 * @property {{ functionName: string; url: string; lineNumber: number; columnNumber: number }} callFrame
 * @property {number[]} [children]
 */

/**
 * Self time per function (all nodes of the same function, file and line summed), the `count` largest; and the
 * share of time in the collector's own code, in node_modules and in the engine (program, GC, idle).
 * @param {string} file
 * @param {number} count
 */
export function topSelfTime(file, count = 20) {
  const profile =
    /** @type {{ nodes: CpuProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }} */ (
      JSON.parse(readFileSync(file, 'utf8'))
    );
  /** @type {Map<number, number>} µs per node id */
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = /** @type {number} */ (profile.samples[i]);
    // timeDeltas[i] is the time before sample i; attribute the next delta to this sample (as DevTools does).
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, delta));
  }
  /** @type {Map<string, { functionName: string; location: string; us: number }>} */
  const byFunction = new Map();
  let totalUs = 0;
  let idleUs = 0;
  const byArea = { collector: 0, semconv: 0, node_modules: 0, node: 0, gc: 0, program: 0, other: 0 };
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    totalUs += us;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const where = url.startsWith('file://') ? fileURLToPath(url) : url;
    const relative = where.startsWith(REPO_ROOT) ? path.relative(REPO_ROOT, where) : where;
    const location = relative ? `${relative}:${lineNumber + 1}` : '';
    if (functionName === '(garbage collector)') byArea.gc += us;
    else if (functionName === '(program)') byArea.program += us;
    else if (relative.includes('node_modules/')) byArea.node_modules += us;
    else if (relative.startsWith('collector/')) byArea.collector += us;
    else if (relative.startsWith('semconv/')) byArea.semconv += us;
    else if (relative.startsWith('node:') || relative === '') byArea.node += us;
    else byArea.other += us;
    const key = `${functionName}@${location}`;
    const entry = byFunction.get(key) ?? { functionName: functionName || '(anonymous)', location, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  const busyUs = totalUs - idleUs;
  const pct = (/** @type {number} */ us) => (busyUs > 0 ? Math.round((us / busyUs) * 1000) / 10 : 0);
  const top = [...byFunction.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map((f) => ({
      functionName: f.functionName,
      selfMs: Math.round(f.us / 1000),
      selfPercent: pct(f.us),
      location: f.location,
    }));
  return {
    busySeconds: Math.round(busyUs / 1e5) / 10,
    idleSeconds: Math.round(idleUs / 1e5) / 10,
    /** Share of busy (non-idle) main-thread time. */
    areasPercent: Object.fromEntries(Object.entries(byArea).map(([k, v]) => [k, pct(v)])),
    top,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/ingest/profile.mjs <file.cpuprofile> [count]');
    process.exit(2);
  }
  const result = topSelfTime(file, Number(process.argv[3] ?? 25));
  console.log(
    `busy ${result.busySeconds} s, idle ${result.idleSeconds} s; areas (% of busy): ${JSON.stringify(result.areasPercent)}`,
  );
  for (const f of result.top)
    console.log(
      `${String(f.selfPercent).padStart(5)}%  ${String(f.selfMs).padStart(7)} ms  ${f.functionName}  ${f.location}`,
    );
}
