// The stack users start with `cp .env.example .env && docker compose up -d`: Debian's docker-compose (1.29) must
// accept docker-compose.yml, and the resolved configuration must be the stack the README describes — every
// service, the published ports, health checks, start order on healthy dependencies, named volumes, credentials
// only from .env. No Docker engine runs here, so nothing is started.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT, readText, readYaml, repoPath, run, toolAvailability } from './support.js';

const SERVICES = ['collector', 'clickhouse', 'prometheus', 'alertmanager', 'grafana', 'jaeger', 'loki'];
/** Host ports the README's "Run the stack" section and the collector contract promise. */
const PUBLISHED: Record<string, number[]> = {
  collector: [4317, 4318, 4320],
  grafana: [3000],
  jaeger: [16686],
  prometheus: [9090],
  alertmanager: [9093],
};
const SECRETS = ['CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD', 'GRAFANA_ADMIN_USER', 'GRAFANA_ADMIN_PASSWORD'];

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  ports?: (string | { published: number | string; target: number; host_ip?: string })[];
  volumes?: string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  networks?: Record<string, { aliases?: string[] } | null>;
}
interface ComposeFile {
  version?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const compose = toolAvailability('docker-compose', 'docker-compose');

/** docker-compose run with only PATH and HOME from this process, so a developer's shell variables don't leak in. */
function dockerCompose(args: string[]) {
  return run('docker-compose', ['--project-directory', ROOT, '-f', repoPath('docker-compose.yml'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
  });
}

/** Host ports a service publishes, from either the short ("127.0.0.1:8123:8123/tcp") or long syntax. */
function publishedPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'string') {
      const parts = port.replace(/\/(tcp|udp)$/, '').split(':');
      return Number(parts.length >= 2 ? parts.at(-2) : parts[0]);
    }
    return Number(port.published);
  });
}

function envExampleValues(): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of readText('.env.example').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1]!, match[2]!);
  }
  return values;
}

describe.skipIf(!compose.run)('docker-compose.yml (docker-compose config)', () => {
  let resolved: ComposeFile;

  beforeAll(async () => {
    if (compose.missing) throw new Error(compose.missing);
    const result = await dockerCompose(['--env-file', repoPath('.env.example'), 'config']);
    if (result.code !== 0) throw new Error(`docker-compose config failed:\n${result.stderr}`);
    resolved = parseYaml(result.stdout) as ComposeFile;
  });

  it('has every service of the stack', () => {
    expect(Object.keys(resolved.services).sort()).toEqual([...SERVICES].sort());
  });

  it.each(Object.entries(PUBLISHED))('%s publishes the ports the README lists', (name, ports) => {
    expect(publishedPorts(resolved.services[name]!)).toEqual(expect.arrayContaining(ports));
  });

  it('publishes every localhost URL of the README "Run the stack" section', () => {
    const readme = readText('README.md');
    const section = readme.slice(
      readme.indexOf('## Run the stack'),
      readme.indexOf('\n## ', readme.indexOf('## Run the stack') + 1),
    );
    const promised = [...section.matchAll(/(?:localhost|127\.0\.0\.1):(\d+)/g)].map((m) => Number(m[1]));
    expect(promised.length).toBeGreaterThan(5);
    const all = Object.values(resolved.services).flatMap(publishedPorts);
    for (const port of promised) expect(all, `port ${port} from the README`).toContain(port);
  });

  it('gives every service a health check', () => {
    for (const [name, service] of Object.entries(resolved.services)) {
      expect(service.healthcheck?.test, `${name} healthcheck`).toBeDefined();
      expect(service.healthcheck?.disable, name).not.toBe(true);
    }
  });

  /** The collector's forward targets: it queues and retries for them, so it waits only until they have started. */
  const FORWARD_TARGETS = ['jaeger', 'loki'];

  it('starts each service only after the services it depends on are healthy (forward targets: started)', () => {
    const dependsOn = (name: string) =>
      resolved.services[name]!.depends_on as Record<string, { condition?: string }>;
    for (const [name, service] of Object.entries(resolved.services)) {
      expect(Array.isArray(service.depends_on), `${name}: depends_on needs conditions`).toBe(false);
      for (const [dependency, options] of Object.entries(dependsOn(name) ?? {})) {
        expect(SERVICES, `${name} depends on ${dependency}`).toContain(dependency);
        const expected =
          name === 'collector' && FORWARD_TARGETS.includes(dependency)
            ? 'service_started'
            : 'service_healthy';
        expect(options.condition, `${name} → ${dependency}`).toBe(expected);
      }
    }
    // The order the data flows in: storage and forward targets before the collector, everything before Grafana.
    expect(Object.keys(dependsOn('collector'))).toEqual(
      expect.arrayContaining(['clickhouse', 'jaeger', 'loki']),
    );
    expect(Object.keys(dependsOn('grafana'))).toEqual(
      expect.arrayContaining(['collector', 'clickhouse', 'prometheus', 'jaeger', 'loki']),
    );
    expect(Object.keys(dependsOn('prometheus'))).toContain('alertmanager');
  });

  it('keeps state in named volumes, each declared', () => {
    const declared = Object.keys(resolved.volumes ?? {});
    const named = Object.values(resolved.services)
      .flatMap((s) => s.volumes ?? [])
      .map((v) => v.split(':')[0]!)
      .filter((source) => !source.startsWith('/') && !source.startsWith('.'));
    expect(named.sort()).toEqual(
      [
        'alertmanager-data',
        'clickhouse-data',
        'collector-data',
        'grafana-data',
        'loki-data',
        'prometheus-data',
      ].sort(),
    );
    for (const volume of named) expect(declared).toContain(volume);
  });

  it('mounts only paths that exist in the repository', () => {
    for (const [name, service] of Object.entries(resolved.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('/')) {
          expect(source.startsWith(ROOT), `${name}: ${source} is outside the repository`).toBe(true);
          expect(existsSync(source), `${name} mounts ${source}`).toBe(true);
        }
      }
    }
  });

  it('builds the collector and Grafana images from the repository root with Dockerfiles that exist', () => {
    for (const name of ['collector', 'grafana']) {
      const build = resolved.services[name]!.build!;
      expect(path.resolve(build.context)).toBe(path.resolve(ROOT));
      expect(existsSync(path.join(build.context, build.dockerfile)), build.dockerfile).toBe(true);
    }
  });

  it('pins every image to a version tag', () => {
    for (const [name, service] of Object.entries(resolved.services)) {
      if (service.build) continue;
      expect(service.image, name).toMatch(/:[0-9v][\w.-]*$/);
      expect(service.image, name).not.toMatch(/:latest$/);
    }
  });

  it('points the collector at the ClickHouse server and the forward targets inside the stack', () => {
    const env = resolved.services.collector!.environment!;
    const values = envExampleValues();
    expect(env.BEACON_CLICKHOUSE_URL).toBe('http://clickhouse:8123');
    expect(env.BEACON_CLICKHOUSE_USER).toBe(values.get('CLICKHOUSE_USER'));
    expect(env.BEACON_CLICKHOUSE_PASSWORD).toBe(values.get('CLICKHOUSE_PASSWORD'));
    expect(env.BEACON_CLICKHOUSE_DATABASE).toBe(values.get('CLICKHOUSE_DB'));
    // Jaeger's OTLP gRPC receiver and Loki's OTLP logs endpoint, by service name.
    expect(new URL(env.BEACON_FORWARD_OTLP_ENDPOINT!).host).toBe('jaeger:4317');
    expect(new URL(env.BEACON_FORWARD_LOGS_ENDPOINT!).host).toBe('loki:3100');
    expect(new URL(env.BEACON_FORWARD_LOGS_ENDPOINT!).pathname).toBe('/otlp/v1/logs');
    // The same user and database for the server and for Grafana's ClickHouse data source.
    const clickhouse = resolved.services.clickhouse!.environment!;
    const grafana = resolved.services.grafana!.environment!;
    for (const key of ['CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD', 'CLICKHOUSE_DB']) {
      expect(clickhouse[key], key).toBe(values.get(key));
      expect(grafana[key], key).toBe(values.get(key));
    }
  });

  it('reaches the collector at the address deploy/prometheus/prometheus.yml scrapes', () => {
    const prometheus = readYaml<{
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    }>('deploy/prometheus/prometheus.yml');
    const job = prometheus.scrape_configs.find((c) => c.job_name === 'beacon-collector')!;
    const aliases = resolved.services.collector!.networks?.default?.aliases ?? [];
    for (const target of job.static_configs.flatMap((c) => c.targets)) {
      const [host, port] = target.split(':');
      expect(['collector', ...aliases], target).toContain(host);
      expect(port).toBe('4320');
    }
  });
});

