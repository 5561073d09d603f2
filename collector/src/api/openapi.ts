// GET /api/v1/openapi.json: an OpenAPI 3.1 document generated from the route table (paths, parameters and their
// validation, request bodies, responses) plus JSON Schemas of the types in contract/.
import { FAILURE_CATEGORIES } from '@beacon/semconv';
import type { JsonSchema, ParamSpecs } from './params.js';
import type { Route } from './router.js';

export const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** A media type object whose schema is a component: `content: { 'application/json': ref('X') }`. */
export function ref(name: keyof typeof SCHEMAS): { schema: JsonSchema } {
  return { schema: schemaRef(name) };
}

/** ref() for the components of an API module (replay, analysis), which buildOpenApiDocument receives as extras. */
export function componentRef(name: string): { schema: JsonSchema } {
  return { schema: schemaRef(name) };
}

export const string = { type: 'string' };
export const nullableString = { type: ['string', 'null'] };
export const number = { type: 'number' };
export const nullableNumber = { type: ['number', 'null'] };
export const integer = { type: 'integer' };
export const boolean = { type: 'boolean' };
export const nanos = {
  type: 'string',
  pattern: '^[0-9]+$',
  description: 'Nanoseconds since the epoch, decimal.',
};
export const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
export const array = (items: JsonSchema) => ({ type: 'array', items });
/** An object with these properties, all required unless listed in `optional`. */
export const object = (properties: Record<string, JsonSchema>, optional: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
});

const statsMeasures = {
  calls: { ...integer, description: 'Model calls.' },
  errors: { ...integer, description: 'Model calls with status Error.' },
  inputTokens: integer,
  outputTokens: integer,
  costUsd: { ...number, description: 'Cost of the priced calls (USD).' },
  unpriced: { ...integer, description: 'Calls whose model has no price.' },
};

/** GenAISpanView's properties (also those of the outline's GenAIOutline). */
const GENAI_VIEW_PROPERTIES: Record<string, JsonSchema> = {
  operation: string,
  provider: nullableString,
  requestModel: nullableString,
  responseModel: nullableString,
  agentName: nullableString,
  agentId: nullableString,
  toolName: nullableString,
  toolCallId: nullableString,
  toolArguments: nullableString,
  toolResult: nullableString,
  conversationId: nullableString,
  usage: schemaRef('TokenUsageView'),
  costUsd: nullableNumber,
  priceSource: nullableString,
  priceEntry: nullableString,
  unpriced: boolean,
  usageMissing: boolean,
  finishReasons: array(string),
  errorType: nullableString,
  systemInstructions: array(schemaRef('MessagePart')),
  inputMessages: array(schemaRef('Message')),
  outputMessages: array(schemaRef('Message')),
  messageRefs: {
    ...object({ system: array(integer), input: array(integer), output: array(integer) }),
    description:
      'With messages=shared: positions in TraceDetailResponse.messages (the three arrays above are empty).',
  },
};

