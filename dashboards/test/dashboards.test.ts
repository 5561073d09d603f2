import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildDashboards, dashboardFilePath, dashboardFileText } from '../src/generate.js';
import { listPromQueries, substituteVariables, variablePromQL } from '../src/queries.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const REGENERATE = 'run `npx tsc -b dashboards && npm run generate -w dashboards` and commit the result';

const dashboards = buildDashboards();

interface Panel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: { unit?: string }; overrides?: { properties: { id: string }[] }[] };
  targets?: {
    refId?: string;
    expr?: string;
    rawSql?: string;
    datasource?: { type?: string; uid?: string };
  }[];
  panels?: Panel[];
}

const panelsOf = (json: Record<string, unknown>) => (json.panels ?? []) as Panel[];
const variablesOf = (json: Record<string, unknown>) =>
  ((json.templating as { list?: { name: string; type: string; query?: unknown }[] }).list ?? []) as {
    name: string;
    type: string;
    query?: unknown;
  }[];

describe('generated dashboards', () => {
  it('are the four Beacon dashboards with stable uids', () => {
    expect(dashboards.map((d) => d.uid)).toEqual([
      'beacon-agent-overview',
      'beacon-token-cost',
      'beacon-tools',
      'beacon-collector-health',
    ]);
  });

  it.each(dashboards.map((d) => [d.uid, d] as const))('%s: committed JSON is up to date', (uid, { json }) => {
    const path = dashboardFilePath(uid);
    expect(existsSync(path), `dashboards/${uid}.json is missing: ${REGENERATE}`).toBe(true);
    expect(
      readFileSync(path, 'utf8') === dashboardFileText(json),
      `dashboards/${uid}.json is stale: ${REGENERATE}`,
    ).toBe(true);
  });

  it('no stale dashboard JSON files remain', () => {
    const generated = new Set(dashboards.map((d) => `${d.uid}.json`));
    const stale = readdirSync(PACKAGE_DIR).filter(
      (f) => f.endsWith('.json') && !['package.json', 'tsconfig.json'].includes(f) && !generated.has(f),
    );
    expect(
      stale,
      `dashboards/ holds JSON the generator no longer produces: delete ${stale.join(', ')}`,
    ).toEqual([]);
  });

  it.each(dashboards.map((d) => [d.uid, d] as const))('%s: is well formed', (uid, { json }) => {
    expect(json.title).toMatch(/^Beacon \/ /);
    expect(json.tags).toContain('beacon');
    expect(typeof json.schemaVersion).toBe('number');
    expect(uid.length).toBeLessThanOrEqual(40);

    const variables = variablesOf(json);
    const variableNames = new Set(variables.map((v) => v.name));
    expect(variables.find((v) => v.name === 'datasource')).toMatchObject({
      type: 'datasource',
      query: 'prometheus',
    });

    const panels = panelsOf(json);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size, 'panel ids are unique').toBe(ids.length);
    expect(ids.every((id) => typeof id === 'number' && id > 0)).toBe(true);

    const cells = new Map<string, string>();
    for (const panel of panels) {
      const where = `${uid} / ${panel.title ?? panel.type}`;
      const pos = panel.gridPos;
      expect(pos, `${where}: gridPos`).toBeDefined();
      if (!pos) continue;
      expect(
        pos.x >= 0 && pos.w > 0 && pos.x + pos.w <= 24 && pos.h > 0,
        `${where}: gridPos within 24 columns`,
      ).toBe(true);
      for (let x = pos.x; x < pos.x + pos.w; x++) {
        for (let y = pos.y; y < pos.y + pos.h; y++) {
          const other = cells.get(`${x},${y}`);
          expect(other, `${where} overlaps ${other}`).toBeUndefined();
          cells.set(`${x},${y}`, where);
        }
      }
      if (panel.type === 'row') continue;

      expect(panel.title, `${where}: title`).toBeTruthy();
      expect(panel.description?.length ?? 0, `${where}: description`).toBeGreaterThan(20);
      const units = [
        panel.fieldConfig?.defaults?.unit,
        ...(panel.fieldConfig?.overrides ?? []).flatMap((o) => o.properties.filter((p) => p.id === 'unit')),
      ].filter((u) => u !== undefined);
      expect(units.length, `${where}: has a unit`).toBeGreaterThan(0);

      const targets = panel.targets ?? [];
      expect(targets.length, `${where}: has queries`).toBeGreaterThan(0);
      const refIds = targets.map((t) => t.refId);
      expect(new Set(refIds).size, `${where}: unique refIds`).toBe(refIds.length);
      for (const target of targets) {
        const ds = target.datasource ?? panel.datasource;
        if (ds?.type === 'prometheus') {
          expect(ds.uid, `${where}: Prometheus through the datasource variable`).toBe(`\${datasource}`);
          expect(target.expr, `${where}: expr`).toBeTruthy();
        } else {
          expect(ds, `${where}: ClickHouse query`).toEqual({
            type: 'grafana-clickhouse-datasource',
            uid: `\${clickhouse}`,
          });
          expect(target.rawSql, `${where}: rawSql`).toBeTruthy();
        }
        const text = target.expr ?? target.rawSql ?? '';
        for (const [, name] of text.matchAll(/\$\{?(\w+)/g)) {
          if (name?.startsWith('__')) continue;
          expect(variableNames.has(name ?? ''), `${where}: uses undefined variable $${name}`).toBe(true);
        }
      }
    }
  });
});

