// POST /api/v1/analysis/{kind} and PUT /api/v1/traces/{traceId}/baseline. The findings come from the pure analyses
// in ../analysis over the stored trace; the configured LLM (if any) only adds `refinement`.
import { FAILURE_CATEGORIES, type Pricer } from '@beacon/semconv';
import { z } from 'zod';
import { analyzeAnomalies, DEFAULT_WINDOW } from '../analysis/anomalies.js';
import { alignTraces, compareTraces } from '../analysis/compare.js';
import { analyzeCost } from '../analysis/cost.js';
import { analyzeErrorPatternsAcross, analyzeTraceErrorPatterns } from '../analysis/error-patterns.js';
import type { AnalysisResult, TraceData } from '../analysis/model.js';
import { analysisModelFromConfig, createRefiner, type Refiner } from '../analysis/refine.js';
import { analyzeRootCause } from '../analysis/root-cause.js';
import { summarizeTrace } from '../analysis/summary.js';
import {
  ANALYSIS_KINDS,
  type AnalysisKind,
  type AnalysisRequest,
  type AnalysisResponse,
  type BaselineResponse,
  FINDING_TYPES,
  STEP_TEXT_MAX_CHARS,
  type StepAlignment,
} from '../contract/index.js';
import type { Logger } from '../logger.js';
import type { CallModel } from '../replay/providers.js';
import {
  baselineKey,
  currentBaseline,
  earlierTraces,
  failurePatterns,
  loadSpans,
  markBaseline,
  type QueryContext,
  traceBounds,
  traceSummary,
} from '../storage/queries/index.js';
import { parseInstant } from '../time.js';
import { badRequest, notFound } from './http.js';
import { API_PREFIX, type ApiModule } from './module.js';
import {
  array,
  boolean,
  componentRef,
  integer,
  nanos,
  nullableNumber,
  nullableString,
  number,
  object,
  schemaRef,
  string,
} from './openapi.js';
import { hexId, type JsonSchema, type ParamSpec } from './params.js';
import { defineRoute } from './router.js';

const MAX_WINDOW = 200;
/** error-patterns across traces: the default time range, and the most patterns answered. */
const DAY_NS = 86_400n * 1_000_000_000n;
const MAX_PATTERNS = 50;

const kindParam: ParamSpec<AnalysisKind> = {
  description: `The analysis: ${ANALYSIS_KINDS.join(', ')}.`,
  schema: { type: 'string', enum: ANALYSIS_KINDS },
  required: true,
  parse(raw, name) {
    const kind = ANALYSIS_KINDS.find((k) => k === raw);
    if (!kind)
      throw notFound(`${name}: no analysis ${raw ?? ''}; expected one of ${ANALYSIS_KINDS.join(', ')}`);
    return kind;
  },
};

const traceIdField = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/, 'expected 32 hex characters')
  .transform((id) => id.toLowerCase());
const instantField = z.union([z.string(), z.number()]).transform((v) => String(v));

const requestSchema = z.object({
  traceId: traceIdField.optional(),
  baselineTraceId: traceIdField.optional(),
  window: z.number().int('expected an integer').min(1).max(MAX_WINDOW).optional(),
  from: instantField.optional(),
  to: instantField.optional(),
  refine: z.boolean().optional(),
  alignment: z.boolean().optional(),
});

type ParsedRequest = Omit<AnalysisRequest, 'from' | 'to'> & { fromNs?: bigint; toNs?: bigint };

/** The request body, checked: 400 naming the field at fault. An absent body is `{}`. */
export function parseAnalysisRequest(body: unknown): ParsedRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('body: expected a JSON object');
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const { from, to, ...rest } = parsed.data;
  const out: ParsedRequest = { ...rest };
  for (const [name, raw] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (raw === undefined) continue;
    const ns = parseInstant(raw);
    if (ns === null) throw badRequest(`${name}: expected an RFC 3339 time or epoch milliseconds`);
    if (name === 'from') out.fromNs = ns;
    else out.toNs = ns;
  }
  if (out.fromNs !== undefined && out.toNs !== undefined && out.fromNs > out.toNs)
    throw badRequest('from: later than to');
  return out;
}

