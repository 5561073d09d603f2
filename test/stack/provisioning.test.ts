// What the stack's services load at start-up: every provisioning and config file parses, and every reference in
// it resolves — data source uids (trace-to-logs, trace-to-metrics, exemplars, the app plugin's links, the
// dashboards), hostnames (compose services), the dashboards directory (the committed dashboards) and the
// Prometheus rule files (alerts/*.rules.yaml, through the compose mount). A dangling reference is a link that
// does nothing, or an empty folder, in a stack nobody can run here.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  copyInstructions,
  listFiles,
  parseDockerfile,
  readText,
  readYaml,
  repoPath,
  resolveCopySource,
  run,
  toolAvailability,
} from './support.js';

interface DataSource {
  name: string;
  uid: string;
  type: string;
  url?: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, unknown>;
}
interface ComposeService {
  environment?: Record<string, string>;
  volumes?: string[];
  networks?: Record<string, { aliases?: string[] }>;
}

const PROVISIONING = 'deploy/grafana/provisioning';
const compose = readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');
const serviceHosts = new Set(
  Object.entries(compose.services).flatMap(([name, s]) => [name, ...(s.networks?.default?.aliases ?? [])]),
);
const dataSources = readYaml<{ apiVersion: number; datasources: DataSource[] }>(
  `${PROVISIONING}/datasources/beacon.yaml`,
).datasources;
const uids = new Set(dataSources.map((d) => d.uid));
const types = new Set(dataSources.map((d) => d.type));