describe.skipIf(!compose.run)('credentials only from .env', () => {
  it('refuses to start without .env, naming the missing credential', async () => {
    if (compose.missing) throw new Error(compose.missing);
    const dir = mkdtempSync(path.join(tmpdir(), 'beacon-stack-'));
    try {
      const empty = path.join(dir, 'empty.env');
      writeFileSync(empty, '');
      const result = await dockerCompose(['--env-file', empty, 'config']);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(
        /set (CLICKHOUSE_USER|CLICKHOUSE_PASSWORD|GRAFANA_ADMIN_USER|GRAFANA_ADMIN_PASSWORD) in \.env/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docker-compose.yml and .env.example', () => {
  const text = readText('docker-compose.yml');
  const source = parseYaml(text) as ComposeFile;

  it('is a Compose spec file (no version key)', () => {
    expect(source.version).toBeUndefined();
  });

  it('documents every variable the compose file uses in .env.example', () => {
    const used = new Set([...text.matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(0);
    const documented = envExampleValues();
    for (const name of used) expect(documented.has(name), `${name} missing from .env.example`).toBe(true);
  });

  it('requires the credentials (no default password in the compose file)', () => {
    for (const name of SECRETS) {
      const uses = [...text.matchAll(new RegExp(`\\$\\{${name}([^}]*)\\}`, 'g'))].map((m) => m[1]!);
      expect(uses.length, name).toBeGreaterThan(0);
      for (const use of uses) expect(use, `${name} must be required with :?`).toMatch(/^:\?/);
    }
  });

  it('states the default credentials the README documents', () => {
    const values = envExampleValues();
    const readme = readText('README.md');
    const section = readme.slice(readme.indexOf('## Run the stack'));
    expect(section).toContain(
      `default \`${values.get('GRAFANA_ADMIN_USER')}\` / \`${values.get('GRAFANA_ADMIN_PASSWORD')}\``,
    );
    expect(section).toContain(
      `default \`${values.get('CLICKHOUSE_USER')}\` / \`${values.get('CLICKHOUSE_PASSWORD')}\``,
    );
  });
});