export interface AnalysisApiOptions {
  /** The collector's pricer (with its overrides): cost re-prices calls with it. */
  pricer: Pricer;
  /** analysisLlm and the provider settings it is reached with. */
  config: Parameters<typeof analysisModelFromConfig>[0];
  callModel: CallModel;
  logger: Logger;
}

export function createAnalysisApi(options: AnalysisApiOptions): ApiModule {
  const model = analysisModelFromConfig(options.config);
  if (options.config.analysisLlm && !model) {
    options.logger.warn(
      { analysisLlm: options.config.analysisLlm },
      'analysis refinement off: openai_compatible needs BEACON_OPENAI_COMPATIBLE_BASE_URL',
    );
  }
  const refiner: Refiner | null = model
    ? createRefiner({ model, callModel: options.callModel, logger: options.logger })
    : null;

  async function loadTrace(ctx: QueryContext, traceId: string, field: string): Promise<TraceData> {
    const [summary, bounds] = await Promise.all([traceSummary(ctx, traceId), traceBounds(ctx, traceId)]);
    if (!summary || !bounds) throw notFound(`${field}: trace ${traceId} not found`);
    return { summary, spans: await loadSpans(ctx, traceId, bounds, { annotations: false }) };
  }

  function requireTraceId(kind: AnalysisKind, request: ParsedRequest): string {
    if (request.traceId === undefined) throw badRequest(`traceId: required for ${kind}`);
    return request.traceId;
  }

  async function analyze(
    ctx: QueryContext,
    kind: AnalysisKind,
    request: ParsedRequest,
  ): Promise<{
    result: AnalysisResult;
    traceId: string | null;
    baselineTraceId: string | null;
    alignment?: StepAlignment;
  }> {
    if (kind === 'error-patterns' && request.traceId === undefined) {
      const toNs = request.toNs ?? BigInt(Date.now()) * 1_000_000n;
      const fromNs = request.fromNs ?? toNs - DAY_NS;
      if (fromNs > toNs) throw badRequest('from: later than to');
      const patterns = await failurePatterns(ctx, { fromNs, toNs, limit: MAX_PATTERNS });
      return {
        result: analyzeErrorPatternsAcross(patterns, { fromNs, toNs }),
        traceId: null,
        baselineTraceId: null,
      };
    }
    const traceId = requireTraceId(kind, request);
    const trace = await loadTrace(ctx, traceId, 'traceId');
    const answer = (result: AnalysisResult, baselineTraceId: string | null = null) => ({
      result,
      traceId,
      baselineTraceId,
    });
    switch (kind) {
      case 'root-cause':
        return answer(analyzeRootCause(trace));
      case 'cost':
        return answer(analyzeCost(trace, options.pricer));
      case 'summary':
        return answer(summarizeTrace(trace));
      case 'error-patterns':
        return answer(analyzeTraceErrorPatterns(trace));
      case 'anomalies': {
        const reference = await earlierTraces(ctx, {
          rootServiceName: trace.summary.rootServiceName,
          rootSpanName: trace.summary.rootSpanName,
          beforeNs: BigInt(trace.summary.startTimeUnixNano),
          excludeTraceId: traceId,
          limit: request.window ?? DEFAULT_WINDOW,
        });
        return answer(analyzeAnomalies(trace, reference));
      }
      case 'compare': {
        const key = baselineKey(trace.summary.rootServiceName, trace.summary.rootSpanName);
        const baselineId = request.baselineTraceId ?? (await currentBaseline(ctx, key));
        if (baselineId === null) {
          throw badRequest(
            `baselineTraceId: no baseline marked for ${key}; pass baselineTraceId or PUT /traces/{id}/baseline`,
          );
        }
        if (baselineId === traceId) {
          throw badRequest(
            `baselineTraceId: ${traceId} is the trace analysed itself; pass another baselineTraceId`,
          );
        }
        const baseline = await loadTrace(ctx, baselineId, 'baselineTraceId');
        const compared = answer(compareTraces(trace, baseline), baselineId);
        return request.alignment ? { ...compared, alignment: alignTraces(trace, baseline) } : compared;
      }
    }
  }

  const routes = [
    defineRoute({
      method: 'POST',
      path: `${API_PREFIX}/analysis/{kind}`,
      pathParams: { kind: kindParam },
      // An analysis changes nothing: a read-only key may run it.
      access: 'read',
      doc: {
        operationId: 'analyzeTrace',
        summary: 'Analyse a trace (or, for error-patterns without traceId, the failures across traces)',
        description:
          'Findings are computed deterministically from the stored spans: root-cause (the failing span where the ' +
          'error chain started, what fed it, loops), cost (repeated prompts, expensive models on short prompts, ' +
          'cacheable prefixes, context growth — with estimated savings in USD), anomalies (cost, duration, tokens, ' +
          'model calls against the previous `window` traces of the same root service + root span name: above ' +
          'median + 3 × MAD and 1.5 × median), error-patterns (failures grouped by category and message shape), ' +
          'summary (what the agent did) and compare (against baselineTraceId or the marked baseline; > 20% is a ' +
          'regression). When an LLM is configured (BEACON_ANALYSIS_LLM) and refine is not false, `refinement` is ' +
          'its rewrite of `text`, citing span ids; the findings never depend on it. 404: unknown kind or trace.',
        tags: ['analysis'],
        requestBody: { description: 'What to analyse.', schema: componentRef('AnalysisRequest').schema },
        responses: {
          '200': {
            description: 'The analysis.',
            content: { 'application/json': componentRef('AnalysisResponse') },
          },
          '404': {
            description: 'No such analysis kind, trace or baseline trace.',
            content: { 'application/json': { schema: schemaRef('ApiErrorBody') } },
          },
        },
      },
      handler: async ({ path, body, storage }) => {
        const request = parseAnalysisRequest(await body());
        const { result, traceId, baselineTraceId, alignment } = await analyze(storage, path.kind, request);
        const refinement =
          refiner && request.refine !== false
            ? await refiner.refine(path.kind, traceId, result.text, result.findings)
            : null;
        const response: AnalysisResponse = {
          kind: path.kind,
          traceId,
          baselineTraceId,
          findings: result.findings,
          text: result.text,
          totalEstimatedSavingsUsd: result.totalEstimatedSavingsUsd,
          patterns: result.patterns,
          refinement,
          ...(alignment ? { alignment } : {}),
        };
        return { json: response };
      },
    }),

    defineRoute({
      method: 'PUT',
      path: `${API_PREFIX}/traces/{traceId}/baseline`,
      pathParams: { traceId: hexId(16, 'Trace id: 32 hex characters.') },
      doc: {
        operationId: 'markBaseline',
        summary: 'Mark a trace as the baseline of its root service + root span name',
        description:
          'POST /analysis/compare without baselineTraceId then compares later traces of the same root service and ' +
          'root span name with this one. Marking another trace replaces it. No body.',
        tags: ['analysis'],
        responses: {
          '200': {
            description: 'The trace is now the baseline of its key.',
            content: { 'application/json': componentRef('BaselineResponse') },
          },
        },
      },
      handler: async ({ path, storage: ctx }) => {
        const summary = await traceSummary(ctx, path.traceId);
        if (!summary) throw notFound(`traceId: trace ${path.traceId} not found`);
        const key = baselineKey(summary.rootServiceName, summary.rootSpanName);
        await markBaseline(ctx, key, path.traceId);
        const response: BaselineResponse = { traceId: path.traceId, baselineKey: key };
        return { json: response };
      },
    }),
  ];
  return { routes, schemas: ANALYSIS_SCHEMAS };
}

