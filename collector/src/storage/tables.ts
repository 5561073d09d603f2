// Table names: the contrib exporter's for raw spans (Grafana's ClickHouse data source reads them by these names),
// Beacon's own for everything derived.
export const TABLES = {
  /** Raw spans, the OpenTelemetry Collector contrib ClickHouse exporter's schema. */
  traces: 'otel_traces',
  /** TraceId → first/last span start (second precision), the contrib exporter's lookup table. */
  traceIdTs: 'otel_traces_trace_id_ts',
  traceIdTsView: 'otel_traces_trace_id_ts_mv',
  /** Normalized GenAI facts, one row per GenAI span, keyed by (TraceId, SpanId). */
  genaiSpans: 'beacon_genai_spans',
  /** Content-addressed messages: one row per distinct message (per day it is referenced). */
  messages: 'beacon_messages',
  /** Per-trace roll-up, maintained incrementally by the two materialized views below. */
  traceSummaries: 'beacon_trace_summaries',
  traceSummariesFromTracesView: 'beacon_trace_summaries_traces_mv',
  traceSummariesFromGenAIView: 'beacon_trace_summaries_genai_mv',
  /** Tags of a trace: append-only versions of the whole tag set, the latest wins. */
  traceTags: 'beacon_trace_tags',
  /** Annotations of a span: append-only versions of the span's whole annotation list, the latest wins. */
  spanAnnotations: 'beacon_span_annotations',
  /** Prompt versions saved by replays: append-only, one row per version. */
  promptVersions: 'beacon_prompt_versions',
  /** Failures of spans classified at ingest: one row per failing span (category, signature, message). */
  spanFailures: 'beacon_span_failures',
  /** Feeds each trace's failure categories (its auto-tags) from beacon_span_failures into the trace summaries. */
  traceSummariesFromFailuresView: 'beacon_trace_summaries_failures_mv',
  /** Feeds each trace's loop warnings (calls marked LoopRepeats > 0 in beacon_genai_spans) into the summaries. */
  traceSummariesFromLoopsView: 'beacon_trace_summaries_loops_mv',
  /** The trace marked as baseline per baseline key: append-only versions, the latest wins. */
  baselines: 'beacon_baselines',
  /** Share links of traces (token hashes only): append-only versions per link, the latest wins (revocation). */
  shareLinks: 'beacon_share_links',
  /** Budgets defined through the API: append-only versions per name, the latest wins (a tombstone deletes). */
  budgets: 'beacon_budgets',
  /** Spend of inference spans per minute × service × agent × model, fed by the view below (budgets read it). */
  spendMinutely: 'beacon_spend_minutely',
  spendMinutelyView: 'beacon_spend_minutely_mv',
  /** Applied schema versions. */
  schemaMigrations: 'beacon_schema_migrations',
} as const;
