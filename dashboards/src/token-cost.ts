// Token burn & cost: where tokens and dollars go (by model, agent, service, token type), cost per trace from
// ClickHouse, and what the cost figures leave out (calls without a price, calls without token usage).
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { type DashboardSection, dashboard } from './dashboard.js';
import {
  barGauge,
  clickhouseTable,
  clickhouseTimeseries,
  labelTable,
  stat,
  timeseries,
  UNITS,
  ZERO_IS_GOOD,
} from './panels.js';
import { chAnyMatches, chMatches, chTable } from './targets.js';
import {
  clickhouseDatabaseVariable,
  clickhouseVariable,
  GENAI_FILTER,
  prometheusVariable,
  serviceAgentModelVariables,
} from './variables.js';

export const TOKEN_COST_UID = 'beacon-token-cost';

const F = GENAI_FILTER;
/** All tokens: the token types (input, output, cache_read, cache_write, reasoning) partition the total. */
const TOKENS = `beacon_genai_tokens_total{${F}}`;
const COST = `beacon_genai_cost_usd_total{${F}}`;
const REQUESTS = `beacon_genai_requests_total{${F}}`;
/** Per model only: the collector counts unpriced spans by model, across services and agents. */
const UNPRICED = 'beacon_genai_unpriced_spans_total{model=~"$model"}';
const USAGE_MISSING = 'beacon_genai_usage_missing_spans_total{service=~"$service", model=~"$model"}';

/** Coverage table: per model, filtered by model only (the unpriced counter has no other label). */
const CALLS_BY_MODEL = 'sum by (model) (increase(beacon_genai_requests_total{model=~"$model"}[$__range]))';
const UNPRICED_BY_MODEL = `sum by (model) (increase(${UNPRICED}[$__range]))`;

const tokensPerSecondBy = (label: string) => `sum by (${label}) (rate(${TOKENS}[$__rate_interval]))`;
const costPerHourBy = (label: string) => `sum by (${label}) (rate(${COST}[$__rate_interval])) * 3600`;

/** Traces with LLM calls that match the filters (root service, any agent, any model of the trace). */
const TRACE_FILTER = [
  'sum(InferenceCount) > 0',
  chMatches('argMinMerge(RootServiceName)', 'service'),
  chAnyMatches('groupUniqArrayArray(AgentNames)', 'agent'),
  chAnyMatches('groupUniqArrayArray(Models)', 'model'),
].join('\n  AND ');

const COST_PER_TRACE_SQL = `SELECT
  $__timeInterval(TraceStart) AS time,
  avg(TraceCost) AS mean,
  quantile(0.5)(TraceCost) AS p50,
  quantile(0.95)(TraceCost) AS p95
FROM (
  SELECT TraceId, min(Start) AS TraceStart, sum(TotalCostUsd) AS TraceCost
  FROM ${chTable('beacon_trace_summaries')}
  WHERE $__timeFilter(Start)
  GROUP BY TraceId
  HAVING ${TRACE_FILTER}
    AND sum(UnpricedCount) = 0
)
GROUP BY time
ORDER BY time`;

const EXPENSIVE_TRACES_SQL = `SELECT
  TraceId AS "Trace ID",
  min(Start) AS "Started",
  argMinMerge(RootServiceName) AS "Service",
  argMinMerge(RootAgentName) AS "Agent",
  argMinMerge(RootSpanName) AS "Root span",
  arrayStringConcat(groupUniqArrayArray(Models), ', ') AS "Models used",
  sum(InferenceCount) AS "LLM calls",
  sum(TotalInputTokens) + sum(TotalOutputTokens) AS "Tokens",
  sum(TotalCostUsd) AS "Cost",
  sum(UnpricedCount) AS "Unpriced calls"
FROM ${chTable('beacon_trace_summaries')}
WHERE $__timeFilter(Start)
GROUP BY TraceId
HAVING ${TRACE_FILTER}
ORDER BY "Cost" DESC
LIMIT 20`;

export function tokenCost(): DashboardBuilder {
  return dashboard({
    uid: TOKEN_COST_UID,
    title: 'Beacon / Token burn & cost',
    description:
      'Tokens and USD cost of LLM calls by model, agent, service and token type; cost per trace from ' +
      'ClickHouse; and coverage: calls whose cost is unknown (no price for the model) or whose tokens are ' +
      'unknown (no usage reported), which the cost figures leave out.',
    variables: [
      prometheusVariable(),
      ...serviceAgentModelVariables(),
      clickhouseVariable(),
      clickhouseDatabaseVariable(),
    ],
    sections: [summarySection(), tokenBurnSection(), costSection(), costPerTraceSection(), coverageSection()],
  });
}

