// What kind of failure an error span is: the categories Beacon auto-tags traces with and groups error patterns by.
// Pure: used at ingest (collector enrich), by the analyses, and by the UI.
import { asNumber, asString, readString } from './attribute-values.js';
import { ERROR_TYPE, EXCEPTION_EVENT, EXCEPTION_TYPE, GEN_AI } from './attributes.js';
import type { Attributes, Message, MessagePart } from './model.js';
import { isInferenceOperation } from './operations.js';

export const FAILURE_CATEGORIES = [
  'rate_limit',
  'context_overflow',
  'tool_failure',
  'timeout',
  'auth',
  'loop',
  'other',
] as const;

export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

/** The parts of a span a failure is read from; works on decoded spans and on spans read back from storage. */
export interface FailureInput {
  spanName: string;
  /** Status ERROR. */
  isError: boolean;
  statusMessage: string;
  attributes: Attributes;
  events: readonly { name: string; attributes: Attributes }[];
  /** Normalized error.type (GenAIFacts.errorType), when the span is a GenAI span. */
  errorType: string | null;
  /** Normalized GenAI operation (execute_tool, chat, …), when the span is a GenAI span. */
  operation: string | null;
}

export interface Failure {
  category: FailureCategory;
  /** The message with numbers, ids and quoted values replaced by placeholders: what error patterns group by. */
  signature: string;
  /** The most specific message found (exception message, else status message, else error type). */
  message: string;
}

const EXCEPTION_MESSAGE = 'exception.message';
/** Free-text error attributes some instrumentations set instead of (or beside) an exception event. */
const ERROR_MESSAGE = 'error.message';
/** Status codes of the failed call, current and deprecated HTTP names, provider error codes, gRPC status. */
const STATUS_CODE_ATTRIBUTES = ['http.response.status_code', 'http.status_code', 'error.code'];
const GRPC_STATUS_CODE = 'rpc.grpc.status_code';
/** OTel's error.type fallback: says nothing about the kind of failure. */
const OTHER_ERROR_TYPE = '_OTHER';
/** Messages are kept for display; a stack-trace-sized one is cut here (the signature reads even less of it). */
const MAX_MESSAGE_LENGTH = 2000;
const MAX_SIGNATURE_LENGTH = 200;

/** gRPC status codes that name a category (google.rpc.Code): the Gemini / Vertex APIs answer with these. */
const GRPC_CATEGORY: Readonly<Record<number, FailureCategory>> = {
  4: 'timeout', // DEADLINE_EXCEEDED
  7: 'auth', // PERMISSION_DENIED
  8: 'rate_limit', // RESOURCE_EXHAUSTED
  16: 'auth', // UNAUTHENTICATED
};

interface CategoryRule {
  category: FailureCategory;
  statusCodes: readonly number[];
  /** Matched case-insensitively; `[\s_-]?` between words also matches the snake_case and CamelCase spellings of
   * provider error codes and exception class names (rate_limit_exceeded, RateLimitError). */
  patterns: readonly RegExp[];
}

/** Checked in this order: the first rule that matches wins (a 429 that mentions tokens is a rate limit). */
const RULES: readonly CategoryRule[] = [
  {
    category: 'rate_limit',
    statusCodes: [429],
    patterns: [
      /rate[\s_-]?limit/i,
      /too[\s_-]?many[\s_-]?requests/i,
      /quota[\s_-]?exceeded/i,
      /exceeded (?:your )?(?:current )?quota/i,
      /insufficient[\s_-]?quota/i,
      /throttl/i,
      /resource[\s_-]?(?:has been[\s_-]?)?exhausted/i,
    ],
  },
  {
    category: 'context_overflow',
    statusCodes: [],
    patterns: [
      /context[\s_-]?length[\s_-]?exceeded/i,
      /maximum context length/i,
      /context[\s_-]?window/i,
      /context[\s_-]?limit/i,
      /prompt is too long/i,
      /input is too long/i,
      /too many tokens/i,
      /reduce the length/i,
      /exceeds the maximum number of tokens/i,
    ],
  },
  {
    category: 'auth',
    statusCodes: [401, 403],
    patterns: [
      /invalid[\s_-]?(?:x-)?api[\s_-]?key/i,
      /incorrect[\s_-]?api[\s_-]?key/i,
      /unauthori[sz]ed/i,
      /authenticat/i,
      /permission[\s_-]?(?:denied|error)/i,
      /does not have permission/i,
      /access[\s_-]?denied/i,
      /forbidden/i,
      /security token included in the request is invalid/i,
    ],
  },
  {
    category: 'timeout',
    statusCodes: [408, 504, 524],
    patterns: [/time[\s_-]?out/i, /timed[\s_-]?out/i, /deadline[\s_-]?exceeded/i],
  },
];

/** Status codes written into messages: `Error code: 429 - {…}` (Python SDKs), `429 {…}` (TypeScript SDKs). */
const STATUS_IN_TEXT = [
  /\b(?:error code|status code|status|http)\W{0,3}([1-5]\d\d)\b/gi,
  /^\s*([1-5]\d\d)\b/g,
];

