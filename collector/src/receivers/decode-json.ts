// OTLP/JSON → DecodeResult. ProtoJSON (protobufjs' protojson extension) handles what OTLP/JSON shares with it:
// lowerCamelCase or original snake_case keys, enums as integers or names, int64 as strings or numbers, bytes as
// base64, unknown fields ignored. OTLP differs only in spelling trace and span ids as hex, so those are validated
// and rewritten to base64 before ProtoJSON sees them.
import type protobuf from 'protobufjs';
import protojson from 'protobufjs/ext/protojson.js';
import type { DecodeResult } from '../model.js';
import {
  DEFAULT_DECODE_LIMITS,
  type DecodedTraceRequest,
  DecodeError,
  type DecodeLimits,
  keptSpansRequest,
  requestToDecodeResult,
} from './decode.js';
import {
  ExportTraceServiceRequest,
  InstrumentationScope,
  type OtlpExportTraceServiceRequest,
  Resource,
  Span,
} from './otlp-proto.js';

export type JsonObject = Record<string, unknown>;

export interface IdField {
  names: readonly [camel: string, snake: string];
  hexChars: number;
}

export const TRACE_ID: IdField = { names: ['traceId', 'trace_id'], hexChars: 32 };
export const SPAN_ID: IdField = { names: ['spanId', 'span_id'], hexChars: 16 };
const PARENT_SPAN_ID: IdField = { names: ['parentSpanId', 'parent_span_id'], hexChars: 16 };
const HEX = /^[0-9a-fA-F]*$/;
export const PROTOJSON_OPTIONS = { ignoreUnknownFields: true };

/** Error messages quote client data; keep them short enough for a log line and a response body. */
export const MAX_MESSAGE_CHARS = 300;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The objects of the list found under any of `names`, each with its path for error messages. Shapes are checked
 * here rather than left to ProtoJSON, whose messages name the field but not which element of which list it is in.
 */
export function* children(
  parent: JsonObject,
  names: readonly string[],
  path: string,
): Generator<[JsonObject, string]> {
  for (const name of names) {
    const list = parent[name];
    if (list === undefined || list === null) continue;
    const listPath = `${path}${path ? '.' : ''}${name}`;
    if (!Array.isArray(list)) throw new DecodeError(`${listPath}: expected an array`);
    for (const [index, item] of list.entries()) {
      if (!isObject(item)) throw new DecodeError(`${listPath}[${index}]: expected an object`);
      yield [item, `${listPath}[${index}]`];
    }
  }
}

interface SpanLocation {
  resourceSpans: JsonObject;
  resourceSpansPath: string;
  scopeSpans: JsonObject;
  scopeSpansPath: string;
  span: JsonObject;
  path: string;
}

/** Every span with where it sits; shape-checks every list on the way, including those without spans. */
function* spansOf(request: JsonObject): Generator<SpanLocation> {
  for (const [resourceSpans, resourceSpansPath] of children(
    request,
    ['resourceSpans', 'resource_spans'],
    '',
  )) {
    for (const [scopeSpans, scopeSpansPath] of children(
      resourceSpans,
      ['scopeSpans', 'scope_spans'],
      resourceSpansPath,
    )) {
      for (const [span, path] of children(scopeSpans, ['spans'], scopeSpansPath)) {
        yield { resourceSpans, resourceSpansPath, scopeSpans, scopeSpansPath, span, path };
      }
    }
  }
}

/**
 * A one-byte id: the length no valid id has, so the per-span check rejects that span (partial_success) while the
 * rest of the request is kept — a bad id in one span must not cost the whole batch.
 */
const INVALID_ID_MARKER = Buffer.from([0]).toString('base64');

export function rewriteHexIds(
  target: JsonObject,
  fields: readonly IdField[],
  path: string,
  onInvalid: 'reject-span' | 'reject-request',
): void {
  for (const { names, hexChars } of fields) {
    for (const name of names) {
      const value = target[name];
      if (value === undefined || value === null) continue;
      // An empty id is decodable (and rejected per span later when required).
      if (typeof value !== 'string' || (value !== '' && (value.length !== hexChars || !HEX.test(value)))) {
        if (onInvalid === 'reject-span') {
          target[name] = INVALID_ID_MARKER;
          continue;
        }
        const got = truncate(JSON.stringify(value) ?? String(value), 40);
        throw new DecodeError(`${path}.${name}: expected ${hexChars} hex characters, got ${got}`);
      }
      target[name] = Buffer.from(value, 'hex').toString('base64');
    }
  }
}