function summarySection(): DashboardSection {
  return {
    row: 'Summary (selected time range)',
    panels: [
      stat({
        title: 'Cost',
        description: 'USD cost of the priced LLM calls in the selected time range.',
        unit: UNITS.usd,
        decimals: 2,
        noValue: '0',
        query: { expr: `sum(increase(${COST}[$__range]))`, instant: true },
      }),
      stat({
        title: 'Cost per hour',
        description: 'Current spend rate in USD per hour.',
        unit: UNITS.usd,
        decimals: 2,
        noValue: '0',
        sparkline: true,
        query: { expr: `sum(rate(${COST}[$__rate_interval])) * 3600` },
      }),
      stat({
        title: 'Tokens',
        description:
          'Tokens of LLM calls in the selected time range: input, output, cache and reasoning tokens.',
        unit: UNITS.tokens,
        noValue: '0',
        query: { expr: `sum(increase(${TOKENS}[$__range]))`, instant: true },
      }),
      stat({
        title: 'Cost per LLM call',
        description:
          'Average USD cost of one LLM call in the selected time range. Unpriced calls add nothing to the cost ' +
          'but count as calls, so with unpriced calls this is a lower bound.',
        unit: UNITS.usd,
        decimals: 4,
        query: {
          expr: `sum(increase(${COST}[$__range])) / sum(increase(${REQUESTS}[$__range]))`,
          instant: true,
        },
      }),
      stat({
        title: 'Unpriced LLM calls',
        description:
          'LLM calls whose model has no known price: their cost is unknown (NULL in ClickHouse), so every cost ' +
          'figure here leaves them out. Add the model to BEACON_PRICE_OVERRIDES_FILE.',
        unit: UNITS.spans,
        decimals: 0,
        noValue: '0',
        thresholds: ZERO_IS_GOOD,
        query: { expr: `sum(increase(${UNPRICED}[$__range]))`, instant: true },
      }),
      stat({
        title: 'LLM calls without token usage',
        description:
          'LLM calls that reported no token usage: neither their tokens nor their cost are counted. Usually an ' +
          'instrumentation that does not record usage (e.g. streaming without usage).',
        unit: UNITS.spans,
        decimals: 0,
        noValue: '0',
        thresholds: ZERO_IS_GOOD,
        query: { expr: `sum(increase(${USAGE_MISSING}[$__range]))`, instant: true },
      }),
    ],
  };
}

function tokenBurnSection(): DashboardSection {
  return {
    row: 'Token burn',
    panels: [
      timeseries({
        title: 'Tokens per second by model',
        description: 'Tokens per second (all token types), per model.',
        unit: UNITS.tokensPerSecond,
        min: 0,
        stack: true,
        queries: [{ expr: tokensPerSecondBy('model'), legend: '{{model}}' }],
      }),
      timeseries({
        title: 'Tokens per second by token type',
        description:
          'Tokens per second per type. The types add up to the total: input excludes cache_read and ' +
          'cache_write, output excludes reasoning. Cache reads are usually billed far below input tokens.',
        unit: UNITS.tokensPerSecond,
        min: 0,
        stack: true,
        queries: [{ expr: tokensPerSecondBy('token_type'), legend: '{{token_type}}' }],
      }),
      timeseries({
        title: 'Tokens per second by agent',
        description: 'Tokens per second (all token types), per agent (empty: calls outside any agent).',
        unit: UNITS.tokensPerSecond,
        min: 0,
        stack: true,
        queries: [{ expr: tokensPerSecondBy('agent'), legend: '{{agent}}' }],
      }),
      timeseries({
        title: 'Tokens per second by service',
        description: 'Tokens per second (all token types), per service.name.',
        unit: UNITS.tokensPerSecond,
        min: 0,
        stack: true,
        queries: [{ expr: tokensPerSecondBy('service'), legend: '{{service}}' }],
      }),
    ],
  };
}

