// The query API under /api/v1: the route table (types in contract.ts, SQL in storage/queries). Served by server.ts.
import { FAILURE_CATEGORIES } from '@beacon/semconv';
import type {
  Annotation,
  SearchResponse,
  SpanAnnotationsResponse,
  StatsSummaryResponse,
  StatsTimeseriesResponse,
  TraceDetailResponse,
  TraceExportJson,
  TraceGraphResponse,
  TraceImportResponse,
  TraceListResponse,
  TraceTagsResponse,
} from '../contract/index.js';
import type { DecodedSpan, DecodeResult, SpanSink } from '../model.js';
import {
  bucketCount,
  defaultStepSeconds,
  hasControlCharacters,
  latestAnnotations,
  listTraces,
  loadSpans,
  MAX_POINTS,
  type QueryContext,
  STATS_GROUP_BY,
  search,
  spanExists,
  statsSummary,
  statsTimeseries,
  storedSpanKeys,
  traceBounds,
  traceSummary,
  tracesLinkingTo,
  writeAnnotations,
  writeTags,
} from '../storage/queries/index.js';
import { buildTraceGraph, type GraphTrace } from './graph.js';
import { ApiError, badRequest, notFound } from './http.js';
import { buildOpenApiDocument, ref } from './openapi.js';
import {
  cursor,
  encodeCursor,
  hexId,
  instant,
  integer,
  type JsonSchema,
  nonNegativeNumber,
  oneOf,
  optionalInteger,
  requiredText,
  text,
} from './params.js';
import { defineRoute, type Route } from './router.js';
import { isTraceExport, type ParsedExport, parseTraceExport, toCsv, toOtlpJson } from './trace-io.js';

export const API_PREFIX = '/api/v1';

export interface QueryApiOptions {
  /** Largest request body (import, tags, annotations); larger gets 413. */
  maxBodyBytes: number;
  /** Where POST /traces/import sends spans: the same pipeline as OTLP ingest. */
  ingest: {
    sink: SpanSink;
    /** OTLP/JSON → spans (the OTLP/HTTP receiver's decoder); throws on a malformed request. */
    decodeOtlpJson(body: string): DecodeResult;
    /** Resolves once every accepted span is stored, so an imported trace can be read right after the answer. */
    flush(): Promise<void>;
  };
  /** Routes of other API modules (replay, analysis) and their OpenAPI components, served and documented here. */
  modules?: readonly ApiModule[];
}

/** A group of routes with the OpenAPI component schemas their docs refer to (componentRef). */
export interface ApiModule {
  routes: Route[];
  schemas: Record<string, JsonSchema>;
}

/** Traces linked to or from the one graphed, at most. */
const MAX_LINKED_TRACES = 20;
/** How far around a trace's span starts other traces' spans linking to it are looked for. */
const LINK_WINDOW_NS = 3600n * 1_000_000_000n;
const DAY_NS = 86_400n * 1_000_000_000n;
const MAX_TAGS = 50;
const MAX_TAG_LENGTH = 100;
const MAX_ANNOTATIONS = 100;
const MAX_ANNOTATION_LENGTH = 10_000;
const MAX_AUTHOR_LENGTH = 200;

const traceIdParam = { traceId: hexId(16, 'Trace id: 32 hex characters.') };
const spanParams = { ...traceIdParam, spanId: hexId(8, 'Span id: 16 hex characters.') };

function checkRange(fromNs: bigint | undefined, toNs: bigint | undefined): void {
  if (fromNs !== undefined && toNs !== undefined && fromNs > toNs) throw badRequest('from: later than to');
}

