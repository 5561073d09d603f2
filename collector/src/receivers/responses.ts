// What receivers send back: ExportTraceServiceResponse on success, google.rpc.Status on error, in protobuf or JSON.
import type protobuf from 'protobufjs';
import protojson from 'protobufjs/ext/protojson.js';
import type { DecodeResult } from '../model.js';
import {
  ExportLogsServiceResponse,
  ExportTraceServiceResponse,
  RETRY_INFO_TYPE_URL,
  RetryInfo,
  RpcStatus,
} from './otlp-proto.js';

export type WireFormat = 'protobuf' | 'json';

/** gRPC status codes used in google.rpc.Status (grpc-js has them too, but HTTP should not load gRPC for a table). */
export const RpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

function encode(type: protobuf.Type, message: object, format: WireFormat): Buffer {
  if (format === 'json') return Buffer.from(JSON.stringify(protojson.toJson(type, message)));
  return Buffer.from(type.encode(type.fromObject(message)).finish());
}

/** The partial_success error_message: how many spans were dropped and why. */
export function partialSuccessMessage(result: Pick<DecodeResult, 'rejectedSpans' | 'errors'>): string {
  const total = result.rejectedSpans === 1 ? '1 span' : `${result.rejectedSpans} spans`;
  return `rejected ${total}: ${result.errors.join('; ')}`;
}

/** ExportTraceServiceResponse; partial_success is set only when spans were rejected (OTLP: unset = full success). */
export function exportResponse(result: Pick<DecodeResult, 'rejectedSpans' | 'errors'>): object {
  if (result.rejectedSpans === 0) return {};
  return {
    partialSuccess: { rejectedSpans: result.rejectedSpans, errorMessage: partialSuccessMessage(result) },
  };
}

export function encodeExportResponse(
  result: Pick<DecodeResult, 'rejectedSpans' | 'errors'>,
  format: WireFormat,
): Buffer {
  return encode(ExportTraceServiceResponse, exportResponse(result), format);
}

/** ExportLogsServiceResponse: always full success (log records are never rejected one by one). */
export function encodeLogsExportResponse(format: WireFormat): Buffer {
  return encode(ExportLogsServiceResponse, {}, format);
}

function retryInfoAny(retryAfterSeconds: number): object {
  const seconds = Math.floor(retryAfterSeconds);
  const nanos = Math.round((retryAfterSeconds - seconds) * 1e9);
  const retryInfo = RetryInfo.fromObject({ retryDelay: { seconds, nanos } });
  return { type_url: RETRY_INFO_TYPE_URL, value: RetryInfo.encode(retryInfo).finish() };
}

/** google.rpc.Status, with a RetryInfo detail when the client should come back after a delay. */
export function rpcStatus(code: number, message: string, retryAfterSeconds?: number): object {
  const details = retryAfterSeconds === undefined ? [] : [retryInfoAny(retryAfterSeconds)];
  return { code, message, details };
}

export function encodeRpcStatus(status: object, format: WireFormat): Buffer {
  return encode(RpcStatus, status, format);
}
