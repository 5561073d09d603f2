// Agent overview: how much each agent calls its models, how often those calls fail and how long they take.
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { type DashboardSection, dashboard } from './dashboard.js';
import { barGauge, ERROR_RATIO, labelTable, stat, timeseries, UNITS } from './panels.js';
import { GENAI_FILTER, prometheusVariable, serviceAgentModelVariables } from './variables.js';

export const AGENT_OVERVIEW_UID = 'beacon-agent-overview';

const F = GENAI_FILTER;
const REQUESTS = `beacon_genai_requests_total{${F}}`;
const ERRORS = `beacon_genai_requests_total{${F}, status="error"}`;
const DURATION = `beacon_genai_request_duration_seconds_bucket{${F}}`;
/** All tokens: the token types (input, output, cache_read, cache_write, reasoning) partition the total. */
const TOKENS = `beacon_genai_tokens_total{${F}}`;
const COST = `beacon_genai_cost_usd_total{${F}}`;
/** OTel GenAI client metrics carry the model as gen_ai_request_model (and no service or agent). */
const OTEL_DURATION = 'gen_ai_client_operation_duration_seconds';
const OTEL_MODEL = 'gen_ai_request_model=~"$model"';

const quantile = (q: number, by: string, range: string) =>
  `histogram_quantile(${q}, sum by (${by}) (rate(${DURATION}[${range}])))`;

export function agentOverview(): DashboardBuilder {
  return dashboard({
    uid: AGENT_OVERVIEW_UID,
    title: 'Beacon / Agent overview',
    description:
      'LLM calls made by your agents as seen by the Beacon collector: volume, error rate, latency ' +
      'percentiles and the busiest agents. Filter by service, agent and model.',
    variables: [prometheusVariable(), ...serviceAgentModelVariables()],
    sections: [
      summarySection(),
      callsAndErrorsSection(),
      latencySection(),
      topAgentsSection(),
      otelClientMetricsSection(),
    ],
  });
}

function summarySection(): DashboardSection {
  return {
    row: 'Summary (selected time range)',
    panels: [
      stat({
        title: 'LLM calls',
        description: 'LLM calls (inference spans) made in the selected time range.',
        unit: UNITS.count,
        decimals: 0,
        noValue: '0',
        query: { expr: `sum(increase(${REQUESTS}[$__range]))`, instant: true },
      }),
      stat({
        title: 'Error ratio',
        description:
          'Share of LLM calls that ended in an error (span status error) in the selected time range.',
        unit: UNITS.ratio,
        decimals: 2,
        thresholds: ERROR_RATIO,
        query: {
          expr: `(sum(increase(${ERRORS}[$__range])) or vector(0)) / sum(increase(${REQUESTS}[$__range]))`,
          instant: true,
        },
      }),
      stat({
        title: 'p95 latency',
        description:
          '95th percentile of LLM call duration over the selected time range, estimated from the ' +
          'beacon_genai_request_duration_seconds histogram buckets.',
        unit: UNITS.seconds,
        query: { expr: quantile(0.95, 'le', '$__range'), instant: true },
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
        title: 'Cost',
        description:
          'Cost in USD of the LLM calls in the selected time range. Calls to models without a known price are ' +
          'not included: see "Token burn & cost" → coverage.',
        unit: UNITS.usd,
        decimals: 2,
        noValue: '0',
        query: { expr: `sum(increase(${COST}[$__range]))`, instant: true },
      }),
      stat({
        title: 'Active agents',
        description: 'Agents (gen_ai.agent.name) that made at least one LLM call in the selected time range.',
        unit: UNITS.count,
        decimals: 0,
        noValue: '0',
        query: {
          expr: `count(sum by (agent) (increase(beacon_genai_requests_total{${F}, agent!=""}[$__range])) > 0)`,
          instant: true,
        },
      }),
    ],
  };
}

