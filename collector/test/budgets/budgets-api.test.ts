// The budgets API against a real collector over the embedded engine: definitions through PUT and the config file,
// the 400s that name the field, spend measured per scope (service, agent, model, trace tag; inference spans only),
// the check answer at the limit's edge, the burn-down's shape, deletion, and a bad config file stopping start-up.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type {
  BudgetBurndownResponse,
  BudgetCheckResponse,
  BudgetListResponse,
  BudgetStatus,
} from '../../src/contract/index.js';
import { ConfigError } from '../../src/index.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { newTraceId } from '../support/otlp-json.js';
import { PRICED_MODEL, sendCalls, writeJsonFile, writePriceFile } from './support.js';

let collector: TestCollector;
let api: string;

const budgetsFile = writeJsonFile('budgets.json', {
  budgets: [
    { name: 'from-file', limit: 1000, unit: 'usd', period: 'month', description: 'kept in git' },
    { name: 'other-tenant', tenant: 'acme', limit: 5, unit: 'tokens', period: 'day' },
  ],
});

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
}
const put = (name: string, body: unknown) => request<BudgetStatus>('PUT', `/budgets/${name}`, body);
const errorOf = (answer: { json: unknown }) => (answer.json as { error: { message: string } }).error.message;

beforeAll(async () => {
  collector = await startTestCollector({
    priceOverridesFile: writePriceFile(),
    budgetsFile,
    // Long enough that the check's cache is what answers within a test step.
    budgetEvalIntervalMs: '600000',
  });
  api = `${collector.apiUrl}/api/v1`;
  const taggedTrace = newTraceId();
  await sendCalls(collector.httpUrl, [
    { service: 'shop', agent: 'planner', input: 10, output: 2 }, // $12
    { service: 'shop', agent: 'writer', input: 20, output: 5 }, // $25
    { service: 'billing', agent: 'auditor', input: 100, output: 0, traceId: taggedTrace }, // $100, tagged
    { service: 'billing', agent: 'auditor', model: 'gpt-4o-mini', input: 1000, output: 100 }, // priced by the list
  ]);
  await collector.writer.flush();
  const tagged = await fetch(`${api}/traces/${taggedTrace}/tags`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tags: ['experiment-7'] }),
  });
  expect(tagged.status).toBe(200);
});

afterAll(async () => {
  await collector?.dispose();
});

describe('defining budgets', () => {
  test.each([
    [{ limit: -1, unit: 'usd', period: 'day' }, /^limit: expected a number > 0/],
    [{ limit: 'ten', unit: 'usd', period: 'day' }, /^limit: expected a number/],
    [{ limit: 10, unit: 'eur', period: 'day' }, /^unit: expected one of usd, tokens/],
    [{ limit: 10, unit: 'usd', period: 'week' }, /^period: expected one of hour, day, month/],
    [{ limit: 10, unit: 'usd' }, /^period: /],
    [{ limit: 10, unit: 'usd', period: 'day', scope: { team: 'x' } }, /^scope: unknown field team/],
    [{ limit: 10, unit: 'usd', period: 'day', scope: { model: '' } }, /^scope\.model: expected a non-empty/],
    [{ limit: 10, unit: 'usd', period: 'day', colour: 'red' }, /^body: unknown field colour/],
    [{ limit: 10, unit: 'usd', period: 'day', name: 'another' }, /^name: another differs/],
    [[1, 2], /^body: expected a JSON object/],
  ])('PUT %j → 400 naming the field', async (body, message) => {
    const answer = await put('valid-name', body);
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatch(message);
  });

  test('a name that is not a plain label is refused; an unknown budget is 404', async () => {
    const bad = await put('has%20space', { limit: 1, unit: 'usd', period: 'day' });
    expect(bad.status).toBe(400);
    expect(errorOf(bad)).toMatch(/^name: expected 1-64 letters/);
    expect((await request('GET', '/budgets/nope')).status).toBe(404);
    expect((await request('GET', '/budgets/nope/check?usd=1')).status).toBe(404);
    expect((await request('DELETE', '/budgets/nope')).status).toBe(404);
    const query = await request('GET', '/budgets/from-file/check?usd=lots');
    expect(query.status).toBe(400);
    expect(errorOf(query)).toMatch(/^usd: /);
  });

  test('file budgets are listed but can only be changed in the file', async () => {
    const listed = await request<BudgetListResponse>('GET', '/budgets');
    const fromFile = listed.json.budgets.find((b) => b.name === 'from-file');
    expect(fromFile).toMatchObject({ source: 'file', limit: 1000, unit: 'usd', description: 'kept in git' });
    // Another tenant's file budget is not the default tenant's.
    expect(listed.json.budgets.map((b) => b.name)).not.toContain('other-tenant');
    const replaced = await put('from-file', { limit: 1, unit: 'usd', period: 'day' });
    expect(replaced.status).toBe(409);
    expect(errorOf(replaced)).toMatch(/BEACON_BUDGETS_FILE/);
    expect((await request('DELETE', '/budgets/from-file')).status).toBe(409);
  });
});

