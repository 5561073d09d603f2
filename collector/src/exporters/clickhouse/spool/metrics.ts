// /metrics for the spool and the memory limiter (registered on the Prometheus exporter's registry at wiring time).
import { Counter, Gauge, type OpenMetricsContentType, type Registry } from 'prom-client';
import type { SpoolStats } from './spool.js';

export interface DurabilityMetricSources {
  spool?: { readonly stats: SpoolStats };
  memoryLimiter?: {
    readonly stats: {
      limitBytes: number;
      heapUsedBytes: number;
      refusedSpans: number;
      refusedRequests: number;
      forcedGcs: number;
    };
  };
}

export function registerDurabilityMetrics(
  registry: Registry<OpenMetricsContentType>,
  sources: DurabilityMetricSources,
): void {
  const registers = [registry];
  const { spool, memoryLimiter } = sources;
  if (spool) {
    new Gauge({
      name: 'beacon_spool_bytes',
      help: 'Bytes of spool segments on disk (accepted batches not yet confirmed by ClickHouse).',
      registers,
      collect() {
        this.set(spool.stats.bytes);
      },
    });
    new Gauge({
      name: 'beacon_spool_records',
      help: 'Spooled batches not yet confirmed by ClickHouse.',
      registers,
      collect() {
        this.set(spool.stats.records);
      },
    });
    new Counter({
      name: 'beacon_spool_corrupt_records_total',
      help: 'Spool records skipped at start-up: checksum mismatch or cut short by a crash.',
      registers,
      collect() {
        this.reset();
        this.inc(spool.stats.corruptRecords);
      },
    });
  }
  if (memoryLimiter) {
    new Counter({
      name: 'beacon_memory_limiter_refused_spans_total',
      help: 'Spans refused (clients told to retry) because the heap was above BEACON_MEMORY_LIMIT_MIB.',
      registers,
      collect() {
        this.reset();
        this.inc(memoryLimiter.stats.refusedSpans);
      },
    });
    new Counter({
      name: 'beacon_memory_limiter_refused_requests_total',
      help: 'OTLP requests refused before their body was read because the heap was above the soft limit.',
      registers,
      collect() {
        this.reset();
        this.inc(memoryLimiter.stats.refusedRequests);
      },
    });
    new Counter({
      name: 'beacon_memory_limiter_forced_gcs_total',
      help: 'Full garbage collections forced because the heap was above the soft limit (at most one per second).',
      registers,
      collect() {
        this.reset();
        this.inc(memoryLimiter.stats.forcedGcs);
      },
    });
    new Gauge({
      name: 'beacon_memory_limit_bytes',
      help: 'The memory limiter limit on used heap bytes (BEACON_MEMORY_LIMIT_MIB); refusals start 20% below it.',
      registers,
      collect() {
        this.set(memoryLimiter.stats.limitBytes);
      },
    });
  }
}
