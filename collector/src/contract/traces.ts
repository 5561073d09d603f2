// The read model of traces (JSON under /api/v1): the trace list, a trace's spans and graph, search, stats,
// export/import, tags and annotations. Conventions of every contract file: see index.ts.
import type { FailureCategory, Message, MessagePart } from '@beacon/semconv';

export interface ApiErrorBody {
  error: { code: string; message: string };
}

export type TraceStatus = 'ok' | 'error';

/** One row of the trace list: a trace's roll-up. */
export interface TraceSummary {
  traceId: string;
  startTimeUnixNano: string;
  durationMs: number;
  rootServiceName: string;
  rootSpanName: string;
  /** Name of the first agent span in the trace, when there is one. */
  rootAgent: string | null;
  agents: string[];
  models: string[];
  spanCount: number;
  errorCount: number;
  status: TraceStatus;
  llmCallCount: number;
  toolCallCount: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum over priced model calls; null when no call in the trace could be priced. */
  costUsd: number | null;
  /** Model calls whose model has no price: costUsd leaves them out. */
  unpricedCount: number;
  /** Model calls that reported no token usage. */
  usageMissingCount: number;
  tags: string[];
  /**
   * Categories of the failures that started in the trace (auto-tags, classified at ingest), e.g. ['rate_limit']:
   * one per cause, so a parent that failed only because its child failed adds none. Never `loop` (a warning).
   */
  failureCategories: FailureCategory[];
  /** Failing spans where a failure started: each error cause counted once. */
  failureCount: number;
  /** Failing spans that failed only because a child failed ("propagated"): not failures of their own. */
  propagatedFailureCount: number;
  /**
   * Loop warnings (not failures, not errors): model or tool calls that are part of a loop — at least 3 calls with
   * the same name and identical input under one parent, found at ingest within an export batch. 0: no loop.
   */
  loopCallCount: number;
}

/**
 * GET /api/v1/traces — query parameters: service, agent, model, status (ok|error), q (text), tag, failure (a
 * FailureCategory), from, to (RFC 3339 or epoch ms), minCostUsd, minDurationMs, limit (1..500, default 50), cursor
 * (opaque, from nextCursor).
 * Newest first.
 */
export interface TraceListResponse {
  traces: TraceSummary[];
  nextCursor: string | null;
}

export type SpanKindName = 'Unspecified' | 'Internal' | 'Server' | 'Client' | 'Producer' | 'Consumer';
export type StatusCodeName = 'Unset' | 'Ok' | 'Error';

export interface TokenUsageView {
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  reasoningTokens: number | null;
}

/** Normalized GenAI facts of one span (from beacon_genai_spans), with messages resolved from their hashes. */
export interface GenAISpanView {
  operation: string;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  agentName: string | null;
  agentId: string | null;
  toolName: string | null;
  toolCallId: string | null;
  toolArguments: string | null;
  toolResult: string | null;
  conversationId: string | null;
  usage: TokenUsageView;
  costUsd: number | null;
  priceSource: string | null;
  priceEntry: string | null;
  unpriced: boolean;
  usageMissing: boolean;
  finishReasons: string[];
  errorType: string | null;
  systemInstructions: MessagePart[];
  inputMessages: Message[];
  outputMessages: Message[];
  /**
   * Added (optional): set instead of the three message fields (then empty) when the trace was read with
   * `messages=shared` — positions in TraceDetailResponse.messages, in order.
   */
  messageRefs?: MessageRefs;
}

/** A span's messages as positions in the trace's shared message list (GET /traces/{traceId}?messages=shared). */
export interface MessageRefs {
  /** The system instructions' messages: their parts, in order, are the span's systemInstructions. */
  system: number[];
  input: number[];
  output: number[];
}

export interface SpanEventView {
  timeUnixNano: string;
  name: string;
  attributes: Record<string, string>;
}

export interface SpanLinkView {
  traceId: string;
  spanId: string;
  attributes: Record<string, string>;
  /** Added (optional): the link's W3C trace state, so an export re-imports without loss. */
  traceState?: string;
}

export interface Annotation {
  id: string;
  text: string;
  author: string | null;
  createdAt: string;
}

export interface SpanView {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: SpanKindName;
  serviceName: string;
  scopeName: string;
  startTimeUnixNano: string;
  durationMs: number;
  statusCode: StatusCodeName;
  statusMessage: string;
  attributes: Record<string, string>;
  resourceAttributes: Record<string, string>;
  events: SpanEventView[];
  links: SpanLinkView[];
  genai: GenAISpanView | null;
  annotations: Annotation[];
  /** Added (optional): the span's W3C trace state, so an export re-imports without loss. */
  traceState?: string;
  /** Added (optional): the instrumentation scope's version, so an export re-imports without loss. */
  scopeVersion?: string;
}

/**
 * Set when a trace view left spans out (more than BEACON_MAX_SPANS_PER_TRACE_VIEW): every error span and its
 * ancestors are kept, then the earliest spans by start time. GET /traces/{traceId}/export returns them all.
 */
export interface TraceTruncation {
  /** Spans the trace holds. */
  totalSpans: number;
  /** Spans in this answer (totalSpans − returnedSpans were left out). */
  returnedSpans: number;
}

