// The spans of one trace with their GenAI facts, messages and annotations (trace detail, graph, export).
//
// otel_traces is ordered by (ServiceName, SpanName, time), not by TraceId, so a trace is found the way Grafana's
// ClickHouse data source finds it: the lookup table otel_traces_trace_id_ts (ordered by TraceId) gives the seconds
// the trace's spans start in, and that Timestamp range prunes partitions before the TraceId index is consulted.
// beacon_genai_spans is ordered by (TraceId, SpanId) and beacon_messages by Hash: both are primary-key reads.
import { MESSAGE_CONTENT_ATTRIBUTES, type Message, type MessagePart } from '@beacon/semconv';
import type {
  Annotation,
  GenAISpanView,
  SpanEventView,
  SpanKindName,
  SpanLinkView,
  SpanView,
  StatusCodeName,
} from '../../contract/index.js';
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '../../model.js';
import { instantParam, nanosText, nanosToMs, orNull, type QueryContext, select, table } from './context.js';
import { latestAnnotations } from './tags.js';
import type { TraceBounds } from './traces.js';

interface SpanRow {
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: string;
  serviceName: string;
  scopeName: string;
  scopeVersion: string;
  startNs: string;
  durationNs: string;
  statusCode: string;
  statusMessage: string;
  attributes: Record<string, string>;
  resourceAttributes: Record<string, string>;
  eventTimes: string[];
  eventNames: string[];
  eventAttributes: Record<string, string>[];
  linkTraceIds: string[];
  linkSpanIds: string[];
  linkTraceStates: string[];
  linkAttributes: Record<string, string>[];
}

interface GenAIRow {
  spanId: string;
  operation: string;
  provider: string;
  requestModel: string;
  responseModel: string;
  agentName: string;
  agentId: string;
  toolName: string;
  toolCallId: string;
  toolArguments: string;
  toolResult: string;
  conversationId: string;
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  reasoningTokens: number | null;
  costUsd: number | null;
  priceSource: string;
  priceEntry: string;
  unpriced: number;
  usageMissing: number;
  finishReasons: string[];
  errorType: string;
  inputHashes: string[];
  outputHashes: string[];
  systemHashes: string[];
}

/** The span kind and status names the contrib exporter writes (and so does Beacon's). */
const SPAN_KINDS: readonly SpanKindName[] = SPAN_KIND_NAMES;
const STATUS_CODES: readonly StatusCodeName[] = STATUS_CODE_NAMES;

/** The Timestamp range of a trace's spans, as bound parameters (Grafana's `Start` to `End + 1` second). */
export function rangeParams(bounds: TraceBounds): { startNs: string; endNs: string } {
  return {
    startNs: (BigInt(bounds.startSeconds) * 1_000_000_000n).toString(),
    endNs: ((BigInt(bounds.endSeconds) + 1n) * 1_000_000_000n).toString(),
  };
}

export const IN_RANGE = `Timestamp >= ${instantParam('startNs')} AND Timestamp < ${instantParam('endNs')}`;

/**
 * Which of a trace's spans a read takes (span-selection.ts builds it): a constant SQL condition over Timestamp and
 * SpanId with its bound parameters, and the most rows it may match. Unset: every span.
 */
export interface SpanFilter {
  sql: string;
  params: Record<string, unknown>;
  maxRows: number;
  /** Span attribute values longer than this are cut, saying so (a view's bytes stay bounded); unset: whole. */
  attributeValueChars?: number;
  /**
   * With attributeValueChars: message content attributes (the conventions' contentAttributes) longer than a line are replaced by
   * a note, as the view carries them as the span's messages already (shared messages: once per trace).
   */
  messageContentNote?: boolean;
}

/** A message content value this long or shorter stays whole even in a view that notes the rest. */
const MESSAGE_CONTENT_LINE = 256;

/**
 * SpanAttributes with each value longer than {attrChars} characters cut to that many, followed by a note of its
 * length: a message history held as an attribute (gen_ai.input.messages) is read whole from genai instead.
 */
const CUT_ATTRIBUTES = `mapApply((k, v) -> (k, if(lengthUTF8(v) <= {attrChars:UInt32}, v,
      concat(substringUTF8(v, 1, {attrChars:UInt32}), '… [', toString(lengthUTF8(v)),
        ' characters: cut in this view, whole in the export]'))), SpanAttributes)`;

