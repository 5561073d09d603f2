// GET /api/v1/traces, /traces/{traceId}, /traces/{traceId}/graph and /traces/{traceId}/export: reading stored traces.
// Import is in trace-import-api.ts, tags and annotations in trace-notes-api.ts; SQL in storage/queries.
import { FAILURE_CATEGORIES } from '@beacon/semconv';
import type {
  TraceExportJson,
  TraceGraphResponse,
  TraceListResponse,
  TraceTruncation,
} from '../contract/index.js';
import {
  listTraces,
  loadTraceView,
  type QueryContext,
  type TraceView,
  traceBounds,
  tracesLinkingTo,
  VIEW_ATTRIBUTE_VALUE_CHARS,
} from '../storage/queries/index.js';
import { buildTraceGraph, type GraphTrace } from './graph.js';
import { API_PREFIX, type ApiModule } from './module.js';
import { ref, schemaRef } from './openapi.js';
import {
  checkRange,
  cursor,
  encodeCursor,
  instant,
  integer,
  nonNegativeNumber,
  oneOf,
  text,
} from './params.js';
import { defineRoute } from './router.js';
import { toCsv, toOtlpJson } from './trace-io.js';
import {
  requireBounds,
  spanParams,
  traceDetail,
  traceIdParam,
  traceOutline,
  traceSpan,
  wholeTrace,
} from './trace-lookup.js';

/** Traces linked to or from the one graphed, at most. */
const MAX_LINKED_TRACES = 20;
/** How far around a trace's span starts other traces' spans linking to it are looked for. */
const LINK_WINDOW_NS = 3600n * 1_000_000_000n;

/** Other traces whose spans link to this one (sub-agent runs pointing at their parent), near it in time. */
function linkingTraceIds(ctx: QueryContext, traceId: string, spans: GraphTrace['spans']): Promise<string[]> {
  if (spans.length === 0) return Promise.resolve([]);
  const starts = spans.map((s) => BigInt(s.startTimeUnixNano));
  const from = starts.reduce((a, b) => (a < b ? a : b)) - LINK_WINDOW_NS;
  const to = starts.reduce((a, b) => (a > b ? a : b)) + LINK_WINDOW_NS;
  return tracesLinkingTo(ctx, traceId, {
    fromNs: from > 0n ? from : 0n,
    toNs: to,
    limit: MAX_LINKED_TRACES,
  });
}

/** What the graphed views left out, summed over the trace and its linked traces; null when nothing was. */
function graphTruncation(views: TraceView[]): TraceTruncation | null {
  const cut = views.map((view) => view.truncated).filter((t): t is TraceTruncation => t !== null);
  if (cut.length === 0) return null;
  const returnedSpans = views.reduce((n, view) => n + view.spans.length, 0);
  const leftOut = cut.reduce((n, t) => n + t.totalSpans - t.returnedSpans, 0);
  return { totalSpans: returnedSpans + leftOut, returnedSpans };
}

/**
 * The trace's graph, with the traces its spans link to and the traces linking to it. At most maxSpans spans of the
 * trace and maxSpans / MAX_LINKED_TRACES of each linked one, so the graph's reads stay within twice the view's cap.
 */
async function traceGraph(ctx: QueryContext, traceId: string, maxSpans: number): Promise<TraceGraphResponse> {
  const bounds = await requireBounds(ctx, traceId);
  return graphOfView(
    ctx,
    traceId,
    await loadTraceView(ctx, traceId, bounds, maxSpans, GRAPH_SPAN_OPTIONS),
    maxSpans,
  );
}

/** The graph reads names, kinds, times, status, links and GenAI facts: no messages, attributes, tool text or
 * annotations — a trace's outline. */
const GRAPH_SPAN_OPTIONS = { messages: false, annotations: false, attributes: false, content: false };

/** The graph of a trace view already read (the outline asked for with include=graph), with its linked traces. */
async function graphOfView(
  ctx: QueryContext,
  traceId: string,
  mainView: TraceView,
  maxSpans: number,
): Promise<TraceGraphResponse> {
  const spanOptions = GRAPH_SPAN_OPTIONS;
  const main: GraphTrace = { traceId, spans: mainView.spans };
  const outgoing = main.spans.flatMap((span) => span.links.map((link) => link.traceId));
  const incoming = await linkingTraceIds(ctx, traceId, main.spans);
  const linkedIds = [...new Set([...outgoing, ...incoming])]
    .filter((id) => id !== traceId && /^[0-9a-f]{32}$/.test(id))
    .slice(0, MAX_LINKED_TRACES);
  const linkedMaxSpans = Math.max(1, Math.floor(maxSpans / MAX_LINKED_TRACES));
  const linkedViews = await Promise.all(
    linkedIds.map(async (id): Promise<TraceView> => {
      const linkedBounds = await traceBounds(ctx, id);
      if (!linkedBounds) return { spans: [], truncated: null };
      return loadTraceView(ctx, id, linkedBounds, linkedMaxSpans, spanOptions);
    }),
  );
  const linked = linkedViews.map((view, i): GraphTrace => ({ traceId: linkedIds[i]!, spans: view.spans }));
  return { ...buildTraceGraph(main, linked), truncated: graphTruncation([mainView, ...linkedViews]) };
}

