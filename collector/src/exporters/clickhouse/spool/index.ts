// The ClickHouse exporter's durable spool: batches are on disk before clients are acknowledged.

export { type DurabilityMetricSources, registerDurabilityMetrics } from './metrics.js';
export { decodeSpans, encodeSpans, frameRecord, RECORD_HEADER_BYTES, readRecord } from './record.js';
export {
  type RecoveredBatch,
  type RecoveredSpool,
  type SpanSpool,
  Spool,
  type SpoolFsync,
  SpoolInUseError,
  type SpoolOptions,
  type SpoolStats,
} from './spool.js';
