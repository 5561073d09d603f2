// A real Alertmanager with deploy/alertmanager/alertmanager.yml inhibits as alerts/README.md says.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/integration/prometheus-server.js';
import { ALERTMANAGER_CONFIG, tool } from './support.js';

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
