// Every alert has a firing and a quiet unit test case and a runbook section; recording rules and thresholds are
// tested and used as alerts/README.md says.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  alertCases,
  alertNames,
  alerts,
  anchorOf,
  asMap,
  asString,
  BUDGETS_FILE,
  COMPONENTS,
  exprTests,
  README,
  RUNBOOK_BASE,
  records,
  ruleFiles,
  SEVERITIES,
  THRESHOLDS_FILE,
  testRuleFiles,
  thresholdsIn,
} from './support.js';

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