function statusCodesIn(text: string): number[] {
  const codes: number[] = [];
  for (const pattern of STATUS_IN_TEXT) {
    for (const match of text.matchAll(pattern)) codes.push(Number(match[1]));
  }
  return codes;
}

/** The span's exception events, last first: the last one recorded is what ended the span. */
function exceptions(input: FailureInput): { type: string | null; message: string | null }[] {
  return input.events
    .filter((event) => event.name === EXCEPTION_EVENT)
    .map((event) => ({
      type: readString(event.attributes, EXCEPTION_TYPE),
      message: readString(event.attributes, EXCEPTION_MESSAGE),
    }))
    .reverse();
}

function explicitErrorType(input: FailureInput): string | null {
  const type = input.errorType ?? readString(input.attributes, ERROR_TYPE);
  return type !== null && type.length > 0 ? type : null;
}

function isToolCall(input: FailureInput): boolean {
  return input.operation === 'execute_tool' || readString(input.attributes, GEN_AI.TOOL_NAME) !== null;
}

function truncate(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  // Do not split a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}${ellipsis}`;
}

/**
 * The failure a span records, or null for a healthy span. A span fails when its status is ERROR, or when it sets
 * error.type without an ERROR status (some instrumentations record handled errors that way). The category is read
 * from error.type, the exception events' type and message, the status message and the status-code attributes.
 */
export function classifyFailure(input: FailureInput): Failure | null {
  const errorType = explicitErrorType(input);
  if (!input.isError && errorType === null) return null;

  const recorded = exceptions(input);
  const errorMessage = readString(input.attributes, ERROR_MESSAGE);
  const texts = [
    errorType,
    ...recorded.flatMap((e) => [e.type, e.message]),
    input.statusMessage,
    errorMessage,
    ...STATUS_CODE_ATTRIBUTES.map((key) => asString(input.attributes[key])),
  ].filter((text): text is string => text !== null && text !== '');

  const statusCodes = new Set<number>();
  for (const key of STATUS_CODE_ATTRIBUTES) {
    const code = asNumber(input.attributes[key]);
    if (code !== null) statusCodes.add(code);
  }
  for (const text of texts) for (const code of statusCodesIn(text)) statusCodes.add(code);

  const grpc = asNumber(input.attributes[GRPC_STATUS_CODE]);
  const grpcCategory = grpc === null ? undefined : GRPC_CATEGORY[grpc];

  const matched = RULES.find(
    (rule) =>
      rule.category === grpcCategory ||
      rule.statusCodes.some((code) => statusCodes.has(code)) ||
      rule.patterns.some((pattern) => texts.some((text) => pattern.test(text))),
  );
  const category: FailureCategory = matched?.category ?? (isToolCall(input) ? 'tool_failure' : 'other');

  const exceptionMessage = recorded.find((e) => e.message !== null)?.message ?? null;
  const exceptionType = recorded.find((e) => e.type !== null)?.type ?? null;
  const specificType = errorType !== null && errorType !== OTHER_ERROR_TYPE ? errorType : exceptionType;
  const message = truncate(
    (
      exceptionMessage ??
      (input.statusMessage.trim() !== '' ? input.statusMessage : null) ??
      errorMessage ??
      specificType ??
      `${input.spanName} failed`
    ).trim(),
    MAX_MESSAGE_LENGTH,
  );
  return { category, signature: failureSignature(message), message };
}

