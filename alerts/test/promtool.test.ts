// Beacon's alert rules, their promtool unit tests, and the Prometheus and Alertmanager configs that load them:
// promtool and amtool must accept everything, every alert must have a firing and a quiet unit test case and a
// runbook section, and a real Alertmanager must route and inhibit as alerts/README.md says.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYamlText } from 'yaml';
import { freePort } from '../../test/integration/prometheus-server.js';

const ALERTS_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROOT = path.resolve(ALERTS_DIR, '..');
const TESTS_DIR = path.join(ALERTS_DIR, 'tests');
const PROMETHEUS_CONFIG = path.join(ROOT, 'deploy/prometheus/prometheus.yml');
const ALERTMANAGER_CONFIG = path.join(ROOT, 'deploy/alertmanager/alertmanager.yml');
const README = path.join(ALERTS_DIR, 'README.md');
const THRESHOLDS_FILE = 'beacon-thresholds.rules.yaml';
/** Self-contained (the bands are the budget feature, not tunable thresholds): its tests load it alone. */
const BUDGETS_FILE = 'beacon-budgets.rules.yaml';
/** Where every runbook_url points: this directory's README on the repository's default branch. */
const RUNBOOK_BASE = 'alerts/README.md';
/** The glob deploy/prometheus/prometheus.yml loads rules from (alerts/ mounted there in compose). */
const MOUNTED_RULES_DIR = '/etc/prometheus/rules/';
const SEVERITIES = ['critical', 'warning', 'info'];
const COMPONENTS = ['genai', 'collector', 'data-quality', 'alerting'];

const ruleFiles = readdirSync(ALERTS_DIR)
  .filter((f) => f.endsWith('.rules.yaml'))
  .sort();
const testFiles = readdirSync(TESTS_DIR)
  .filter((f) => f.endsWith('.test.yaml'))
  .sort();

// ---- tools -------------------------------------------------------------------------------------------------

interface Run {
  code: number;
  output: string;
}

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir && existsSync(path.join(dir, binary)));
}

function tool(...candidates: string[]): string {
  const found = candidates.find(onPath);
  if (!found) {
    throw new Error(
      `${candidates.join(' / ')} not found on PATH: install Debian's prometheus and prometheus-alertmanager ` +
        'packages (apt-get install prometheus prometheus-alertmanager), as .ci/run does',
    );
  }
  return found;
}

function run(binary: string, args: string[], cwd = ROOT): Promise<Run> {
  return new Promise((resolve) => {
    execFile(binary, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({
        code,
        output: `${stdout}${stderr}${err && typeof err.code !== 'number' ? err.message : ''}`,
      });
    });
  });
}

/** Fails with the tool's own output, so a broken rule or test reads like promtool's report. */
function expectSuccess(result: Run, what: string): void {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.output}`);
}

// ---- the rule and test files, parsed -------------------------------------------------------------------------

/** YAML read with the failsafe schema: every scalar stays the string promtool would see. */
type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };
type YamlMap = { [key: string]: YamlValue };

function parseYaml(source: string): YamlValue {
  return parseYamlText(source, { schema: 'failsafe' }) as YamlValue;
}

function asMap(value: YamlValue | undefined, where: string): YamlMap {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where}: expected a mapping`);
  }
  return value;
}

