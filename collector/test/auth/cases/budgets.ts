// Cross-tenant cases of the budgets API: tenant A defines a budget over its own service; tenant B, with its own key,
// neither sees, measures, checks, replaces nor deletes it — a PUT of the same name makes B a budget of its own.
import { type Answer, call } from '../helpers.js';
import type { IsolationCases } from '../isolation.js';

const NAME = 'acme-secret-budget';

const cases: IsolationCases = {
  async setup(world) {
    const answer = await call(`${world.api}/budgets/${NAME}`, {
      key: world.keys.a,
      method: 'PUT',
      body: { limit: 5, unit: 'usd', period: 'month', scope: { service: world.A.service } },
    });
    if (answer.status !== 200) throw new Error(`budget setup: ${answer.status} ${answer.text}`);
    world.aMarkers.push(NAME);
  },
  cases: (world) => {
    const url = `${world.api}/budgets/${NAME}`;
    return {
      listBudgets: { run: (key) => call(`${world.api}/budgets`, { key }), ok: [200] },
      getBudget: { run: (key) => call(url, { key }), ok: [404] },
      checkBudget: { run: (key) => call(`${url}/check?usd=1`, { key }), ok: [404] },
      budgetBurndown: { run: (key) => call(`${url}/burndown`, { key }), ok: [404] },
      deleteBudget: { run: (key) => call(url, { key, method: 'DELETE' }), ok: [404] },
      putBudget: {
        // B gets a budget of its own under that name (measured over B's spend), and A's stays as it was.
        run: async (key): Promise<Answer> => {
          const answer = await call(url, {
            key,
            method: 'PUT',
            body: { limit: 7, unit: 'tokens', period: 'day' },
          });
          await call(url, { key, method: 'DELETE' });
          const aBudget = await call(url, { key: world.keys.a });
          if (!aBudget.text.includes('"limit":5')) {
            return { ...aBudget, status: 500, text: `A's budget changed: ${aBudget.text}` };
          }
          return answer;
        },
        ok: [200],
      },
    };
  },
  pathValues: () => ({ name: NAME }),
};

export default cases;
