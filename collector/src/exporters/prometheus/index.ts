// The Prometheus exporter: GenAI and collector-health metrics from accepted batches, served at GET /metrics.
export {
  type Exposition,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  prefersOpenMetrics,
  renderClassic,
  renderExposition,
} from './exposition.js';
export { OPERATION_DURATION_BUCKETS, TOKEN_USAGE_BUCKETS } from './genai-metrics.js';
export type { WriterStatsSource } from './health-metrics.js';
export { LabelGuard, MAX_LABEL_VALUE_LENGTH, OTHER_LABEL_VALUE } from './label-guard.js';
export { GUARDED_LABELS, PrometheusExporter, type PrometheusExporterOptions } from './metrics.js';
