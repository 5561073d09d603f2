// Acceptance (issue 9/9, budgets): a real collector evaluating a USD budget, scraped by a real Prometheus that loads
// alerts/beacon-budgets.rules.yaml. Priced LLM calls drive the spend past 50, 75, 90 and 100% of the limit; after
// each step the gauge reads the new ratio over PromQL, the alert of that band is firing and the previous band's is
// not, and the check endpoint agrees.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type PrometheusServer, startPrometheus } from '../../../test/integration/prometheus-server.js';
import type { BudgetCheckResponse } from '../../src/contract/index.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { sendCalls, writePriceFile } from './support.js';

const RULES = fileURLToPath(new URL('../../../alerts/beacon-budgets.rules.yaml', import.meta.url));
const BUDGET = 'acceptance-usd';

let collector: TestCollector;
let prometheus: PrometheusServer;

beforeAll(async () => {
  collector = await startTestCollector({
    priceOverridesFile: writePriceFile(),
    budgetEvalIntervalMs: '300',
  });
  prometheus = await startPrometheus({
    targets: [`127.0.0.1:${collector.ports.api}`],
    scrapeIntervalSeconds: 1,
    ruleFiles: [RULES],
  });
  const res = await fetch(`${collector.apiUrl}/api/v1/budgets/${BUDGET}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    // A month: the test cannot straddle a period boundary unless it runs across midnight at a month's end.
    body: JSON.stringify({ limit: 100, unit: 'usd', period: 'month', scope: { service: 'checkout' } }),
  });
  expect(res.status, await res.text()).toBe(200);
});

afterAll(async () => {
  await prometheus?.close();
  await collector?.dispose();
});

const BANDS = [
  { spend: 50, ratio: 0.5, alert: 'BeaconBudgetHalfUsed', severity: 'info' },
  { spend: 25, ratio: 0.75, alert: 'BeaconBudget75PercentUsed', severity: 'warning' },
  { spend: 15, ratio: 0.9, alert: 'BeaconBudget90PercentUsed', severity: 'warning' },
  { spend: 10, ratio: 1, alert: 'BeaconBudgetExhausted', severity: 'critical' },
] as const;

const firing = (alert: string) =>
  `ALERTS{alertname="${alert}",budget="${BUDGET}",tenant="default",alertstate="firing"}`;

describe('budget alerts through Prometheus', () => {
  test('the gauge and the alert of each band follow the spend past 50, 75, 90 and 100%', async () => {
    // Before any spend: ratio 0, no budget alert.
    await prometheus.waitFor(
      `beacon_budget_used_ratio{budget="${BUDGET}"}`,
      (r) => r.length === 1 && r[0]!.value[1] === '0',
      30_000,
    );
    // Spend of another service never counts.
    await sendCalls(collector.httpUrl, [{ service: 'search', input: 80 }]);

    let previous: string | undefined;
    for (const band of BANDS) {
      // $1 per token: one call of `spend` input tokens costs $spend.
      await sendCalls(collector.httpUrl, [{ service: 'checkout', input: band.spend }]);
      await collector.writer.flush();

      const gauge = await prometheus.waitFor(
        `beacon_budget_used_ratio{budget="${BUDGET}",tenant="default"}`,
        (r) => r.length === 1 && Number(r[0]!.value[1]) === band.ratio,
        30_000,
      );
      expect(gauge[0]!.metric).toMatchObject({ job: 'beacon-collector', budget: BUDGET, tenant: 'default' });
      const [used] = await prometheus.query(`beacon_budget_used{budget="${BUDGET}",unit="usd"}`);
      expect(Number(used!.value[1])).toBe(band.ratio * 100);
      const [limit] = await prometheus.query(`beacon_budget_limit{budget="${BUDGET}",unit="usd"}`);
      expect(Number(limit!.value[1])).toBe(100);

      const alerts = await prometheus.waitFor(firing(band.alert), (r) => r.length === 1, 30_000);
      expect(alerts[0]!.metric).toMatchObject({ severity: band.severity, component: 'genai' });
      if (previous) expect(await prometheus.query(firing(previous))).toEqual([]);
      previous = band.alert;

      const check = (await (
        await fetch(`${collector.apiUrl}/api/v1/budgets/${BUDGET}/check?usd=1`)
      ).json()) as BudgetCheckResponse;
      expect(check).toMatchObject({ used: band.ratio * 100, allowed: band.ratio * 100 + 1 <= 100 });
    }
    // Exhausted: exactly one budget alert is firing, the critical one.
    const all = await prometheus.query(`ALERTS{budget="${BUDGET}",alertstate="firing"}`);
    expect(all.map((s) => s.metric.alertname)).toEqual(['BeaconBudgetExhausted']);
  });
});
