// Result files (bench/results/<name>.json) and the short table every benchmark prints.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { machineInfo, sourceInfo } from './machine.mjs';
import { RESULTS_DIR } from './paths.mjs';

/**
 * Writes `bench/results/<file>` (or `out`) atomically: a `.tmp` file renamed into place, so an interrupted run never
 * leaves half a result behind. Adds the machine and source revision. Returns the path written.
 * @param {string} file e.g. `query-latency.json`
 * @param {Record<string, unknown>} result
 * @param {string} [out] explicit path instead of bench/results/<file>
 */
export async function writeResult(file, result, out) {
  const target = out ? path.resolve(out) : path.join(RESULTS_DIR, file);
  await mkdir(path.dirname(target), { recursive: true });
  const body = { ...result, machine: machineInfo(), source: sourceInfo() };
  const tmp = `${target}.tmp`;
  await writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`);
  await rename(tmp, target);
  return target;
}

/**
 * A plain-text table (also valid Markdown): first column left-aligned, the rest right-aligned.
 * @param {string[]} header
 * @param {(string | number)[][]} rows
 */
export function formatTable(header, rows) {
  const cells = [header, ...rows.map((row) => row.map((cell) => String(cell)))];
  const widths = header.map((_, col) => Math.max(...cells.map((row) => (row[col] ?? '').length)));
  const line = (/** @type {string[]} */ row) =>
    `| ${row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, col) => (col === 0 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`;
  return [line(/** @type {string[]} */ (cells[0])), rule, ...cells.slice(1).map(line)].join('\n');
}

/** 1234567 → "1,234,567"; fractions keep up to `digits` decimals. */
export function fmt(/** @type {number} */ value, digits = 0) {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * Replaces the text between `<!-- results:<name> -->` and `<!-- /results:<name> -->` in bench/README.md, so the
 * README always shows the latest committed result. Does nothing when the markers are missing.
 * @param {string} name
 * @param {string} markdown
 */
export async function updateReadme(name, markdown) {
  const file = path.join(RESULTS_DIR, '..', 'README.md');
  const text = await readFile(file, 'utf8');
  const start = `<!-- results:${name} -->`;
  const end = `<!-- /results:${name} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to < from) return false;
  await writeFile(file, `${text.slice(0, from + start.length)}\n${markdown.trim()}\n${text.slice(to)}`);
  return true;
}
