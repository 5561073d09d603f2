// The Prometheus exporter: GenAI usage, cost and latency from every batch the storage exporter accepted, plus the
// collector's own health, in one prom-client registry served at GET /metrics. Names and labels are a public contract
// (dashboards and alert rules query them): see DESIGN.md "Contract: Prometheus metrics".
import { BEACON_GUARD_ATTRIBUTES, BEACON_GUARD_EVENT, isInferenceOperation } from '@beacon/semconv';
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type OpenMetricsContentType,
  Registry,
} from 'prom-client';
import type { Logger } from '../../logger.js';
import {
  type EnrichedSpan,
  RECEIVER_PROTOCOLS,
  type ReceiverProtocol,
  SPAN_REJECT_REASONS,
  type SpanRejectReason,
} from '../../model.js';
import { type Exposition, renderExposition } from './exposition.js';
import { LabelGuard } from './label-guard.js';

/** OTel GenAI semantic conventions, gen_ai.client.token.usage advisory buckets. */
export const TOKEN_USAGE_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** OTel GenAI semantic conventions, gen_ai.client.operation.duration advisory buckets (seconds). */
export const OPERATION_DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** Labels whose values come from clients, and so are bounded by the label guard. */
export const GUARDED_LABELS = [
  'service',
  'agent',
  'provider',
  'model',
  'tool',
  'gen_ai_operation_name',
  'gen_ai_provider_name',
  'gen_ai_request_model',
  'error_type',
  'guard',
] as const;
type GuardedLabel = (typeof GUARDED_LABELS)[number];

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

export interface PrometheusExporterOptions {
  /** Most distinct values one label takes, `other` included (BEACON_METRICS_MAX_LABEL_VALUES). */
  maxLabelValues: number;
  /** Collector version, for beacon_build_info. */
  version: string;
  /** Spans taken into the pipeline per protocol, read at scrape time. */
  spansReceived: () => Readonly<Record<ReceiverProtocol, number>>;
  writer: WriterStatsSource;
  /** The forward exporters that are configured; their metrics exist only then. */
  forwarders?: { spans?: ForwardStatsSource; logRecords?: ForwardStatsSource };
  logger?: Logger;
}

const STATUS_ERROR = 2;
const EXECUTE_TOOL = 'execute_tool';
/** The span event @beacon/sdk's AgentGuard records when a guard stops a run, and its guard-name attribute. */
const GUARD_TRIGGERED_EVENT = BEACON_GUARD_EVENT;
const GUARD_NAME_ATTRIBUTE = BEACON_GUARD_ATTRIBUTES.NAME;

type Labels = Record<string, string>;

export class PrometheusExporter {
  readonly registry: Registry<OpenMetricsContentType>;
  readonly #guard: LabelGuard;
  readonly #logger: Logger | undefined;

  // OTel GenAI client metrics, Prometheus names.
  readonly #tokenUsage: Histogram<string>;
  readonly #operationDuration: Histogram<string>;
  // Beacon's GenAI metrics.
  readonly #tokens: Counter<string>;
  readonly #cost: Counter<string>;
  readonly #requests: Counter<string>;
  readonly #requestDuration: Histogram<string>;
  readonly #toolCalls: Counter<string>;
  readonly #unpriced: Counter<string>;
  readonly #usageMissing: Counter<string>;
  readonly #guardTriggered: Counter<string>;
  // Collector health.
  readonly #rejected: Counter<string>;
  readonly #folded: Counter<string>;

