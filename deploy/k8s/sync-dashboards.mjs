#!/usr/bin/env node
// Copies the repository's dashboards (dashboards/*.json) into the Helm chart (beacon/files/dashboards/). Helm reads
// only files inside the chart (.Files.Glob ignores symlinks pointing outside it), so the chart carries copies; this
// keeps them current and test/k8s/chart.test.ts fails when they are not.
//
//   node deploy/k8s/sync-dashboards.mjs          # copy, removing dashboards that no longer exist
//   node deploy/k8s/sync-dashboards.mjs --check  # exit 1 when the copies differ
import { copyFile, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, '../../dashboards');
const target = path.join(here, 'beacon/files/dashboards');

/** The dashboards among a directory's JSON files (dashboards/ also holds package.json and tsconfig.json). */
async function dashboardFiles(dir) {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  const isDashboard = async (name) => {
    const json = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
    return typeof json.title === 'string' && Array.isArray(json.panels);
  };
  const flags = await Promise.all(names.map(isDashboard));
  return names.filter((_, i) => flags[i]);
}

async function differences() {
  const [wanted, present] = await Promise.all([dashboardFiles(source), dashboardFiles(target)]);
  const stale = present.filter((name) => !wanted.includes(name));
  const changed = [];
  for (const name of wanted) {
    const copy = present.includes(name) ? await readFile(path.join(target, name), 'utf8') : null;
    if (copy !== (await readFile(path.join(source, name), 'utf8'))) changed.push(name);
  }
  return { changed, stale };
}

const { changed, stale } = await differences();
if (process.argv.includes('--check')) {
  if (changed.length + stale.length > 0) {
    console.error(
      `chart dashboards out of date (changed: ${changed.join(', ') || '-'}; stale: ${stale.join(', ') || '-'}); run node deploy/k8s/sync-dashboards.mjs`,
    );
    process.exit(1);
  }
} else {
  for (const name of changed) await copyFile(path.join(source, name), path.join(target, name));
  for (const name of stale) await rm(path.join(target, name));
  console.log(
    `copied ${changed.length}, removed ${stale.length} dashboard(s) in ${path.relative(process.cwd(), target)}`,
  );
}