function asList(value: YamlValue | undefined, where: string): YamlValue[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${where}: expected a sequence`);
  return value;
}

function asString(value: YamlValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function load(file: string): YamlMap {
  return asMap(parseYaml(readFileSync(file, 'utf8')), file);
}

interface AlertRule {
  file: string;
  name: string;
  expr: string;
  labels: YamlMap;
  annotations: YamlMap;
}

interface RecordingRule {
  file: string;
  name: string;
  expr: string;
}

const alerts: AlertRule[] = [];
const records: RecordingRule[] = [];
for (const file of ruleFiles) {
  for (const [g, group] of asList(load(path.join(ALERTS_DIR, file)).groups, file).entries()) {
    for (const [r, rule] of asList(
      asMap(group, `${file} group ${g}`).rules,
      `${file} group ${g}`,
    ).entries()) {
      const where = `${file} group ${g} rule ${r}`;
      const map = asMap(rule, where);
      const expr = asString(map.expr) ?? '';
      const alert = asString(map.alert);
      const record = asString(map.record);
      if (alert !== undefined) {
        alerts.push({
          file,
          name: alert,
          expr,
          labels: asMap(map.labels ?? {}, `${where} labels`),
          annotations: asMap(map.annotations ?? {}, `${where} annotations`),
        });
      } else if (record !== undefined) {
        records.push({ file, name: record, expr });
      } else {
        throw new Error(`${where}: neither alert nor record`);
      }
    }
  }
}
const alertNames = new Set(alerts.map((a) => a.name));

interface AlertCase {
  file: string;
  test: string;
  evalTime: string;
  alertname: string;
  expAlerts: YamlMap[];
}

const alertCases: AlertCase[] = [];
const exprTests: { file: string; expr: string; samples: string[] }[] = [];
const testRuleFiles = new Map<string, string[]>();
for (const file of testFiles) {
  const doc = load(path.join(TESTS_DIR, file));
  testRuleFiles.set(
    file,
    asList(doc.rule_files, `${file} rule_files`).map((f) => path.resolve(TESTS_DIR, asString(f) ?? '')),
  );
  for (const [t, test] of asList(doc.tests, `${file} tests`).entries()) {
    const testMap = asMap(test, `${file} test ${t}`);
    const testName = asString(testMap.name) ?? `#${t}`;
    for (const c of asList(testMap.alert_rule_test, `${file} ${testName}`)) {
      const caseMap = asMap(c, `${file} ${testName} alert_rule_test`);
      alertCases.push({
        file,
        test: testName,
        evalTime: asString(caseMap.eval_time) ?? '',
        alertname: asString(caseMap.alertname) ?? '',
        expAlerts: asList(caseMap.exp_alerts, `${file} ${testName} exp_alerts`).map((a) =>
          asMap(a, `${file} ${testName} exp_alerts`),
        ),
      });
    }
    for (const e of asList(testMap.promql_expr_test, `${file} ${testName}`)) {
      const exprMap = asMap(e, `${file} ${testName} promql_expr_test`);
      exprTests.push({
        file,
        expr: asString(exprMap.expr) ?? '',
        samples: asList(exprMap.exp_samples, `${file} ${testName} exp_samples`).map(
          (s) => asString(asMap(s, `${file} exp_samples`).labels) ?? '',
        ),
      });
    }
  }
}

/** `beacon:threshold:<name>` references in a PromQL expression. */
function thresholdsIn(expr: string): string[] {
  return [...expr.matchAll(/beacon:threshold:[a-zA-Z0-9_]+/g)].map((m) => m[0]);
}

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces → dashes. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

// ---- promtool and amtool ---------------------------------------------------------------------------------------

