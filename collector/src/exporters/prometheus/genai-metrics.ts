// Beacon's GenAI metrics and the OTel GenAI client metrics (Prometheus names), recorded per span by
// PrometheusExporter. Names and labels are a public contract: see DESIGN.md "Contract: Prometheus metrics".
import { Counter, Histogram, type OpenMetricsContentType, type Registry } from 'prom-client';

/** OTel GenAI semantic conventions, gen_ai.client.token.usage advisory buckets. */
export const TOKEN_USAGE_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** OTel GenAI semantic conventions, gen_ai.client.operation.duration advisory buckets (seconds). */
export const OPERATION_DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

export interface GenAIMetrics {
  // OTel GenAI client metrics, Prometheus names.
  tokenUsage: Histogram<string>;
  operationDuration: Histogram<string>;
  // Beacon's GenAI metrics.
  tokens: Counter<string>;
  cost: Counter<string>;
  requests: Counter<string>;
  requestDuration: Histogram<string>;
  toolCalls: Counter<string>;
  unpriced: Counter<string>;
  usageMissing: Counter<string>;
  guardTriggered: Counter<string>;
}

/** Creates the GenAI metrics in `registers`, in exposition order. */
export function registerGenAIMetrics(registers: Registry<OpenMetricsContentType>[]): GenAIMetrics {
  return {
    tokenUsage: new Histogram({
      name: 'gen_ai_client_token_usage',
      help: 'OTel gen_ai.client.token.usage: tokens per model call ({token}); input includes cached input tokens.',
      labelNames: [
        'gen_ai_operation_name',
        'gen_ai_provider_name',
        'gen_ai_request_model',
        'gen_ai_token_type',
      ],
      buckets: TOKEN_USAGE_BUCKETS,
      enableExemplars: true,
      registers,
    }),
    operationDuration: new Histogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'OTel gen_ai.client.operation.duration: model call duration in seconds.',
      labelNames: ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type'],
      buckets: OPERATION_DURATION_BUCKETS,
      enableExemplars: true,
      registers,
    }),

    tokens: new Counter({
      name: 'beacon_genai_tokens_total',
      help: 'Tokens of model calls by type. The types partition the total (input excludes cache_read and cache_write, output excludes reasoning), so a sum over token_type is every token.',
      labelNames: ['service', 'agent', 'provider', 'model', 'token_type'],
      enableExemplars: true,
      registers,
    }),
    cost: new Counter({
      name: 'beacon_genai_cost_usd_total',
      help: 'Cost of priced model calls in USD (genai-prices or the price override file); unpriced calls are in beacon_genai_unpriced_spans_total, never counted as 0.',
      labelNames: ['service', 'agent', 'provider', 'model'],
      enableExemplars: true,
      registers,
    }),
    requests: new Counter({
      name: 'beacon_genai_requests_total',
      help: 'Model calls (chat, text_completion, generate_content, embeddings) by outcome.',
      labelNames: ['service', 'agent', 'provider', 'model', 'status'],
      enableExemplars: true,
      registers,
    }),
    requestDuration: new Histogram({
      name: 'beacon_genai_request_duration_seconds',
      help: 'Model call duration in seconds.',
      labelNames: ['service', 'agent', 'provider', 'model'],
      buckets: OPERATION_DURATION_BUCKETS,
      enableExemplars: true,
      registers,
    }),
    toolCalls: new Counter({
      name: 'beacon_tool_calls_total',
      help: 'Tool executions (execute_tool spans) by outcome.',
      labelNames: ['service', 'agent', 'tool', 'status'],
      enableExemplars: true,
      registers,
    }),
    unpriced: new Counter({
      name: 'beacon_genai_unpriced_spans_total',
      help: 'Model calls with token usage but no known price for their model (cost unknown, not 0).',
      labelNames: ['model'],
      registers,
    }),
    usageMissing: new Counter({
      name: 'beacon_genai_usage_missing_spans_total',
      help: 'Model calls that reported no token usage (instrumentation gap or failed call): their cost is unknown.',
      labelNames: ['service', 'model'],
      registers,
    }),

    guardTriggered: new Counter({
      name: 'beacon_guard_triggered_total',
      help: 'Agent runs stopped by a guard (loop, token_budget, cost_budget, timeout), counted from beacon.guard.triggered span events.',
      labelNames: ['service', 'agent', 'guard'],
      enableExemplars: true,
      registers,
    }),
  };
}
