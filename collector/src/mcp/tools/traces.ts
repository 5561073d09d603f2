// Reading agent runs: query_traces (the list), get_trace (one run, span by span) and search_spans (full text). The
// rows are trimmed to what an agent acts on; messages only when asked.
import { FAILURE_CATEGORIES } from '@beacon/semconv';
import { z } from 'zod';
import type {
  SearchResponse,
  SpanView,
  TraceDetailResponse,
  TraceListResponse,
  TraceSummary,
} from '../../contract/index.js';
import { compact, iso, round, timeRange, timeRangeFields, traceId } from './fields.js';
import { API, defineTool, READ_ONLY } from './tool.js';

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

export const queryTraces = defineTool(
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
  async (args, { api }) => {
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
  },
);

export const getTrace = defineTool(
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
  async (args, { api }) => {
    const detail = await api.get<TraceDetailResponse>(`${API}/traces/${args.traceId}`);
    const spans = detail.spans.slice(0, args.maxSpans).map((s) => spanRowOf(s, args.includeMessages));
    const omitted = detail.spans.length - spans.length;
    return compact({
      trace: traceRowOf(detail.trace),
      spans,
      omittedSpans: omitted > 0 ? omitted : undefined,
    });
  },
);

export const searchSpans = defineTool(
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
  async (args, { api }) => {
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
  },
);
