// The query API's public contract (JSON under /api/v1): the types the collector answers with and the Grafana
// plugin / standalone UI read. Types only — the plugin imports them with `import type`, so nothing here runs.
// Timestamps are nanoseconds since the epoch as decimal strings (JSON numbers lose precision past 2^53);
// durations are milliseconds as numbers (fractions allowed).
import type { FailureCategory, Message, MessagePart } from '@beacon/semconv';

export * from './contract-budgets.js';
export * from './contract-sessions.js';
export * from './contract-shares.js';

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
  /** Failure categories detected at ingest on the trace's error spans (auto-tags), e.g. ['rate_limit']. */
  failureCategories: FailureCategory[];
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

/** GET /api/v1/traces/{traceId} */
export interface TraceDetailResponse {
  trace: TraceSummary;
  /** Ordered by start time. */
  spans: SpanView[];
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
}

/** GET /api/v1/traces/{traceId}/graph */
export interface TraceGraphResponse {
  nodes: GraphNode[];
  edges: GraphEdge[];
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

// ---------------------------------------------------------------------------------------------------------------
// Replay: re-run an LLM-call span with edits (POST /api/v1/replay) and the prompt versions each replay saves.

/** openai_compatible: any endpoint speaking OpenAI's chat completions (Ollama, vLLM, LiteLLM, …). */
export type ReplayProvider = 'openai' | 'anthropic' | 'openai_compatible';

export interface ReplayTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: Record<string, unknown>;
}

/** The editable parts of a model call: what a prompt version stores and what a replay sends. */
export interface PromptEdit {
  provider: ReplayProvider;
  model: string;
  /** System instructions as text; null for none. */
  system: string | null;
  /** The conversation sent to the model (OTel GenAI message parts). */
  messages: Message[];
  temperature: number | null;
  maxTokens: number | null;
  tools: ReplayTool[];
}

/**
 * POST /api/v1/replay. Every field but traceId/spanId is optional and defaults to the original call's value
 * (provider from the span's gen_ai.provider.name: openai → openai, anthropic → anthropic, anything else →
 * openai_compatible). With `stream: true` the answer is text/event-stream: `delta` events ({ text }) as tokens
 * arrive, then one `result` event (ReplayResult) or one `error` event (ApiErrorBody).
 */
export interface ReplayRequest extends Partial<PromptEdit> {
  traceId: string;
  spanId: string;
  /** Endpoint base URL, e.g. http://localhost:11434/v1; default: the provider's configured one. */
  baseUrl?: string;
  /** Used for this call only: never stored, logged or returned. Default: the collector's configured key. */
  apiKey?: string;
  stream?: boolean;
  /** Label of the prompt version this replay saves. */
  label?: string;
}

export interface DiffOp {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

export interface ReplayCallView {
  traceId: string;
  spanId: string;
  provider: string | null;
  model: string | null;
  /** The completion as text (text parts joined; tool calls rendered as `name(arguments)`). */
  output: string;
  outputMessages: Message[];
  finishReasons: string[];
  usage: TokenUsageView;
  costUsd: number | null;
  durationMs: number;
}

export interface ReplayResult {
  original: ReplayCallView;
  /** The new call; traceId/spanId are those of the replay's own trace, which links to the original span. */
  replay: ReplayCallView;
  /** Word-level diff from original.output to replay.output. */
  diff: DiffOp[];
  /** The prompt version this replay saved. */
  version: PromptVersion;
}

export interface PromptVersion {
  id: string;
  /** Groups the versions of one prompt: the source span's service and agent (or span name). */
  promptKey: string;
  /** 1, 2, … within promptKey. */
  version: number;
  label: string | null;
  createdAt: string;
  sourceTraceId: string;
  sourceSpanId: string;
  edit: PromptEdit;
  /** The replay trace run with this version; null for a restored version not yet run. */
  replayTraceId: string | null;
}

/** GET /api/v1/prompts/versions?traceId=&spanId= (or ?promptKey=) — newest first. */
export interface PromptVersionListResponse {
  promptKey: string;
  versions: PromptVersion[];
}

// ---------------------------------------------------------------------------------------------------------------
// Analysis: POST /api/v1/analysis/{kind}. Findings are computed deterministically from stored spans; an LLM, when
// configured, only rewrites the prose (`refinement`), citing span ids.

/** The analyses of POST /analysis/{kind}, in the order they are documented (the API and the MCP tools list them). */
export const ANALYSIS_KINDS = [
  'root-cause',
  'cost',
  'anomalies',
  'error-patterns',
  'summary',
  'compare',
] as const;
export type AnalysisKind = (typeof ANALYSIS_KINDS)[number];

export type { FailureCategory } from '@beacon/semconv';

export interface AnalysisRequest {
  /** The trace analysed; required for every kind but error-patterns (which then looks across traces). */
  traceId?: string;
  /** compare: the trace to compare with; default: the baseline marked for the trace's root span name. */
  baselineTraceId?: string;
  /** anomalies: how many earlier traces of the same root span name form the reference (default 20). */
  window?: number;
  /** error-patterns across traces: time range (RFC 3339 or epoch ms; default the last 24 hours). */
  from?: string;
  to?: string;
  /** Ask the configured LLM to rewrite the explanation (default true when one is configured). */
  refine?: boolean;
}

export interface Finding {
  /** Stable within one response, e.g. `root-cause-1`. */
  id: string;
  /** What was found: root_cause, repeated_prompt, expensive_model, cacheable_prefix, context_growth, cost_spike, … */
  type: string;
  category: FailureCategory | null;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  detail: string;
  traceId: string;
  /** The spans to highlight in the graph and waterfall, most important first. */
  spanIds: string[];
  /** cost findings: what fixing it would save on this trace (USD). */
  estimatedSavingsUsd: number | null;
  /** The numbers the finding rests on (e.g. { value, median, ratio }). */
  evidence: Record<string, string | number | boolean | null>;
}

/** error-patterns: failures grouped by category and message shape. */
export interface ErrorPattern {
  category: FailureCategory;
  /** The failure message with numbers, ids and quoted values replaced by placeholders. */
  signature: string;
  spanCount: number;
  traceCount: number;
  /** Up to 20, newest first. */
  traceIds: string[];
  example: { traceId: string; spanId: string; spanName: string; message: string };
  firstSeen: string;
  lastSeen: string;
}

export interface AnalysisResponse {
  kind: AnalysisKind;
  traceId: string | null;
  /** compare: the trace compared with. */
  baselineTraceId: string | null;
  findings: Finding[];
  /** Deterministic prose built from the findings and spans. */
  text: string;
  /** cost: the sum of the findings' savings. */
  totalEstimatedSavingsUsd: number | null;
  /** error-patterns only. */
  patterns: ErrorPattern[];
  /** When an LLM is configured and refine was not false: its rewrite of `text`, citing span ids. */
  refinement: { model: string; text: string } | null;
}

/** PUT /api/v1/traces/{traceId}/baseline — marks the trace as the baseline of its root span name. */
export interface BaselineResponse {
  traceId: string;
  /** Root service + root span name: what later traces are compared by. */
  baselineKey: string;
}