describe('promtool', () => {
  it('accepts the rule files (promtool check rules)', async () => {
    expect(ruleFiles).toEqual([
      'beacon-alerts.rules.yaml',
      BUDGETS_FILE,
      'beacon-recording.rules.yaml',
      'beacon-thresholds.rules.yaml',
    ]);
    expectSuccess(
      await run(tool('promtool'), ['check', 'rules', ...ruleFiles], ALERTS_DIR),
      'promtool check rules',
    );
  });

  it('passes the unit tests (promtool test rules alerts/tests/*.test.yaml)', async () => {
    expect(testFiles.length).toBeGreaterThan(0);
    const result = await run(tool('promtool'), ['test', 'rules', ...testFiles], TESTS_DIR);
    expectSuccess(result, 'promtool test rules');
    expect(result.output).not.toContain('FAILED');
  });

  it('accepts deploy/prometheus/prometheus.yml (promtool check config)', async () => {
    expectSuccess(
      await run(tool('promtool'), ['check', 'config', PROMETHEUS_CONFIG]),
      'promtool check config',
    );
  });

  it('loads every rule file through the config when alerts/ is mounted at its rule_files glob', async () => {
    const config = readFileSync(PROMETHEUS_CONFIG, 'utf8');
    expect(config).toContain(`${MOUNTED_RULES_DIR}*.rules.yaml`);
    expect(config).toMatch(/job_name: beacon-collector\n/);
    expect(config).toContain("targets: ['beacon-collector:4320']");
    expect(config).toContain("targets: ['alertmanager:9093']");
    const dir = await mkdtemp(path.join(tmpdir(), 'beacon-alerts-'));
    try {
      const file = path.join(dir, 'prometheus.yml');
      await writeFile(file, config.replaceAll(MOUNTED_RULES_DIR, `${ALERTS_DIR}${path.sep}`));
      const result = await run(tool('promtool'), ['check', 'config', file]);
      expectSuccess(result, 'promtool check config (rules from alerts/)');
      expect(result.output).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('alertmanager config', () => {
  it('passes amtool check-config', async () => {
    expectSuccess(await run(tool('amtool'), ['check-config', ALERTMANAGER_CONFIG]), 'amtool check-config');
  });

  it.each([
    ['critical', 'beacon-critical'],
    ['warning', 'beacon-default'],
    ['info', 'beacon-info'],
  ])('routes severity=%s to %s', async (severity, receiver) => {
    const result = await run(tool('amtool'), [
      'config',
      'routes',
      'test',
      `--config.file=${ALERTMANAGER_CONFIG}`,
      `severity=${severity}`,
      'alertname=BeaconTest',
    ]);
    expectSuccess(result, 'amtool config routes test');
    expect(result.output.split('\n')[0]?.trim()).toBe(receiver);
  });

  it('routes every alert by its severity', async () => {
    for (const alert of alerts) {
      const severity = asString(alert.labels.severity) ?? '';
      const result = await run(tool('amtool'), [
        'config',
        'routes',
        'test',
        `--config.file=${ALERTMANAGER_CONFIG}`,
        `alertname=${alert.name}`,
        `severity=${severity}`,
        `component=${asString(alert.labels.component) ?? ''}`,
      ]);
      expectSuccess(result, `amtool config routes test (${alert.name})`);
      const expected = { critical: 'beacon-critical', info: 'beacon-info' }[severity] ?? 'beacon-default';
      expect(result.output.split('\n')[0]?.trim(), alert.name).toBe(expected);
    }
  });
});

// ---- a real Alertmanager: inhibition ------------------------------------------------------------------------

async function poll<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('alertmanager inhibition (real Alertmanager with deploy/alertmanager/alertmanager.yml)', () => {
  let child: ChildProcess | undefined;
  let dir = '';
  let url = '';
  let logs = '';

  beforeAll(async () => {
    const binary = tool('prometheus-alertmanager', 'alertmanager');
    dir = await mkdtemp(path.join(tmpdir(), 'beacon-alertmanager-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(
      binary,
      [
        `--config.file=${ALERTMANAGER_CONFIG}`,
        `--storage.path=${dir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (d: Buffer) => {
      logs += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      logs += d.toString();
    });
    await poll('Alertmanager to be ready', async () => {
      if (child?.exitCode !== null) throw new Error(`Alertmanager exited:\n${logs}`);
      const res = await fetch(`${url}/-/ready`);
      return res.ok ? true : undefined;
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('mutes what a down collector or failing ClickHouse makes noise, and nothing else', async () => {
    const startsAt = new Date().toISOString();
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const collector = { job: 'beacon-collector', component: 'collector' };
    const sent: { key: string; labels: Record<string, string>; inhibited: boolean }[] = [
      // c1 is down: its other collector alerts and every GenAI / data-quality alert are muted
      {
        key: 'down c1',
        labels: { alertname: 'BeaconCollectorDown', severity: 'critical', instance: 'c1:4320', ...collector },
        inhibited: false,
      },
      {
        key: 'backlog c1',
        labels: {
          alertname: 'BeaconExportQueueBacklog',
          severity: 'warning',
          instance: 'c1:4320',
          ...collector,
        },
        inhibited: true,
      },
      {
        key: 'backlog c2',
        labels: {
          alertname: 'BeaconExportQueueBacklog',
          severity: 'warning',
          instance: 'c2:4320',
          ...collector,
        },
        inhibited: false,
      },
      {
        key: 'token burn',
        labels: {
          alertname: 'BeaconTokenBurnRateHigh',
          severity: 'warning',
          component: 'genai',
          service: 'shop',
          agent: 'planner',
        },
        inhibited: true,
      },
      {
        key: 'unpriced',
        labels: { alertname: 'BeaconModelUnpriced', severity: 'info', component: 'data-quality', model: 'x' },
        inhibited: true,
      },
      {
        key: 'thresholds missing',
        labels: {
          alertname: 'BeaconAlertThresholdsMissing',
          severity: 'warning',
          component: 'alerting',
          threshold: 'cost_usd_per_hour',
        },
        inhibited: false,
      },
      // c3's ClickHouse writes fail: its queue backlog and rejections are symptoms
      {
        key: 'clickhouse c3',
        labels: {
          alertname: 'BeaconClickHouseWriteErrors',
          severity: 'critical',
          instance: 'c3:4320',
          ...collector,
        },
        inhibited: false,
      },
      {
        key: 'rejected c3',
        labels: {
          alertname: 'BeaconSpansRejected',
          severity: 'warning',
          instance: 'c3:4320',
          reason: 'queue_full',
          ...collector,
        },
        inhibited: true,
      },
      {
        key: 'dropped c3',
        labels: { alertname: 'BeaconSpansDropped', severity: 'critical', instance: 'c3:4320', ...collector },
        inhibited: false,
      },
    ];
    const post = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sent.map((a) => ({ labels: a.labels, startsAt, endsAt }))),
    });
    expect(post.status, await post.text()).toBe(200);

    const keyOf = (labels: Record<string, string>) =>
      sent.find((a) => Object.entries(a.labels).every(([k, v]) => labels[k] === v))?.key ?? '?';
    const expected = Object.fromEntries(sent.map((a) => [a.key, a.inhibited]));
    let got: Record<string, boolean> = {};
    await poll(
      'the inhibition state to settle',
      async () => {
        const res = await fetch(`${url}/api/v2/alerts`);
        const body = (await res.json()) as {
          labels: Record<string, string>;
          status: { inhibitedBy: string[] };
        }[];
        got = Object.fromEntries(body.map((a) => [keyOf(a.labels), a.status.inhibitedBy.length > 0]));
        return JSON.stringify(got, Object.keys(expected).sort()) ===
          JSON.stringify(expected, Object.keys(expected).sort())
          ? true
          : undefined;
      },
      10_000,
    ).catch(() => undefined);
    expect(got).toEqual(expected);
  });
});

// ---- coverage: every alert tested both ways, documented, and well-formed ----------------------------------

describe('alert rules', () => {
  const readme = readFileSync(README, 'utf8');
  const runbookAnchors = new Set(
    [...readme.matchAll(/^### (.+)$/gm)].map((m) => anchorOf(m[1] ?? '')).filter((a) => a !== ''),
  );

  it('were all parsed', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(15);
    expect(new Set(alerts.map((a) => a.name)).size, 'alert names are unique').toBe(alerts.length);
    expect(records.length).toBeGreaterThan(0);
  });

  it.each(alerts.map((a) => [a.name, a] as const))(
    '%s has labels, annotations and a runbook',
    (name, alert) => {
      expect(SEVERITIES, `${name} severity`).toContain(asString(alert.labels.severity));
      expect(COMPONENTS, `${name} component`).toContain(asString(alert.labels.component));
      for (const annotation of ['summary', 'description', 'runbook_url']) {
        expect(asString(alert.annotations[annotation])?.trim(), `${name} ${annotation}`).toBeTruthy();
      }
      const anchor = name.toLowerCase();
      expect(asString(alert.annotations.runbook_url)).toBe(`${RUNBOOK_BASE}#${anchor}`);
      expect(runbookAnchors.has(anchor), `alerts/README.md has a "### ${name}" runbook section`).toBe(true);
      // Templated: the values in the text come from the series, not from copy.
      expect(asString(alert.annotations.description), `${name} description uses templating`).toMatch(
        /\{\{.+\}\}/,
      );
    },
  );

  it.each(alerts.map((a) => [a.name] as const))('%s has a firing and a quiet unit test case', (name) => {
    const cases = alertCases.filter((c) => c.alertname === name);
    const firing = cases.filter((c) => c.expAlerts.length > 0);
    const quiet = cases.filter((c) => c.expAlerts.length === 0);
    expect(firing.length, `${name}: a case in alerts/tests/ where it fires`).toBeGreaterThan(0);
    expect(
      quiet.length,
      `${name}: a case in alerts/tests/ with exp_alerts: [] (below threshold or too short)`,
    ).toBeGreaterThan(0);
    for (const c of firing) {
      for (const exp of c.expAlerts) {
        const labels = asMap(exp.exp_labels ?? {}, `${c.file} ${c.test} exp_labels`);
        const annotations = asMap(exp.exp_annotations ?? {}, `${c.file} ${c.test} exp_annotations`);
        // promtool compares exactly what is given: the case must give the complete set.
        expect(Object.keys(labels), `${c.file} "${c.test}" at ${c.evalTime}: exp_labels`).toEqual(
          expect.arrayContaining(['severity', 'component']),
        );
        expect(
          Object.keys(annotations).sort(),
          `${c.file} "${c.test}" at ${c.evalTime}: exp_annotations`,
        ).toEqual(['description', 'runbook_url', 'summary']);
      }
    }
  });

  it('tests name only alerts that exist (promtool passes a misspelt alertname with exp_alerts: [])', () => {
    const unknown = alertCases.filter((c) => !alertNames.has(c.alertname));
    expect(unknown.map((c) => `${c.file} "${c.test}": ${c.alertname}`)).toEqual([]);
  });

  it('test files load rule files that exist, and the alert tests load all three', () => {
    for (const [file, loaded] of testRuleFiles) {
      for (const f of loaded) expect(existsSync(f), `${file} loads ${f}`).toBe(true);
      const names = loaded.map((f) => path.basename(f));
      const isAlertTest = alertCases.some((c) => c.file === file);
      if (names.includes(BUDGETS_FILE)) {
        expect(names, `${file} rule_files`).toEqual([BUDGETS_FILE]);
      } else if (isAlertTest && file !== 'thresholds-missing.test.yaml') {
        expect(names.sort(), `${file} rule_files`).toEqual(
          ruleFiles.filter((f) => f !== BUDGETS_FILE).sort(),
        );
      }
    }
  });

  it('every recording rule has a promql_expr_test', () => {
    const tested = exprTests.flatMap((t) => [t.expr, ...t.samples]).join('\n');
    const untested = records.filter(
      (r) =>
        !new RegExp(
          `(^|[^a-zA-Z0-9_:])${r.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-zA-Z0-9_:])`,
          'm',
        ).test(tested),
    );
    expect(untested.map((r) => r.name)).toEqual([]);
  });

  it('thresholds: every one an alert uses is defined, used, and watched by BeaconAlertThresholdsMissing', () => {
    const defined = records.filter((r) => r.file === THRESHOLDS_FILE).map((r) => r.name);
    expect(
      defined.every((n) => n.startsWith('beacon:threshold:')),
      'only thresholds in the thresholds file',
    ).toBe(true);
    expect(
      records.filter((r) => r.file !== THRESHOLDS_FILE && r.name.startsWith('beacon:threshold:')),
      'thresholds defined outside the thresholds file',
    ).toEqual([]);
    const watcher = alerts.find((a) => a.name === 'BeaconAlertThresholdsMissing');
    const used = new Set(alerts.filter((a) => a !== watcher).flatMap((a) => thresholdsIn(a.expr)));
    expect([...used].sort()).toEqual([...defined].sort());
    expect([...new Set(thresholdsIn(watcher?.expr ?? ''))].sort()).toEqual([...defined].sort());
    // Every threshold is a plain constant, so users only ever edit a number.
    for (const r of records.filter((x) => x.file === THRESHOLDS_FILE)) {
      expect(r.expr.trim(), r.name).toMatch(/^vector\(\s*[0-9.eE+-]+\s*\)$/);
    }
    // ...and documented.
    const readme = readFileSync(README, 'utf8');
    for (const name of defined) expect(readme, `README documents ${name}`).toContain(`\`${name}\``);
  });
});
