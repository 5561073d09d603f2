#!/usr/bin/env node
// Runs one SDK example from a fresh clone (after `npm ci`): builds the SDK (`tsc -b sdk`) and the examples
// (`tsc -p sdk/examples`, into the gitignored sdk/examples/dist), then runs the compiled CLI. Plain ESM so that it
// runs on Node 20 without a TypeScript loader. `--skip-build` runs what was built last.
//
//   npm start                                     # the collector, in another terminal
//   node sdk/examples/run.mjs tool-agent          # or multi-agent, streaming-chat, mock-provider; --help
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const args = process.argv.slice(2);
const skipBuild = args.includes('--skip-build');

function tsc(...tscArgs) {
  const bin = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [bin, ...tscArgs], { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`tsc ${tscArgs.join(' ')} failed`);
    process.exit(result.status ?? 1);
  }
}

if (!skipBuild) {
  tsc('-b', 'sdk');
  tsc('-p', 'sdk/examples');
}
const cli = await import(pathToFileURL(path.join(here, 'dist', 'sdk', 'examples', 'cli.js')).href);
process.exitCode = await cli.main(args.filter((a) => a !== '--skip-build'));
