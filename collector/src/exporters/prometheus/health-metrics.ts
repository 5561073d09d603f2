// The collector's health in /metrics. Counts kept elsewhere (receivers, writer, forwarders) are read at scrape
// time, so there is one source of truth; only rejections are counted here, as the receivers report them.
import { Counter, Gauge, type OpenMetricsContentType, type Registry } from 'prom-client';
import { RECEIVER_PROTOCOLS, type ReceiverProtocol, SPAN_REJECT_REASONS } from '../../model.js';

/** What the exporter reads from the ClickHouse writer at scrape time (its `stats`): the one source of truth. */
export interface WriterStatsSource {
  readonly stats: {
    readonly queueDepth: number;
    readonly spansWritten: number;
    readonly writeErrors: number;
    readonly spansDropped: number;
  };
}

/** What the exporter reads from an OTLP forwarder at scrape time (its `stats`). */
export interface ForwardStatsSource {
  readonly stats: {
    readonly sent: number;
    readonly dropped: number;
    readonly failed: number;
    readonly queueDepth: number;
  };
}

export const FORWARD_OUTCOMES = ['sent', 'dropped', 'failed'] as const;

/** Where the health metrics read their counts. */
export interface HealthSources {
  /** Collector version, for beacon_build_info. */
  version: string;
  /** Spans taken into the pipeline per protocol, read at scrape time. */
  spansReceived: () => Readonly<Record<ReceiverProtocol, number>>;
  writer: WriterStatsSource;
  /** The forward exporters that are configured; their metrics exist only then. */
  forwarders?: { spans?: ForwardStatsSource; logRecords?: ForwardStatsSource };
}

/** Creates the health metrics in `registers`, in exposition order; returns the rejections counter. */
export function registerHealthMetrics(
  registers: Registry<OpenMetricsContentType>[],
  options: HealthSources,
): Counter<string> {
  new Counter({
    name: 'beacon_spans_received_total',
    help: 'Spans taken into the pipeline, by receiver protocol (refused and invalid spans are in beacon_spans_rejected_total).',
    labelNames: ['protocol'],
    registers,
    collect() {
      const received = options.spansReceived();
      this.reset();
      for (const protocol of RECEIVER_PROTOCOLS) this.inc({ protocol }, received[protocol] ?? 0);
    },
  });
  const rejected = new Counter({
    name: 'beacon_spans_rejected_total',
    help: 'Spans not taken, by reason. A request refused before its spans could be counted (malformed_request, too_large, unsupported_media_type) counts 1.',
    labelNames: ['reason'],
    registers,
  });
  for (const reason of SPAN_REJECT_REASONS) rejected.inc({ reason }, 0);
  const writer = options.writer;
  new Counter({
    name: 'beacon_spans_written_total',
    help: 'Spans written to ClickHouse.',
    registers,
    collect() {
      this.reset();
      this.inc(writer.stats.spansWritten);
    },
  });
  new Counter({
    name: 'beacon_spans_dropped_total',
    help: 'Accepted spans not written before shutdown ran out of time (with the spool on, they are written at the next start).',
    registers,
    collect() {
      this.reset();
      this.inc(writer.stats.spansDropped);
    },
  });
  new Counter({
    name: 'beacon_clickhouse_write_errors_total',
    help: 'Failed ClickHouse insert attempts (each failed retry counts again).',
    registers,
    collect() {
      this.reset();
      this.inc(writer.stats.writeErrors);
    },
  });
  new Gauge({
    name: 'beacon_export_queue_spans',
    help: 'Spans accepted and not yet written to ClickHouse.',
    registers,
    collect() {
      this.set(writer.stats.queueDepth);
    },
  });
  const forwarded = [
    ['spans', options.forwarders?.spans, 'BEACON_FORWARD_OTLP_ENDPOINT'],
    ['log_records', options.forwarders?.logRecords, 'BEACON_FORWARD_LOGS_ENDPOINT'],
  ] as const;
  for (const [items, forwarder, setting] of forwarded) {
    if (!forwarder) continue;
    new Counter({
      name: `beacon_forward_${items}_total`,
      help: `${items === 'spans' ? 'Spans' : 'Log records'} forwarded to ${setting}, by outcome: sent, dropped (forward queue full, or unsent at shutdown) or failed (rejected by the target, or retried past the give-up time).`,
      labelNames: ['outcome'],
      registers,
      collect() {
        const stats = forwarder.stats;
        this.reset();
        for (const outcome of FORWARD_OUTCOMES) this.inc({ outcome }, stats[outcome]);
      },
    });
    new Gauge({
      name: `beacon_forward_queue_${items}`,
      help: `${items === 'spans' ? 'Spans' : 'Log records'} waiting to be forwarded to ${setting} (including those being sent).`,
      registers,
      collect() {
        this.set(forwarder.stats.queueDepth);
      },
    });
  }
  new Gauge({
    name: 'beacon_build_info',
    help: 'Beacon collector build: always 1, the version in a label.',
    labelNames: ['version'],
    registers,
  }).set({ version: options.version }, 1);
  return rejected;
}
