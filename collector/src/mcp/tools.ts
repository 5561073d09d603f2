// The Beacon MCP tools: read-only questions an agent (or its developer's assistant) asks about agent runs. Each tool
// is one or a few calls to the query API with the caller's key (beacon-api.ts), answered as compact JSON trimmed to
// what an agent acts on: ids, names, durations, status, models, tokens, cost, errors — messages only when asked.
import { FAILURE_CATEGORIES } from '@beacon/semconv';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import {
  ANALYSIS_KINDS,
  type AnalysisResponse,
  type BudgetCheckResponse,
  type BudgetListResponse,
  type SearchResponse,
  type SpanView,
  type StatsGroup,
  type StatsSummaryResponse,
  type StatsTimeseriesResponse,
  type TraceDetailResponse,
  type TraceListResponse,
  type TraceSummary,
} from '../contract/index.js';
import { parseInstant } from '../time.js';
import { type BeaconApiClient, BeaconApiError, fetchPrometheusAlerts } from './beacon-api.js';

const API = '/api/v1';
const GROUP_BY = ['model', 'agent', 'service'] as const;

export interface BeaconToolsOptions {
  api: BeaconApiClient;
  /**
   * Prometheus whose firing alerts get_alerts adds. `tenant`: keep only alerts labelled with that tenant — set when
   * the collector answers for a remote caller (streamable HTTP with auth on), since Prometheus holds every tenant's
   * alerts; unset for a stdio server, which reaches the Prometheus its user configured.
   */
  prometheus?: { url: string; tenant?: string };
}

export const TOOL_NAMES = [
  'query_traces',
  'get_trace',
  'search_spans',
  'get_costs',
  'check_budget',
  'get_alerts',
  'analyze_trace',
] as const;

// ---------------------------------------------------------------------------------------------------------------
// Shared input fields and conversions

const traceId = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/, 'expected a trace id: 32 hex characters')
  .transform((id) => id.toLowerCase());

const instant = (what: string) =>
  z
    .string()
    .refine((raw) => parseInstant(raw) !== null, 'expected an RFC 3339 time or epoch milliseconds')
    .optional()
    .describe(`${what}: RFC 3339 (2026-05-01T10:00:00Z) or epoch milliseconds.`);

const DURATION = /^(\d{1,6})(m|h|d)$/;
const timeRangeFields = {
  since: z
    .string()
    .regex(DURATION, 'expected a duration like 15m, 6h or 7d')
    .optional()
    .describe('Look back this far from now (15m, 6h, 7d); ignored when `from` is given.'),
  from: instant('Start of the time range'),
  to: instant('End of the time range (default now)'),
};
type TimeRangeArgs = { since?: string; from?: string; to?: string };

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The range as epoch ms for the API: `from` wins over `since`; undefined parts are the API's defaults. */
function timeRange(args: TimeRangeArgs, defaultSince?: string): { from?: number; to?: number } {
  const toMs = (raw: string | undefined) => {
    if (raw === undefined) return undefined;
    const ns = parseInstant(raw);
    return ns === null ? undefined : Number(ns / 1_000_000n);
  };
  const to = toMs(args.to);
  let from = toMs(args.from);
  const since = args.since ?? (from === undefined ? defaultSince : undefined);
  if (from === undefined && since !== undefined) {
    const [, amount, unit] = DURATION.exec(since)!;
    from = (to ?? Date.now()) - Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  if (from !== undefined && to !== undefined && from > to) throw new ToolInputError('from: later than to');
  return { from, to };
}

/** Nanoseconds since the epoch (decimal string) → ISO 8601 (ms precision): what an agent reads and passes back. */
function iso(ns: string): string {
  return new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
}

const round = (value: number, digits = 6) => Number(value.toFixed(digits));

class ToolInputError extends Error {}

/**
 * Removes undefined fields (and, for rows whose list fields are optional, empty lists), so the JSON an agent reads
 * carries only what is there.
 */
function compact<T extends Record<string, unknown>>(value: T, dropEmptyLists = false): T {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || (dropEmptyLists && Array.isArray(field) && field.length === 0)) continue;
    out[key] = field;
  }
  return out as T;
}

