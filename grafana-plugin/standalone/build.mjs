#!/usr/bin/env node
// Builds the standalone UI into grafana-plugin/dist-standalone when any input (src/, standalone/, package.json, the
// lock file) changed since the last build, so the root `npm start` / `npm test` stay fast on repeated runs.
//   --force     build even when up to date
//   --optional  a failed build only warns (npm start: the collector runs without its UI and logs a hint)
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pluginDir = path.resolve(here, '..');
const outDir = path.join(pluginDir, 'dist-standalone');
const stampFile = path.join(outDir, '.build-stamp');
const inputs = [
  path.join(pluginDir, 'src'),
  here,
  path.join(pluginDir, 'package.json'),
  path.join(pluginDir, '..', 'package-lock.json'),
];
const SKIP = new Set(['node_modules', 'dist', 'dist-standalone', 'coverage']);

/** Newest mtime under the inputs (directories too, so a deleted file counts as a change). */
function newestMtime(entry) {
  let stats;
  try {
    stats = statSync(entry);
  } catch {
    return 0;
  }
  let newest = stats.mtimeMs;
  if (stats.isDirectory()) {
    for (const name of readdirSync(entry)) {
      if (!SKIP.has(name)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
    }
  }
  return newest;
}

function lastBuildStart() {
  if (!existsSync(path.join(outDir, 'index.html'))) return undefined;
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8')).startedAtMs;
  } catch {
    return undefined;
  }
}

const force = process.argv.includes('--force');
const optional = process.argv.includes('--optional');
const started = Date.now();
const previous = lastBuildStart();
const newest = Math.max(...inputs.map(newestMtime));
if (!force && previous !== undefined && newest < previous) {
  console.log('standalone UI up to date (grafana-plugin/dist-standalone)');
  process.exit(0);
}

try {
  const { build } = await import('vite');
  await build({ configFile: path.join(here, 'vite.config.ts') });
  writeFileSync(stampFile, JSON.stringify({ startedAtMs: started }));
  console.log(
    `standalone UI built in ${((Date.now() - started) / 1000).toFixed(1)} s (grafana-plugin/dist-standalone)`,
  );
} catch (err) {
  console.error(err);
  if (!optional) process.exit(1);
  console.warn('standalone UI build failed: the collector starts without its UI at /');
}