const category = { type: 'string', enum: FAILURE_CATEGORIES };

export const ANALYSIS_SCHEMAS: Record<string, JsonSchema> = {
  AnalysisRequest: object(
    {
      traceId: {
        ...string,
        pattern: '^[0-9a-fA-F]{32}$',
        description: 'Required for every kind but error-patterns.',
      },
      baselineTraceId: {
        ...string,
        pattern: '^[0-9a-fA-F]{32}$',
        description: 'compare: the trace to compare with; default the baseline marked for the trace.',
      },
      window: {
        ...integer,
        minimum: 1,
        maximum: MAX_WINDOW,
        default: DEFAULT_WINDOW,
        description:
          'anomalies: how many earlier traces of the same root service + root span name to compare with.',
      },
      from: {
        ...string,
        description: 'error-patterns across traces: RFC 3339 or epoch ms; default 24 h before to.',
      },
      to: { ...string, description: 'error-patterns across traces: RFC 3339 or epoch ms; default now.' },
      refine: { ...boolean, description: 'Ask the configured LLM to rewrite the text (default true).' },
      alignment: {
        ...boolean,
        description:
          "compare: also answer both runs' steps and their alignment (default false: one step per span).",
      },
    },
    ['traceId', 'baselineTraceId', 'window', 'from', 'to', 'refine', 'alignment'],
  ),
  Finding: object({
    id: { ...string, description: 'Stable within one response, e.g. cost-1.' },
    type: {
      type: 'string',
      enum: FINDING_TYPES,
      description: 'What was found. loop is a warning of its own, never a failure.',
    },
    category: { oneOf: [category, { type: 'null' }] },
    severity: { type: 'string', enum: ['info', 'warning', 'critical'] },
    title: string,
    detail: string,
    traceId: string,
    spanIds: { ...array(string), description: 'Spans to highlight, most important first.' },
    estimatedSavingsUsd: { ...nullableNumber, description: 'cost findings: USD this trace would save.' },
    evidence: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
      description: 'The numbers the finding rests on.',
    },
  }),
  ErrorPattern: object({
    category,
    signature: string,
    spanCount: integer,
    traceCount: integer,
    traceIds: array(string),
    example: object({ traceId: string, spanId: string, spanName: string, message: string }),
    firstSeen: nanos,
    lastSeen: nanos,
  }),
  AnalysisResponse: object(
    {
      kind: { type: 'string', enum: ANALYSIS_KINDS },
      traceId: nullableString,
      baselineTraceId: nullableString,
      findings: array(schemaRef('Finding')),
      text: { ...string, description: 'Deterministic prose built from the findings and spans.' },
      totalEstimatedSavingsUsd: { ...nullableNumber, description: 'cost: the sum of the findings’ savings.' },
      patterns: array(schemaRef('ErrorPattern')),
      refinement: {
        oneOf: [object({ model: string, text: string }), { type: 'null' }],
        description: "The configured LLM's rewrite of text, citing span ids; null without one.",
      },
      alignment: {
        ...schemaRef('StepAlignment'),
        description: 'compare with alignment: true only: both runs’ steps and how they align.',
      },
    },
    ['alignment'],
  ),
  AlignedStep: object({
    spanId: string,
    label: { ...string, description: 'What the step did, e.g. "tool run_python": equal labels match.' },
    depth: { ...integer, description: '0 for a root, 1 for its children, …' },
    startMs: { ...number, description: "ms after the run's first span started." },
    durationMs: number,
    error: { ...nullableString, description: 'The status message of a failed span, else null.' },
    output: {
      ...nullableString,
      description:
        `A model call's output messages as text (tools asked for as "→ name(arguments)", no call ids), a tool ` +
        `call's result; null for other steps. At most ${STEP_TEXT_MAX_CHARS} characters.`,
    },
    arguments: { ...nullableString, description: "A tool call's arguments; null for other steps." },
  }),
  StepEdit: object({
    kind: { type: 'string', enum: ['changed', 'added', 'removed'] },
    step: {
      ...integer,
      description:
        "0-based, in the trace's steps (removed: the trace's next step, where it would have been).",
    },
    baselineStep: {
      ...integer,
      description: "0-based, in the baseline's steps (added: the baseline's next step).",
    },
  }),
  StepAlignment: object({
    baselineSteps: { ...array(schemaRef('AlignedStep')), description: 'The baseline in tree order.' },
    steps: { ...array(schemaRef('AlignedStep')), description: 'The trace in tree order.' },
    edits: {
      ...array(schemaRef('StepEdit')),
      description: 'In step order; every step no edit names matches the other run’s next unmatched one.',
    },
    exact: {
      ...boolean,
      description: 'False: the runs differ too much past the first edit; edits holds it only.',
    },
    baselineTrace: schemaRef('TraceSummary'),
    trace: schemaRef('TraceSummary'),
  }),
  BaselineResponse: object({ traceId: string, baselineKey: string }),
};