describe('PromQL', () => {
  const queries = listPromQueries(dashboards);

  it('lists every Prometheus target and variable query', () => {
    const targets = dashboards.flatMap(({ json }) =>
      panelsOf(json).flatMap((p) =>
        (p.targets ?? []).filter((t) => (t.datasource ?? p.datasource)?.type === 'prometheus'),
      ),
    );
    const variables = dashboards.flatMap(({ json }) =>
      variablesOf(json).filter(
        (v) => v.type === 'query' && typeof v.query === 'string' && variablePromQL(v.query),
      ),
    );
    expect(queries.length).toBe(targets.length + variables.length);
    for (const q of queries) expect(q.promql, `${q.dashboard} / ${q.panel}`).not.toMatch(/\$|\[\[/);
  });

  it('substitutes Grafana placeholders', () => {
    expect(
      substituteVariables(`rate(x{a=~"$a", b=~"\${b}", c=~"\${c:regex}"}[$__rate_interval])`, { a: 'A' }),
    ).toBe('rate(x{a=~"A", b=~".*", c=~".*"}[5m])');
    expect(variablePromQL('label_values(up{job=~"$job"}, instance)')).toBe('up{job=~"$job"}');
    expect(variablePromQL('label_values(instance)')).toBeUndefined();
  });

  // promtool comes with Debian's prometheus package, which .ci/run installs: a missing promtool fails the test.
  const promtool = process.env.PROMTOOL ?? 'promtool';

  it('every expression parses (promtool check rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'beacon-dashboards-'));
    try {
      const file = join(dir, 'rules.json');
      // JSON is YAML: promtool reads it as a rules file.
      const rules = queries.map((q, n) => ({ record: `beacon:check:${n}`, expr: q.promql }));
      writeFileSync(file, JSON.stringify({ groups: [{ name: 'beacon-dashboards', rules }] }));
      const result = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
      const failures = [...`${result.stdout}\n${result.stderr}`.matchAll(/"beacon:check:(\d+)": (.*)/g)].map(
        ([, n, error]) => {
          const q = queries[Number(n)];
          return `${q?.dashboard} / ${q?.panel} (${q?.refId}): ${error}\n    ${q?.promql}`;
        },
      );
      expect(failures, `PromQL that does not parse:\n${failures.join('\n')}`).toEqual([]);
      expect(result.status, `promtool failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
