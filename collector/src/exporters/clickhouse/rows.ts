// EnrichedSpan → rows for otel_traces (the contrib exporter's columns and values), beacon_genai_spans,
// beacon_messages and beacon_span_failures, as JSONEachRow objects. The writer sends otel_traces and
// beacon_genai_spans as Native instead (trace-columns.ts, genai-columns.ts: the same values); toTraceRow stays the
// JSON form of a trace row, the reference that encoding is tested against. Every value is made valid for its column
// (and for the materialized views computing from it) here, so a batch can only fail for reasons of the database,
// never because of its content: the writer retries failed batches indefinitely.
import { type Failure, type GenAIFacts, isInferenceOperation } from '@beacon/semconv';
import { type EnrichedSpan, SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '../../model.js';
import { attributesToMap } from './attributes.js';
import {
  addressMessage,
  type ContentAddressedMessage,
  type RecentMessages,
  systemInstructionsMessage,
} from './messages.js';
import { wellFormedDeep } from './text.js';

/** The latest instant DateTime64(9) holds (2262-04-11 23:47:16.854775807 UTC): Int64 nanoseconds. */
const MAX_DATETIME64_9_NANOS = 2n ** 63n - 1n;
const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_DAY = 86_400n * NANOS_PER_SECOND;
const MAX_UINT32 = 4_294_967_295;
const MAX_UINT16 = 65_535;

/** An instant (ns) inside DateTime64(9)'s range. */
export function clampNanos(ns: bigint): bigint {
  if (ns < 0n) return 0n;
  return ns > MAX_DATETIME64_9_NANOS ? MAX_DATETIME64_9_NANOS : ns;
}

/**
 * Nanoseconds since the epoch → `ssssssssss.nnnnnnnnn`. ClickHouse reads ten digits, a dot and a fraction as a Unix
 * timestamp for DateTime64, so the exact nanosecond is stored whatever the server's time zone (a
 * `YYYY-MM-DD hh:mm:ss` text would be read in the server's zone). Instants past DateTime64(9)'s range are clamped.
 */
export function toDateTime64(ns: bigint): string {
  const clamped = clampNanos(ns);
  const seconds = (clamped / NANOS_PER_SECOND).toString().padStart(10, '0');
  return `${seconds}.${(clamped % NANOS_PER_SECOND).toString().padStart(9, '0')}`;
}

/** UTC day number of a span instant: the partition its message rows land in. */
export function dayOf(ns: bigint): number {
  return Number(clampNanos(ns) / NANOS_PER_DAY);
}

/** End minus start, of the clamped instants: Timestamp + Duration stays a valid DateTime64(9) (the views add them). */
export function spanDurationNanos(span: EnrichedSpan): bigint {
  const duration = clampNanos(span.endTimeUnixNano) - clampNanos(span.startTimeUnixNano);
  return duration > 0n ? duration : 0n;
}

const durationNanos = (span: EnrichedSpan): string => spanDurationNanos(span).toString();

/** otel_traces, column for column. Nested Events.* / Links.* are parallel arrays, as the contrib exporter sends them. */
export interface TraceRow {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  /** UInt64 nanoseconds, as a decimal string (JSON numbers lose precision past 2^53). */
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  'Events.Timestamp': string[];
  'Events.Name': string[];
  'Events.Attributes': Record<string, string>[];
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Record<string, string>[];
}

export function toTraceRow(span: EnrichedSpan): TraceRow {
  const { events, links } = span;
  return wellFormedDeep<TraceRow>({
    Timestamp: toDateTime64(span.startTimeUnixNano),
    TraceId: span.traceId,
    SpanId: span.spanId,
    ParentSpanId: span.parentSpanId,
    TraceState: span.traceState,
    SpanName: span.name,
    SpanKind: SPAN_KIND_NAMES[span.kind] ?? '',
    // The decoder's service name: resource `service.name`, else `unknown_service` (the contrib exporter writes '').
    ServiceName: span.serviceName,
    ResourceAttributes: attributesToMap(span.resource),
    ScopeName: span.scopeName,
    ScopeVersion: span.scopeVersion,
    SpanAttributes: attributesToMap(span.attributes),
    Duration: durationNanos(span),
    StatusCode: STATUS_CODE_NAMES[span.statusCode] ?? '',
    StatusMessage: span.statusMessage,
    'Events.Timestamp': events.map((event) => toDateTime64(event.timeUnixNano)),
    'Events.Name': events.map((event) => event.name),
    'Events.Attributes': events.map((event) => attributesToMap(event.attributes)),
    'Links.TraceId': links.map((link) => link.traceId),
    'Links.SpanId': links.map((link) => link.spanId),
    'Links.TraceState': links.map((link) => link.traceState),
    'Links.Attributes': links.map((link) => attributesToMap(link.attributes)),
  });
}

/** beacon_genai_spans. Unknown strings are '', unknown counts and costs null. */
export interface GenAIRow {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  ServiceName: string;
  SpanName: string;
  Duration: string;
  StatusCode: string;
  Convention: string;
  Operation: string;
  IsInference: 0 | 1;
  Provider: string;
  RequestModel: string;
  ResponseModel: string;
  ResponseId: string;
  AgentName: string;
  AgentId: string;
  ToolName: string;
  ToolCallId: string;
  ToolType: string;
  ToolArguments: string;
  ToolResult: string;
  ConversationId: string;
  InputTokens: number | null;
  OutputTokens: number | null;
  CacheReadTokens: number | null;
  CacheWriteTokens: number | null;
  ReasoningTokens: number | null;
  CostUsd: number | null;
  InputCostUsd: number | null;
  OutputCostUsd: number | null;
  ReportedCostUsd: number | null;
  PriceSource: string;
  PriceEntry: string;
  PriceDataVersion: string;
  Unpriced: 0 | 1;
  UsageMissing: 0 | 1;
  FinishReasons: string[];
  ErrorType: string;
  InputMessageHashes: string[];
  OutputMessageHashes: string[];
  SystemInstructionHashes: string[];
  /** A loop warning (migration 0011): the span's group of identical calls, 0 when in no loop. */
  LoopRepeats: number;
}

/** A token count fit for Nullable(UInt32): null stays null (unknown), nonsense becomes null too. */
function tokens(value: number | null): number | null {
  if (value === null || !Number.isFinite(value) || value < 0) return null;
  return Math.min(Math.round(value), MAX_UINT32);
}

function usd(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

/** A span's messages, content-addressed: what the GenAI row references and beacon_messages stores. */
export interface SpanMessages {
  input: ContentAddressedMessage[];
  output: ContentAddressedMessage[];
  system: ContentAddressedMessage[];
}

export function addressSpanMessages(genai: GenAIFacts): SpanMessages {
  const system = systemInstructionsMessage(genai.systemInstructions);
  return {
    input: genai.inputMessages.map(addressMessage),
    output: genai.outputMessages.map(addressMessage),
    system: system ? [addressMessage(system)] : [],
  };
}

const hashes = (messages: ContentAddressedMessage[]) => messages.map((message) => message.hash);

export function toGenAIRow(span: EnrichedSpan, genai: GenAIFacts, messages: SpanMessages): GenAIRow {
  const cost = span.cost;
  const { usage } = genai;
  return wellFormedDeep<GenAIRow>({
    Timestamp: toDateTime64(span.startTimeUnixNano),
    TraceId: span.traceId,
    SpanId: span.spanId,
    ParentSpanId: span.parentSpanId,
    ServiceName: span.serviceName,
    SpanName: span.name,
    Duration: durationNanos(span),
    StatusCode: STATUS_CODE_NAMES[span.statusCode] ?? '',
    Convention: genai.convention,
    Operation: genai.operation,
    IsInference: isInferenceOperation(genai.operation) ? 1 : 0,
    Provider: genai.provider ?? '',
    RequestModel: genai.requestModel ?? '',
    ResponseModel: genai.responseModel ?? '',
    ResponseId: genai.responseId ?? '',
    // Its own agent, else the one it runs under (resolved by the enrich processor).
    AgentName: genai.agentName ?? span.agentName ?? '',
    AgentId: genai.agentId ?? '',
    ToolName: genai.toolName ?? '',
    ToolCallId: genai.toolCallId ?? '',
    ToolType: genai.toolType ?? '',
    ToolArguments: genai.toolArguments ?? '',
    ToolResult: genai.toolResult ?? '',
    ConversationId: genai.conversationId ?? '',
    InputTokens: tokens(usage.inputTokens),
    OutputTokens: tokens(usage.outputTokens),
    CacheReadTokens: tokens(usage.cacheReadTokens),
    CacheWriteTokens: tokens(usage.cacheWriteTokens),
    ReasoningTokens: tokens(usage.reasoningTokens),
    CostUsd: usd(cost?.costUsd),
    InputCostUsd: usd(cost?.inputCostUsd),
    OutputCostUsd: usd(cost?.outputCostUsd),
    ReportedCostUsd: usd(genai.reportedCostUsd),
    PriceSource: cost?.priceSource ?? '',
    PriceEntry: cost?.priceEntry ?? '',
    PriceDataVersion: cost?.priceDataVersion ?? '',
    Unpriced: cost?.unpriced ? 1 : 0,
    UsageMissing: genai.usageMissing ? 1 : 0,
    FinishReasons: genai.finishReasons,
    ErrorType: genai.errorType ?? '',
    InputMessageHashes: hashes(messages.input),
    OutputMessageHashes: hashes(messages.output),
    SystemInstructionHashes: hashes(messages.system),
    LoopRepeats: Math.min(span.loopRepeats, MAX_UINT16),
  });
}

/** A GenAI span's row and the span it was built from (the Native encoding takes the instants from the span). */
export interface GenAIEntry {
  span: EnrichedSpan;
  row: GenAIRow;
}

/** beacon_span_failures: one row per failing span. */
export interface FailureRow {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  ServiceName: string;
  SpanName: string;
  Duration: string;
  AgentName: string;
  Operation: string;
  ErrorType: string;
  Category: string;
  Signature: string;
  Message: string;
}

export function toFailureRow(span: EnrichedSpan, failure: Failure): FailureRow {
  return wellFormedDeep<FailureRow>({
    Timestamp: toDateTime64(span.startTimeUnixNano),
    TraceId: span.traceId,
    SpanId: span.spanId,
    ParentSpanId: span.parentSpanId,
    ServiceName: span.serviceName,
    SpanName: span.name,
    Duration: durationNanos(span),
    AgentName: span.genai?.agentName ?? span.agentName ?? '',
    Operation: span.genai?.operation ?? '',
    ErrorType: span.genai?.errorType ?? '',
    Category: failure.category,
    Signature: failure.signature,
    Message: failure.message,
  });
}

/** beacon_messages */
export interface MessageRow {
  Hash: string;
  Role: string;
  Content: string;
  FirstSeen: string;
}

/** A message row and the day partition it lands in (what RecentMessages remembers once it is written). */
export interface PendingMessage {
  row: MessageRow;
  day: number;
}

export interface BatchRows {
  /** otel_traces: the spans themselves, encoded as Native blocks at insert (trace-columns.ts). */
  traces: EnrichedSpan[];
  /** beacon_genai_spans: each GenAI span's row, encoded as Native blocks at insert (genai-columns.ts). */
  genai: GenAIEntry[];
  /** Only messages not already written for this day (by this process): each distinct one once. */
  messages: PendingMessage[];
  failures: FailureRow[];
}

/** All rows of one batch. `recent` is only read here; the writer records the messages once they are stored. */
export function toBatchRows(spans: readonly EnrichedSpan[], recent: RecentMessages): BatchRows {
  const rows: BatchRows = { traces: [], genai: [], messages: [], failures: [] };
  const inBatch = new Map<string, PendingMessage>();
  for (const span of spans) {
    rows.traces.push(span);
    if (span.failure) rows.failures.push(toFailureRow(span, span.failure));
    if (!span.genai) continue;
    const messages = addressSpanMessages(span.genai);
    rows.genai.push({ span, row: toGenAIRow(span, span.genai, messages) });
    const day = dayOf(span.startTimeUnixNano);
    const firstSeen = toDateTime64(span.startTimeUnixNano);
    for (const message of [...messages.system, ...messages.input, ...messages.output]) {
      const pending = inBatch.get(message.hash);
      if (pending) {
        // One row per message per batch: on the latest day referenced (it must outlive every referencing span),
        // with the earliest instant of that day.
        if (day > pending.day || (day === pending.day && firstSeen < pending.row.FirstSeen)) {
          pending.day = day;
          pending.row.FirstSeen = firstSeen;
        }
        continue;
      }
      if (recent.covers(message.hash, day)) continue;
      inBatch.set(message.hash, {
        day,
        row: wellFormedDeep({
          Hash: message.hash,
          Role: message.role,
          Content: message.content,
          FirstSeen: firstSeen,
        }),
      });
    }
  }
  rows.messages = [...inBatch.values()];
  return rows;
}