/** Every value under a key named `datasourceUid` or `…DatasourceUid`, with where it was found. */
function datasourceUidRefs(value: unknown, where: string): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => datasourceUidRefs(v, `${where}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) =>
    /^datasourceUid$|DatasourceUid$/.test(key) && typeof v === 'string'
      ? [[`${where}.${key}`, v] as [string, string]]
      : datasourceUidRefs(v, `${where}.${key}`),
  );
}

/** Every string value in a parsed YAML document (Grafana expands `$VAR` in values, not in comments). */
function stringValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringValues);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringValues);
  return [];
}

/** Compose mount sources (repository paths) by container path, for one service. */
function mounts(service: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const volume of compose.services[service]?.volumes ?? []) {
    const [source = '', target = ''] = volume.split(':');
    if (source.startsWith('./')) out.set(target, source.slice(2));
  }
  return out;
}

/** The repository path a container path comes from, through the service's bind mounts. */
function hostPathOf(service: string, containerPath: string): string | undefined {
  for (const [target, source] of mounts(service)) {
    if (containerPath === target) return source;
    if (containerPath.startsWith(`${target}/`))
      return path.posix.join(source, containerPath.slice(target.length + 1));
  }
  return undefined;
}

describe('Grafana provisioning files', () => {
  const files = listFiles(PROVISIONING);

  it('all parse as YAML with apiVersion 1, and the mounted directory is the one Grafana reads', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      expect(file).toMatch(/\.ya?ml$/);
      expect(readYaml<{ apiVersion?: number }>(file).apiVersion, file).toBe(1);
    }
    expect(mounts('grafana').get('/etc/grafana/provisioning')).toBe(PROVISIONING);
  });

  it('provision Prometheus, Jaeger, Loki and ClickHouse, each uid once', () => {
    expect(uids.size).toBe(dataSources.length);
    for (const type of ['prometheus', 'jaeger', 'loki', 'grafana-clickhouse-datasource']) {
      expect(types, type).toContain(type);
    }
  });

  it('point data sources at compose services', () => {
    for (const ds of dataSources) {
      const host = ds.url ? new URL(ds.url).hostname : String(ds.jsonData?.host);
      expect(serviceHosts, `${ds.name} → ${host}`).toContain(host);
    }
  });

  it('resolve every data source uid a link refers to (trace-to-logs, trace-to-metrics, exemplars, plugin)', () => {
    const refs = files.flatMap((file) => datasourceUidRefs(readYaml(file), file));
    // Jaeger → Loki and → Prometheus, Loki → Jaeger, exemplars → Jaeger, the app plugin → Jaeger and Loki.
    expect(refs.length).toBeGreaterThanOrEqual(6);
    for (const [where, uid] of refs) expect(uids, `${where} = ${uid}`).toContain(uid);
    const jaeger = dataSources.find((d) => d.type === 'jaeger')!.jsonData!;
    expect((jaeger.tracesToLogsV2 as { datasourceUid: string }).datasourceUid).toBe(
      dataSources.find((d) => d.type === 'loki')!.uid,
    );
    expect((jaeger.tracesToMetrics as { datasourceUid: string }).datasourceUid).toBe(
      dataSources.find((d) => d.type === 'prometheus')!.uid,
    );
  });

  it('give trace-to-metrics queries that select by the span tags', () => {
    const jaeger = dataSources.find((d) => d.type === 'jaeger')!.jsonData!;
    const queries = (jaeger.tracesToMetrics as { queries: { query: string }[] }).queries;
    expect(queries.length).toBeGreaterThan(0);
    // `$$` is provisioning's escape for `$`: Grafana sees `$__tags`, replaced by the span's tag selectors.
    for (const { query } of queries) expect(query).toMatch(/\{\$\$__tags\}/);
  });

  it('read only environment variables the Grafana service sets', () => {
    const env = compose.services.grafana!.environment ?? {};
    for (const file of files) {
      for (const text of stringValues(readYaml(file))) {
        for (const match of text.matchAll(/(?<!\$)\$\{?([A-Z][A-Z0-9_]*)\}?/g)) {
          expect(Object.keys(env), `${file} uses $${match[1]}`).toContain(match[1]);
        }
      }
    }
  });

  it('query ClickHouse traces from otel_traces in the database the collector writes', () => {
    const clickhouse = dataSources.find((d) => d.type === 'grafana-clickhouse-datasource')!;
    const traces = clickhouse.jsonData!.traces as Record<string, unknown>;
    expect(traces.defaultTable).toBe('otel_traces');
    expect(traces.otelEnabled).toBe(true);
    expect(traces.durationUnit).toBe('nanoseconds');
    expect(traces.defaultDatabase).toBe('$CLICKHOUSE_DB');
    expect(compose.services.collector!.environment!.BEACON_CLICKHOUSE_DATABASE).toMatch(
      /^\$\{CLICKHOUSE_DB[:}]/,
    );
    expect(clickhouse.secureJsonData?.password).toBe('$CLICKHOUSE_PASSWORD');
  });

  it('configure the Beacon app with the collector URL inside the stack', () => {
    const apps = readYaml<{
      apps: { type: string; disabled: boolean; jsonData: { collectorUrl: string } }[];
    }>(`${PROVISIONING}/plugins/apps.yaml`).apps;
    const pluginJson = JSON.parse(readText('grafana-plugin/src/plugin.json')) as {
      id: string;
      routes: { path: string; url: string }[];
    };
    const app = apps.find((a) => a.type === pluginJson.id);
    expect(app, pluginJson.id).toBeDefined();
    expect(app!.disabled).toBe(false);
    // The plugin's proxy route substitutes this URL server-side: Grafana's container reaches the collector by
    // its service name on the API port.
    expect(pluginJson.routes.some((r) => r.url.includes('.JsonData.collectorUrl'))).toBe(true);
    expect(app!.jsonData.collectorUrl).toBe('http://collector:4320');
  });
});

describe('dashboards', () => {
  const provider = readYaml<{ providers: { type: string; options: { path: string } }[] }>(
    `${PROVISIONING}/dashboards/beacon.yaml`,
  ).providers;
  // The committed dashboards: every JSON file in dashboards/ that is a dashboard (not package.json, tsconfig.json).
  const dashboards = readdirSync(repoPath('dashboards'))
    .filter((f) => f.endsWith('.json'))
    .filter((f) => Array.isArray((JSON.parse(readText(`dashboards/${f}`)) as { panels?: unknown }).panels))
    .sort();

  it('are loaded from the directory the Grafana image copies the committed dashboards into', () => {
    expect(dashboards.length).toBeGreaterThan(0);
    const grafanaImage = parseDockerfile(readText('deploy/grafana/Dockerfile'));
    const finalStage = Math.max(...grafanaImage.map((i) => i.stage));
    const copies = copyInstructions(grafanaImage).filter(
      (c) =>
        c.stage === finalStage && c.from === undefined && c.sources.some((s) => s.startsWith('dashboards/')),
    );
    expect(copies).toHaveLength(1);
    // Exactly the dashboards: Grafana's file provider would try to load any other JSON file as one.
    expect(copies[0]!.sources.flatMap(resolveCopySource).sort()).toEqual(
      dashboards.map((f) => `dashboards/${f}`),
    );
    const destination = copies[0]!.destination.replace(/\/$/, '');
    expect(provider.map((p) => p.options.path)).toContain(destination);
    expect(provider.every((p) => p.type === 'file')).toBe(true);
  });

  it('refer only to provisioned data sources (by uid, or by type through a data source variable)', () => {
    for (const file of dashboards) {
      const dashboard = JSON.parse(readText(`dashboards/${file}`)) as {
        templating?: { list?: { name: string; type: string; query: unknown }[] };
      };
      const variables = new Map(
        (dashboard.templating?.list ?? []).filter((v) => v.type === 'datasource').map((v) => [v.name, v]),
      );
      const refs: { type?: string; uid?: string }[] = [];
      JSON.stringify(dashboard, (key, value: unknown) => {
        if (key === 'datasource' && value && typeof value === 'object') refs.push(value as { uid?: string });
        return value;
      });
      expect(refs.length, file).toBeGreaterThan(0);
      for (const ref of refs) {
        if (ref.type) expect(types, `${file}: data source type ${ref.type}`).toContain(ref.type);
        const variable = /^\$\{?(\w+)\}?$/.exec(ref.uid ?? '')?.[1];
        if (variable) {
          const templated = variables.get(variable);
          expect(templated, `${file}: variable ${variable}`).toBeDefined();
          expect(types, `${file}: variable ${variable}`).toContain(String(templated!.query));
        } else if (ref.uid) {
          expect(uids, `${file}: uid ${ref.uid}`).toContain(ref.uid);
        }
      }
    }
  });
});

describe('Prometheus, Alertmanager and Loki configs', () => {
  const prometheus = readYaml<{
    rule_files: string[];
    alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  }>('deploy/prometheus/prometheus.yml');

  it('Prometheus is mounted with its config, and its rule_files are the alerts/*.rules.yaml files', () => {
    expect(hostPathOf('prometheus', '/etc/prometheus/prometheus.yml')).toBe(
      'deploy/prometheus/prometheus.yml',
    );
    const ruleFiles = readdirSync(repoPath('alerts')).filter((f) => f.endsWith('.rules.yaml'));
    expect(ruleFiles.length).toBeGreaterThan(0);
    const loaded = prometheus.rule_files.flatMap((glob) => {
      const host = hostPathOf('prometheus', path.posix.dirname(glob));
      expect(host, `${glob} is not under a mount`).toBeDefined();
      const pattern = new RegExp(
        `^${path.posix.basename(glob).replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`,
      );
      return readdirSync(repoPath(host!)).filter((f) => pattern.test(f));
    });
    expect(loaded.sort()).toEqual(ruleFiles.sort());
  });

  it('Prometheus sends alerts to, and scrapes, hosts of the stack', () => {
    const targets = [
      ...prometheus.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets)),
      ...prometheus.scrape_configs
        .filter((c) => c.job_name !== 'prometheus')
        .flatMap((c) => c.static_configs.flatMap((s) => s.targets)),
    ];
    for (const target of targets) expect(serviceHosts, target).toContain(target.split(':')[0]);
  });

  it('Alertmanager is mounted with its config', () => {
    expect(hostPathOf('alertmanager', '/etc/alertmanager/alertmanager.yml')).toBe(
      'deploy/alertmanager/alertmanager.yml',
    );
    expect(readYaml<{ route?: unknown }>('deploy/alertmanager/alertmanager.yml').route).toBeDefined();
  });

  it('Loki is mounted with a config that accepts OTLP logs (TSDB, schema v13, structured metadata)', () => {
    const command = (compose.services.loki as { command?: string[] }).command ?? [];
    const configFlag = command.find((c) => c.startsWith('-config.file='))!;
    const file = hostPathOf('loki', configFlag.slice('-config.file='.length));
    expect(file).toBe('deploy/loki/loki.yaml');
    const loki = readYaml<{
      common: { path_prefix: string };
      schema_config: { configs: { store: string; schema: string }[] };
      limits_config: { allow_structured_metadata: boolean };
    }>(file!);
    const latest = loki.schema_config.configs.at(-1)!;
    expect(latest).toMatchObject({ store: 'tsdb', schema: 'v13' });
    expect(loki.limits_config.allow_structured_metadata).toBe(true);
    // Loki's data directory is the named volume.
    expect(compose.services.loki!.volumes).toContain(`loki-data:${loki.common.path_prefix}`);
  });

  const promtool = toolAvailability('promtool', 'prometheus');
  it.skipIf(!promtool.run)(
    'promtool accepts deploy/prometheus/prometheus.yml with the rules as mounted',
    async () => {
      if (promtool.missing) throw new Error(promtool.missing);
      const plain = await run('promtool', ['check', 'config', repoPath('deploy/prometheus/prometheus.yml')]);
      expect(plain.code, plain.stdout + plain.stderr).toBe(0);
      // Again with each rule_files glob pointed at the repository directory compose mounts there.
      const dir = mkdtempSync(path.join(tmpdir(), 'beacon-stack-prometheus-'));
      try {
        const config = parseYaml(readText('deploy/prometheus/prometheus.yml')) as { rule_files: string[] };
        const text = config.rule_files.reduce((acc, glob) => {
          const host = hostPathOf('prometheus', path.posix.dirname(glob))!;
          return acc.replace(glob, path.join(repoPath(host), path.posix.basename(glob)));
        }, readText('deploy/prometheus/prometheus.yml'));
        const file = path.join(dir, 'prometheus.yml');
        writeFileSync(file, text);
        const mounted = await run('promtool', ['check', 'config', file]);
        expect(mounted.code, mounted.stdout + mounted.stderr).toBe(0);
        const ruleFiles = readdirSync(repoPath('alerts')).filter((f) => f.endsWith('.rules.yaml'));
        expect(mounted.stdout + mounted.stderr).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