/** SpanView's properties (also those of the outline's SpanOutline). */
const SPAN_VIEW_PROPERTIES: Record<string, JsonSchema> = {
  traceId: string,
  spanId: string,
  parentSpanId: { ...string, description: "'' for a root span." },
  name: string,
  kind: { type: 'string', enum: ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'] },
  serviceName: string,
  scopeName: string,
  startTimeUnixNano: nanos,
  durationMs: number,
  statusCode: { type: 'string', enum: ['Unset', 'Ok', 'Error'] },
  statusMessage: string,
  attributes: stringMap,
  resourceAttributes: stringMap,
  events: array(schemaRef('SpanEventView')),
  links: array(schemaRef('SpanLinkView')),
  genai: { oneOf: [schemaRef('GenAISpanView'), { type: 'null' }] },
  annotations: array(schemaRef('Annotation')),
  traceState: string,
  scopeVersion: string,
};

const GRAPH_INCLUDED = {
  ...schemaRef('TraceGraphResponse'),
  description: 'With include=graph: the agent graph of the trace, built from the same read of its spans.',
};

/**
 * An outline's object: these properties but `drop`, each left out when at its empty default except `kept`. A span
 * outline's genai is a GenAIOutline, whose usage leaves out each token count that is null.
 */
function withDefaultsLeftOut(
  properties: Record<string, JsonSchema>,
  kept: string[],
  drop: string[],
): JsonSchema {
  const props = Object.fromEntries(Object.entries(properties).filter(([key]) => !drop.includes(key)));
  if ('usage' in props) {
    const counts = ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens'];
    props.usage = object(Object.fromEntries(counts.map((key) => [key, number])), counts);
  }
  if ('genai' in props) props.genai = schemaRef('GenAIOutline');
  return object(
    props,
    Object.keys(props).filter((key) => !kept.includes(key)),
  );
}

const SCHEMAS = {
  ApiErrorBody: object({ error: object({ code: string, message: string }) }),
  TraceSummary: object({
    traceId: string,
    startTimeUnixNano: nanos,
    durationMs: number,
    rootServiceName: string,
    rootSpanName: string,
    rootAgent: nullableString,
    agents: array(string),
    models: array(string),
    spanCount: integer,
    errorCount: integer,
    status: { type: 'string', enum: ['ok', 'error'] },
    llmCallCount: integer,
    toolCallCount: integer,
    inputTokens: integer,
    outputTokens: integer,
    costUsd: {
      ...nullableNumber,
      description: 'Sum over priced model calls; null when none could be priced.',
    },
    unpricedCount: integer,
    usageMissingCount: integer,
    tags: array(string),
    failureCategories: {
      ...array({ type: 'string', enum: FAILURE_CATEGORIES }),
      description:
        'Categories of the failures that started in the trace (auto-tags, classified at ingest): one per cause, ' +
        'a parent failing only because its child failed adds none; never loop (a warning, see loopCallCount).',
    },
    failureCount: {
      ...integer,
      description: 'Failing spans where a failure started: each cause counted once.',
    },
    propagatedFailureCount: {
      ...integer,
      description:
        'Failing spans that failed only because a child failed (propagated): not failures of their own.',
    },
    loopCallCount: {
      ...integer,
      description:
        'Loop warnings, not failures: calls that are part of a loop (3 or more calls with the same name and ' +
        'identical input under one parent, found at ingest). A tool called repeatedly with different arguments ' +
        'is no loop.',
    },
  }),
  TraceListResponse: object({ traces: array(schemaRef('TraceSummary')), nextCursor: nullableString }),
  TokenUsageView: object({
    inputTokens: nullableNumber,
    outputTokens: nullableNumber,
    cacheReadTokens: nullableNumber,
    cacheWriteTokens: nullableNumber,
    reasoningTokens: nullableNumber,
  }),
  MessagePart: {
    type: 'object',
    properties: { type: string },
    required: ['type'],
    additionalProperties: true,
  },
  Message: {
    ...object({ role: string, parts: array(schemaRef('MessagePart')), name: string, finish_reason: string }, [
      'name',
      'finish_reason',
    ]),
    additionalProperties: true,
  },
  GenAISpanView: object(GENAI_VIEW_PROPERTIES, ['messageRefs']),
  SpanEventView: object({ timeUnixNano: nanos, name: string, attributes: stringMap }),
  SpanLinkView: object({ traceId: string, spanId: string, attributes: stringMap, traceState: string }, [
    'traceState',
  ]),
  Annotation: object({ id: string, text: string, author: nullableString, createdAt: nanos }),
  SpanView: object(SPAN_VIEW_PROPERTIES, ['traceState', 'scopeVersion']),
  TraceTruncation: {
    ...object({
      totalSpans: { ...integer, description: 'Spans the trace holds.' },
      returnedSpans: { ...integer, description: 'Spans in this answer.' },
    }),
    description:
      'Spans left out of a trace view (BEACON_MAX_SPANS_PER_TRACE_VIEW): error spans and their ancestors are kept, ' +
      'then the earliest. GET /traces/{traceId}/export returns every span.',
  },
  TraceDetailResponse: object(
    {
      trace: schemaRef('TraceSummary'),
      spans: array(schemaRef('SpanView')),
      truncated: { oneOf: [schemaRef('TraceTruncation'), { type: 'null' }] },
      messages: {
        ...array(schemaRef('Message')),
        description: "With messages=shared: every message the spans' messageRefs name, once.",
      },
      // A $ref with siblings: the description sits beside it (OpenAPI 3.1).
      graph: GRAPH_INCLUDED,
    },
    ['truncated', 'messages', 'graph'],
  ),
  TraceOutlineResponse: object(
    {
      trace: schemaRef('TraceSummary'),
      spans: array(schemaRef('SpanOutline')),
      truncated: { oneOf: [schemaRef('TraceTruncation'), { type: 'null' }] },
      outline: { const: true },
      graph: GRAPH_INCLUDED,
    },
    ['graph'],
  ),
  SpanOutline: {
    ...withDefaultsLeftOut(
      SPAN_VIEW_PROPERTIES,
      ['spanId', 'kind', 'startTimeUnixNano', 'durationMs', 'statusCode'],
      ['traceId', 'attributes', 'resourceAttributes'],
    ),
    description:
      'A SpanView without traceId, attributes, resourceAttributes, tool text and messages, and without the ' +
      "fields at their empty default ('', null, false, [], {}): absent means empty.",
  },
  GenAIOutline: withDefaultsLeftOut(
    GENAI_VIEW_PROPERTIES,
    [],
    ['toolArguments', 'toolResult', 'systemInstructions', 'inputMessages', 'outputMessages', 'messageRefs'],
  ),
  SpanDetailResponse: object({ span: schemaRef('SpanView') }),
  GraphNode: object({
    id: string,
    kind: { type: 'string', enum: ['agent', 'llm', 'tool', 'retrieval', 'workflow', 'other'] },
    label: string,
    spanIds: array(string),
    traceId: string,
    error: boolean,
    startTimeUnixNano: nanos,
    durationMs: number,
    costUsd: nullableNumber,
    tokens: integer,
  }),
  GraphEdge: object({
    id: string,
    source: string,
    target: string,
    kind: { type: 'string', enum: ['call', 'handoff', 'link'] },
    calls: integer,
  }),
  TraceGraphResponse: object(
    {
      nodes: array(schemaRef('GraphNode')),
      edges: array(schemaRef('GraphEdge')),
      truncated: { oneOf: [schemaRef('TraceTruncation'), { type: 'null' }] },
    },
    ['truncated'],
  ),
  SearchHit: object({
    traceId: string,
    spanId: string,
    spanName: string,
    serviceName: string,
    startTimeUnixNano: nanos,
    field: { type: 'string', enum: ['name', 'attribute', 'message'] },
    snippet: string,
  }),
  SearchResponse: object({ hits: array(schemaRef('SearchHit')) }),
  StatsGroup: object({ key: string, ...statsMeasures }),
  StatsSummaryResponse: object({
    totals: object({ ...statsMeasures, traces: integer }),
    groups: array(schemaRef('StatsGroup')),
  }),
  StatsTimeseriesResponse: object({
    stepSeconds: integer,
    series: array(object({ key: string, points: array(object({ time: nanos, ...statsMeasures })) })),
  }),
  TraceExportJson: object({
    format: { const: 'beacon.trace.v1' },
    trace: schemaRef('TraceSummary'),
    spans: array(schemaRef('SpanView')),
  }),
  OtlpExportTraceServiceRequest: {
    type: 'object',
    description: 'OTLP/JSON (opentelemetry-proto ExportTraceServiceRequest), as POST /v1/traces takes it.',
    properties: { resourceSpans: { type: 'array', items: { type: 'object' } } },
    required: ['resourceSpans'],
  },
  TraceImportResponse: object({ imported: integer, traceIds: array(string) }),
  TraceTagsRequest: object({ tags: array(string) }),
  TraceTagsResponse: object({ traceId: string, tags: array(string) }),
  SpanAnnotationsRequest: object({
    annotations: array(object({ text: string, author: nullableString, id: string }, ['author', 'id'])),
  }),
  SpanAnnotationsResponse: object({
    traceId: string,
    spanId: string,
    annotations: array(schemaRef('Annotation')),
  }),
} satisfies Record<string, JsonSchema>;

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': ref('ApiErrorBody') },
});

