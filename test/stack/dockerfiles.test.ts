// The two images the stack builds (collector/Dockerfile, deploy/grafana/Dockerfile). No Docker engine runs here,
// so each build step is checked against the repository instead: every COPY source exists and is in the build
// context (.dockerignore), the runtime stage takes what the build stage produces, and the image runs as a non-root
// user with a health check on the collector's /readyz.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type CopyInstruction,
  copyInstructions,
  type DockerInstruction,
  dockerIgnored,
  parseDockerfile,
  readText,
  readYaml,
  repoPath,
  resolveCopySource,
} from './support.js';

const DOCKERFILES = ['collector/Dockerfile', 'deploy/grafana/Dockerfile'];
const dockerignore = readText('.dockerignore');

function stageNames(instructions: DockerInstruction[]): string[] {
  return instructions.filter((i) => i.keyword === 'FROM').map((i) => /\bAS\s+(\S+)/i.exec(i.args)?.[1] ?? '');
}

/** The paths a stage's COPYs put in its WORKDIR (`/src`), relative to the repository root. */
function copiedIntoStage(copies: CopyInstruction[], stage: number): string[] {
  return copies.filter((c) => c.stage === stage && c.from === undefined).flatMap((c) => c.sources);
}

describe.each(DOCKERFILES)('%s', (dockerfile) => {
  const instructions = parseDockerfile(readText(dockerfile));
  const copies = copyInstructions(instructions);

  it('copies only sources that exist in the repository and are in the build context', () => {
    const local = copies.filter((c) => c.from === undefined);
    expect(local.length).toBeGreaterThan(0);
    for (const copy of local) {
      for (const source of copy.sources) {
        const matches = resolveCopySource(source);
        expect(matches.length, `COPY ${source}`).toBeGreaterThan(0);
        for (const match of matches)
          expect(dockerIgnored(match, dockerignore), `${match} is .dockerignored`).toBe(false);
      }
    }
  });

  it('pins its base images and names every stage it copies from', () => {
    const args = new Map(
      instructions
        .filter((i) => i.keyword === 'ARG' && i.stage === -1)
        .map((i) => i.args.split('=') as [string, string]),
    );
    const names = stageNames(instructions);
    for (const from of instructions.filter((i) => i.keyword === 'FROM')) {
      const image = from.args
        .split(/\s+/)[0]!
        .replace(/^\$\{(\w+)\}$/, (_, name: string) => args.get(name) ?? '');
      if (names.includes(image)) continue;
      expect(image, from.args).toMatch(/^[\w./-]+:[0-9v][\w.-]*$/);
    }
    for (const copy of copies.filter((c) => c.from !== undefined)) expect(names).toContain(copy.from);
  });

  it('builds with the lock file (npm ci) and the workspace manifests', () => {
    const buildStage = 0;
    const copied = copiedIntoStage(copies, buildStage);
    expect(copied).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.base.json']),
    );
    const workspaces = (JSON.parse(readText('package.json')) as { workspaces: string[] }).workspaces;
    // npm ci checks the lock file against every workspace's package.json.
    for (const workspace of workspaces) expect(copied, workspace).toContain(`${workspace}/package.json`);
    const runs = instructions.filter((i) => i.stage === buildStage && i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /^npm ci\b/.test(r))).toBe(true);
  });

  it('takes from the build stage only what its build commands produce or copy in', () => {
    // The build stage copies sources into /src and builds them there; the outputs are the repository's own
    // build outputs (npm test builds them before the tests run), at the same relative paths.
    for (const copy of copies.filter((c) => c.from !== undefined)) {
      for (const source of copy.sources) {
        expect(source.startsWith('/src/'), source).toBe(true);
        const relative = source.slice('/src/'.length);
        expect(existsSync(repoPath(relative)), `${relative} (run npm test's build steps first)`).toBe(true);
      }
    }
  });

  it('does not build stale output copied from the host (node_modules, dist, tsbuildinfo are ignored)', () => {
    for (const file of [
      'node_modules/yaml/package.json',
      'collector/node_modules',
      'collector/dist/index.js',
      'collector/tsconfig.tsbuildinfo',
      'grafana-plugin/dist/module.js',
      'grafana-plugin/dist-standalone/index.html',
      '.env',
    ]) {
      expect(dockerIgnored(file, dockerignore), file).toBe(true);
    }
    for (const file of [
      'collector/src/index.ts',
      'collector/proto',
      'grafana-plugin/src/module.tsx',
      'package-lock.json',
    ]) {
      expect(dockerIgnored(file, dockerignore), file).toBe(false);
    }
  });
});

