// What the trace-view benchmark needs besides the collector: the standalone UI build, and the collector's CPU
// profile when it ran under --cpu-prof.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { topSelfTime } from '../ingest/profile.mjs';
import { REPO_ROOT, RESULTS_DIR } from '../lib/paths.mjs';
import { log } from '../lib/progress.mjs';

export const PROFILE_DIR = path.join(RESULTS_DIR, 'profiles');
mkdirSync(PROFILE_DIR, { recursive: true });

/** `node grafana-plugin/standalone/build.mjs`: the UI the collector serves at `/`. */
export function buildUi() {
  log('building the standalone UI');
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'grafana-plugin/standalone/build.mjs')], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    log(`standalone UI build failed (${result.status}); fix it or pass --skip-ui-build`);
    process.exit(1);
  }
}

/**
 * The top self-time functions of the profile the collector (pid) wrote on exit.
 * @param {number} pid
 */
export function collectorProfile(pid) {
  const file = readdirSync(PROFILE_DIR)
    .filter((name) => name.endsWith('.cpuprofile') && name.includes(`.${pid}.`))
    .map((name) => path.join(PROFILE_DIR, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!file) return null;
  log(`collector profile: ${file}`);
  return { file: path.relative(REPO_ROOT, file), ...topSelfTime(file, 25) };
}
