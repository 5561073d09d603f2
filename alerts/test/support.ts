// Shared by the alert tests: the tools (promtool, amtool, alertmanager), the rule files parsed once, their unit
// test cases, and the config paths.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYamlText } from 'yaml';

export const ALERTS_DIR = fileURLToPath(new URL('..', import.meta.url));
export const ROOT = path.resolve(ALERTS_DIR, '..');
export const TESTS_DIR = path.join(ALERTS_DIR, 'tests');
export const PROMETHEUS_CONFIG = path.join(ROOT, 'deploy/prometheus/prometheus.yml');
export const ALERTMANAGER_CONFIG = path.join(ROOT, 'deploy/alertmanager/alertmanager.yml');
export const README = path.join(ALERTS_DIR, 'README.md');
export const THRESHOLDS_FILE = 'beacon-thresholds.rules.yaml';
/** Self-contained (the bands are the budget feature, not tunable thresholds): its tests load it alone. */
export const BUDGETS_FILE = 'beacon-budgets.rules.yaml';
/** Where every runbook_url points: this directory's README on the repository's default branch. */
export const RUNBOOK_BASE = 'alerts/README.md';
/** The glob deploy/prometheus/prometheus.yml loads rules from (alerts/ mounted there in compose). */
export const MOUNTED_RULES_DIR = '/etc/prometheus/rules/';
export const SEVERITIES = ['critical', 'warning', 'info'];
export const COMPONENTS = ['genai', 'collector', 'data-quality', 'alerting'];

export const ruleFiles = readdirSync(ALERTS_DIR)
  .filter((f) => f.endsWith('.rules.yaml'))
  .sort();
export const testFiles = readdirSync(TESTS_DIR)
  .filter((f) => f.endsWith('.test.yaml'))
  .sort();

// ---- tools -------------------------------------------------------------------------------------------------

export interface Run {
  code: number;
  output: string;
}

export function onPath(binary: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir && existsSync(path.join(dir, binary)));
}

export function tool(...candidates: string[]): string {
  const found = candidates.find(onPath);
  if (!found) {
    throw new Error(
      `${candidates.join(' / ')} not found on PATH: install Debian's prometheus and prometheus-alertmanager ` +
        'packages (apt-get install prometheus prometheus-alertmanager), as .ci/run does',
    );
  }
  return found;
}

export function run(binary: string, args: string[], cwd = ROOT): Promise<Run> {
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
export function expectSuccess(result: Run, what: string): void {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.output}`);
}

// ---- the rule and test files, parsed -------------------------------------------------------------------------

/** YAML read with the failsafe schema: every scalar stays the string promtool would see. */
export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };
export type YamlMap = { [key: string]: YamlValue };

export function parseYaml(source: string): YamlValue {
  return parseYamlText(source, { schema: 'failsafe' }) as YamlValue;
}

export function asMap(value: YamlValue | undefined, where: string): YamlMap {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where}: expected a mapping`);
  }
  return value;
}

export function asList(value: YamlValue | undefined, where: string): YamlValue[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${where}: expected a sequence`);
  return value;
}

export function asString(value: YamlValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function load(file: string): YamlMap {
  return asMap(parseYaml(readFileSync(file, 'utf8')), file);
}

export interface AlertRule {
  file: string;
  name: string;
  expr: string;
  labels: YamlMap;
  annotations: YamlMap;
}

export interface RecordingRule {
  file: string;
  name: string;
  expr: string;
}

export const alerts: AlertRule[] = [];
export const records: RecordingRule[] = [];
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
export const alertNames = new Set(alerts.map((a) => a.name));

export interface AlertCase {
  file: string;
  test: string;
  evalTime: string;
  alertname: string;
  expAlerts: YamlMap[];
}

export const alertCases: AlertCase[] = [];
export const exprTests: { file: string; expr: string; samples: string[] }[] = [];
export const testRuleFiles = new Map<string, string[]>();
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
export function thresholdsIn(expr: string): string[] {
  return [...expr.matchAll(/beacon:threshold:[a-zA-Z0-9_]+/g)].map((m) => m[0]);
}

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces → dashes. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
