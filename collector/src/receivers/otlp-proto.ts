// The OTLP trace and logs and google.rpc protobuf types, loaded once from collector/proto with protobufjs reflection.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

// src/receivers/ and dist/receivers/ are both two levels below collector/, so the same relative URL works for both.
const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));

const PROTO_FILES = [
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'opentelemetry/proto/collector/logs/v1/logs_service.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
];

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  // Imports are written relative to the proto root (as protoc's -I would resolve them); google/protobuf/* comes
  // bundled with protobufjs and never reaches this function.
  root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  root.loadSync(PROTO_FILES);
  root.resolveAll();
  return root;
}

const root = loadRoot();

export const TRACE_SERVICE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export const ExportTraceServiceRequest = root.lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
);
export const ExportTraceServiceResponse = root.lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse',
);
export const LOGS_SERVICE_EXPORT_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

export const ExportLogsServiceRequest = root.lookupType(
  'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
);
export const ExportLogsServiceResponse = root.lookupType(
  'opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse',
);
export const LogRecord = root.lookupType('opentelemetry.proto.logs.v1.LogRecord');
export const Resource = root.lookupType('opentelemetry.proto.resource.v1.Resource');
export const InstrumentationScope = root.lookupType('opentelemetry.proto.common.v1.InstrumentationScope');
export const Span = root.lookupType('opentelemetry.proto.trace.v1.Span');
export const RpcStatus = root.lookupType('google.rpc.Status');
export const RetryInfo = root.lookupType('google.rpc.RetryInfo');

export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * 64-bit integers as protobufjs hands them over: a Long-like {low, high, unsigned} object from the binary decoder
 * and ProtoJSON, a number or decimal string when built by hand.
 */
export type Int64 = number | string | { low: number; high: number; unsigned?: boolean };

/** The message shapes the decoders read: protobufjs messages or the plain objects ProtoJSON nests inside them. */
export interface OtlpAnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64 | null;
  doubleValue?: number | null;
  arrayValue?: { values?: OtlpAnyValue[] | null } | null;
  kvlistValue?: { values?: OtlpKeyValue[] | null } | null;
  bytesValue?: Uint8Array | null;
}

export interface OtlpKeyValue {
  key?: string | null;
  value?: OtlpAnyValue | null;
}

export interface OtlpEvent {
  timeUnixNano?: Int64 | null;
  name?: string | null;
  attributes?: OtlpKeyValue[] | null;
}

export interface OtlpLink {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  traceState?: string | null;
  attributes?: OtlpKeyValue[] | null;
}

export interface OtlpSpan {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  traceState?: string | null;
  parentSpanId?: Uint8Array | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: Int64 | null;
  endTimeUnixNano?: Int64 | null;
  attributes?: OtlpKeyValue[] | null;
  events?: OtlpEvent[] | null;
  links?: OtlpLink[] | null;
  status?: { message?: string | null; code?: number | null } | null;
}

export interface OtlpScopeSpans {
  scope?: { name?: string | null; version?: string | null } | null;
  spans?: OtlpSpan[] | null;
}

export interface OtlpResourceSpans {
  resource?: { attributes?: OtlpKeyValue[] | null } | null;
  scopeSpans?: OtlpScopeSpans[] | null;
}

export interface OtlpExportTraceServiceRequest {
  resourceSpans?: OtlpResourceSpans[] | null;
}

/** The parts of an ExportLogsServiceRequest the logs receiver reads (it forwards the rest untouched). */
export interface OtlpExportLogsServiceRequest {
  resourceLogs?:
    | { scopeLogs?: { logRecords?: unknown[] | null }[] | null; resource?: unknown; scope?: unknown }[]
    | null;
}