function parameters(specs: ParamSpecs, location: 'path' | 'query') {
  return Object.entries(specs).map(([name, spec]) => ({
    name,
    in: location,
    required: location === 'path' || spec.required,
    description: spec.description,
    schema: spec.schema,
  }));
}

export function buildOpenApiDocument(
  routes: readonly Route[],
  extraSchemas: Record<string, JsonSchema> = {},
): Record<string, unknown> {
  for (const name of Object.keys(extraSchemas)) {
    if (name in SCHEMAS) throw new Error(`OpenAPI component ${name} is defined twice`);
  }
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = { ...route.doc.responses };
    const hasInput =
      Object.keys(route.pathParams).length + Object.keys(route.query).length > 0 || route.doc.requestBody;
    if (hasInput)
      responses['400'] = errorResponse('A parameter or the body is invalid; the message names it.');
    if ('traceId' in route.pathParams) responses['404'] = errorResponse('No such trace (or span).');
    if (route.doc.requestBody) {
      responses['413'] = errorResponse('The body is larger than the limit.');
      responses['415'] = errorResponse('The body is not application/json.');
    }
    if (route.method === 'POST')
      responses['503'] = errorResponse('The ingest queue is full; retry after Retry-After.');
    if (route.access !== 'public') {
      responses['401'] = errorResponse('With BEACON_AUTH=on: no API key, or an unknown or revoked one.');
      responses['403'] = errorResponse(`With BEACON_AUTH=on: the API key lacks the ${route.access} scope.`);
      responses['429'] = errorResponse(
        "With BEACON_AUTH=on: over the API key's rate limit; retry after Retry-After.",
      );
    }
    responses['500'] = errorResponse('Internal error.');
    const path = paths[route.path] ?? {};
    paths[route.path] = path;
    path[route.method.toLowerCase()] = {
      operationId: route.doc.operationId,
      summary: route.doc.summary,
      ...(route.doc.description ? { description: route.doc.description } : {}),
      tags: route.doc.tags,
      // Either scheme carries the same key; `x-beacon-scope` is the scope the key needs.
      ...(route.access === 'public'
        ? { security: [] }
        : { security: [{ bearerKey: [] }, { headerKey: [] }], 'x-beacon-scope': route.access }),
      parameters: [...parameters(route.pathParams, 'path'), ...parameters(route.query, 'query')],
      ...(route.doc.requestBody
        ? {
            requestBody: {
              required: true,
              description: route.doc.requestBody.description,
              content: { 'application/json': { schema: route.doc.requestBody.schema } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Beacon query API',
      version: '1',
      description:
        'Traces, spans, GenAI facts, graphs, search and stats of AI agents, read from ClickHouse. Timestamps are ' +
        'nanoseconds since the epoch as decimal strings; durations are milliseconds. Errors are ' +
        '{"error": {"code", "message"}}.',
    },
    paths,
    components: {
      schemas: { ...SCHEMAS, ...extraSchemas },
      securitySchemes: {
        bearerKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A Beacon API key (beacon-collector keys create); required only with BEACON_AUTH=on.',
        },
        headerKey: { type: 'apiKey', in: 'header', name: 'x-beacon-api-key' },
      },
    },
  };
}
