// Tools: which tools agents call, how often they fail, and (from ClickHouse spans) how long they take.
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { type DashboardSection, dashboard } from './dashboard.js';
import {
  barGauge,
  clickhouseTable,
  clickhouseTimeseries,
  ERROR_RATIO,
  labelTable,
  stat,
  timeseries,
  UNITS,
  ZERO_IS_GOOD,
} from './panels.js';
import { chMatches, chTable } from './targets.js';
import {
  clickhouseDatabaseVariable,
  clickhouseVariable,
  labelVariable,
  prometheusVariable,
  variableRef,
} from './variables.js';

export const TOOLS_UID = 'beacon-tools';

const T = 'service=~"$service", agent=~"$agent", tool=~"$tool"';
const CALLS = `beacon_tool_calls_total{${T}}`;
const FAILURES = `beacon_tool_calls_total{${T}, status="error"}`;

const failureRatio = (by: string, range: string) => {
  const calls = `sum by (${by}) (increase(${CALLS}[${range}]))`;
  return `(sum by (${by}) (increase(${FAILURES}[${range}])) or 0 * ${calls}) / ${calls}`;
};

const TOOL_SPANS_FILTER = [
  '$__timeFilter(Timestamp)',
  "Operation = 'execute_tool'",
  chMatches('ServiceName', 'service'),
  chMatches('AgentName', 'agent'),
  chMatches('ToolName', 'tool'),
].join('\n  AND ');

const TOOL_LATENCY_SQL = `SELECT
  $__timeInterval(Timestamp) AS time,
  ToolName AS tool,
  quantile(0.95)(Duration) / 1e9 AS p95
FROM ${chTable('beacon_genai_spans')}
WHERE ${TOOL_SPANS_FILTER}
GROUP BY time, tool
ORDER BY time`;

const TOOL_LATENCY_TABLE_SQL = `SELECT
  ToolName AS "Tool",
  count() AS "Calls",
  countIf(StatusCode = 'Error') AS "Failed",
  quantile(0.5)(Duration) / 1e9 AS "p50",
  quantile(0.95)(Duration) / 1e9 AS "p95",
  quantile(0.99)(Duration) / 1e9 AS "p99",
  max(Duration) / 1e9 AS "Slowest"
FROM ${chTable('beacon_genai_spans')}
WHERE ${TOOL_SPANS_FILTER}
GROUP BY ToolName
ORDER BY "p95" DESC
LIMIT 50`;

export function tools(): DashboardBuilder {
  return dashboard({
    uid: TOOLS_UID,
    title: 'Beacon / Tools',
    description:
      'Tool calls made by your agents (execute_tool spans): volume, failures and failure ratio per tool and ' +
      'agent, and tool latency from the spans stored in ClickHouse.',
    variables: [
      prometheusVariable(),
      labelVariable(
        'service',
        'Service',
        'label_values(beacon_tool_calls_total, service)',
        'OTel service.name of the instrumented application.',
      ),
      labelVariable(
        'agent',
        'Agent',
        'label_values(beacon_tool_calls_total{service=~"$service"}, agent)',
        'Agent that called the tool (empty for calls outside an agent).',
      ),
      labelVariable(
        'tool',
        'Tool',
        'label_values(beacon_tool_calls_total{service=~"$service", agent=~"$agent"}, tool)',
        'gen_ai.tool.name.',
      ),
      clickhouseVariable(),
      clickhouseDatabaseVariable(),
    ],
    sections: [summarySection(), callsAndFailuresSection(), perToolSection(), toolLatencySection()],
  });
}

function summarySection(): DashboardSection {
  return {
    row: 'Summary (selected time range)',
    panels: [
      stat({
        title: 'Tool calls',
        description: 'Tool calls in the selected time range.',
        unit: UNITS.count,
        decimals: 0,
        noValue: '0',
        w: 6,
        query: { expr: `sum(increase(${CALLS}[$__range]))`, instant: true },
      }),
      stat({
        title: 'Failed tool calls',
        description: 'Tool calls that ended in an error in the selected time range.',
        unit: UNITS.count,
        decimals: 0,
        noValue: '0',
        w: 6,
        thresholds: ZERO_IS_GOOD,
        query: { expr: `sum(increase(${FAILURES}[$__range]))`, instant: true },
      }),
      stat({
        title: 'Failure ratio',
        description: 'Share of tool calls that failed in the selected time range.',
        unit: UNITS.ratio,
        decimals: 2,
        w: 6,
        thresholds: ERROR_RATIO,
        query: {
          expr: `(sum(increase(${FAILURES}[$__range])) or vector(0)) / sum(increase(${CALLS}[$__range]))`,
          instant: true,
        },
      }),
      stat({
        title: 'Tools used',
        description: 'Distinct tools called at least once in the selected time range.',
        unit: UNITS.count,
        decimals: 0,
        noValue: '0',
        w: 6,
        query: { expr: `count(sum by (tool) (increase(${CALLS}[$__range])) > 0)`, instant: true },
      }),
    ],
  };
}

