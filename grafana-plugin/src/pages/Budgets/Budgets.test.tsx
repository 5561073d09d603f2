import type { BudgetBurndownResponse, BudgetStatus } from '@beacon/collector/api-contract';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { deferred, fakeClient, location, renderPage } from '../../../test/render';
import { BeaconApiError } from '../../api/client';
import { App } from '../../components/App/App';

const BASE = '/a/beacon-agents-app';
const DAY_START = Date.UTC(2026, 10, 24);
const ns = (ms: number) => `${ms}000000`;

function budget(over: Partial<BudgetStatus>): BudgetStatus {
  return {
    name: 'daily-llm',
    limit: 100,
    unit: 'usd',
    period: 'day',
    scope: {},
    description: null,
    source: 'api',
    used: 40,
    remaining: 60,
    ratio: 0.4,
    periodStart: ns(DAY_START),
    periodEnd: ns(DAY_START + 86_400_000),
    evaluatedAt: ns(DAY_START + 43_200_000),
    ...over,
  };
}

function burndown(
  status: BudgetStatus,
  atPeriodEnd: number,
  exhaustedAt: string | null,
): BudgetBurndownResponse {
  return {
    budget: status,
    stepSeconds: 900,
    points: [
      { t: status.periodStart, cumulative: 0 },
      { t: ns(DAY_START + 21_600_000), cumulative: status.used / 2 },
      { t: status.evaluatedAt, cumulative: status.used },
    ],
    forecast: {
      atPeriodEnd,
      exhaustedAt,
      points: [
        { t: status.evaluatedAt, cumulative: status.used },
        { t: status.periodEnd, cumulative: atPeriodEnd },
      ],
    },
  };
}

const render = (client: ReturnType<typeof fakeClient>, url = `${BASE}/budgets`) =>
  renderPage(<App />, { client, url, path: `${BASE}/*` });

describe('Budgets page', () => {
  it('lists budgets with their use, coloured by the alert bands, and shows the first one’s burn-down', async () => {
    const client = fakeClient();
    const list = deferred<{ budgets: BudgetStatus[] }>();
    client.listBudgets.mockReturnValueOnce(list.promise);
    const daily = budget({});
    client.getBudgetBurndown.mockResolvedValue(burndown(daily, 80, null));
    render(client);

    expect(screen.getByText('Measuring budgets…')).toBeTruthy();
    list.resolve({
      budgets: [
        daily,
        budget({
          name: 'gpt4o-tokens',
          unit: 'tokens',
          limit: 1_000_000,
          used: 800_000,
          ratio: 0.8,
          scope: { model: 'gpt-4o' },
        }),
        budget({
          name: 'team-x',
          used: 95,
          ratio: 0.95,
          scope: { tag: 'team-x', service: 'shop' },
          source: 'file',
        }),
        budget({ name: 'spent', used: 130, ratio: 1.3 }),
      ],
    });

    const meters = await screen.findAllByRole('meter');
    expect(meters.map((m) => m.getAttribute('aria-valuetext'))).toEqual([
      '40% — within budget',
      '80% — over 75%',
      '95% — over 90%',
      '130% — exhausted',
    ]);
    expect(meters.map((m) => m.firstElementChild?.getAttribute('data-level'))).toEqual([
      'ok',
      'high',
      'critical',
      'exhausted',
    ]);
    // The bar never overflows its track.
    expect((meters[3]!.firstElementChild as HTMLElement).style.width).toBe('100%');
    const tokens = screen.getByTestId('budget-gpt4o-tokens');
    expect(tokens.textContent).toContain('800.0k tokens of 1.00M tokens (80%)');
    expect(tokens.textContent).toContain('model=gpt-4o · per day');
    const teamX = screen.getByTestId('budget-team-x');
    expect(teamX.textContent).toContain('service=shop · tag=team-x');
    expect(within(teamX).getByText('config file')).toBeTruthy();

    const chart = await screen.findByRole('img', { name: /Burn-down of daily-llm/ });
    expect(chart.getAttribute('aria-label')).toBe(
      'Burn-down of daily-llm: $40.00 of $100 spent, forecast $80.00 by the period end',
    );
    expect(client.getBudgetBurndown.mock.calls[0]![0]).toBe('daily-llm');
    expect(screen.getByTestId('burndown-forecast').getAttribute('stroke-dasharray')).toBe('6 4');
    // Spend rises left to right: the last point of the spend line is higher (smaller y) than the first.
    const spend = screen
      .getByTestId('burndown-spend')
      .getAttribute('points')!
      .split(' ')
      .map((p) => Number(p.split(',')[1]));
    expect(spend[spend.length - 1]!).toBeLessThan(spend[0]!);
    expect(screen.getByText(/within the limit\./)).toBeTruthy();
  });

  it('selecting a budget loads its burn-down and keeps it in the URL', async () => {
    const client = fakeClient();
    const spent = budget({ name: 'spent', used: 130, ratio: 1.3 });
    client.listBudgets.mockResolvedValue({ budgets: [budget({}), spent] });
    client.getBudgetBurndown.mockImplementation(async (name) =>
      name === 'spent' ? burndown(spent, 260, ns(DAY_START + 30_000_000)) : burndown(budget({}), 80, null),
    );
    render(client);

    fireEvent.click(await screen.findByRole('button', { name: /^spent/ }));
    await screen.findByRole('img', { name: /Burn-down of spent/ });
    expect(location()).toBe(`${BASE}/budgets?budget=spent`);
    expect(screen.getByText(/the limit was reached\./)).toBeTruthy();
  });

  it('says how to define a budget when there is none', async () => {
    const client = fakeClient();
    render(client);
    expect(await screen.findByText('No budgets yet')).toBeTruthy();
    expect(screen.getByText(/BEACON_BUDGETS_FILE/)).toBeTruthy();
    expect(client.getBudgetBurndown).not.toHaveBeenCalled();
  });

  it('shows a failed load with a retry that loads again', async () => {
    const client = fakeClient();
    client.listBudgets.mockRejectedValueOnce(new BeaconApiError(503, 'unavailable', 'ClickHouse is down'));
    render(client);
    expect(await screen.findByText('Could not load budgets')).toBeTruthy();
    expect(screen.getByText(/ClickHouse is down/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(client.listBudgets).toHaveBeenCalledTimes(2));
    expect(await screen.findByText('No budgets yet')).toBeTruthy();
  });
});