// Signature rewriting, in order. Hand-written because no maintained library normalizes error messages this way;
// every pattern is linear (no nested quantifiers over the same characters), since messages are client data.
const URL = /\b[a-z][a-z\d+.-]*:\/\/[^\s"'`<>()[\]{}]+/gi;
const EMAIL = /[\w.+-]+@[a-z\d-]+(?:\.[a-z\d-]+)+/gi;
const UUID = /\b[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}\b/gi;
/** A quote not inside a word (so the apostrophe of "didn't" opens nothing), up to the same quote on the line. */
const QUOTED = /(?<![\w\\])(["'`])((?:(?!\1)[^\n\\]|\\.)*)\1(?!\w)/g;
/** Hex ids (request ids, hashes): ≥ 8 hex digits with at least one digit and one letter. */
const HEX_ID = /(?<![a-z\d])(?=[a-f\d]*\d)(?=[a-f\d]*[a-f])[a-f\d]{8,}(?![a-z\d])/gi;
/** Generated ids (org-abc123, req_01HX…, call_9f…): ≥ 6 letters and digits with ≥ 2 digits and a letter. */
const MIXED_ID = /(?<![a-z\d])(?=[a-z]*\d[a-z]*\d)(?=\d*[a-z])[a-z\d]{6,}(?![a-z\d])/gi;
/** Numbers with separators and a unit: 30000, 30,000, 1.5s, 1m30s, 20ms, 95%, 10.0.0.1:443. */
const NUMBER =
  /(?<![a-z\d.])\d+(?:[.,:]\d+)*(?:(?:ms|us|ns|s|m|h|d)\d+(?:[.,:]\d+)*)*(?:ms|us|ns|s|m|h|d|k|kb|mb|gb|%)?(?![a-z\d])/gi;
/** A quoted text of this many words or more is prose (a nested message), kept and normalized inside. */
const PROSE_WORDS = 4;

function replaceQuoted(text: string): string {
  return text.replace(QUOTED, (_whole, quote: string, content: string) =>
    content.trim().split(/\s+/).length >= PROSE_WORDS ? `${quote}${replaceQuoted(content)}${quote}` : '<str>',
  );
}

/**
 * The message with what varies between occurrences of the same error replaced: URLs → `<url>`, emails →
 * `<email>`, short quoted values → `<str>`, UUIDs and generated ids → `<id>`, numbers → `<n>`; whitespace collapsed,
 * at most 200 characters. Case is kept. Two rate-limit errors of different requests get one signature.
 */
export function failureSignature(message: string): string {
  const text = message.slice(0, MAX_MESSAGE_LENGTH);
  const normalized = replaceQuoted(text.replace(URL, '<url>').replace(EMAIL, '<email>').replace(UUID, '<id>'))
    .replace(HEX_ID, '<id>')
    .replace(MIXED_ID, '<id>')
    .replace(NUMBER, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(normalized, MAX_SIGNATURE_LENGTH, '').trimEnd();
}

/** What a call is made of, for deciding whether two calls are the same call. */
export interface CallFacts {
  operation: string;
  toolName: string | null;
  toolArguments: string | null;
  requestModel: string | null;
  responseModel: string | null;
  systemInstructions: readonly MessagePart[];
  inputMessages: readonly Message[];
}

/**
 * What makes two calls "the same call": a tool's name + arguments, a model call's model + instructions + input
 * messages. Null when the span is neither, or its inputs were not captured: calls whose inputs are unknown are never
 * called identical.
 */
export function callFingerprint(facts: CallFacts | null): string | null {
  if (!facts) return null;
  if (facts.operation === 'execute_tool') {
    if (facts.toolName === null || facts.toolArguments === null) return null;
    return `tool:${facts.toolName}:${facts.toolArguments}`;
  }
  if (isInferenceOperation(facts.operation)) {
    const model = facts.requestModel ?? facts.responseModel;
    if (model === null || facts.inputMessages.length === 0) return null;
    return `model:${model}:${JSON.stringify(facts.systemInstructions)}:${JSON.stringify(facts.inputMessages)}`;
  }
  return null;
}

/** A span as the loop detector sees it. */
export interface CallSpan {
  spanId: string;
  parentSpanId: string;
  name: string;
  /** See callFingerprint; null = never part of a loop. */
  fingerprint: string | null;
  startTimeUnixNano: bigint | string;
  /** Set when spans of several traces are passed together (an ingest batch): groups never cross traces. */
  traceId?: string;
}

export interface RepeatedCalls {
  /** In start order. */
  spanIds: string[];
  fingerprint: string;
}

/**
 * Loops: groups of at least `minRepeats` spans under the same parent with the same name and the same (non-null)
 * fingerprint — the same call made again and again. Groups come in the order of their first span.
 */
export function findRepeatedCalls(spans: readonly CallSpan[], minRepeats = 3): RepeatedCalls[] {
  type Member = { start: bigint; index: number; spanId: string };
  // Grouped by (trace, parent, name), then by fingerprint: a fingerprint holds whole model inputs, and is neither
  // copied nor escaped into a combined key. The result is sorted below, so the grouping order does not matter.
  const byCall = new Map<string, Map<string, Member[]>>();
  for (const [index, span] of spans.entries()) {
    if (span.fingerprint === null) continue;
    const callKey = JSON.stringify([span.traceId ?? '', span.parentSpanId, span.name]);
    let byFingerprint = byCall.get(callKey);
    if (!byFingerprint) {
      byFingerprint = new Map();
      byCall.set(callKey, byFingerprint);
    }
    let group = byFingerprint.get(span.fingerprint);
    if (!group) {
      group = [];
      byFingerprint.set(span.fingerprint, group);
    }
    group.push({ start: BigInt(span.startTimeUnixNano), index, spanId: span.spanId });
  }
  const groups = [...byCall.values()].flatMap((byFingerprint) => [...byFingerprint.values()]);
  const byStart = (a: { start: bigint; index: number }, b: { start: bigint; index: number }) =>
    a.start === b.start ? a.index - b.index : a.start < b.start ? -1 : 1;
  const repeated: { first: { start: bigint; index: number }; calls: RepeatedCalls }[] = [];
  for (const members of groups) {
    if (members.length < Math.max(2, minRepeats)) continue;
    members.sort(byStart);
    const first = members[0]!;
    repeated.push({
      first,
      calls: { spanIds: members.map((m) => m.spanId), fingerprint: spans[first.index]!.fingerprint! },
    });
  }
  return repeated.sort((a, b) => byStart(a.first, b.first)).map((r) => r.calls);
}