/** CUT_ATTRIBUTES, and message content attributes past a line replaced by a note (the view has them as messages). */
const NOTE_MESSAGE_CONTENT = `mapApply((k, v) -> (k,
      if(lengthUTF8(v) > ${MESSAGE_CONTENT_LINE}
          AND (has({contentKeys:Array(String)}, k) OR arrayExists(p -> startsWith(k, p), {contentPrefixes:Array(String)})),
        concat('[', toString(lengthUTF8(v)), ' characters of message content: shown as the span''s messages, whole in the export]'),
        if(lengthUTF8(v) <= {attrChars:UInt32}, v,
          concat(substringUTF8(v, 1, {attrChars:UInt32}), '… [', toString(lengthUTF8(v)),
            ' characters: cut in this view, whole in the export]')))), SpanAttributes)`;

function filterClause(filter: SpanFilter | undefined): {
  where: string;
  limit: string;
  attributes: string;
  params: Record<string, unknown>;
} {
  if (!filter) return { where: '', limit: '', attributes: 'SpanAttributes', params: {} };
  const cut = filter.attributeValueChars;
  const note = cut !== undefined && filter.messageContentNote === true;
  return {
    where: ` AND (${filter.sql})`,
    limit: '\nLIMIT {maxRows:UInt32}',
    attributes: cut === undefined ? 'SpanAttributes' : note ? NOTE_MESSAGE_CONTENT : CUT_ATTRIBUTES,
    params: {
      ...filter.params,
      maxRows: filter.maxRows,
      ...(cut === undefined ? {} : { attrChars: cut }),
      ...(note
        ? {
            contentKeys: MESSAGE_CONTENT_ATTRIBUTES.keys,
            contentPrefixes: MESSAGE_CONTENT_ATTRIBUTES.prefixes,
          }
        : {}),
    },
  };
}

async function spanRows(
  ctx: QueryContext,
  traceId: string,
  bounds: TraceBounds,
  filter?: SpanFilter,
  withAttributes = true,
): Promise<SpanRow[]> {
  const clause = filterClause(filter);
  const attributes = withAttributes ? clause.attributes : 'map()';
  // LIMIT 1 BY SpanId: an SDK that resent a span after a timeout must not show it twice.
  return select<SpanRow>(
    ctx,
    `SELECT
    SpanId AS spanId, ParentSpanId AS parentSpanId, TraceState AS traceState, SpanName AS name, SpanKind AS kind,
    ServiceName AS serviceName, ScopeName AS scopeName, ScopeVersion AS scopeVersion,
    ${nanosText('Timestamp')} AS startNs, toString(Duration) AS durationNs,
    StatusCode AS statusCode, StatusMessage AS statusMessage,
    ${attributes} AS attributes, ${withAttributes ? 'ResourceAttributes' : 'map()'} AS resourceAttributes,
    arrayMap(t -> ${nanosText('t')}, Events.Timestamp) AS eventTimes, Events.Name AS eventNames,
    Events.Attributes AS eventAttributes,
    Links.TraceId AS linkTraceIds, Links.SpanId AS linkSpanIds, Links.TraceState AS linkTraceStates,
    Links.Attributes AS linkAttributes
FROM ${table(ctx, 'traces')}
WHERE TraceId = {traceId:String} AND ${IN_RANGE}${clause.where}
ORDER BY Timestamp, SpanId
LIMIT 1 BY SpanId${clause.limit}`,
    { traceId, ...rangeParams(bounds), ...clause.params },
  );
}

/**
 * The genai columns an outline leaves out: tool text and message hashes are most of the table's bytes (the
 * 10,000-span run: 3.9 MB of input hashes alone), and reading them out of ClickHouse is what a read's time is spent
 * on — counting the same rows takes 12 ms, returning every column 200.
 */
const GENAI_CONTENT_COLUMNS = `ToolArguments AS toolArguments, ToolResult AS toolResult,
    InputMessageHashes AS inputHashes, OutputMessageHashes AS outputHashes, SystemInstructionHashes AS systemHashes`;