const listTracesRoute = defineRoute({
  method: 'GET',
  path: `${API_PREFIX}/traces`,
  query: {
    service: text('Traces with at least one span from this service.'),
    agent: text('Traces that ran this agent.'),
    model: text('Traces that used this model: one of TraceSummary.models (response model, else requested).'),
    status: oneOf(['ok', 'error'], 'error: traces with an error span; ok: traces without.'),
    q: text('Case-insensitive text in span or service names, agents, models, tags, or the trace id itself.'),
    tag: text('Traces carrying this tag.'),
    failure: oneOf(FAILURE_CATEGORIES, 'Traces with a failure of this category.'),
    from: instant('Traces starting at or after this time.'),
    to: instant('Traces starting at or before this time.'),
    minCostUsd: nonNegativeNumber('Traces whose model calls cost at least this much (USD).'),
    minDurationMs: nonNegativeNumber('Traces lasting at least this long (ms).'),
    limit: integer('Page size.', { min: 1, max: 500, fallback: 50 }),
    cursor: cursor('nextCursor of the previous page.'),
  },
  doc: {
    operationId: 'listTraces',
    summary: 'List traces, newest first',
    description:
      'Keyset pagination: pass nextCursor as cursor for the next page. Pages stay stable when new traces arrive ' +
      '(they sort before the cursor).',
    tags: ['traces'],
    responses: {
      '200': {
        description: 'One page of traces.',
        content: { 'application/json': ref('TraceListResponse') },
      },
    },
  },
  handler: async ({ query, storage: ctx }) => {
    checkRange(query.from, query.to);
    const page = await listTraces(ctx, {
      service: query.service,
      agent: query.agent,
      model: query.model,
      status: query.status,
      q: query.q,
      tag: query.tag,
      failure: query.failure,
      fromNs: query.from,
      toNs: query.to,
      minCostUsd: query.minCostUsd,
      minDurationMs: query.minDurationMs,
      cursor: query.cursor,
      limit: query.limit,
    });
    const body: TraceListResponse = {
      traces: page.traces,
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
    return { json: body };
  },
});

/** What the detail, graph and shared-trace docs say about BEACON_MAX_SPANS_PER_TRACE_VIEW. */
export function truncationDoc(maxSpans: number): string {
  return (
    `At most ${maxSpans} spans (BEACON_MAX_SPANS_PER_TRACE_VIEW): from a larger trace every error span and its ` +
    'ancestors are kept (up to half of them), then the earliest spans by start time; truncated says how many the ' +
    'trace holds and how many are here (null when all are). Span attribute values longer than ' +
    `${VIEW_ATTRIBUTE_VALUE_CHARS} characters are cut, with a note of their length (message histories are in ` +
    'genai). GET /traces/{traceId}/export returns every span, whole.'
  );
}

const getTraceRoute = (maxSpans: number) =>
  defineRoute({
    method: 'GET',
    path: `${API_PREFIX}/traces/{traceId}`,
    pathParams: traceIdParam,
    query: {
      messages: oneOf(
        ['inline', 'shared'] as const,
        'inline: each span carries its messages. shared: each message once, in the `messages` list, and each ' +
          "span's genai.messageRefs names its own (message arrays empty; attribute copies of message histories " +
          'replaced by a note) — a long conversation resent with every model call is sent once. The UI reads shared.',
        'inline',
      ),
      spans: oneOf(
        ['whole', 'outline'] as const,
        'whole: each span with its attributes, tool text and messages. outline: a TraceOutlineResponse — names, ' +
          'times, status, links, events and GenAI facts, each span without its trace id and without fields at their ' +
          "empty default ('', null, false, [], {}); GET /traces/{traceId}/spans/{spanId} has each span whole. The " +
          'UI reads the outline, then the spans it shows.',
        'whole',
      ),
      include: oneOf(
        ['graph'] as const,
        'graph: the answer carries the agent graph as GET /traces/{traceId}/graph gives it, built from the same ' +
          'read of the spans (one request instead of two reading the trace twice; what the UI asks, with outline).',
      ),
    },
    doc: {
      operationId: 'getTrace',
      summary: 'A trace: its summary and its spans with GenAI facts, messages and annotations',
      description: truncationDoc(maxSpans),
      tags: ['traces'],
      responses: {
        '200': {
          description: 'The trace (spans=outline: its outline).',
          content: {
            'application/json': {
              schema: { oneOf: [schemaRef('TraceDetailResponse'), schemaRef('TraceOutlineResponse')] },
            },
          },
        },
      },
    },
    handler: async ({ path, query, storage }) => {
      const { answer, view } =
        query.spans === 'outline'
          ? await traceOutline(storage, path.traceId, maxSpans)
          : await traceDetail(storage, path.traceId, maxSpans, query.messages).then((detail) => ({
              answer: detail,
              view: { spans: detail.spans, truncated: detail.truncated ?? null },
            }));
      if (query.include !== 'graph') return { json: answer };
      return { json: { ...answer, graph: await graphOfView(storage, path.traceId, view, maxSpans) } };
    },
  });

const getTraceSpanRoute = defineRoute({
  method: 'GET',
  path: `${API_PREFIX}/traces/{traceId}/spans/{spanId}`,
  pathParams: spanParams,
  doc: {
    operationId: 'getTraceSpan',
    summary: 'One span of a trace, whole: attributes, tool text, messages and annotations',
    description:
      `As GET /traces/{traceId} gives it: messages inline, attribute values over ${VIEW_ATTRIBUTE_VALUE_CHARS} ` +
      'characters cut with a note (the export has them whole).',
    tags: ['traces'],
    responses: {
      '200': { description: 'The span.', content: { 'application/json': ref('SpanDetailResponse') } },
    },
  },
  handler: async ({ path, storage }) => ({ json: await traceSpan(storage, path.traceId, path.spanId) }),
});

const getTraceGraphRoute = (maxSpans: number) =>
  defineRoute({
    method: 'GET',
    path: `${API_PREFIX}/traces/{traceId}/graph`,
    pathParams: traceIdParam,
    doc: {
      operationId: 'getTraceGraph',
      summary: 'Agents, model calls and tools of a trace as a graph',
      description:
        'Nodes: agents (one per agent name), model calls and tools (one per calling node and model / tool), ' +
        'retrieval, workflow and other GenAI steps. Edges: call (parent → child), handoff (agent → agent), ' +
        'link (span links to or from other traces, e.g. sub-agent runs; their nodes carry that traceId and ids ' +
        "prefixed with it). durationMs sums the node's spans; an llm node's cost and tokens are its calls', an " +
        "agent or workflow node's those of every model call beneath it. Built from the spans GET /traces/{traceId} " +
        `returns (${maxSpans} at most; each linked trace ${Math.max(1, Math.floor(maxSpans / MAX_LINKED_TRACES))}); ` +
        'truncated counts the spans left out.',
      tags: ['traces'],
      responses: {
        '200': { description: 'The graph.', content: { 'application/json': ref('TraceGraphResponse') } },
      },
    },
    handler: async ({ path, storage }) => ({ json: await traceGraph(storage, path.traceId, maxSpans) }),
  });

const exportTraceRoute = defineRoute({
  method: 'GET',
  path: `${API_PREFIX}/traces/{traceId}/export`,
  pathParams: traceIdParam,
  query: {
    format: oneOf(
      ['json', 'otlp', 'csv'],
      'json: TraceExportJson (re-imports identically); otlp: OTLP/JSON ExportTraceServiceRequest (POST it to ' +
        '/v1/traces); csv: one row per span.',
      'json',
    ),
  },
  doc: {
    operationId: 'exportTrace',
    summary: 'Download a trace',
    tags: ['traces'],
    responses: {
      '200': {
        description: 'The trace, as an attachment.',
        content: {
          'application/json': {
            schema: {
              oneOf: [ref('TraceExportJson').schema, ref('OtlpExportTraceServiceRequest').schema],
            },
          },
          'text/csv': { schema: { type: 'string' } },
        },
      },
    },
  },
  handler: async ({ path, query, storage }) => {
    const detail = await wholeTrace(storage, path.traceId);
    const file = `trace-${path.traceId}`;
    if (query.format === 'csv') {
      return {
        body: toCsv(detail.spans),
        contentType: 'text/csv; charset=utf-8',
        headers: { 'content-disposition': `attachment; filename="${file}.csv"` },
      };
    }
    const doc: TraceExportJson | ReturnType<typeof toOtlpJson> =
      query.format === 'otlp'
        ? toOtlpJson(detail.spans)
        : { format: 'beacon.trace.v1', trace: detail.trace, spans: detail.spans };
    return {
      json: doc,
      headers: {
        'content-disposition': `attachment; filename="${file}${query.format === 'otlp' ? '.otlp' : ''}.json"`,
      },
    };
  },
});

/** Reading traces. Their OpenAPI components are the query API's own (openapi.ts SCHEMAS), so none are added. */
export function createTracesApi(maxSpansPerTraceView: number): ApiModule {
  return {
    routes: [
      listTracesRoute,
      getTraceRoute(maxSpansPerTraceView),
      getTraceGraphRoute(maxSpansPerTraceView),
      getTraceSpanRoute,
      exportTraceRoute,
    ],
    schemas: {},
  };
}
