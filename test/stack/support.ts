// Helpers for the stack tests: the repository's files, the tools they run (docker-compose, promtool), and small
// readers for Dockerfiles and .dockerignore.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function repoPath(...parts: string[]): string {
  return path.join(ROOT, ...parts);
}

export function readText(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

export function readYaml<T = unknown>(relative: string): T {
  return parseYaml(readText(relative)) as T;
}

/** Files under a directory, relative to the repository root, recursively. */
export function listFiles(relativeDir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(repoPath(relativeDir), { withFileTypes: true })) {
    const rel = path.posix.join(relativeDir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(rel));
    else out.push(rel);
  }
  return out.sort();
}

export function onPath(binary: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && existsSync(path.join(dir, binary)));
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  binary: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      binary,
      args,
      { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/**
 * Whether a tool's tests run. Outside CI a missing tool skips them (a developer machine without the Debian
 * package); in CI (`CI` set) it never does: the test fails and says how to install it.
 */
export function toolAvailability(binary: string, debianPackage: string): { run: boolean; missing?: string } {
  if (onPath(binary)) return { run: true };
  const message = `${binary} not found on PATH: install Debian's ${debianPackage} package (apt-get install ${debianPackage}), as .ci/run does`;
  return process.env.CI ? { run: true, missing: message } : { run: false, missing: message };
}

// ---- Dockerfiles ------------------------------------------------------------------------------------------------

export interface DockerInstruction {
  keyword: string;
  /** Arguments, continuation lines joined. */
  args: string;
  /** Index of the build stage (FROM) it belongs to; -1 before the first FROM (global ARGs). */
  stage: number;
}

/**
 * The instructions of a Dockerfile: comments dropped, `\` continuations joined. Hand-written because no
 * Dockerfile parser is among the project's dependencies and the subset used here (no heredocs, no escape
 * directive) is line-oriented.
 */
export function parseDockerfile(text: string): DockerInstruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (pending !== '' && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  if (pending !== '') logical.push(pending.trim());
  let stage = -1;
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') stage += 1;
    return { keyword: upper, args: rest.join(' '), stage };
  });
}

export interface CopyInstruction {
  from?: string;
  sources: string[];
  destination: string;
  stage: number;
}

export function copyInstructions(instructions: DockerInstruction[]): CopyInstruction[] {
  return instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.split(/\s+/);
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? '', stage: i.stage };
    });
}

/**
 * Repository files a COPY source names: a file, a directory, or a `*` pattern in the last path segment (the
 * only wildcard the Dockerfiles use; Node 20 has no fs.glob).
 */
export function resolveCopySource(source: string): string[] {
  const clean = source.replace(/\/+$/, '');
  const dir = path.posix.dirname(clean);
  const base = path.posix.basename(clean);
  if (!base.includes('*')) return existsSync(repoPath(clean)) ? [clean] : [];
  if (!existsSync(repoPath(dir)) || !statSync(repoPath(dir)).isDirectory()) return [];
  const pattern = new RegExp(`^${base.split('*').map(escapeRegExp).join('[^/]*')}$`);
  return readdirSync(repoPath(dir))
    .filter((name) => pattern.test(name))
    .map((name) => (dir === '.' ? name : path.posix.join(dir, name)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

// ---- .dockerignore ------------------------------------------------------------------------------------------

/**
 * Whether Docker leaves a path (relative to the build context) out of the context: the last matching rule wins,
 * `!` re-includes, and a rule matching a directory excludes everything under it. Patterns follow Go's
 * filepath.Match plus `**`. Hand-written: it is a dozen lines and none of the project's dependencies implements
 * Docker's variant.
 */
export function dockerIgnored(relativePath: string, dockerignore: string): boolean {
  const rules = dockerignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = path.posix.normalize((negated ? line.slice(1) : line).trim()).replace(/^\/+/, '');
      return { negated, regex: dockerPatternRegex(pattern) };
    });
  const segments = relativePath.split('/');
  const prefixes = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (prefixes.some((prefix) => rule.regex.test(prefix))) ignored = !rule.negated;
  }
  return ignored;
}

function dockerPatternRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` matches anything.
      if (pattern[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`);
}