const GENAI_NO_CONTENT = `'' AS toolArguments, '' AS toolResult,
    CAST([], 'Array(String)') AS inputHashes, CAST([], 'Array(String)') AS outputHashes,
    CAST([], 'Array(String)') AS systemHashes`;

async function genaiRows(
  ctx: QueryContext,
  traceId: string,
  bounds: TraceBounds,
  filter?: SpanFilter,
  withContent = true,
): Promise<GenAIRow[]> {
  const clause = filterClause(filter);
  // Its Timestamp is the span's start, so a filter over (Timestamp, SpanId) picks the same spans here.
  return select<GenAIRow>(
    ctx,
    `SELECT
    SpanId AS spanId, Operation AS operation, Provider AS provider,
    RequestModel AS requestModel, ResponseModel AS responseModel, AgentName AS agentName, AgentId AS agentId,
    ToolName AS toolName, ToolCallId AS toolCallId, ${withContent ? GENAI_CONTENT_COLUMNS : GENAI_NO_CONTENT},
    ConversationId AS conversationId,
    InputTokens AS inputTokens, OutputTokens AS outputTokens, CacheReadTokens AS cacheReadTokens,
    CacheWriteTokens AS cacheWriteTokens, ReasoningTokens AS reasoningTokens,
    CostUsd AS costUsd, PriceSource AS priceSource, PriceEntry AS priceEntry,
    Unpriced AS unpriced, UsageMissing AS usageMissing, FinishReasons AS finishReasons, ErrorType AS errorType
FROM ${table(ctx, 'genaiSpans')}
WHERE TraceId = {traceId:String} AND ${IN_RANGE}${clause.where}
LIMIT 1 BY SpanId${clause.limit}`,
    { traceId, ...rangeParams(bounds), ...clause.params },
  );
}

/** Hash → message, for the hashes still stored (a message outlives its spans, never the reverse). */
export async function messagesByHash(ctx: QueryContext, hashes: string[]): Promise<Map<string, Message>> {
  if (hashes.length === 0) return new Map();
  const rows = await select<{ hash: string; content: string }>(
    ctx,
    `SELECT Hash AS hash, Content AS content
FROM ${table(ctx, 'messages')}
WHERE Hash IN {hashes:Array(String)}
LIMIT 1 BY Hash`,
    { hashes },
  );
  const messages = new Map<string, Message>();
  for (const row of rows) {
    try {
      messages.set(row.hash, JSON.parse(row.content) as Message);
    } catch {
      // Content is always canonical JSON written by the exporter; a row that is not is skipped, not fatal.
    }
  }
  return messages;
}

function resolve(hashes: string[], messages: Map<string, Message>): Message[] {
  return hashes.map((hash) => messages.get(hash)).filter((m): m is Message => m !== undefined);
}

/** The messages of a trace view, each once, and where each hash is in the list. */
export class SharedMessages {
  readonly list: Message[] = [];
  readonly #position = new Map<string, number>();

  /** Positions of the hashes' messages (added on first sight); hashes with no stored message are left out. */
  refs(hashes: string[], messages: Map<string, Message>): number[] {
    const refs: number[] = [];
    for (const hash of hashes) {
      let position = this.#position.get(hash);
      if (position === undefined) {
        const message = messages.get(hash);
        if (!message) continue;
        position = this.list.push(message) - 1;
        this.#position.set(hash, position);
      }
      refs.push(position);
    }
    return refs;
  }
}