describe('measuring spend', () => {
  test('per scope, from inference spans only (the agent spans repeating usage never count twice)', async () => {
    const cases: [string, unknown, number][] = [
      ['shop-usd', { limit: 100, unit: 'usd', period: 'month', scope: { service: 'shop' } }, 37],
      ['writer-usd', { limit: 100, unit: 'usd', period: 'day', scope: { agent: 'writer' } }, 25],
      ['model-tokens', { limit: 1000, unit: 'tokens', period: 'hour', scope: { model: PRICED_MODEL } }, 137],
      [
        'mini-tokens',
        { limit: 1000, unit: 'tokens', period: 'month', scope: { model: 'gpt-4o-mini' } },
        1100,
      ],
      ['tagged-usd', { limit: 100, unit: 'usd', period: 'month', scope: { tag: 'experiment-7' } }, 100],
      [
        'tagged-other-service',
        { limit: 100, unit: 'usd', period: 'month', scope: { tag: 'experiment-7', service: 'shop' } },
        0,
      ],
    ];
    for (const [name, body, used] of cases) {
      const answer = await put(name, body);
      expect(answer.status, JSON.stringify(answer.json)).toBe(200);
      expect(answer.json.used, name).toBe(used);
      expect(answer.json.source).toBe('api');
    }
    const all = await put('everything', { limit: 10, unit: 'tokens', period: 'day' });
    expect(all.json.used).toBe(137 + 1100);
    expect(all.json.ratio).toBeCloseTo(123.7);
    expect(all.json.remaining).toBe(0);
  });

  test('periods are UTC calendar periods containing now', async () => {
    const { json } = await request<BudgetStatus>('GET', '/budgets/writer-usd');
    const start = new Date(Number(BigInt(json.periodStart) / 1_000_000n));
    const end = new Date(Number(BigInt(json.periodEnd) / 1_000_000n));
    expect(start.toISOString()).toMatch(/T00:00:00\.000Z$/);
    expect(end.getTime() - start.getTime()).toBe(86_400_000);
    const now = Date.now();
    expect(start.getTime()).toBeLessThanOrEqual(now);
    expect(end.getTime()).toBeGreaterThan(now);
  });

  test('a replaced definition is measured anew; a deleted one is gone from the list', async () => {
    const replaced = await put('shop-usd', {
      limit: 50,
      unit: 'usd',
      period: 'month',
      scope: { service: 'shop', agent: 'planner' },
    });
    expect(replaced.json).toMatchObject({ used: 12, limit: 50, ratio: 0.24 });
    expect((await request('DELETE', '/budgets/tagged-other-service')).status).toBe(200);
    const names = (await request<BudgetListResponse>('GET', '/budgets')).json.budgets.map((b) => b.name);
    expect(names).not.toContain('tagged-other-service');
    expect(names).toContain('shop-usd');
    expect((await request('GET', '/budgets/tagged-other-service')).status).toBe(404);
  });
});

describe('check', () => {
  test('allowed while used + asked ≤ limit, in the budget’s unit', async () => {
    await put('edge', { limit: 40, unit: 'usd', period: 'month', scope: { service: 'shop' } }); // used 37
    const check = async (query: string) =>
      (await request<BudgetCheckResponse>('GET', `/budgets/edge/check?${query}`)).json;
    expect(await check('usd=3')).toMatchObject({
      allowed: true,
      asked: 3,
      used: 37,
      limit: 40,
      remaining: 3,
    });
    expect(await check('usd=3.01')).toMatchObject({ allowed: false, asked: 3.01 });
    // tokens are not this budget's unit: nothing asked.
    expect(await check('tokens=1000000')).toMatchObject({ allowed: true, asked: 0, unit: 'usd' });
    expect(await check('')).toMatchObject({ allowed: true, asked: 0 });
  });

  test('answers from the evaluation cache; reading the budget measures anew and refreshes it', async () => {
    await put('cached', { limit: 50, unit: 'usd', period: 'month', scope: { agent: 'planner' } });
    const before = (await request<BudgetCheckResponse>('GET', '/budgets/cached/check?usd=1')).json;
    expect(before.used).toBe(12);
    await sendCalls(collector.httpUrl, [{ agent: 'planner', input: 30 }]);
    await collector.writer.flush();
    // Within the evaluation interval the cached answer stands (that is what makes it cheap to call)...
    const cached = (await request<BudgetCheckResponse>('GET', '/budgets/cached/check?usd=1')).json;
    expect(cached.used).toBe(12);
    expect(cached.evaluatedAt).toBe(before.evaluatedAt);
    // ...and a GET of the budget measures now, and refreshes the cache.
    expect((await request<BudgetStatus>('GET', '/budgets/cached')).json.used).toBe(42);
    const fresh = (await request<BudgetCheckResponse>('GET', '/budgets/cached/check?usd=9')).json;
    expect(fresh).toMatchObject({ used: 42, allowed: false });
  });
});

