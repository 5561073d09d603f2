// The guard's remote budget against a real collector: a run whose budget has room makes its LLM calls; once the
// collector has measured spend leaving no room for the call's estimate, the next call is refused before it starts
// with RemoteBudgetExceededError naming the budget; an unreachable collector or an unknown budget lets calls through
// (fail open) and reports why.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sendCalls, writePriceFile } from '../../collector/test/budgets/support.js';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import { freePort } from '../../test/integration/prometheus-server.js';
import { AgentGuard, agent, BudgetExceededError, llmCall, RemoteBudgetExceededError } from '../src/index.js';

const BUDGET = 'sdk-remote';
let collector: TestCollector;

beforeAll(async () => {
  collector = await startTestCollector({
    priceOverridesFile: writePriceFile(),
    // Short, so the collector's check answer reflects new spend within the test.
    budgetEvalIntervalMs: '100',
  });
  const res = await fetch(`${collector.apiUrl}/api/v1/budgets/${BUDGET}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ limit: 10, unit: 'usd', period: 'month', scope: { service: 'remote-shop' } }),
  });
  expect(res.status, await res.text()).toBe(200);
});

afterAll(async () => {
  await collector?.dispose();
});

/** One model call; returns whether its body ran. */
async function modelCall(): Promise<boolean> {
  let ran = false;
  await llmCall({ provider: 'openai', model: 'gpt-4o-mini' }, async (span) => {
    ran = true;
    span.addUsage({ inputTokens: 10, outputTokens: 2 });
  });
  return ran;
}

describe('remoteBudget', () => {
  test('calls go ahead while the budget has room for the estimate, and are refused once it has not', async () => {
    const errors: Error[] = [];
    const guard = new AgentGuard({
      remoteBudget: {
        url: collector.apiUrl,
        budget: BUDGET,
        estimate: { usd: 3 },
        onError: (e) => errors.push(e),
      },
    });
    // $0 used: 0 + 3 ≤ 10.
    await expect(guard.run(() => agent('buyer', () => modelCall()))).resolves.toBe(true);

    // Another process of the service spends $8 (priced $1 per token): 8 + 3 > 10.
    await sendCalls(collector.httpUrl, [{ service: 'remote-shop', input: 8 }]);
    await collector.writer.flush();
    await new Promise((r) => setTimeout(r, 300));

    const error = await guard.run(() => agent('buyer', () => modelCall())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteBudgetExceededError);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({
      guard: 'cost_budget',
      scope: 'remote',
      budget: BUDGET,
      limit: 10,
      observed: 8,
      check: { allowed: false, used: 8, asked: 3, unit: 'usd' },
    });
    expect((error as Error).message).toMatch(/budget "sdk-remote" has used \$8\.000000 of \$10\.000000/);
    expect(errors).toEqual([]);

    // A smaller estimate still fits: 8 + 2 ≤ 10.
    const modest = new AgentGuard({
      remoteBudget: { url: collector.apiUrl, budget: BUDGET, estimate: { usd: 2 } },
    });
    await expect(modest.run(() => modelCall())).resolves.toBe(true);
  });

  test('fails open: an unreachable collector or an unknown budget lets calls through and says why', async () => {
    const errors: Error[] = [];
    const closedPort = await freePort();
    const unreachable = new AgentGuard({
      remoteBudget: { url: `http://127.0.0.1:${closedPort}`, budget: BUDGET, onError: (e) => errors.push(e) },
    });
    await expect(unreachable.run(() => modelCall())).resolves.toBe(true);
    expect(errors[0]?.message).toMatch(/budget check of "sdk-remote" failed/);

    // A separate list: the first guard may still report the check its call started for the next one.
    const unknownErrors: Error[] = [];
    const unknown = new AgentGuard({
      remoteBudget: {
        url: `${collector.apiUrl}/`,
        budget: 'no-such-budget',
        onError: (e) => unknownErrors.push(e),
      },
    });
    await expect(unknown.run(() => modelCall())).resolves.toBe(true);
    expect(unknownErrors[0]?.message).toMatch(/answered 404: .*budget no-such-budget not found/);
  });
});