function callsAndFailuresSection(): DashboardSection {
  return {
    row: 'Calls and failures',
    panels: [
      timeseries({
        title: 'Tool calls per second by tool',
        description: 'Rate of tool calls per tool.',
        unit: UNITS.perSecond,
        min: 0,
        stack: true,
        queries: [{ expr: `sum by (tool) (rate(${CALLS}[$__rate_interval]))`, legend: '{{tool}}' }],
      }),
      timeseries({
        title: 'Failed tool calls per second by tool',
        description: 'Rate of failed tool calls per tool.',
        unit: UNITS.perSecond,
        min: 0,
        queries: [{ expr: `sum by (tool) (rate(${FAILURES}[$__rate_interval]))`, legend: '{{tool}}' }],
      }),
      timeseries({
        title: 'Failure ratio by tool',
        description: 'Share of each tool’s calls that failed.',
        unit: UNITS.ratio,
        min: 0,
        queries: [{ expr: failureRatio('tool', '$__rate_interval'), legend: '{{tool}}' }],
      }),
      timeseries({
        title: 'Tool calls per second by agent',
        description: 'Rate of tool calls per calling agent.',
        unit: UNITS.perSecond,
        min: 0,
        stack: true,
        queries: [{ expr: `sum by (agent) (rate(${CALLS}[$__rate_interval]))`, legend: '{{agent}}' }],
      }),
    ],
  };
}

function perToolSection(): DashboardSection {
  return {
    row: 'Per tool (selected time range)',
    panels: [
      labelTable({
        title: 'Tools',
        description: 'Per tool over the selected time range: calls, failures and failure ratio.',
        rowLabel: 'tool',
        rowLabelTitle: 'Tool',
        sortBy: 'Calls',
        w: 12,
        columns: [
          {
            name: 'Calls',
            unit: UNITS.count,
            decimals: 0,
            expr: `sum by (tool) (increase(${CALLS}[$__range]))`,
          },
          {
            name: 'Failed',
            unit: UNITS.count,
            decimals: 0,
            expr: `sum by (tool) (increase(${FAILURES}[$__range])) or 0 * sum by (tool) (increase(${CALLS}[$__range]))`,
          },
          {
            name: 'Failure ratio',
            unit: UNITS.ratio,
            decimals: 2,
            thresholds: ERROR_RATIO,
            expr: failureRatio('tool', '$__range'),
          },
        ],
      }),
      barGauge({
        title: 'Most failing tools',
        description: 'The 10 tools with the most failed calls in the selected time range.',
        unit: UNITS.count,
        decimals: 0,
        h: 9,
        query: { expr: `topk(10, sum by (tool) (increase(${FAILURES}[$__range])) > 0)`, legend: '{{tool}}' },
      }),
    ],
  };
}

function toolLatencySection(): DashboardSection {
  return {
    row: 'Tool latency (ClickHouse)',
    panels: [
      clickhouseTimeseries({
        title: 'Tool latency p95 by tool',
        description:
          '95th percentile duration of execute_tool spans per tool, from beacon_genai_spans (the Prometheus ' +
          'metrics have no tool duration).',
        unit: UNITS.seconds,
        displayName: variableRef('__field.labels.tool'),
        sql: TOOL_LATENCY_SQL,
      }),
      clickhouseTable({
        title: 'Tool latency',
        description:
          'Per tool over the selected time range, from execute_tool spans in beacon_genai_spans: calls, failed ' +
          'calls (span status error) and duration percentiles.',
        sql: TOOL_LATENCY_TABLE_SQL,
        sortBy: 'p95',
        units: {
          Calls: UNITS.count,
          Failed: UNITS.count,
          p50: UNITS.seconds,
          p95: UNITS.seconds,
          p99: UNITS.seconds,
          Slowest: UNITS.seconds,
        },
      }),
    ],
  };
}