describe('collector/Dockerfile', () => {
  const instructions = parseDockerfile(readText('collector/Dockerfile'));
  const finalStage = Math.max(...instructions.map((i) => i.stage));
  const final = instructions.filter((i) => i.stage === finalStage);

  it('builds the collector and the standalone UI it serves at /', () => {
    const runs = instructions.filter((i) => i.stage === 0 && i.keyword === 'RUN').map((i) => i.args);
    expect(runs.join('\n')).toMatch(/tsc -b collector/);
    expect(runs.join('\n')).toMatch(/node grafana-plugin\/standalone\/build\.mjs/);
    const copied = copyInstructions(final).map((c) => c.destination);
    // collector/dist/api/static-ui.ts serves ../../../grafana-plugin/dist-standalone: the same layout under /app.
    expect(copied).toEqual(
      expect.arrayContaining([
        'collector/dist',
        'grafana-plugin/dist-standalone',
        'collector/proto',
        'semconv/dist',
      ]),
    );
  });

  it('installs only production dependencies in the runtime image', () => {
    const install = final.find((i) => i.keyword === 'RUN' && i.args.startsWith('npm ci'))!;
    expect(install.args).toContain('--omit=dev');
    expect(install.args).toContain('--workspace=collector');
  });

  it('runs as a non-root user, exposes the OTLP and API ports, and starts the collector', () => {
    const user = final.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    const exposed = final.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
    expect(exposed).toEqual(expect.arrayContaining(['4317', '4318', '4320']));
    const cmd = JSON.parse(final.find((i) => i.keyword === 'CMD')!.args) as string[];
    expect(cmd).toEqual(['node', 'collector/dist/cli.js', 'start']);
    expect(existsSync(repoPath('collector/dist/cli.js'))).toBe(true);
  });

  it('checks health with node against /readyz on the API port', () => {
    const healthcheck = final.find((i) => i.keyword === 'HEALTHCHECK')!.args;
    expect(healthcheck).toMatch(/CMD \["node"/);
    expect(healthcheck).toContain('http://127.0.0.1:4320/readyz');
    // docker-compose.yml runs the same check.
    const compose = readYaml<{ services: { collector: { healthcheck: { test: string[] } } } }>(
      'docker-compose.yml',
    );
    expect(compose.services.collector.healthcheck.test.join(' ')).toContain('http://127.0.0.1:4320/readyz');
  });
});

describe('deploy/grafana/Dockerfile', () => {
  const instructions = parseDockerfile(readText('deploy/grafana/Dockerfile'));
  const finalStage = Math.max(...instructions.map((i) => i.stage));
  const final = instructions.filter((i) => i.stage === finalStage);
  const pluginId = (JSON.parse(readText('grafana-plugin/src/plugin.json')) as { id: string }).id;

  it('builds the app plugin and installs it in Grafana’s plugin directory, allowed unsigned', () => {
    const runs = instructions.filter((i) => i.stage === 0 && i.keyword === 'RUN').map((i) => i.args);
    expect(runs.join('\n')).toMatch(/npm run build -w grafana-plugin/);
    const env = final
      .filter((i) => i.keyword === 'ENV')
      .flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!] as const));
    const vars = new Map(env);
    expect(vars.get('GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS')?.split(',')).toContain(pluginId);
    const pluginsDir = vars.get('GF_PATHS_PLUGINS')!;
    expect(pluginsDir).toBeDefined();
    const plugin = copyInstructions(final).find((c) => c.sources.includes('/src/grafana-plugin/dist'));
    expect(plugin?.destination).toBe(`${pluginsDir}/${pluginId}`);
    // Outside Grafana's data volume, so a rebuilt image serves the rebuilt plugin.
    const compose = readYaml<{ services: { grafana: { volumes: string[] } } }>('docker-compose.yml');
    for (const volume of compose.services.grafana.volumes) {
      const target = volume.split(':')[1]!;
      expect(pluginsDir.startsWith(`${target}/`), `${pluginsDir} is under the mount ${target}`).toBe(false);
    }
  });

  it('runs Grafana as its own non-root user', () => {
    const user = final.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBe('472');
  });
});