function callsAndErrorsSection(): DashboardSection {
  return {
    row: 'Calls and errors',
    panels: [
      timeseries({
        title: 'LLM calls per second by agent',
        description: 'Rate of LLM calls per agent. Calls made outside any agent have an empty agent.',
        unit: UNITS.requestsPerSecond,
        min: 0,
        queries: [{ expr: `sum by (agent) (rate(${REQUESTS}[$__rate_interval]))`, legend: '{{agent}}' }],
      }),
      timeseries({
        title: 'Error ratio by agent',
        description: 'Share of each agent’s LLM calls that failed.',
        unit: UNITS.ratio,
        min: 0,
        queries: [
          {
            expr:
              `(sum by (agent) (rate(${ERRORS}[$__rate_interval])) or ` +
              `0 * sum by (agent) (rate(${REQUESTS}[$__rate_interval]))) / ` +
              `sum by (agent) (rate(${REQUESTS}[$__rate_interval]))`,
            legend: '{{agent}}',
          },
        ],
      }),
      timeseries({
        title: 'LLM calls per second by model',
        description: 'Rate of LLM calls per provider and requested model.',
        unit: UNITS.requestsPerSecond,
        min: 0,
        stack: true,
        queries: [
          {
            expr: `sum by (provider, model) (rate(${REQUESTS}[$__rate_interval]))`,
            legend: '{{provider}} / {{model}}',
          },
        ],
      }),
      timeseries({
        title: 'Failed LLM calls per second by agent and model',
        description: 'Rate of failed LLM calls, per agent and model.',
        unit: UNITS.requestsPerSecond,
        min: 0,
        queries: [
          {
            expr: `sum by (agent, model) (rate(${ERRORS}[$__rate_interval]))`,
            legend: '{{agent}} / {{model}}',
          },
        ],
      }),
    ],
  };
}

function latencySection(): DashboardSection {
  return {
    row: 'Latency',
    panels: [
      timeseries({
        title: 'LLM call latency p50 / p95 / p99',
        description:
          'Duration percentiles of all selected LLM calls, from the beacon_genai_request_duration_seconds ' +
          'histogram (accuracy is limited by its buckets). Exemplars, when Prometheus stores them, link to ' +
          'the trace of a slow call.',
        unit: UNITS.seconds,
        min: 0,
        queries: [
          { expr: quantile(0.5, 'le', '$__rate_interval'), legend: 'p50' },
          { expr: quantile(0.95, 'le', '$__rate_interval'), legend: 'p95' },
          { expr: quantile(0.99, 'le', '$__rate_interval'), legend: 'p99', exemplar: true },
        ],
      }),
      timeseries({
        title: 'p95 latency by agent',
        description: '95th percentile of LLM call duration per agent.',
        unit: UNITS.seconds,
        min: 0,
        queries: [{ expr: quantile(0.95, 'agent, le', '$__rate_interval'), legend: '{{agent}}' }],
      }),
      timeseries({
        title: 'p99 latency by agent',
        description: '99th percentile of LLM call duration per agent: the slow tail your users notice.',
        unit: UNITS.seconds,
        min: 0,
        queries: [{ expr: quantile(0.99, 'agent, le', '$__rate_interval'), legend: '{{agent}}' }],
      }),
      timeseries({
        title: 'p95 latency by model',
        description: '95th percentile of LLM call duration per provider and model.',
        unit: UNITS.seconds,
        min: 0,
        queries: [
          {
            expr: quantile(0.95, 'provider, model, le', '$__rate_interval'),
            legend: '{{provider}} / {{model}}',
          },
        ],
      }),
    ],
  };
}