describe('burndown', () => {
  test('cumulative spend from the period start to now, and a forecast to the period end', async () => {
    const answer = await request<BudgetBurndownResponse>('GET', '/budgets/writer-usd/burndown');
    expect(answer.status).toBe(200);
    const { budget, points, forecast, stepSeconds } = answer.json;
    expect(stepSeconds).toBe(900);
    expect(points[0]).toEqual({ t: budget.periodStart, cumulative: 0 });
    const last = points.at(-1)!;
    expect(last).toEqual({ t: budget.evaluatedAt, cumulative: 25 });
    // Never decreasing, one step apart (the last one may be shorter), in time order.
    for (let i = 1; i < points.length; i++) {
      expect(points[i]!.cumulative).toBeGreaterThanOrEqual(points[i - 1]!.cumulative);
      const gap = BigInt(points[i]!.t) - BigInt(points[i - 1]!.t);
      expect(gap > 0n && gap <= BigInt(stepSeconds) * 1_000_000_000n).toBe(true);
    }
    // Linear: the average rate since the period start, continued to its end.
    const start = Number(BigInt(budget.periodStart) / 1_000_000n);
    const end = Number(BigInt(budget.periodEnd) / 1_000_000n);
    const now = Number(BigInt(budget.evaluatedAt) / 1_000_000n);
    expect(forecast.atPeriodEnd).toBeCloseTo((25 * (end - start)) / (now - start), 6);
    expect(forecast.points).toEqual([
      { t: budget.evaluatedAt, cumulative: 25 },
      { t: budget.periodEnd, cumulative: forecast.atPeriodEnd },
    ]);
    if (forecast.atPeriodEnd > budget.limit)
      expect(BigInt(forecast.exhaustedAt!)).toBeLessThan(BigInt(budget.periodEnd));
    else expect(forecast.exhaustedAt).toBeNull();
  });

  test('an exhausted budget says when it crossed its limit', async () => {
    await put('tiny', { limit: 1, unit: 'usd', period: 'hour' });
    const { json } = await request<BudgetBurndownResponse>('GET', '/budgets/tiny/burndown');
    expect(json.budget.ratio).toBeGreaterThan(1);
    expect(json.stepSeconds).toBe(60);
    expect(json.forecast.exhaustedAt).not.toBeNull();
    expect(BigInt(json.forecast.exhaustedAt!)).toBeLessThanOrEqual(BigInt(json.budget.evaluatedAt));
  });
});

describe('BEACON_BUDGETS_FILE', () => {
  test.each([
    ['not json', '{', /invalid BEACON_BUDGETS_FILE .*budgets\.json: /],
    [
      'a bad entry',
      { budgets: [{ name: 'x', limit: 0, unit: 'usd', period: 'day' }] },
      /budgets\.0\.limit: expected a number > 0/,
    ],
    [
      'a name twice',
      { budgets: [1, 2].map(() => ({ name: 'twice', limit: 1, unit: 'usd', period: 'day' })) },
      /budgets\.1\.name: twice is defined twice for tenant default/,
    ],
    [
      'a bad tenant',
      { budgets: [{ name: 'x', tenant: 'Bad Tenant', limit: 1, unit: 'usd', period: 'day' }] },
      /budgets\.0\.tenant: /,
    ],
  ])('%s stops start-up with one line naming the file and the field', async (_what, content, message) => {
    const file = writeJsonFile('budgets.json', content);
    const start = startTestCollector({ budgetsFile: file });
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(message);
    await expect(startTestCollector({ budgetsFile: '/nonexistent/budgets.json' })).rejects.toThrow(
      /cannot read BEACON_BUDGETS_FILE \/nonexistent\/budgets\.json/,
    );
  });
});
