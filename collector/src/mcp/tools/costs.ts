// What agents spend: get_costs (LLM calls, tokens and USD by model, agent or service) and check_budget ("may I spend
// this?").
import { z } from 'zod';
import type {
  BudgetCheckResponse,
  StatsGroup,
  StatsSummaryResponse,
  StatsTimeseriesResponse,
} from '../../contract/index.js';
import { compact, iso, round, timeRange, timeRangeFields, UNIT_MS } from './fields.js';
import { API, defineTool, READ_ONLY } from './tool.js';

const GROUP_BY = ['model', 'agent', 'service'] as const;

const statsNumbers = {
  calls: z.number(),
  errors: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
  unpricedCalls: z.number(),
};

const budgetCheck = {
  budget: z.string(),
  allowed: z.boolean().describe('used + asked stays within limit'),
  unit: z.enum(['usd', 'tokens']),
  asked: z.number(),
  used: z.number().describe('spent in the current period'),
  limit: z.number(),
  remaining: z.number(),
  ratio: z.number().describe('used / limit'),
  periodStart: z.string(),
  periodEnd: z.string(),
  evaluatedAt: z.string().describe('when `used` was computed'),
};

export const getCosts = defineTool(
  'get_costs',
  {
    title: 'LLM spend by model, agent or service',
    description:
      'Model calls, errors, input/output tokens and cost in USD over a time range (default the last 24 hours), ' +
      'in total and per model, agent or service (groupBy), most expensive first. unpricedCalls counts calls of ' +
      'models without a known price (their cost is not in costUsd). With timeseries: true, also per time bucket ' +
      '(empty buckets left out).',
    inputSchema: {
      groupBy: z.enum(GROUP_BY).default('model'),
      ...timeRangeFields,
      timeseries: z.boolean().default(false),
      stepSeconds: z
        .number()
        .int()
        .min(60)
        .optional()
        .describe('Bucket width of the time series; default about 50 buckets over the range.'),
    },
    outputSchema: {
      from: z.string(),
      to: z.string(),
      groupBy: z.enum(GROUP_BY),
      totals: z.object({ ...statsNumbers, traces: z.number() }),
      groups: z.array(z.object({ key: z.string(), ...statsNumbers })),
      timeseries: z
        .object({
          stepSeconds: z.number(),
          series: z.array(
            z.object({
              key: z.string(),
              points: z.array(z.object({ time: z.string(), ...statsNumbers })),
            }),
          ),
        })
        .optional(),
    },
    annotations: READ_ONLY,
  },
  async (args, { api }) => {
    const range = timeRange(args, '24h');
    const to = range.to ?? Date.now();
    const from = range.from ?? to - UNIT_MS.d;
    const query = { from, to, groupBy: args.groupBy };
    const numbers = (n: Omit<StatsGroup, 'key'>) => ({
      calls: n.calls,
      errors: n.errors,
      inputTokens: n.inputTokens,
      outputTokens: n.outputTokens,
      costUsd: round(n.costUsd),
      unpricedCalls: n.unpriced,
    });
    const summary = await api.get<StatsSummaryResponse>(`${API}/stats/summary`, query);
    const groups = summary.groups
      .map((g) => ({ key: g.key, ...numbers(g) }))
      .sort((a, b) => b.costUsd - a.costUsd || b.calls - a.calls);
    let timeseries: { stepSeconds: number; series: unknown[] } | undefined;
    if (args.timeseries) {
      const stepSeconds = args.stepSeconds ?? Math.max(60, Math.ceil((to - from) / 1000 / 50));
      const ts = await api.get<StatsTimeseriesResponse>(`${API}/stats/timeseries`, {
        ...query,
        stepSeconds,
      });
      timeseries = {
        stepSeconds: ts.stepSeconds,
        series: ts.series.map((s) => ({
          key: s.key,
          points: s.points
            .filter((p) => p.calls > 0 || p.costUsd > 0)
            .map((p) => ({ time: iso(p.time), ...numbers(p) })),
        })),
      };
    }
    return compact({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      groupBy: args.groupBy,
      totals: { ...numbers(summary.totals), traces: summary.totals.traces },
      groups,
      timeseries,
    });
  },
);

export const checkBudget = defineTool(
  'check_budget',
  {
    title: 'May I spend this?',
    description:
      'Checks a named budget (a USD or token limit over an hour/day/month): how much of it is used, what ' +
      'remains, and whether spending `usd` dollars or `tokens` tokens more stays within the limit (allowed). ' +
      'Call it before an expensive step; unknown budget names are an error.',
    inputSchema: {
      name: z.string().min(1).max(200).describe('The budget name.'),
      usd: z.number().min(0).optional().describe('Spend you are about to add, in USD (USD budgets).'),
      tokens: z.number().int().min(0).optional().describe('Tokens you are about to use (token budgets).'),
    },
    outputSchema: budgetCheck,
    annotations: READ_ONLY,
  },
  async (args, { api }) => {
    const check = await api.get<BudgetCheckResponse>(
      `${API}/budgets/${encodeURIComponent(args.name)}/check`,
      { usd: args.usd, tokens: args.tokens },
    );
    return {
      budget: check.budget,
      allowed: check.allowed,
      unit: check.unit,
      asked: check.asked,
      used: round(check.used),
      limit: check.limit,
      remaining: round(check.remaining),
      ratio: round(check.ratio),
      periodStart: iso(check.periodStart),
      periodEnd: iso(check.periodEnd),
      evaluatedAt: iso(check.evaluatedAt),
    };
  },
);
