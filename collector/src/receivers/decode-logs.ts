// OTLP logs (protobuf or JSON) → the request as protobuf bytes plus its record count. Beacon stores no logs: the
// receiver only checks that a request decodes and hands it to the log forwarder unchanged, so nothing here maps
// log records to a model.
import protojson from 'protobufjs/ext/protojson.js';
import { DecodeError } from './decode.js';
import {
  children,
  MAX_MESSAGE_CHARS,
  PROTOJSON_OPTIONS,
  parseJsonObject,
  rewriteHexIds,
  SPAN_ID,
  shortenTypeNames,
  TRACE_ID,
  truncate,
} from './decode-json.js';
import { ExportLogsServiceRequest, type OtlpExportLogsServiceRequest } from './otlp-proto.js';

export interface DecodedLogsRequest {
  logRecords: number;
  /** ExportLogsServiceRequest bytes with every field as received (the body itself when it came as protobuf). */
  protobuf(): Uint8Array;
}

function countLogRecords(request: OtlpExportLogsServiceRequest): number {
  let count = 0;
  for (const resourceLogs of request.resourceLogs ?? [])
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) count += scopeLogs.logRecords?.length ?? 0;
  return count;
}

export function decodeLogsProtobuf(body: Uint8Array): DecodedLogsRequest {
  let request: OtlpExportLogsServiceRequest;
  try {
    request = ExportLogsServiceRequest.decode(body) as OtlpExportLogsServiceRequest;
  } catch (err) {
    throw new DecodeError(`invalid protobuf ExportLogsServiceRequest: ${(err as Error).message}`);
  }
  return { logRecords: countLogRecords(request), protobuf: () => body };
}

export function decodeLogsJson(body: Uint8Array | string): DecodedLogsRequest {
  const text =
    typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString();
  if (text.trim() === '') return { logRecords: 0, protobuf: () => new Uint8Array() };
  const json = parseJsonObject(text, 'ExportLogsServiceRequest');
  // OTLP/JSON spells trace and span ids as hex; ProtoJSON expects base64. A log record's ids are optional, so a
  // malformed one fails the request (400 naming it) rather than being guessed at.
  for (const [resourceLogs, resourcePath] of children(json, ['resourceLogs', 'resource_logs'], '')) {
    for (const [scopeLogs, scopePath] of children(resourceLogs, ['scopeLogs', 'scope_logs'], resourcePath)) {
      for (const [record, path] of children(scopeLogs, ['logRecords', 'log_records'], scopePath))
        rewriteHexIds(record, [TRACE_ID, SPAN_ID], path, 'reject-request');
    }
  }
  let request: OtlpExportLogsServiceRequest;
  try {
    request = protojson.fromJson(
      ExportLogsServiceRequest,
      json,
      PROTOJSON_OPTIONS,
    ) as OtlpExportLogsServiceRequest;
  } catch (err) {
    throw new DecodeError(
      truncate(`invalid OTLP/JSON: ${shortenTypeNames((err as Error).message)}`, MAX_MESSAGE_CHARS),
    );
  }
  return {
    logRecords: countLogRecords(request),
    protobuf: () => ExportLogsServiceRequest.encode(request as object).finish(),
  };
}
