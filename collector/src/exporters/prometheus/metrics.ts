// The Prometheus exporter: GenAI usage, cost and latency from every batch the storage exporter accepted, plus the
// collector's own health, in one prom-client registry served at GET /metrics. Names and labels are a public contract
// (dashboards and alert rules query them): see DESIGN.md "Contract: Prometheus metrics".
import { BEACON_GUARD_ATTRIBUTES, BEACON_GUARD_EVENT, isInferenceOperation } from '@beacon/semconv';
import { Counter, collectDefaultMetrics, type OpenMetricsContentType, Registry } from 'prom-client';
import type { Logger } from '../../logger.js';
import type { EnrichedSpan, SpanRejectReason } from '../../model.js';
import { type Exposition, renderExposition } from './exposition.js';
import { type GenAIMetrics, registerGenAIMetrics } from './genai-metrics.js';
import { type HealthSources, registerHealthMetrics } from './health-metrics.js';
import { LabelGuard } from './label-guard.js';

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

/** The health metrics' sources (version, spansReceived, writer, forwarders), and: */
export interface PrometheusExporterOptions extends HealthSources {
  /** Most distinct values one label takes, `other` included (BEACON_METRICS_MAX_LABEL_VALUES). */
  maxLabelValues: number;
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

  /** Recorded per span (genai-metrics.ts). */
  readonly #genai: GenAIMetrics;
  /** The one health count kept here (health-metrics.ts reads the others at scrape time). */
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

    this.#genai = registerGenAIMetrics(registers);
    this.#rejected = registerHealthMetrics(registers, options);

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
      this.#genai.guardTriggered.inc({
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
      this.#genai.toolCalls.inc({
        labels: { service, agent, tool, status },
        value: 1,
        exemplarLabels: exemplar,
      });
      return;
    }

    const provider = this.#label('provider', genai.provider);
    const model = this.#label('model', genai.responseModel ?? genai.requestModel);
    const seconds = Math.max(0, Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e9);
    const beacon: Labels = { service, agent, provider, model };

    this.#genai.requests.inc({ labels: { ...beacon, status }, value: 1, exemplarLabels: exemplar });
    this.#genai.requestDuration.observe({ labels: beacon, value: seconds, exemplarLabels: exemplar });

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
        this.#genai.tokens.inc({
          labels: { ...beacon, token_type: tokenType },
          value: count,
          exemplarLabels: exemplar,
        });
      }
    }

    const cost = span.cost;
    if (cost && cost.costUsd !== null) {
      // A zero increment gets no exemplar: prom-client would record it with the value 1.
      if (cost.costUsd > 0)
        this.#genai.cost.inc({ labels: beacon, value: cost.costUsd, exemplarLabels: exemplar });
      else this.#genai.cost.inc({ labels: beacon, value: 0 });
    }
    if (cost?.unpriced) this.#genai.unpriced.inc({ model });
    if (genai.usageMissing) this.#genai.usageMissing.inc({ service, model });

    const otel: Labels = {
      gen_ai_operation_name: this.#label('gen_ai_operation_name', genai.operation),
      gen_ai_provider_name: this.#label('gen_ai_provider_name', genai.provider),
      gen_ai_request_model: this.#label('gen_ai_request_model', genai.requestModel ?? genai.responseModel),
    };
    if (usage.inputTokens !== null) {
      this.#genai.tokenUsage.observe({
        labels: { ...otel, gen_ai_token_type: 'input' },
        value: usage.inputTokens,
        exemplarLabels: exemplar,
      });
    }
    if (usage.outputTokens !== null) {
      this.#genai.tokenUsage.observe({
        labels: { ...otel, gen_ai_token_type: 'output' },
        value: usage.outputTokens,
        exemplarLabels: exemplar,
      });
    }
    this.#genai.operationDuration.observe({
      labels: { ...otel, error_type: this.#label('error_type', genai.errorType) },
      value: seconds,
      exemplarLabels: exemplar,
    });
  }
}