function costSection(): DashboardSection {
  return {
    row: 'Cost',
    panels: [
      timeseries({
        title: 'Cost per hour by model',
        description: 'Spend rate in USD per hour, per provider and model.',
        unit: UNITS.usd,
        min: 0,
        stack: true,
        queries: [{ expr: costPerHourBy('provider, model'), legend: '{{provider}} / {{model}}' }],
      }),
      timeseries({
        title: 'Cost per hour by agent',
        description: 'Spend rate in USD per hour, per agent.',
        unit: UNITS.usd,
        min: 0,
        stack: true,
        queries: [{ expr: costPerHourBy('agent'), legend: '{{agent}}' }],
      }),
      timeseries({
        title: 'Cost per hour by service',
        description: 'Spend rate in USD per hour, per service.name.',
        unit: UNITS.usd,
        min: 0,
        stack: true,
        queries: [{ expr: costPerHourBy('service'), legend: '{{service}}' }],
      }),
      timeseries({
        title: 'Cost per LLM call by model',
        description: 'Average USD cost of one LLM call, per model: spend rate divided by call rate.',
        unit: UNITS.usd,
        min: 0,
        decimals: 4,
        queries: [
          {
            expr:
              `sum by (model) (rate(${COST}[$__rate_interval])) / ` +
              `sum by (model) (rate(${REQUESTS}[$__rate_interval]))`,
            legend: '{{model}}',
          },
        ],
      }),
      barGauge({
        title: 'Top models by cost',
        description: 'The 10 models that cost the most in the selected time range.',
        unit: UNITS.usd,
        decimals: 2,
        query: { expr: `topk(10, sum by (model) (increase(${COST}[$__range])))`, legend: '{{model}}' },
      }),
      barGauge({
        title: 'Top agents by cost',
        description: 'The 10 agents that cost the most in the selected time range.',
        unit: UNITS.usd,
        decimals: 2,
        query: { expr: `topk(10, sum by (agent) (increase(${COST}[$__range])))`, legend: '{{agent}}' },
      }),
    ],
  };
}

function costPerTraceSection(): DashboardSection {
  return {
    row: 'Cost per trace (ClickHouse)',
    panels: [
      clickhouseTimeseries({
        title: 'Cost per trace',
        description:
          'Mean, median and p95 USD cost of one trace (one agent run), by trace start, from ' +
          'beacon_trace_summaries. Only traces with LLM calls, all of them priced: a trace with an unpriced ' +
          'call has an unknown cost and is left out. Filters apply to the root service, any agent and any ' +
          'model of the trace.',
        unit: UNITS.usd,
        decimals: 4,
        sql: COST_PER_TRACE_SQL,
      }),
      clickhouseTable({
        title: 'Most expensive traces',
        description:
          'The 20 costliest traces started in the selected time range, from beacon_trace_summaries. ' +
          '"Unpriced calls" > 0 means the real cost is higher than shown.',
        sql: EXPENSIVE_TRACES_SQL,
        sortBy: 'Cost',
        units: {
          Cost: UNITS.usd,
          Tokens: UNITS.tokens,
          'LLM calls': UNITS.count,
          'Unpriced calls': UNITS.count,
        },
      }),
    ],
  };
}

function coverageSection(): DashboardSection {
  return {
    row: 'Coverage: what the cost figures leave out',
    panels: [
      timeseries({
        title: 'Unpriced LLM calls per second by model',
        description:
          'LLM calls whose model has no known price (counted per model across all services and agents). Their ' +
          'cost is unknown, never assumed 0 — add the model to BEACON_PRICE_OVERRIDES_FILE to price it.',
        unit: UNITS.spansPerSecond,
        min: 0,
        queries: [{ expr: `sum by (model) (rate(${UNPRICED}[$__rate_interval]))`, legend: '{{model}}' }],
      }),
      timeseries({
        title: 'LLM calls without token usage per second',
        description:
          'LLM calls that reported no token usage, per service and model: their tokens and cost are missing ' +
          'from every figure above.',
        unit: UNITS.spansPerSecond,
        min: 0,
        queries: [
          {
            expr: `sum by (service, model) (rate(${USAGE_MISSING}[$__rate_interval]))`,
            legend: '{{service}} / {{model}}',
          },
        ],
      }),
      labelTable({
        title: 'Cost coverage by model',
        description:
          'Per model over the selected time range: LLM calls, calls without a price and their share, calls ' +
          'without token usage. Filtered by model (and service for usage) only, since the unpriced counter ' +
          'has no other labels.',
        rowLabel: 'model',
        rowLabelTitle: 'Model',
        sortBy: 'Unpriced calls',
        columns: [
          {
            name: 'LLM calls',
            unit: UNITS.count,
            decimals: 0,
            expr: CALLS_BY_MODEL,
          },
          {
            name: 'Unpriced calls',
            unit: UNITS.count,
            decimals: 0,
            thresholds: ZERO_IS_GOOD,
            expr: `${UNPRICED_BY_MODEL} or 0 * ${CALLS_BY_MODEL}`,
          },
          {
            name: 'Unpriced share',
            unit: UNITS.ratio,
            decimals: 1,
            thresholds: ZERO_IS_GOOD,
            expr: `(${UNPRICED_BY_MODEL} or 0 * ${CALLS_BY_MODEL}) / ${CALLS_BY_MODEL}`,
          },
          {
            name: 'Calls without usage',
            unit: UNITS.count,
            decimals: 0,
            thresholds: ZERO_IS_GOOD,
            expr: `sum by (model) (increase(${USAGE_MISSING}[$__range])) or 0 * ${CALLS_BY_MODEL}`,
          },
        ],
      }),
    ],
  };
}