/** Every route of the query API, and the OpenAPI document describing exactly them. */
export function createQueryApi(options: QueryApiOptions): { routes: Route[] } {
  async function requireBounds(ctx: QueryContext, traceId: string) {
    const bounds = await traceBounds(ctx, traceId);
    if (!bounds) throw notFound(`trace ${traceId} not found`);
    return bounds;
  }

  async function traceDetail(ctx: QueryContext, traceId: string): Promise<TraceDetailResponse> {
    const [trace, bounds] = await Promise.all([traceSummary(ctx, traceId), traceBounds(ctx, traceId)]);
    if (!trace || !bounds) throw notFound(`trace ${traceId} not found`);
    return { trace, spans: await loadSpans(ctx, traceId, bounds) };
  }

  /** Other traces whose spans link to this one (sub-agent runs pointing at their parent), near it in time. */
  function linkingTraceIds(
    ctx: QueryContext,
    traceId: string,
    spans: GraphTrace['spans'],
  ): Promise<string[]> {
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

  /** The trace's graph, with the traces its spans link to and the traces linking to it. */
  async function traceGraph(ctx: QueryContext, traceId: string): Promise<TraceGraphResponse> {
    const bounds = await requireBounds(ctx, traceId);
    const spanOptions = { messages: false, annotations: false };
    const main: GraphTrace = { traceId, spans: await loadSpans(ctx, traceId, bounds, spanOptions) };
    const outgoing = main.spans.flatMap((span) => span.links.map((link) => link.traceId));
    const incoming = await linkingTraceIds(ctx, traceId, main.spans);
    const linkedIds = [...new Set([...outgoing, ...incoming])]
      .filter((id) => id !== traceId && /^[0-9a-f]{32}$/.test(id))
      .slice(0, MAX_LINKED_TRACES);
    const linked = await Promise.all(
      linkedIds.map(async (id): Promise<GraphTrace> => {
        const linkedBounds = await traceBounds(ctx, id);
        return {
          traceId: id,
          spans: linkedBounds ? await loadSpans(ctx, id, linkedBounds, spanOptions) : [],
        };
      }),
    );
    return buildTraceGraph(main, linked);
  }

  const routes: Route[] = [
    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/traces`,
      query: {
        service: text('Traces with at least one span from this service.'),
        agent: text('Traces that ran this agent.'),
        model: text(
          'Traces that used this model: one of TraceSummary.models (response model, else requested).',
        ),
        status: oneOf(['ok', 'error'], 'error: traces with an error span; ok: traces without.'),
        q: text(
          'Case-insensitive text in span or service names, agents, models, tags, or the trace id itself.',
        ),
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
    }),

    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/traces/{traceId}`,
      pathParams: traceIdParam,
      doc: {
        operationId: 'getTrace',
        summary: 'A trace: its summary and every span with GenAI facts, messages and annotations',
        tags: ['traces'],
        responses: {
          '200': { description: 'The trace.', content: { 'application/json': ref('TraceDetailResponse') } },
        },
      },
      handler: async ({ path, storage }) => ({ json: await traceDetail(storage, path.traceId) }),
    }),

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
          "agent or workflow node's those of every model call beneath it.",
        tags: ['traces'],
        responses: {
          '200': { description: 'The graph.', content: { 'application/json': ref('TraceGraphResponse') } },
        },
      },
      handler: async ({ path, storage }) => ({ json: await traceGraph(storage, path.traceId) }),
    }),

    defineRoute({
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
        const detail = await traceDetail(storage, path.traceId);
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
    }),

    defineRoute({
      method: 'POST',
      path: `${API_PREFIX}/traces/import`,
      doc: {
        operationId: 'importTraces',
        summary: 'Import a trace export (TraceExportJson) or an OTLP/JSON request',
        description:
          'Spans go through the same pipeline as OTLP ingest (normalization, cost); spans already stored are ' +
          'skipped. A TraceExportJson also brings its tags and annotations. Answers once the spans are stored.',
        tags: ['traces'],
        requestBody: {
          description: 'TraceExportJson, or an OTLP/JSON ExportTraceServiceRequest.',
          schema: { oneOf: [ref('TraceExportJson').schema, ref('OtlpExportTraceServiceRequest').schema] },
        },
        responses: {
          '200': {
            description: 'What was imported.',
            content: { 'application/json': ref('TraceImportResponse') },
          },
        },
      },
      handler: async ({ body, storage: ctx, principal }) => {
        const { spans, exported } = decodeImport(await body(), options.ingest.decodeOtlpJson);
        const traceIds = [...new Set(spans.map((span) => span.traceId))];
        const stored = await storedSpanKeys(ctx, traceIds);
        const fresh = spans.filter((span) => !stored.has(`${span.traceId}/${span.spanId}`));
        const outcome = options.ingest.sink.accept(fresh, 'http_json', principal.tenant);
        if (!outcome.accepted) {
          throw new ApiError(503, 'unavailable', `import refused (${outcome.reason}), retry later`, {
            'retry-after': String(outcome.retryAfterSeconds),
          });
        }
        await options.ingest.flush();
        if (exported) {
          if (exported.tags.length > 0) await writeTags(ctx, exported.traceId, exported.tags);
          for (const { spanId, annotations } of exported.annotations) {
            await writeAnnotations(ctx, exported.traceId, spanId, annotations);
          }
        }
        const result: TraceImportResponse = { imported: fresh.length, traceIds };
        return { json: result };
      },
    }),

    defineRoute({
      method: 'PUT',
      path: `${API_PREFIX}/traces/{traceId}/tags`,
      pathParams: traceIdParam,
      doc: {
        operationId: 'putTraceTags',
        summary: "Replace a trace's tags",
        description: `Tags are trimmed, de-duplicated (first occurrence kept), 1–${MAX_TAG_LENGTH} characters, at most ${MAX_TAGS}.`,
        tags: ['traces'],
        requestBody: { description: 'The new tag set.', schema: ref('TraceTagsRequest').schema },
        responses: {
          '200': {
            description: 'The tags now on the trace.',
            content: { 'application/json': ref('TraceTagsResponse') },
          },
        },
      },
      handler: async ({ path, body, storage: ctx }) => {
        const tags = parseTags(await body());
        await requireBounds(ctx, path.traceId);
        await writeTags(ctx, path.traceId, tags);
        const result: TraceTagsResponse = { traceId: path.traceId, tags };
        return { json: result };
      },
    }),

    defineRoute({
      method: 'PUT',
      path: `${API_PREFIX}/spans/{traceId}/{spanId}/annotations`,
      pathParams: spanParams,
      doc: {
        operationId: 'putSpanAnnotations',
        summary: "Replace a span's annotations",
        description:
          'The body is the whole new list. An item naming the id of a current annotation (or, without id, equal to ' +
          "one in text and author) keeps that annotation's id and createdAt; other items get a new id and now.",
        tags: ['traces'],
        requestBody: {
          description: 'The new annotation list.',
          schema: ref('SpanAnnotationsRequest').schema,
        },
        responses: {
          '200': {
            description: 'The annotations now on the span.',
            content: { 'application/json': ref('SpanAnnotationsResponse') },
          },
        },
      },
      handler: async ({ path, body, storage: ctx }) => {
        const items = parseAnnotationItems(await body());
        const bounds = await requireBounds(ctx, path.traceId);
        if (!(await spanExists(ctx, path.traceId, path.spanId, bounds))) {
          throw notFound(`span ${path.spanId} not found in trace ${path.traceId}`);
        }
        const current = (await latestAnnotations(ctx, path.traceId, path.spanId)).get(path.spanId) ?? [];
        const annotations = reconcileAnnotations(current, items);
        await writeAnnotations(ctx, path.traceId, path.spanId, annotations);
        const result: SpanAnnotationsResponse = { traceId: path.traceId, spanId: path.spanId, annotations };
        return { json: result };
      },
    }),

    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/search`,
      query: {
        q: requiredText('Text to find, case-insensitive: span names, attribute values, message contents.'),
        limit: integer('Most hits.', { min: 1, max: 200, fallback: 50 }),
        from: instant('Spans starting at or after this time.'),
        to: instant('Spans starting at or before this time.'),
      },
      doc: {
        operationId: 'search',
        summary: 'Full-text search over spans',
        description:
          'Newest first, one hit per span (a name match before a message match before an attribute match).',
        tags: ['search'],
        responses: {
          '200': { description: 'Hits.', content: { 'application/json': ref('SearchResponse') } },
        },
      },
      handler: async ({ query, storage: ctx }) => {
        checkRange(query.from, query.to);
        const hits = await search(ctx, {
          q: query.q,
          limit: query.limit,
          fromNs: query.from,
          toNs: query.to,
        });
        const result: SearchResponse = { hits };
        return { json: result };
      },
    }),

    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/stats/summary`,
      query: statsQuery(),
      doc: {
        operationId: 'statsSummary',
        summary:
          'Model calls, errors, tokens and cost in a time range, in total and per model, agent or service',
        description:
          'Counts model calls (chat, completions, embeddings) only. totals.traces: traces with a GenAI span in the range.',
        tags: ['stats'],
        responses: {
          '200': {
            description: 'The numbers.',
            content: { 'application/json': ref('StatsSummaryResponse') },
          },
        },
      },
      handler: async ({ query, storage: ctx }) => {
        const range = statsRange(query.from, query.to);
        const result: StatsSummaryResponse = await statsSummary(ctx, { ...range, groupBy: query.groupBy });
        return { json: result };
      },
    }),

    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/stats/timeseries`,
      query: {
        ...statsQuery(),
        stepSeconds: optionalInteger(
          `Bucket width; default: the smallest round step giving at most 200 buckets. At most ${MAX_POINTS} buckets.`,
          { min: 1, max: 31_536_000 },
        ),
      },
      doc: {
        operationId: 'statsTimeseries',
        summary: 'The same numbers per time bucket, one series per model, agent or service',
        description:
          'Buckets are aligned to multiples of stepSeconds since the epoch; empty buckets are zeros.',
        tags: ['stats'],
        responses: {
          '200': {
            description: 'The series.',
            content: { 'application/json': ref('StatsTimeseriesResponse') },
          },
        },
      },
      handler: async ({ query, storage: ctx }) => {
        const range = statsRange(query.from, query.to);
        const stepSeconds = query.stepSeconds ?? defaultStepSeconds(range.fromNs, range.toNs);
        if (bucketCount(range.fromNs, range.toNs, stepSeconds) > MAX_POINTS) {
          throw badRequest(`stepSeconds: gives more than ${MAX_POINTS} buckets over from..to`);
        }
        const result: StatsTimeseriesResponse = await statsTimeseries(ctx, {
          ...range,
          groupBy: query.groupBy,
          stepSeconds,
        });
        return { json: result };
      },
    }),
  ];

  const modules = options.modules ?? [];
  for (const module of modules) routes.push(...module.routes);
  routes.push(
    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/openapi.json`,
      access: 'public',
      doc: {
        operationId: 'openapi',
        summary: 'This document',
        tags: ['meta'],
        responses: {
          '200': {
            description: 'OpenAPI 3.1 document.',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        },
      },
      handler: async () => ({ json: openapi }),
    }),
  );
  const openapi = buildOpenApiDocument(routes, Object.assign({}, ...modules.map((module) => module.schemas)));

  return { routes };
}

