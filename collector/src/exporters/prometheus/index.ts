// The Prometheus exporter: GenAI and collector-health metrics from accepted batches, served at GET /metrics.
export {
  type Exposition,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  prefersOpenMetrics,
  renderClassic,
  renderExposition,
} from './exposition.js';
export { LabelGuard, MAX_LABEL_VALUE_LENGTH, OTHER_LABEL_VALUE } from './label-guard.js';
export {
  GUARDED_LABELS,
  OPERATION_DURATION_BUCKETS,
  PrometheusExporter,
  type PrometheusExporterOptions,
  TOKEN_USAGE_BUCKETS,
  type WriterStatsSource,
} from './metrics.js';
