// The Helm chart (deploy/k8s/beacon), checked without Helm (no Helm binary can be installed here, so `helm template`
// cannot run): the chart's YAML/JSON parses, values.yaml satisfies values.schema.json (ajv), every template's actions
// are balanced and name only values, helpers and files that exist, the collector gets only settings it knows, the
// Grafana provisioning agrees with the dashboards and the plugin, and the chart's dashboard copies are current.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { SETTINGS } from '../../collector/src/config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CHART = path.join(ROOT, 'deploy/k8s/beacon');
const TEMPLATES = path.join(CHART, 'templates');

const read = (file: string) => readFile(file, 'utf8');
const templateFiles = async () => (await readdir(TEMPLATES)).sort();
const templates = async () =>
  Promise.all(
    (await templateFiles()).map(async (name) => ({ name, text: await read(path.join(TEMPLATES, name)) })),
  );

type Json = Record<string, unknown>;
const values = async () => parseYaml(await read(path.join(CHART, 'values.yaml'))) as Json;
const schema = async () => JSON.parse(await read(path.join(CHART, 'values.schema.json'))) as Json;

function lookup(root: unknown, dotted: string): unknown {
  let node: unknown = root;
  for (const key of dotted.split('.').filter(Boolean)) {
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

/** The `{{ … }}` actions of a template, in order. */
function actions(text: string): string[] {
  return [...text.matchAll(/\{\{(.*?)\}\}/gs)].map((m) => m[1]!.replace(/^-\s*|\s*-$/g, '').trim());
}

describe('chart files', () => {
  test('Chart.yaml and values.yaml parse; the chart is a Helm 3 application chart', async () => {
    const chart = parseYaml(await read(path.join(CHART, 'Chart.yaml'))) as Json;
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'beacon', type: 'application' });
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await values()).toHaveProperty('collector.image.repository');
  });

  test('values.yaml validates against values.schema.json, and the schema rejects what would break the release', async () => {
    const validate = new Ajv({ allErrors: true, strict: true }).compile(await schema());
    const defaults = await values();
    expect(validate(defaults), JSON.stringify(validate.errors)).toBe(true);

    const withValue = (dotted: string, value: unknown) => {
      const copy = structuredClone(defaults);
      const keys = dotted.split('.');
      const parent = lookup(copy, keys.slice(0, -1).join('.')) as Json;
      if (value === undefined) delete parent[keys.at(-1)!];
      else parent[keys.at(-1)!] = value;
      return copy;
    };
    for (const [dotted, value] of [
      ['collector.replicaCount', 0],
      ['collector.replicas', 3], // a typo of replicaCount
      ['collector.autoscaling.targetCPUUtilizationPercentage', 'high'],
      ['collector.config.logLevel', 'verbose'],
      ['clickhouse.url', undefined],
      ['clickhouse.url', 'clickhouse:8123'],
      ['clickhouse.cluster', "c' ON CLUSTER x"],
      ['clickhouse.database', 'my-db'],
      ['collector.service.ports.api', 70000],
    ] as const) {
      expect(validate(withValue(dotted, value)), `${dotted}=${JSON.stringify(value)}`).toBe(false);
    }
    expect(validate(withValue('clickhouse.cluster', 'beacon_cluster'))).toBe(true);
  });

  test('the dashboard copies in the chart are current (node deploy/k8s/sync-dashboards.mjs)', async () => {
    const dashboards = async (dir: string) => {
      const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
      const entries = await Promise.all(names.map(async (n) => [n, await read(path.join(dir, n))] as const));
      return new Map(entries.filter(([, text]) => Array.isArray((JSON.parse(text) as Json).panels)));
    };
    const source = await dashboards(path.join(ROOT, 'dashboards'));
    expect(source.size).toBeGreaterThan(0);
    expect(await dashboards(path.join(CHART, 'files/dashboards'))).toEqual(source);
    // The script agrees.
    await promisify(execFile)(process.execPath, [
      path.join(ROOT, 'deploy/k8s/sync-dashboards.mjs'),
      '--check',
    ]);
  });
});