function statsQuery() {
  return {
    from: instant('Start of the range (default: 24 hours before to).'),
    to: instant('End of the range, inclusive (default: now).'),
    groupBy: oneOf(STATS_GROUP_BY, 'What the groups / series are.', 'model'),
  };
}

function statsRange(from: bigint | undefined, to: bigint | undefined): { fromNs: bigint; toNs: bigint } {
  const toNs = to ?? BigInt(Date.now()) * 1_000_000n;
  const fromNs = from ?? (toNs > DAY_NS ? toNs - DAY_NS : 0n);
  checkRange(fromNs, toNs);
  return { fromNs, toNs };
}

/** An import body → spans (and, for Beacon's own export format, the tags and annotations it carries). */
function decodeImport(
  doc: unknown,
  decodeOtlpJson: QueryApiOptions['ingest']['decodeOtlpJson'],
): { spans: DecodedSpan[]; exported?: ParsedExport } {
  if (isTraceExport(doc)) {
    const exported = parseTraceExport(doc);
    return { spans: exported.spans, exported };
  }
  if (!isObject(doc) || !('resourceSpans' in doc || 'resource_spans' in doc)) {
    throw badRequest(
      'body: expected a trace export ({"format":"beacon.trace.v1",…}) or an OTLP/JSON request ({"resourceSpans":[…]})',
    );
  }
  let decoded: DecodeResult;
  try {
    decoded = decodeOtlpJson(JSON.stringify(doc));
  } catch (err) {
    throw badRequest(`body: ${(err as Error).message}`);
  }
  if (decoded.rejectedSpans > 0) {
    throw badRequest(`body: ${decoded.rejectedSpans} invalid span(s): ${decoded.errors.join('; ')}`);
  }
  return { spans: decoded.spans };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseTags(body: unknown): string[] {
  if (!isObject(body) || !Array.isArray(body.tags)) throw badRequest('tags: expected {"tags": [string, …]}');
  if (body.tags.length > MAX_TAGS) throw badRequest(`tags: at most ${MAX_TAGS}`);
  const tags: string[] = [];
  for (const [i, raw] of body.tags.entries()) {
    if (typeof raw !== 'string') throw badRequest(`tags[${i}]: expected a string`);
    const tag = raw.trim();
    if (tag.length === 0 || tag.length > MAX_TAG_LENGTH || hasControlCharacters(tag)) {
      throw badRequest(`tags[${i}]: expected 1 to ${MAX_TAG_LENGTH} characters without control characters`);
    }
    if (!tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

interface AnnotationItem {
  id?: string;
  text: string;
  author: string | null;
}

export function parseAnnotationItems(body: unknown): AnnotationItem[] {
  if (!isObject(body) || !Array.isArray(body.annotations)) {
    throw badRequest('annotations: expected {"annotations": [{"text": …, "author"?: …}, …]}');
  }
  if (body.annotations.length > MAX_ANNOTATIONS) throw badRequest(`annotations: at most ${MAX_ANNOTATIONS}`);
  return body.annotations.map((raw, i): AnnotationItem => {
    const at = `annotations[${i}]`;
    if (!isObject(raw)) throw badRequest(`${at}: expected an object`);
    const { text: body, author, id } = raw;
    if (typeof body !== 'string' || body.trim() === '' || body.length > MAX_ANNOTATION_LENGTH) {
      throw badRequest(`${at}.text: expected 1 to ${MAX_ANNOTATION_LENGTH} characters`);
    }
    if (
      author !== undefined &&
      author !== null &&
      (typeof author !== 'string' || author.length > MAX_AUTHOR_LENGTH)
    ) {
      throw badRequest(`${at}.author: expected a string of at most ${MAX_AUTHOR_LENGTH} characters, or null`);
    }
    if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > 100)) {
      throw badRequest(`${at}.id: expected the id of an annotation`);
    }
    return {
      ...(id === undefined ? {} : { id }),
      text: body,
      author: author === undefined || author === '' ? null : author,
    };
  });
}

/** The new list: items matching a current annotation (by id, else by text and author) keep its id and createdAt. */
export function reconcileAnnotations(
  current: readonly Annotation[],
  items: readonly AnnotationItem[],
): Annotation[] {
  const unclaimed = new Map(current.map((a) => [a.id, a]));
  const now = BigInt(Date.now()) * 1_000_000n;
  return items.map((item, i) => {
    const match =
      (item.id !== undefined ? unclaimed.get(item.id) : undefined) ??
      [...unclaimed.values()].find(
        (a) => item.id === undefined && a.text === item.text && a.author === item.author,
      );
    if (match) unclaimed.delete(match.id);
    return {
      id: match?.id ?? crypto.randomUUID(),
      text: item.text,
      author: item.author,
      createdAt: match?.createdAt ?? (now + BigInt(i)).toString(),
    };
  });
}