function answer(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** Runs a tool body; the API's errors (404 unknown trace, 401 bad key, 400 bad input) become MCP tool errors. */
async function run(body: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  try {
    return answer(await body());
  } catch (err) {
    if (err instanceof BeaconApiError)
      return toolError(
        err.status === 0 ? err.message : `Beacon API ${err.status} ${err.code}: ${err.message}`,
      );
    if (err instanceof ToolInputError) return toolError(err.message);
    throw err;
  }
}

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

// ---------------------------------------------------------------------------------------------------------------
// Output shapes (also the tools' outputSchema, so a client can rely on them)

const traceRow = {
  traceId: z.string(),
  start: z.string().describe('ISO 8601'),
  durationMs: z.number(),
  service: z.string(),
  rootSpan: z.string(),
  rootAgent: z.string().optional(),
  agents: z.array(z.string()).optional(),
  models: z.array(z.string()).optional(),
  status: z.enum(['ok', 'error']),
  spans: z.number(),
  errors: z.number(),
  llmCalls: z.number(),
  toolCalls: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number().nullable().describe('null when no model call could be priced'),
  unpricedCalls: z.number().optional(),
  tags: z.array(z.string()).optional(),
  failureCategories: z.array(z.string()).optional(),
};
type TraceRow = z.infer<z.ZodObject<typeof traceRow>>;

function traceRowOf(t: TraceSummary): TraceRow {
  return compact(
    {
      traceId: t.traceId,
      start: iso(t.startTimeUnixNano),
      durationMs: round(t.durationMs, 3),
      service: t.rootServiceName,
      rootSpan: t.rootSpanName,
      rootAgent: t.rootAgent ?? undefined,
      agents: t.agents,
      models: t.models,
      status: t.status,
      spans: t.spanCount,
      errors: t.errorCount,
      llmCalls: t.llmCallCount,
      toolCalls: t.toolCallCount,
      inputTokens: t.inputTokens,
      outputTokens: t.outputTokens,
      costUsd: t.costUsd === null ? null : round(t.costUsd),
      unpricedCalls: t.unpricedCount > 0 ? t.unpricedCount : undefined,
      tags: t.tags,
      failureCategories: t.failureCategories,
    },
    true,
  );
}

const spanRow = {
  spanId: z.string(),
  parentSpanId: z.string().optional().describe('absent on the root span'),
  name: z.string(),
  kind: z.string(),
  service: z.string(),
  start: z.string(),
  durationMs: z.number(),
  status: z.enum(['ok', 'error', 'unset']),
  error: z.string().optional().describe('error type or status message of a failed span'),
  operation: z.string().optional().describe('GenAI operation: chat, invoke_agent, execute_tool, …'),
  agent: z.string().optional(),
  tool: z.string().optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  costUsd: z.number().optional(),
  finishReasons: z.array(z.string()).optional(),
  toolArguments: z.string().optional(),
  toolResult: z.string().optional(),
  systemInstructions: z.array(z.unknown()).optional(),
  inputMessages: z.array(z.unknown()).optional(),
  outputMessages: z.array(z.unknown()).optional(),
};
type SpanRow = z.infer<z.ZodObject<typeof spanRow>>;

function spanRowOf(span: SpanView, withMessages: boolean): SpanRow {
  const g = span.genai;
  const failed = span.statusCode === 'Error';
  return compact(
    {
      spanId: span.spanId,
      parentSpanId: span.parentSpanId || undefined,
      name: span.name,
      kind: span.kind,
      service: span.serviceName,
      start: iso(span.startTimeUnixNano),
      durationMs: round(span.durationMs, 3),
      status: failed ? 'error' : span.statusCode === 'Ok' ? 'ok' : 'unset',
      error: failed ? errorOf(g?.errorType ?? null, span.statusMessage) : undefined,
      operation: g?.operation || undefined,
      agent: g?.agentName ?? undefined,
      tool: g?.toolName ?? undefined,
      provider: g?.provider ?? undefined,
      model: g?.responseModel ?? g?.requestModel ?? undefined,
      inputTokens: g?.usage.inputTokens ?? undefined,
      outputTokens: g?.usage.outputTokens ?? undefined,
      costUsd: g?.costUsd === null || g?.costUsd === undefined ? undefined : round(g.costUsd),
      finishReasons: g?.finishReasons,
      ...(withMessages && g
        ? {
            toolArguments: g.toolArguments ?? undefined,
            toolResult: g.toolResult ?? undefined,
            systemInstructions: g.systemInstructions,
            inputMessages: g.inputMessages,
            outputMessages: g.outputMessages,
          }
        : {}),
    },
    true,
  );
}

const MAX_ERROR_CHARS = 500;

/** "RateLimitError: 429 Too Many Requests": the error type and the status message, either when one is missing. */
function errorOf(errorType: string | null, statusMessage: string): string {
  // `_OTHER` is OTel's "no specific type": it tells an agent nothing.
  const type = errorType === '_OTHER' ? null : errorType;
  const text = [type, statusMessage].filter(Boolean).join(': ') || 'error';
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

const statsNumbers = {
  calls: z.number(),
  errors: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
  unpricedCalls: z.number(),
};

const budgetCheck = {
  budget: z.string(),
  allowed: z.boolean().describe('used + asked stays within limit'),
  unit: z.enum(['usd', 'tokens']),
  asked: z.number(),
  used: z.number().describe('spent in the current period'),
  limit: z.number(),
  remaining: z.number(),
  ratio: z.number().describe('used / limit'),
  periodStart: z.string(),
  periodEnd: z.string(),
  evaluatedAt: z.string().describe('when `used` was computed'),
};

const alertRow = {
  source: z.enum(['budget', 'prometheus']),
  name: z.string(),
  severity: z.string(),
  state: z.string(),
  summary: z.string(),
  ratio: z.number().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  activeAt: z.string().optional(),
};
type AlertRow = z.infer<z.ZodObject<typeof alertRow>>;

const findingRow = {
  id: z.string(),
  type: z.string(),
  severity: z.string(),
  category: z.string().optional(),
  title: z.string(),
  detail: z.string(),
  spanIds: z.array(z.string()).optional(),
  estimatedSavingsUsd: z.number().optional(),
  evidence: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
};

// ---------------------------------------------------------------------------------------------------------------
// The tools

export function registerBeaconTools(server: McpServer, options: BeaconToolsOptions): void {
  const { api } = options;

  server.registerTool(
    'query_traces',
    {
      title: 'List agent runs (traces)',
      description:
        'List traces (one per agent run / request), newest first, each with its duration, status, agents, models, ' +
        'span / error / LLM-call / tool-call counts, tokens and cost in USD. Filter by service, agent, model, ' +
        'status ("error" = runs with a failing span), free text, tag, failure category, time range, minimum cost ' +
        "or duration. Page with `cursor` = the previous answer's nextCursor. Next: get_trace for a run's spans, " +
        'analyze_trace to explain a failure.',
      inputSchema: {
        service: z.string().optional().describe('Runs with a span from this service (service.name).'),
        agent: z.string().optional().describe('Runs that invoked this agent.'),
        model: z.string().optional().describe('Runs that called this model.'),
        status: z.enum(['ok', 'error']).optional(),
        text: z
          .string()
          .optional()
          .describe('Case-insensitive text in span, service, agent or model names, tags, or the trace id.'),
        tag: z.string().optional(),
        failure: z
          .enum(FAILURE_CATEGORIES)
          .optional()
          .describe('Runs with a failure of this category (detected at ingest).'),
        ...timeRangeFields,
        minCostUsd: z.number().min(0).optional(),
        minDurationMs: z.number().min(0).optional(),
        limit: z.number().int().min(1).max(100).default(20),
        cursor: z.string().optional(),
      },
      outputSchema: { traces: z.array(z.object(traceRow)), nextCursor: z.string().nullable() },
      annotations: READ_ONLY,
    },
    (args) =>
      run(async () => {
        const range = timeRange(args);
        const page = await api.get<TraceListResponse>(`${API}/traces`, {
          service: args.service,
          agent: args.agent,
          model: args.model,
          status: args.status,
          q: args.text,
          tag: args.tag,
          failure: args.failure,
          from: range.from,
          to: range.to,
          minCostUsd: args.minCostUsd,
          minDurationMs: args.minDurationMs,
          limit: args.limit,
          cursor: args.cursor,
        });
        return { traces: page.traces.map(traceRowOf), nextCursor: page.nextCursor };
      }),
  );

  server.registerTool(
    'get_trace',
    {
      title: 'One agent run, span by span',
      description:
        "A trace's summary and its spans in start order: name, kind, service, duration, status and error, and " +
        'for GenAI spans the operation, agent, tool, model, tokens and cost; parentSpanId gives the call tree. ' +
        'Prompts, completions and tool arguments/results are left out unless includeMessages is true (they can ' +
        'be large). Errors when the trace does not exist for your API key.',
      inputSchema: {
        traceId: traceId.describe('32 hex characters, e.g. from query_traces.'),
        includeMessages: z
          .boolean()
          .default(false)
          .describe('Add prompts, completions, tool arguments/results.'),
        maxSpans: z
          .number()
          .int()
          .min(1)
          .max(2000)
          .default(300)
          .describe('Spans returned at most (first ones).'),
      },
      outputSchema: {
        trace: z.object(traceRow),
        spans: z.array(z.object(spanRow)),
        omittedSpans: z.number().optional().describe('spans left out past maxSpans'),
      },
      annotations: READ_ONLY,
    },
    (args) =>
      run(async () => {
        const detail = await api.get<TraceDetailResponse>(`${API}/traces/${args.traceId}`);
        const spans = detail.spans.slice(0, args.maxSpans).map((s) => spanRowOf(s, args.includeMessages));
        const omitted = detail.spans.length - spans.length;
        return compact({
          trace: traceRowOf(detail.trace),
          spans,
          omittedSpans: omitted > 0 ? omitted : undefined,
        });
      }),
  );

  server.registerTool(
    'search_spans',
    {
      title: 'Full-text search over spans',
      description:
        'Find spans whose name, attribute values or message contents (prompts, completions) contain the text, ' +
        'case-insensitive, newest first; each hit names its trace, span, where it matched and a snippet. Use ' +
        "get_trace on a hit's traceId for context.",
      inputSchema: {
        query: z.string().min(1).describe('The text to find.'),
        limit: z.number().int().min(1).max(100).default(20),
        ...timeRangeFields,
      },
      outputSchema: {
        hits: z.array(
          z.object({
            traceId: z.string(),
            spanId: z.string(),
            spanName: z.string(),
            service: z.string(),
            start: z.string(),
            field: z.enum(['name', 'attribute', 'message']),
            snippet: z.string(),
          }),
        ),
      },
      annotations: READ_ONLY,
    },
    (args) =>
      run(async () => {
        const range = timeRange(args);
        const { hits } = await api.get<SearchResponse>(`${API}/search`, {
          q: args.query,
          limit: args.limit,
          from: range.from,
          to: range.to,
        });
        return {
          hits: hits.map((hit) => ({
            traceId: hit.traceId,
            spanId: hit.spanId,
            spanName: hit.spanName,
            service: hit.serviceName,
            start: iso(hit.startTimeUnixNano),
            field: hit.field,
            snippet: hit.snippet,
          })),
        };
      }),
  );

  server.registerTool(
    'get_costs',
    {
      title: 'LLM spend by model, agent or service',
      description:
        'Model calls, errors, input/output tokens and cost in USD over a time range (default the last 24 hours), ' +
        'in total and per model, agent or service (groupBy), most expensive first. unpricedCalls counts calls of ' +
        'models without a known price (their cost is not in costUsd). With timeseries: true, also per time bucket ' +
        '(empty buckets left out).',
      inputSchema: {
        groupBy: z.enum(GROUP_BY).default('model'),
        ...timeRangeFields,
        timeseries: z.boolean().default(false),
        stepSeconds: z
          .number()
          .int()
          .min(60)
          .optional()
          .describe('Bucket width of the time series; default about 50 buckets over the range.'),
      },
      outputSchema: {
        from: z.string(),
        to: z.string(),
        groupBy: z.enum(GROUP_BY),
        totals: z.object({ ...statsNumbers, traces: z.number() }),
        groups: z.array(z.object({ key: z.string(), ...statsNumbers })),
        timeseries: z
          .object({
            stepSeconds: z.number(),
            series: z.array(
              z.object({
                key: z.string(),
                points: z.array(z.object({ time: z.string(), ...statsNumbers })),
              }),
            ),
          })
          .optional(),
      },
      annotations: READ_ONLY,
    },
    (args) =>
      run(async () => {
        const range = timeRange(args, '24h');
        const to = range.to ?? Date.now();
        const from = range.from ?? to - UNIT_MS.d;
        const query = { from, to, groupBy: args.groupBy };
        const numbers = (n: Omit<StatsGroup, 'key'>) => ({
          calls: n.calls,
          errors: n.errors,
          inputTokens: n.inputTokens,
          outputTokens: n.outputTokens,
          costUsd: round(n.costUsd),
          unpricedCalls: n.unpriced,
        });
        const summary = await api.get<StatsSummaryResponse>(`${API}/stats/summary`, query);
        const groups = summary.groups
          .map((g) => ({ key: g.key, ...numbers(g) }))
          .sort((a, b) => b.costUsd - a.costUsd || b.calls - a.calls);
        let timeseries: { stepSeconds: number; series: unknown[] } | undefined;
        if (args.timeseries) {
          const stepSeconds = args.stepSeconds ?? Math.max(60, Math.ceil((to - from) / 1000 / 50));
          const ts = await api.get<StatsTimeseriesResponse>(`${API}/stats/timeseries`, {
            ...query,
            stepSeconds,
          });
          timeseries = {
            stepSeconds: ts.stepSeconds,
            series: ts.series.map((s) => ({
              key: s.key,
              points: s.points
                .filter((p) => p.calls > 0 || p.costUsd > 0)
                .map((p) => ({ time: iso(p.time), ...numbers(p) })),
            })),
          };
        }
        return compact({
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          groupBy: args.groupBy,
          totals: { ...numbers(summary.totals), traces: summary.totals.traces },
          groups,
          timeseries,
        });
      }),
  );

  server.registerTool(
    'check_budget',
    {
      title: 'May I spend this?',
      description:
        'Checks a named budget (a USD or token limit over an hour/day/month): how much of it is used, what ' +
        'remains, and whether spending `usd` dollars or `tokens` tokens more stays within the limit (allowed). ' +
        'Call it before an expensive step; unknown budget names are an error.',
      inputSchema: {
        name: z.string().min(1).max(200).describe('The budget name.'),
        usd: z.number().min(0).optional().describe('Spend you are about to add, in USD (USD budgets).'),
        tokens: z.number().int().min(0).optional().describe('Tokens you are about to use (token budgets).'),
      },
      outputSchema: budgetCheck,
      annotations: READ_ONLY,
    },
    (args) =>
      run(async () => {
        const check = await api.get<BudgetCheckResponse>(
          `${API}/budgets/${encodeURIComponent(args.name)}/check`,
          { usd: args.usd, tokens: args.tokens },
        );
        return {
          budget: check.budget,
          allowed: check.allowed,
          unit: check.unit,
          asked: check.asked,
          used: round(check.used),
          limit: check.limit,
          remaining: round(check.remaining),
          ratio: round(check.ratio),
          periodStart: iso(check.periodStart),
          periodEnd: iso(check.periodEnd),
          evaluatedAt: iso(check.evaluatedAt),
        };
      }),
  );

  server.registerTool(
    'get_alerts',
    {
      title: 'What needs attention now',
      description:
        'Budgets used past `threshold` of their limit (critical at 100%, warning at 75%/90%, info below), and ' +
        'the firing alerts of the Prometheus Beacon is configured with (BEACON_PROMETHEUS_URL): error rates, ' +
        'latency, token burn, collector health. `notes` says which sources were not available.',
      inputSchema: {
        threshold: z
          .number()
          .min(0)
          .max(10)
          .default(0.75)
          .describe('Budget ratio (used / limit) from which a budget is listed; 0.75 = 75%.'),
        includePending: z
          .boolean()
          .default(false)
          .describe('Also Prometheus alerts not firing yet (pending).'),
      },
      outputSchema: { alerts: z.array(z.object(alertRow)), notes: z.array(z.string()) },
      annotations: READ_ONLY,
    },
    (args) =>
      run(async () => {
        const notes: string[] = [];
        const alerts: AlertRow[] = [...(await budgetAlerts(api, args.threshold, notes))];
        const prometheus = options.prometheus;
        if (!prometheus) {
          notes.push('no Prometheus configured (BEACON_PROMETHEUS_URL): only budgets were checked');
        } else {
          try {
            alerts.push(...prometheusAlerts(await fetchPrometheusAlerts(prometheus.url), prometheus, args));
          } catch (err) {
            notes.push((err as Error).message);
          }
        }
        return { alerts, notes };
      }),
  );

  server.registerTool(
    'analyze_trace',
    {
      title: 'Explain an agent run',
      description:
        'Deterministic analysis of a stored trace. kind root-cause (default): the failing span where the error ' +
        'chain started, what fed it, loops. cost: repeated prompts, expensive models on short prompts, cacheable ' +
        'prefixes, context growth, with estimated savings. anomalies: cost/duration/tokens vs earlier runs of the ' +
        'same entry point. summary: what the agent did. compare: against baselineTraceId (or the marked ' +
        'baseline). error-patterns: without traceId, failures across runs in the time range grouped by shape. ' +
        'Findings name span ids to look at with get_trace.',
      inputSchema: {
        kind: z.enum(ANALYSIS_KINDS).default('root-cause'),
        traceId: traceId.optional().describe('Required for every kind but error-patterns.'),
        baselineTraceId: traceId.optional().describe('compare: the run to compare with.'),
        window: z
          .number()
          .int()
          .min(1)
          .max(200)
          .optional()
          .describe('anomalies: earlier runs compared with.'),
        ...timeRangeFields,
        refine: z
          .boolean()
          .optional()
          .describe("Let the collector's configured LLM rewrite the text (default: when one is configured)."),
      },
      outputSchema: {
        kind: z.enum(ANALYSIS_KINDS),
        traceId: z.string().nullable(),
        baselineTraceId: z.string().optional(),
        text: z.string(),
        findings: z.array(z.object(findingRow)),
        totalEstimatedSavingsUsd: z.number().optional(),
        patterns: z.array(z.unknown()).optional(),
        refinement: z.object({ model: z.string(), text: z.string() }).optional(),
      },
      annotations: READ_ONLY,
    },
    (args) =>
      run(async () => {
        const acrossRuns = args.kind === 'error-patterns' && args.traceId === undefined;
        const range = acrossRuns ? timeRange(args) : {};
        const result = await api.post<AnalysisResponse>(`${API}/analysis/${args.kind}`, {
          traceId: args.traceId,
          baselineTraceId: args.baselineTraceId,
          window: args.window,
          from: range.from,
          to: range.to,
          refine: args.refine,
        });
        return compact({
          kind: result.kind,
          traceId: result.traceId,
          baselineTraceId: result.baselineTraceId ?? undefined,
          text: result.text,
          findings: result.findings.map((f) =>
            compact(
              {
                id: f.id,
                type: f.type,
                severity: f.severity,
                category: f.category ?? undefined,
                title: f.title,
                detail: f.detail,
                spanIds: f.spanIds,
                estimatedSavingsUsd: f.estimatedSavingsUsd ?? undefined,
                evidence: Object.keys(f.evidence).length > 0 ? f.evidence : undefined,
              },
              true,
            ),
          ),
          totalEstimatedSavingsUsd: result.totalEstimatedSavingsUsd ?? undefined,
          patterns: result.patterns.length > 0 ? result.patterns : undefined,
          refinement: result.refinement ?? undefined,
        });
      }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// get_alerts sources

function budgetSeverity(ratio: number): string {
  if (ratio >= 1) return 'critical';
  if (ratio >= 0.75) return 'warning';
  return 'info';
}

/** Budgets at or past the threshold, from GET /budgets (each with its current period's spend). */
async function budgetAlerts(api: BeaconApiClient, threshold: number, notes: string[]): Promise<AlertRow[]> {
  let listed: BudgetListResponse;
  try {
    listed = await api.get<BudgetListResponse>(`${API}/budgets`);
  } catch (err) {
    // A collector without the budgets API answers 404 `no route`: nothing the caller can fix.
    if (err instanceof BeaconApiError && err.status === 404) {
      notes.push('this collector has no budgets API: no budget was checked');
      return [];
    }
    throw err;
  }
  if (listed.budgets.length === 0) notes.push('no budgets defined');
  return listed.budgets
    .filter((b) => b.ratio >= threshold)
    .sort((a, b) => b.ratio - a.ratio)
    .map((b) => ({
      source: 'budget' as const,
      name: b.name,
      severity: budgetSeverity(b.ratio),
      state: b.ratio >= 1 ? 'exhausted' : 'over_threshold',
      summary: `budget ${b.name}: ${round(b.used, 4)} of ${b.limit} ${b.unit} used this ${b.period} (${Math.round(b.ratio * 100)}%)`,
      ratio: round(b.ratio, 4),
    }));
}

function prometheusAlerts(
  alerts: Awaited<ReturnType<typeof fetchPrometheusAlerts>>,
  prometheus: NonNullable<BeaconToolsOptions['prometheus']>,
  args: { includePending: boolean },
): AlertRow[] {
  return alerts
    .filter((a) => a.state === 'firing' || (args.includePending && a.state === 'pending'))
    .filter((a) => prometheus.tenant === undefined || a.labels.tenant === prometheus.tenant)
    .map((a) =>
      compact({
        source: 'prometheus' as const,
        name: a.labels.alertname ?? 'unnamed',
        severity: a.labels.severity ?? 'none',
        state: a.state,
        summary: a.annotations.summary ?? a.annotations.description ?? a.labels.alertname ?? '',
        labels: a.labels,
        activeAt: a.activeAt,
      }),
    );
}