  constructor(options: PrometheusExporterOptions) {
    // OpenMetrics: prom-client records exemplars only in such a registry (exposition.ts serves classic text too).
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    this.registry = registry;
    this.#logger = options.logger;
    const registers = [registry];

    this.#folded = new Counter({
      name: 'beacon_metric_label_values_folded_total',
      help: 'Label values replaced by "other" because the label already had BEACON_METRICS_MAX_LABEL_VALUES distinct values (counted per span and label).',
      labelNames: ['label'],
      registers,
    });
    for (const label of GUARDED_LABELS) this.#folded.inc({ label }, 0);
    this.#guard = new LabelGuard(options.maxLabelValues, (label) => this.#folded.inc({ label }));

    this.#tokenUsage = new Histogram({
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
    });
    this.#operationDuration = new Histogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'OTel gen_ai.client.operation.duration: model call duration in seconds.',
      labelNames: ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type'],
      buckets: OPERATION_DURATION_BUCKETS,
      enableExemplars: true,
      registers,
    });

    this.#tokens = new Counter({
      name: 'beacon_genai_tokens_total',
      help: 'Tokens of model calls by type. The types partition the total (input excludes cache_read and cache_write, output excludes reasoning), so a sum over token_type is every token.',
      labelNames: ['service', 'agent', 'provider', 'model', 'token_type'],
      enableExemplars: true,
      registers,
    });
    this.#cost = new Counter({
      name: 'beacon_genai_cost_usd_total',
      help: 'Cost of priced model calls in USD (genai-prices or the price override file); unpriced calls are in beacon_genai_unpriced_spans_total, never counted as 0.',
      labelNames: ['service', 'agent', 'provider', 'model'],
      enableExemplars: true,
      registers,
    });
    this.#requests = new Counter({
      name: 'beacon_genai_requests_total',
      help: 'Model calls (chat, text_completion, generate_content, embeddings) by outcome.',
      labelNames: ['service', 'agent', 'provider', 'model', 'status'],
      enableExemplars: true,
      registers,
    });
    this.#requestDuration = new Histogram({
      name: 'beacon_genai_request_duration_seconds',
      help: 'Model call duration in seconds.',
      labelNames: ['service', 'agent', 'provider', 'model'],
      buckets: OPERATION_DURATION_BUCKETS,
      enableExemplars: true,
      registers,
    });
    this.#toolCalls = new Counter({
      name: 'beacon_tool_calls_total',
      help: 'Tool executions (execute_tool spans) by outcome.',
      labelNames: ['service', 'agent', 'tool', 'status'],
      enableExemplars: true,
      registers,
    });
    this.#unpriced = new Counter({
      name: 'beacon_genai_unpriced_spans_total',
      help: 'Model calls with token usage but no known price for their model (cost unknown, not 0).',
      labelNames: ['model'],
      registers,
    });
    this.#usageMissing = new Counter({
      name: 'beacon_genai_usage_missing_spans_total',
      help: 'Model calls that reported no token usage (instrumentation gap or failed call): their cost is unknown.',
      labelNames: ['service', 'model'],
      registers,
    });

    this.#guardTriggered = new Counter({
      name: 'beacon_guard_triggered_total',
      help: 'Agent runs stopped by a guard (loop, token_budget, cost_budget, timeout), counted from beacon.guard.triggered span events.',
      labelNames: ['service', 'agent', 'guard'],
      enableExemplars: true,
      registers,
    });

    // Collector health: counts kept elsewhere are read at scrape time, so there is one source of truth.
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
    this.#rejected = new Counter({
      name: 'beacon_spans_rejected_total',
      help: 'Spans not taken, by reason. A request refused before its spans could be counted (malformed_request, too_large, unsupported_media_type) counts 1.',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of SPAN_REJECT_REASONS) this.#rejected.inc({ reason }, 0);
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

    collectDefaultMetrics({ register: registry });
  }

  /** Records metrics for a batch the storage exporter accepted (the pipeline's fan-out). Never throws. */
  export(spans: readonly EnrichedSpan[]): void {
    for (const span of spans) {
      try {
        this.#record(span);
      } catch (err) {
        this.#logger?.error(
          { err, traceId: span.traceId, spanId: span.spanId },
          'failed to record span metrics',
        );
      }
    }
  }

  /** Spans a receiver did not take (the receivers' onRejected hook). */
  recordRejected(count: number, reason: SpanRejectReason): void {
    if (count > 0) this.#rejected.inc({ reason }, count);
  }

  /** The exposition for an Accept header: OpenMetrics with exemplars when asked for, else classic text. */
  scrape(accept: string | undefined): Promise<Exposition> {
    return renderExposition(this.registry, accept);
  }

  #label(label: GuardedLabel, value: string | null | undefined): string {
    return this.#guard.value(label, value ?? '');
  }

  /** Guard triggers are events on any span (the agent's, a tool's), GenAI facts or not. */
  #recordGuards(span: EnrichedSpan): void {
    for (const event of span.events) {
      if (event.name !== GUARD_TRIGGERED_EVENT) continue;
      const name = event.attributes[GUARD_NAME_ATTRIBUTE];
      this.#guardTriggered.inc({
        labels: {
          service: this.#label('service', span.serviceName),
          agent: this.#label('agent', span.agentName ?? span.genai?.agentName),
          guard: this.#label('guard', typeof name === 'string' ? name : ''),
        },
        value: 1,
        exemplarLabels: { trace_id: span.traceId, span_id: span.spanId },
      });
    }
  }

  #record(span: EnrichedSpan): void {
    this.#recordGuards(span);
    const genai = span.genai;
    if (!genai) return;
    const isModelCall = isInferenceOperation(genai.operation);
    if (!isModelCall && genai.operation !== EXECUTE_TOOL) return;

    const failed = span.statusCode === STATUS_ERROR || genai.errorType !== null;
    const status = failed ? 'error' : 'ok';
    const exemplar = { trace_id: span.traceId, span_id: span.spanId };
    const service = this.#label('service', span.serviceName);
    const agent = this.#label('agent', span.agentName);

    if (!isModelCall) {
      const tool = this.#label('tool', genai.toolName);
      this.#toolCalls.inc({ labels: { service, agent, tool, status }, value: 1, exemplarLabels: exemplar });
      return;
    }

    const provider = this.#label('provider', genai.provider);
    const model = this.#label('model', genai.responseModel ?? genai.requestModel);
    const seconds = Math.max(0, Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e9);
    const beacon: Labels = { service, agent, provider, model };

    this.#requests.inc({ labels: { ...beacon, status }, value: 1, exemplarLabels: exemplar });
    this.#requestDuration.observe({ labels: beacon, value: seconds, exemplarLabels: exemplar });

    const usage = genai.usage;
    const cacheRead = usage.cacheReadTokens ?? 0;
    const cacheWrite = usage.cacheWriteTokens ?? 0;
    const reasoning = usage.reasoningTokens ?? 0;
    const byType: [string, number | null][] = [
      // TokenUsage's input includes cache reads and writes, its output includes reasoning: split them out.
      ['input', usage.inputTokens === null ? null : Math.max(0, usage.inputTokens - cacheRead - cacheWrite)],
      ['output', usage.outputTokens === null ? null : Math.max(0, usage.outputTokens - reasoning)],
      ['cache_read', usage.cacheReadTokens],
      ['cache_write', usage.cacheWriteTokens],
      ['reasoning', usage.reasoningTokens],
    ];
    for (const [tokenType, count] of byType) {
      if (count !== null && count > 0) {
        this.#tokens.inc({
          labels: { ...beacon, token_type: tokenType },
          value: count,
          exemplarLabels: exemplar,
        });
      }
    }

    const cost = span.cost;
    if (cost && cost.costUsd !== null) {
      // A zero increment gets no exemplar: prom-client would record it with the value 1.
      if (cost.costUsd > 0) this.#cost.inc({ labels: beacon, value: cost.costUsd, exemplarLabels: exemplar });
      else this.#cost.inc({ labels: beacon, value: 0 });
    }
    if (cost?.unpriced) this.#unpriced.inc({ model });
    if (genai.usageMissing) this.#usageMissing.inc({ service, model });

    const otel: Labels = {
      gen_ai_operation_name: this.#label('gen_ai_operation_name', genai.operation),
      gen_ai_provider_name: this.#label('gen_ai_provider_name', genai.provider),
      gen_ai_request_model: this.#label('gen_ai_request_model', genai.requestModel ?? genai.responseModel),
    };
    if (usage.inputTokens !== null) {
      this.#tokenUsage.observe({
        labels: { ...otel, gen_ai_token_type: 'input' },
        value: usage.inputTokens,
        exemplarLabels: exemplar,
      });
    }
    if (usage.outputTokens !== null) {
      this.#tokenUsage.observe({
        labels: { ...otel, gen_ai_token_type: 'output' },
        value: usage.outputTokens,
        exemplarLabels: exemplar,
      });
    }
    this.#operationDuration.observe({
      labels: { ...otel, error_type: this.#label('error_type', genai.errorType) },
      value: seconds,
      exemplarLabels: exemplar,
    });
  }
}