function topAgentsSection(): DashboardSection {
  return {
    row: 'Top agents (selected time range)',
    panels: [
      labelTable({
        title: 'Agents',
        description:
          'Per agent over the selected time range: LLM calls, failures, error ratio, latency percentiles ' +
          '(from histogram buckets), tokens and cost.',
        rowLabel: 'agent',
        rowLabelTitle: 'Agent',
        sortBy: 'Calls',
        h: 10,
        columns: [
          {
            name: 'Calls',
            unit: UNITS.count,
            decimals: 0,
            expr: `sum by (agent) (increase(${REQUESTS}[$__range]))`,
          },
          {
            name: 'Errors',
            unit: UNITS.count,
            decimals: 0,
            expr: `sum by (agent) (increase(${ERRORS}[$__range]))`,
          },
          {
            name: 'Error ratio',
            unit: UNITS.ratio,
            decimals: 2,
            thresholds: ERROR_RATIO,
            expr:
              `(sum by (agent) (increase(${ERRORS}[$__range])) or 0 * sum by (agent) (increase(${REQUESTS}[$__range]))) / ` +
              `sum by (agent) (increase(${REQUESTS}[$__range]))`,
          },
          { name: 'p50', unit: UNITS.seconds, expr: quantile(0.5, 'agent, le', '$__range') },
          { name: 'p95', unit: UNITS.seconds, expr: quantile(0.95, 'agent, le', '$__range') },
          { name: 'p99', unit: UNITS.seconds, expr: quantile(0.99, 'agent, le', '$__range') },
          { name: 'Tokens', unit: UNITS.tokens, expr: `sum by (agent) (increase(${TOKENS}[$__range]))` },
          {
            name: 'Cost',
            unit: UNITS.usd,
            decimals: 2,
            expr: `sum by (agent) (increase(${COST}[$__range]))`,
          },
        ],
      }),
      barGauge({
        title: 'Busiest agents',
        description: 'The 10 agents with the most LLM calls in the selected time range.',
        unit: UNITS.count,
        decimals: 0,
        query: { expr: `topk(10, sum by (agent) (increase(${REQUESTS}[$__range])))`, legend: '{{agent}}' },
      }),
      barGauge({
        title: 'Slowest agents (p95)',
        description: 'The 10 agents with the highest p95 LLM call latency over the selected time range.',
        unit: UNITS.seconds,
        query: { expr: `topk(10, ${quantile(0.95, 'agent, le', '$__range')})`, legend: '{{agent}}' },
      }),
    ],
  };
}

function otelClientMetricsSection(): DashboardSection {
  return {
    row: 'OTel GenAI client metrics (gen_ai.client.*)',
    panels: [
      timeseries({
        title: 'Operation duration p95 by operation and model',
        description:
          'gen_ai.client.operation.duration (OTel GenAI semantic conventions), 95th percentile per ' +
          'gen_ai.operation.name and gen_ai.request.model. Filtered by model only: these metrics carry no ' +
          'service or agent.',
        unit: UNITS.seconds,
        min: 0,
        queries: [
          {
            expr:
              'histogram_quantile(0.95, sum by (gen_ai_operation_name, gen_ai_request_model, le) ' +
              `(rate(${OTEL_DURATION}_bucket{${OTEL_MODEL}}[$__rate_interval])))`,
            legend: '{{gen_ai_operation_name}} {{gen_ai_request_model}}',
          },
        ],
      }),
      timeseries({
        title: 'Failed operations per second by error type',
        description:
          'Operations recorded by gen_ai.client.operation.duration with an error.type, per error type and ' +
          'provider (timeouts, rate limits, HTTP status classes…).',
        unit: UNITS.perSecond,
        min: 0,
        queries: [
          {
            expr:
              'sum by (error_type, gen_ai_provider_name) ' +
              `(rate(${OTEL_DURATION}_count{${OTEL_MODEL}, error_type!=""}[$__rate_interval]))`,
            legend: '{{gen_ai_provider_name}}: {{error_type}}',
          },
        ],
      }),
      timeseries({
        title: 'Prompt size p95 by model',
        description:
          '95th percentile of input tokens per call (gen_ai.client.token.usage, token type input) per model: ' +
          'growing prompts drive both cost and latency.',
        unit: UNITS.tokens,
        min: 0,
        queries: [
          {
            expr:
              'histogram_quantile(0.95, sum by (gen_ai_request_model, le) (rate(gen_ai_client_token_usage_bucket' +
              `{${OTEL_MODEL}, gen_ai_token_type="input"}[$__rate_interval])))`,
            legend: '{{gen_ai_request_model}}',
          },
        ],
      }),
      timeseries({
        title: 'Completion size p95 by model',
        description:
          '95th percentile of output tokens per call (gen_ai.client.token.usage, token type output) per model.',
        unit: UNITS.tokens,
        min: 0,
        queries: [
          {
            expr:
              'histogram_quantile(0.95, sum by (gen_ai_request_model, le) (rate(gen_ai_client_token_usage_bucket' +
              `{${OTEL_MODEL}, gen_ai_token_type="output"}[$__rate_interval])))`,
            legend: '{{gen_ai_request_model}}',
          },
        ],
      }),
    ],
  };
}