/** GET /api/v1/traces/{traceId} */
export interface TraceDetailResponse {
  trace: TraceSummary;
  /** Ordered by start time. At most BEACON_MAX_SPANS_PER_TRACE_VIEW of them: see truncated. */
  spans: SpanView[];
  /** Added (optional): set by the API, null when every span is in spans. */
  truncated?: TraceTruncation | null;
  /**
   * Added (optional), with `messages=shared`: every message the spans name (genai.messageRefs, by position), once.
   * A long conversation resent with each model call is then sent once, not once per call.
   */
  messages?: Message[];
  /** Added (optional), with `include=graph`: the trace's agent graph, built from the same read of its spans. */
  graph?: TraceGraphResponse;
}

/** A span's GenAI facts in an outline: no tool text or messages, and each field at its empty default left out. */
export type GenAIOutline = Partial<
  Omit<
    GenAISpanView,
    | 'usage'
    | 'toolArguments'
    | 'toolResult'
    | 'systemInstructions'
    | 'inputMessages'
    | 'outputMessages'
    | 'messageRefs'
  >
> & { usage?: Partial<TokenUsageView> };

/**
 * A span in an outline (GET /traces/{traceId}?spans=outline): a SpanView without its trace id (the answer's),
 * attributes, resource attributes, tool text and messages, and without any field whose value is its empty default
 * ('', null, false, [], {}) — restore those to get the SpanView. Keys are most of a 10,000-span trace's bytes.
 */
export type SpanOutline = Partial<Omit<SpanView, 'traceId' | 'attributes' | 'resourceAttributes' | 'genai'>> &
  Pick<SpanView, 'spanId' | 'kind' | 'startTimeUnixNano' | 'durationMs' | 'statusCode'> & {
    genai?: GenAIOutline;
  };

/** GET /traces/{traceId}?spans=outline: what the trace page draws first. */
export interface TraceOutlineResponse {
  trace: TraceSummary;
  spans: SpanOutline[];
  truncated: TraceTruncation | null;
  outline: true;
  /** With `include=graph`: the trace's agent graph, built from the same read of its spans. */
  graph?: TraceGraphResponse;
}

/** GET /traces/{traceId}/spans/{spanId}: one span whole (messages inline), as a trace view gives it. */
export interface SpanDetailResponse {
  span: SpanView;
}

export type GraphNodeKind = 'agent' | 'llm' | 'tool' | 'retrieval' | 'workflow' | 'other';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** The span(s) this node stands for. */
  spanIds: string[];
  /** Set for nodes of another trace reached through a span link (sub-agent runs). */
  traceId: string;
  error: boolean;
  startTimeUnixNano: string;
  durationMs: number;
  costUsd: number | null;
  tokens: number;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** call: parent → child; handoff: agent → agent; link: span link across traces. */
  kind: 'call' | 'handoff' | 'link';
  /** Added (optional): how many spans (or span links) this edge stands for, e.g. 9 invocations of an agent. */
  calls?: number;
}

/** GET /api/v1/traces/{traceId}/graph */
export interface TraceGraphResponse {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Added (optional): set by the API, null when the graph was built from every span (this trace's and the linked ones'). */
  truncated?: TraceTruncation | null;
}

/** GET /api/v1/search?q=&limit=&from=&to= — full text over span names, attributes and messages. */
export interface SearchHit {
  traceId: string;
  spanId: string;
  spanName: string;
  serviceName: string;
  startTimeUnixNano: string;
  /** Where the text matched. */
  field: 'name' | 'attribute' | 'message';
  snippet: string;
}

export interface SearchResponse {
  hits: SearchHit[];
}

export interface StatsGroup {
  key: string;
  calls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpriced: number;
}

/** GET /api/v1/stats/summary?from=&to=&groupBy=model|agent|service */
export interface StatsSummaryResponse {
  totals: Omit<StatsGroup, 'key'> & { traces: number };
  groups: StatsGroup[];
}

/** GET /api/v1/stats/timeseries?from=&to=&stepSeconds=&groupBy=model|agent|service */
export interface StatsTimeseriesResponse {
  stepSeconds: number;
  series: { key: string; points: ({ time: string } & Omit<StatsGroup, 'key'>)[] }[];
}

/** GET /api/v1/traces/{traceId}/export?format=json — imports back identical through POST /traces/import. */
export interface TraceExportJson {
  format: 'beacon.trace.v1';
  trace: TraceSummary;
  spans: SpanView[];
}

/** POST /api/v1/traces/import (body: TraceExportJson or an OTLP/JSON ExportTraceServiceRequest) */
export interface TraceImportResponse {
  imported: number;
  traceIds: string[];
}

/** PUT /api/v1/traces/{traceId}/tags  body: { tags: string[] } */
export interface TraceTagsResponse {
  traceId: string;
  tags: string[];
}

/** PUT /api/v1/spans/{traceId}/{spanId}/annotations  body: { annotations: { text, author? }[] } */
export interface SpanAnnotationsResponse {
  traceId: string;
  spanId: string;
  annotations: Annotation[];
}