function toGenAIView(row: GenAIRow, messages: Map<string, Message>, shared?: SharedMessages): GenAISpanView {
  const refs = shared && {
    system: shared.refs(row.systemHashes, messages),
    input: shared.refs(row.inputHashes, messages),
    output: shared.refs(row.outputHashes, messages),
  };
  const systemInstructions: MessagePart[] = shared
    ? []
    : resolve(row.systemHashes, messages).flatMap((m) => m.parts);
  return {
    operation: row.operation,
    provider: orNull(row.provider),
    requestModel: orNull(row.requestModel),
    responseModel: orNull(row.responseModel),
    agentName: orNull(row.agentName),
    agentId: orNull(row.agentId),
    toolName: orNull(row.toolName),
    toolCallId: orNull(row.toolCallId),
    toolArguments: orNull(row.toolArguments),
    toolResult: orNull(row.toolResult),
    conversationId: orNull(row.conversationId),
    usage: {
      inputTokens: row.inputTokens,
      outputTokens: row.outputTokens,
      cacheReadTokens: row.cacheReadTokens,
      cacheWriteTokens: row.cacheWriteTokens,
      reasoningTokens: row.reasoningTokens,
    },
    costUsd: row.costUsd,
    priceSource: orNull(row.priceSource),
    priceEntry: orNull(row.priceEntry),
    unpriced: Number(row.unpriced) === 1,
    usageMissing: Number(row.usageMissing) === 1,
    finishReasons: row.finishReasons,
    errorType: orNull(row.errorType),
    systemInstructions,
    inputMessages: shared ? [] : resolve(row.inputHashes, messages),
    outputMessages: shared ? [] : resolve(row.outputHashes, messages),
    ...(refs ? { messageRefs: refs } : {}),
  };
}

function toSpanView(
  traceId: string,
  row: SpanRow,
  genai: GenAISpanView | null,
  annotations: Annotation[],
): SpanView {
  const events: SpanEventView[] = row.eventNames.map((name, i) => ({
    timeUnixNano: row.eventTimes[i] ?? '0',
    name,
    attributes: row.eventAttributes[i] ?? {},
  }));
  const links: SpanLinkView[] = row.linkTraceIds.map((linkTraceId, i) => ({
    traceId: linkTraceId,
    spanId: row.linkSpanIds[i] ?? '',
    attributes: row.linkAttributes[i] ?? {},
    traceState: row.linkTraceStates[i] ?? '',
  }));
  return {
    traceId,
    spanId: row.spanId,
    parentSpanId: row.parentSpanId,
    name: row.name,
    kind: SPAN_KINDS.find((k) => k === row.kind) ?? 'Unspecified',
    serviceName: row.serviceName,
    scopeName: row.scopeName,
    startTimeUnixNano: row.startNs,
    durationMs: nanosToMs(row.durationNs),
    statusCode: STATUS_CODES.find((c) => c === row.statusCode) ?? 'Unset',
    statusMessage: row.statusMessage,
    attributes: row.attributes,
    resourceAttributes: row.resourceAttributes,
    events,
    links,
    genai,
    annotations,
    traceState: row.traceState,
    scopeVersion: row.scopeVersion,
  };
}

export interface LoadSpansOptions {
  /** Resolve message hashes into messages (default true; the graph does without). */
  messages?: boolean;
  /** Attach annotations (default true). */
  annotations?: boolean;
  /** Read span and resource attributes (default true; the graph does without: 21 MB of the 10,000-span run). */
  attributes?: boolean;
  /**
   * Read tool arguments and results and message hashes (default true). Without: tool text is null and no message
   * is read — the outline the graph and the trace view's first answer are made of.
   */
  content?: boolean;
  /**
   * Messages once per trace: each span's genai names its messages by position in this list (messageRefs, arrays
   * left empty), which receives every message named. A conversation resent with each of 4,000 model calls is then
   * sent once, not 4,000 times (the 10,000-span run's detail: 58 MB inline).
   */
  sharedMessages?: SharedMessages;
}

/** Every span of a trace, ordered by start time (then span id), with GenAI facts, messages and annotations. */
export function loadSpans(
  ctx: QueryContext,
  traceId: string,
  bounds: TraceBounds,
  options: LoadSpansOptions = {},
): Promise<SpanView[]> {
  return loadFilteredSpans(ctx, traceId, bounds, options);
}

/** The spans of a trace the filter picks (all without one), as loadSpans reads them. */
export async function loadFilteredSpans(
  ctx: QueryContext,
  traceId: string,
  bounds: TraceBounds,
  options: LoadSpansOptions,
  filter?: SpanFilter,
): Promise<SpanView[]> {
  // A reader that takes the messages once per trace takes their attribute copies as a note.
  const spanFilter = filter && options.sharedMessages ? { ...filter, messageContentNote: true } : filter;
  const [spans, genai, annotations] = await Promise.all([
    spanRows(ctx, traceId, bounds, spanFilter, options.attributes !== false),
    genaiRows(ctx, traceId, bounds, filter, options.content !== false),
    options.annotations === false ? new Map<string, Annotation[]>() : latestAnnotations(ctx, traceId),
  ]);
  const hashes =
    options.messages === false
      ? []
      : [...new Set(genai.flatMap((row) => [...row.systemHashes, ...row.inputHashes, ...row.outputHashes]))];
  const messages = await messagesByHash(ctx, hashes);
  const shared = options.sharedMessages;
  const genaiBySpan = new Map(genai.map((row) => [row.spanId, toGenAIView(row, messages, shared)]));
  return spans.map((row) =>
    toSpanView(traceId, row, genaiBySpan.get(row.spanId) ?? null, annotations.get(row.spanId) ?? []),
  );
}