function rewriteAllHexIds(request: JsonObject): void {
  for (const { span, path } of spansOf(request)) {
    rewriteHexIds(span, [TRACE_ID, SPAN_ID, PARENT_SPAN_ID], path, 'reject-span');
    for (const [link, linkPath] of children(span, ['links'], path))
      rewriteHexIds(link, [TRACE_ID, SPAN_ID], linkPath, 'reject-request');
  }
}

/** ProtoJSON's message for a failure, or null. */
function protoJsonProblem(type: protobuf.Type, json: unknown): string | null {
  try {
    protojson.fromJson(type, json, PROTOJSON_OPTIONS);
    return null;
  } catch (err) {
    return shortenTypeNames((err as Error).message);
  }
}

/**
 * Only after the whole request failed to parse: finds the resource, scope or span it failed in, so the message can
 * say where (`resourceSpans[0].scopeSpans[2].spans[7]: ...`).
 */
function locateProblem(request: JsonObject): string | null {
  const checked = new Set<JsonObject>();
  for (const location of spansOf(request)) {
    for (const [owner, key, type, ownerPath] of [
      [location.resourceSpans, 'resource', Resource, location.resourceSpansPath],
      [location.scopeSpans, 'scope', InstrumentationScope, location.scopeSpansPath],
    ] as const) {
      if (checked.has(owner) || owner[key] === undefined || owner[key] === null) continue;
      checked.add(owner);
      const problem = protoJsonProblem(type, owner[key]);
      if (problem) return `${ownerPath}.${key}: ${problem}`;
    }
    const problem = protoJsonProblem(Span, location.span);
    if (problem) return `${location.path}: ${problem}`;
  }
  return null;
}

/** ProtoJSON names fields by their full protobuf name; the message name alone is enough for a client. */
export function shortenTypeNames(message: string): string {
  return message.replace(/^\.?(?:[a-z0-9_]+\.)+/, '');
}

export function decodeTracesJson(body: Uint8Array | string, limits?: DecodeLimits): DecodeResult {
  return decodeTracesJsonRequest(body, limits).result;
}

/** As decodeTracesJson, keeping what forwarding needs: the request re-encoded as protobuf on demand. */
export function decodeTracesJsonRequest(
  body: Uint8Array | string,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): DecodedTraceRequest {
  const text =
    typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString();
  // An empty body carries no spans; treated like `{}` rather than refused.
  if (text.trim() === '') {
    return { result: { spans: [], rejectedSpans: 0, errors: [] }, protobuf: () => new Uint8Array() };
  }
  const json = parseJsonObject(text, 'ExportTraceServiceRequest', limits.maxJsonDepth);
  rewriteAllHexIds(json);

  let request: OtlpExportTraceServiceRequest;
  try {
    request = protojson.fromJson(
      ExportTraceServiceRequest,
      json,
      PROTOJSON_OPTIONS,
    ) as OtlpExportTraceServiceRequest;
  } catch (err) {
    const message = locateProblem(json) ?? `invalid OTLP/JSON: ${shortenTypeNames((err as Error).message)}`;
    throw new DecodeError(truncate(message, MAX_MESSAGE_CHARS));
  }
  const result = requestToDecodeResult(request, limits);
  return {
    result,
    protobuf: () =>
      ExportTraceServiceRequest.encode(
        (result.rejectedSpans === 0 ? request : keptSpansRequest(request)) as object,
      ).finish(),
  };
}

/**
 * Whether arrays/objects in `text` nest deeper than `max`. Checked on the text, before parsing, because every walk
 * after JSON.parse (ProtoJSON, attribute conversion, JSON.stringify on the way to storage) recurses and would overflow
 * the stack on a hostile body; JSON.parse has no depth option, hence this small scanner. Invalid JSON is left to
 * JSON.parse to describe.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The body parsed as a JSON object, or a DecodeError saying why not. */
export function parseJsonObject(
  text: string,
  messageName: string,
  maxDepth = DEFAULT_DECODE_LIMITS.maxJsonDepth,
): JsonObject {
  if (nestsDeeperThan(text, maxDepth)) {
    throw new DecodeError(`invalid OTLP/JSON: nested deeper than BEACON_MAX_JSON_DEPTH=${maxDepth}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DecodeError(truncate(`invalid JSON: ${(err as Error).message}`, MAX_MESSAGE_CHARS));
  }
  if (!isObject(json)) throw new DecodeError(`invalid OTLP/JSON: expected an ${messageName} object`);
  return json;
}
