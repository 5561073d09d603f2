// Collector health: is the Beacon collector keeping up — spans in, spans out, rejections, drops, export queue,
// ClickHouse write errors, label-cardinality folding, and the Node.js process itself.
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { type DashboardSection, dashboard } from './dashboard.js';
import { barGauge, stat, steps, timeseries, UNITS, ZERO_IS_GOOD } from './panels.js';
import { labelVariable, prometheusVariable, singleLabelVariable } from './variables.js';

export const COLLECTOR_HEALTH_UID = 'beacon-collector-health';

const H = 'job=~"$job", instance=~"$instance"';
const rate = (metric: string, extra = '') =>
  `rate(${metric}{${H}${extra === '' ? '' : `, ${extra}`}}[$__rate_interval])`;

export function collectorHealth(): DashboardBuilder {
  return dashboard({
    uid: COLLECTOR_HEALTH_UID,
    title: 'Beacon / Collector health',
    description:
      'The Beacon collector itself: spans received, written, rejected and dropped, export queue depth, ' +
      'ClickHouse write errors, metric label values folded into "other", and process memory, CPU and ' +
      'event-loop lag.',
    time: 'now-3h',
    variables: [
      prometheusVariable(),
      singleLabelVariable(
        'job',
        'Job',
        'label_values(beacon_build_info, job)',
        'Prometheus job scraping the collector (beacon-collector in the shipped configuration).',
      ),
      labelVariable(
        'instance',
        'Instance',
        'label_values(beacon_build_info{job=~"$job"}, instance)',
        'Collector replica (host:port of its /metrics).',
      ),
    ],
    sections: [
      summarySection(),
      pipelineSection(),
      exportAndStorageSection(),
      cardinalityGuardSection(),
      processSection(),
    ],
  });
}

function summarySection(): DashboardSection {
  return {
    row: 'Summary',
    panels: [
      stat({
        title: 'Collectors up',
        description: 'Collector instances Prometheus scraped successfully in its last scrape.',
        unit: UNITS.count,
        decimals: 0,
        noValue: '0',
        thresholds: steps({ value: null, color: 'red' }, { value: 1, color: 'green' }),
        query: { expr: `sum(up{${H}})` },
      }),
      stat({
        title: 'Spans received',
        description: 'Spans accepted from OTLP clients per second (gRPC + HTTP).',
        unit: UNITS.spansPerSecond,
        noValue: '0',
        sparkline: true,
        query: { expr: `sum(${rate('beacon_spans_received_total')})` },
      }),
      stat({
        title: 'Spans written',
        description: 'Spans written to ClickHouse per second.',
        unit: UNITS.spansPerSecond,
        noValue: '0',
        sparkline: true,
        query: { expr: `sum(${rate('beacon_spans_written_total')})` },
      }),
      stat({
        title: 'Spans rejected',
        description:
          'Spans refused per second (invalid payload, too large, queue full…). Clients see an error.',
        unit: UNITS.spansPerSecond,
        noValue: '0',
        sparkline: true,
        thresholds: ZERO_IS_GOOD,
        query: { expr: `sum(${rate('beacon_spans_rejected_total')})` },
      }),
      stat({
        title: 'Spans dropped',
        description:
          'Spans accepted but never written in the selected time range (shutdown ran out of time to flush the ' +
          'export queue): data loss. Should always be 0.',
        unit: UNITS.spans,
        decimals: 0,
        noValue: '0',
        thresholds: steps({ value: null, color: 'green' }, { value: 1e-9, color: 'red' }),
        query: { expr: `sum(increase(beacon_spans_dropped_total{${H}}[$__range]))`, instant: true },
      }),
      stat({
        title: 'Export queue',
        description:
          'Spans waiting to be written to ClickHouse, summed over instances. Past BEACON_QUEUE_MAX_SPANS ' +
          '(default 200000) clients get 429 / UNAVAILABLE.',
        unit: UNITS.spans,
        decimals: 0,
        noValue: '0',
        sparkline: true,
        query: { expr: `sum(beacon_export_queue_spans{${H}})` },
      }),
    ],
  };
}

