// promtool and amtool accept Beacon's rule files, their unit tests and the Prometheus and Alertmanager configs
// that load them (the shared parsing is in support.ts).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALERTMANAGER_CONFIG,
  ALERTS_DIR,
  alerts,
  asString,
  BUDGETS_FILE,
  expectSuccess,
  MOUNTED_RULES_DIR,
  PROMETHEUS_CONFIG,
  ruleFiles,
  run,
  TESTS_DIR,
  testFiles,
  tool,
} from './support.js';

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