/**
 * One span of a trace as a view gives it (messages inline, attribute values past attributeValueChars cut), or null
 * when the trace does not hold it.
 */
export async function loadSpan(
  ctx: QueryContext,
  traceId: string,
  bounds: TraceBounds,
  spanId: string,
  attributeValueChars: number,
): Promise<SpanView | null> {
  const filter = { sql: 'SpanId = {spanId:String}', params: { spanId }, maxRows: 1, attributeValueChars };
  const [span] = await loadFilteredSpans(ctx, traceId, bounds, {}, filter);
  return span ?? null;
}

/** True when the trace holds this span. */
export async function spanExists(
  ctx: QueryContext,
  traceId: string,
  spanId: string,
  bounds: TraceBounds,
): Promise<boolean> {
  const [row] = await select<{ n: number }>(
    ctx,
    `SELECT toFloat64(count()) AS n FROM ${table(ctx, 'traces')}
WHERE TraceId = {traceId:String} AND SpanId = {spanId:String} AND ${IN_RANGE}`,
    { traceId, spanId, ...rangeParams(bounds) },
  );
  return Number(row?.n ?? 0) > 0;
}

/** Trace ids per lookup: keeps the parameters far below a server's URL limit (as the writer's reconcile does). */
const TRACE_ID_CHUNK = 1000;

/** `traceId/spanId` of the spans already stored among these traces (an import skips them). */
export async function storedSpanKeys(ctx: QueryContext, traceIds: string[]): Promise<Set<string>> {
  const keys = new Set<string>();
  const lookup = table(ctx, 'traceIdTs');
  // The lookup's DateTime bounds are cast to DateTime64(9) before comparing: compared as DateTime with the scalar
  // subquery, `Timestamp < max(End) + 1` matched no row on ClickHouse 26, so a re-import stored every span again.
  for (let i = 0; i < traceIds.length; i += TRACE_ID_CHUNK) {
    const rows = await select<{ traceId: string; spanId: string }>(
      ctx,
      `SELECT TraceId AS traceId, SpanId AS spanId
FROM ${table(ctx, 'traces')}
WHERE TraceId IN {traceIds:Array(String)}
  AND Timestamp >= (SELECT toDateTime64(min(Start), 9) FROM ${lookup} WHERE TraceId IN {traceIds:Array(String)})
  AND Timestamp < (SELECT toDateTime64(max(End) + 1, 9) FROM ${lookup} WHERE TraceId IN {traceIds:Array(String)})`,
      { traceIds: traceIds.slice(i, i + TRACE_ID_CHUNK) },
    );
    for (const row of rows) keys.add(`${row.traceId}/${row.spanId}`);
  }
  return keys;
}

/** Traces (other than `traceId`) with a span starting in the range that links to a span of `traceId`. */
export async function tracesLinkingTo(
  ctx: QueryContext,
  traceId: string,
  range: { fromNs: bigint; toNs: bigint; limit: number },
): Promise<string[]> {
  const rows = await select<{ traceId: string }>(
    ctx,
    `SELECT DISTINCT TraceId AS traceId
FROM ${table(ctx, 'traces')}
WHERE Timestamp >= ${instantParam('fromNs')} AND Timestamp <= ${instantParam('toNs')}
  AND has(Links.TraceId, {traceId:String}) AND TraceId != {traceId:String}
LIMIT {limit:UInt32}`,
    { traceId, fromNs: range.fromNs.toString(), toNs: range.toNs.toString(), limit: range.limit },
  );
  return rows.map((row) => row.traceId);
}