describe('templates', () => {
  test('every action is closed and every if/with/range/define has its end', async () => {
    for (const { name, text } of await templates()) {
      expect(text.split('{{').length, `${name}: {{ vs }}`).toBe(text.split('}}').length);
      expect(text, name).not.toMatch(/\{\{[^}]*\{\{/);
      let depth = 0;
      for (const action of actions(text)) {
        if (/^(if|with|range|define|block)\b/.test(action)) depth++;
        if (/^end\b/.test(action)) depth--;
        expect(depth, `${name}: {{ end }} without an opening action`).toBeGreaterThanOrEqual(0);
      }
      expect(depth, `${name}: unclosed if/with/range/define`).toBe(0);
    }
  });

  test('every .Values path (and $variable bound to one) exists in values.yaml', async () => {
    const defaults = await values();
    let checked = 0;
    for (const { name, text } of await templates()) {
      const variables = new Map(
        [...text.matchAll(/\$(\w+)\s*:=\s*\.Values((?:\.\w+)+)/g)].map((m) => [m[1]!, m[2]!]),
      );
      const paths = [
        ...[...text.matchAll(/\.Values((?:\.\w+)+)/g)].map((m) => m[1]!),
        ...[...text.matchAll(/\$(\w+)((?:\.\w+)+)/g)]
          .filter((m) => variables.has(m[1]!))
          .map((m) => variables.get(m[1]!)! + m[2]!),
      ];
      for (const dotted of paths) {
        expect(lookup(defaults, dotted), `${name}: .Values${dotted}`).not.toBeUndefined();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  test('every include names a defined helper, and every .Files glob matches files in the chart', async () => {
    const all = await templates();
    const defined = new Set(
      all.flatMap(({ text }) => [...text.matchAll(/define "([^"]+)"/g)].map((m) => m[1]!)),
    );
    for (const { name, text } of all) {
      for (const [, helper] of text.matchAll(/include "([^"]+)"/g))
        expect(defined, `${name}: ${helper}`).toContain(helper);
      for (const [, included] of text.matchAll(/print \$\.Template\.BasePath "\/([^"]+)"/g)) {
        expect(existsSync(path.join(TEMPLATES, included!)), `${name}: ${included}`).toBe(true);
      }
      for (const [, glob] of text.matchAll(/\.Files\.Glob "([^"]+)"/g)) {
        const [dir, pattern] = [path.dirname(glob!), path.basename(glob!)];
        const suffix = pattern.replace(/^\*/, '');
        const matches = (await readdir(path.join(CHART, dir))).filter((f) => f.endsWith(suffix));
        expect(matches.length, `${name}: ${glob}`).toBeGreaterThan(0);
      }
    }
  });

  test('the collector gets only settings it knows, through its env names', async () => {
    const known = new Set<string>(Object.values(SETTINGS).map((setting) => setting.env));
    const collectorTemplates = (await templates()).filter(({ name }) => name.startsWith('collector-'));
    const names = new Set(collectorTemplates.flatMap(({ text }) => text.match(/\bBEACON_[A-Z_]+\b/g) ?? []));
    expect(names).toContain('BEACON_CLICKHOUSE_CLUSTER');
    for (const env of names) expect(known, env).toContain(env);
  });

  test('the structure around the actions is YAML: each template parses with its actions blanked', async () => {
    // Not a rendering: actions become a plain scalar, control lines disappear. It catches indentation and quoting
    // mistakes in the static part of every manifest.
    for (const { name, text } of await templates()) {
      if (!name.endsWith('.yaml')) continue;
      const blanked = text
        .split('\n')
        .filter((line) => !/^\s*\{\{-?\s*(if|else|end|with|range|\$\w+ :=|\/\*)[^}]*\}\}\s*$/.test(line))
        .map((line, i) => line.replace(/^(\s*)\{\{-?[^}]*\|\s*nindent \d+\s*\}\}\s*$/, `$1_included_${i}: x`))
        .map((line) => line.replace(/\{\{-?[^}]*?-?\}\}/g, 'x'))
        .join('\n');
      for (const doc of parseAllDocuments(blanked)) expect(doc.errors, `${name}\n${blanked}`).toEqual([]);
    }
  });
});

describe('Grafana provisioning', () => {
  const datasourceUids = async () => {
    const text = await read(path.join(TEMPLATES, 'grafana-datasources.yaml'));
    return new Map([...text.matchAll(/type: ([\w-]+)\n\s+uid: (\w+)/g)].map((m) => [m[2]!, m[1]!]));
  };

  test('data sources: the uids Beacon dashboards and the app plugin expect, and links only to those', async () => {
    const uids = await datasourceUids();
    expect(Object.fromEntries(uids)).toEqual({
      prometheus: 'prometheus',
      clickhouse: 'grafana-clickhouse-datasource',
      jaeger: 'jaeger',
      loki: 'loki',
      alertmanager: 'alertmanager',
    });
    const text = await read(path.join(TEMPLATES, 'grafana-datasources.yaml'));
    for (const [, uid] of text.matchAll(/datasourceUid: (\w+)/g)) expect(uids.has(uid!), uid).toBe(true);
    expect(text).toContain('defaultTable: otel_traces');
    expect(text).toContain('traceTimestampTableSuffix: _trace_id_ts');

    // The dashboards' ClickHouse variable defaults to the provisioned uid.
    for (const file of (await readdir(path.join(CHART, 'files/dashboards'))).filter((f) =>
      f.endsWith('.json'),
    )) {
      const dashboard = JSON.parse(await read(path.join(CHART, 'files/dashboards', file))) as {
        templating?: { list?: { name: string; type: string; current?: { value?: string } }[] };
      };
      for (const variable of dashboard.templating?.list ?? []) {
        if (variable.type === 'datasource' && variable.current?.value) {
          expect(uids.has(variable.current.value), `${file}: ${variable.name}`).toBe(true);
        }
      }
    }
  });

  test("the app plugin's provisioning names the plugin and data sources that exist", async () => {
    const plugin = JSON.parse(await read(path.join(ROOT, 'grafana-plugin/src/plugin.json'))) as {
      id: string;
    };
    const text = await read(path.join(TEMPLATES, 'grafana-plugin.yaml'));
    expect(text).toContain(`- type: ${plugin.id}\n`);
    const defaults = await values();
    const uids = await datasourceUids();
    expect(uids.has(lookup(defaults, 'grafana.plugin.jaegerDatasourceUid') as string)).toBe(true);
    expect(uids.has(lookup(defaults, 'grafana.plugin.lokiDatasourceUid') as string)).toBe(true);
    // No secret in a ConfigMap.
    expect(text).not.toMatch(/^\s*secureJsonData:/m);
  });

  const composeDatasources = path.join(ROOT, 'deploy/grafana/provisioning/datasources');
  test.runIf(existsSync(composeDatasources))(
    "matches the compose stack's data sources (deploy/grafana/provisioning)",
    async () => {
      const compose = new Map<string, string>();
      for (const file of await readdir(composeDatasources)) {
        if (!/\.ya?ml$/.test(file)) continue;
        const doc = parseYaml(await read(path.join(composeDatasources, file))) as {
          datasources?: { uid?: string; type: string }[];
        };
        for (const ds of doc.datasources ?? []) if (ds.uid) compose.set(ds.uid, ds.type);
      }
      expect(Object.fromEntries(await datasourceUids())).toEqual(Object.fromEntries(compose));
      // The same links between them (trace → logs / metrics, exemplars, log → trace).
      const links = (text: string) => [...text.matchAll(/datasourceUid: (\w+)/g)].map((m) => m[1]).sort();
      const composeText = (
        await Promise.all(
          (await readdir(composeDatasources)).map((f) => read(path.join(composeDatasources, f))),
        )
      ).join('\n');
      expect(links(await read(path.join(TEMPLATES, 'grafana-datasources.yaml')))).toEqual(links(composeText));
    },
  );
});