function pipelineSection(): DashboardSection {
  return {
    row: 'Pipeline',
    panels: [
      timeseries({
        title: 'Spans received per second by protocol',
        description: 'Spans accepted per second, per OTLP protocol (grpc, http).',
        unit: UNITS.spansPerSecond,
        min: 0,
        stack: true,
        queries: [
          { expr: `sum by (protocol) (${rate('beacon_spans_received_total')})`, legend: '{{protocol}}' },
        ],
      }),
      timeseries({
        title: 'Spans in and out',
        description:
          'Received vs written vs rejected vs dropped spans per second. Written should follow received; a ' +
          'growing gap means the export queue is filling up.',
        unit: UNITS.spansPerSecond,
        min: 0,
        queries: [
          { expr: `sum(${rate('beacon_spans_received_total')})`, legend: 'received' },
          { expr: `sum(${rate('beacon_spans_written_total')})`, legend: 'written' },
          { expr: `sum(${rate('beacon_spans_rejected_total')})`, legend: 'rejected' },
          { expr: `sum(${rate('beacon_spans_dropped_total')})`, legend: 'dropped' },
        ],
      }),
      timeseries({
        title: 'Rejected spans per second by reason',
        description: 'Spans refused per second, per reason.',
        unit: UNITS.spansPerSecond,
        min: 0,
        queries: [{ expr: `sum by (reason) (${rate('beacon_spans_rejected_total')})`, legend: '{{reason}}' }],
      }),
      timeseries({
        title: 'Dropped spans per second by instance',
        description:
          'Spans accepted but never written (data loss: shutdown ran out of time to flush), per instance.',
        unit: UNITS.spansPerSecond,
        min: 0,
        queries: [
          { expr: `sum by (instance) (${rate('beacon_spans_dropped_total')})`, legend: '{{instance}}' },
        ],
      }),
    ],
  };
}

function exportAndStorageSection(): DashboardSection {
  return {
    row: 'Export and storage',
    panels: [
      timeseries({
        title: 'Export queue depth',
        description:
          'Spans waiting to be written to ClickHouse, per instance. Past BEACON_QUEUE_MAX_SPANS (default ' +
          '200000) the collector pushes back on clients.',
        unit: UNITS.spans,
        min: 0,
        legendCalcs: ['lastNotNull', 'max'],
        queries: [{ expr: `sum by (instance) (beacon_export_queue_spans{${H}})`, legend: '{{instance}}' }],
      }),
      timeseries({
        title: 'ClickHouse write errors per second',
        description:
          'Failed ClickHouse insert attempts per second, per instance. Failed batches are retried with backoff ' +
          '(each failed retry counts again); sustained errors fill the export queue.',
        unit: UNITS.perSecond,
        min: 0,
        queries: [
          {
            expr: `sum by (instance) (${rate('beacon_clickhouse_write_errors_total')})`,
            legend: '{{instance}}',
          },
        ],
      }),
    ],
  };
}

function cardinalityGuardSection(): DashboardSection {
  return {
    row: 'Metric cardinality guard',
    panels: [
      timeseries({
        title: 'Label values folded into "other" per second',
        description:
          'Label values replaced by "other" because the label already had BEACON_METRICS_MAX_LABEL_VALUES ' +
          'distinct values (counted per span and label). Non-zero: per-model/agent/tool panels lump the excess ' +
          'into "other" — raise the limit or fix the client sending unbounded values.',
        unit: UNITS.perSecond,
        min: 0,
        queries: [
          {
            expr: `sum by (label) (${rate('beacon_metric_label_values_folded_total')})`,
            legend: '{{label}}',
          },
        ],
      }),
      barGauge({
        title: 'Folded label values by label',
        description: 'Label values folded into "other" in the selected time range, per label.',
        unit: UNITS.count,
        decimals: 0,
        query: {
          expr: `sum by (label) (increase(beacon_metric_label_values_folded_total{${H}}[$__range]))`,
          legend: '{{label}}',
        },
      }),
    ],
  };
}

function processSection(): DashboardSection {
  return {
    row: 'Process',
    panels: [
      timeseries({
        title: 'Memory',
        description: 'Resident set size and V8 heap used, per instance.',
        unit: UNITS.bytes,
        min: 0,
        w: 8,
        legendCalcs: ['lastNotNull', 'max'],
        queries: [
          { expr: `sum by (instance) (process_resident_memory_bytes{${H}})`, legend: 'RSS {{instance}}' },
          { expr: `sum by (instance) (nodejs_heap_size_used_bytes{${H}})`, legend: 'heap used {{instance}}' },
        ],
      }),
      timeseries({
        title: 'CPU',
        description: 'CPU time used per second (1 = 100 % of one core), per instance.',
        unit: UNITS.ratio,
        min: 0,
        w: 8,
        queries: [
          { expr: `sum by (instance) (${rate('process_cpu_seconds_total')})`, legend: '{{instance}}' },
        ],
      }),
      timeseries({
        title: 'Event loop lag',
        description:
          'Node.js event-loop delay (p50 and p99 over prom-client’s sampling window), per instance. Sustained ' +
          'lag above ~100 ms slows OTLP intake and /metrics scrapes.',
        unit: UNITS.seconds,
        min: 0,
        w: 8,
        queries: [
          { expr: `max by (instance) (nodejs_eventloop_lag_p50_seconds{${H}})`, legend: 'p50 {{instance}}' },
          { expr: `max by (instance) (nodejs_eventloop_lag_p99_seconds{${H}})`, legend: 'p99 {{instance}}' },
        ],
      }),
    ],
  };
}
