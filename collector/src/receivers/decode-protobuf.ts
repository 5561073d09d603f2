// OTLP/protobuf: ExportTraceServiceRequest bytes → DecodeResult.
import type { DecodeResult } from '../model.js';
import {
  type DecodedTraceRequest,
  DecodeError,
  type DecodeLimits,
  keptSpansRequest,
  requestToDecodeResult,
} from './decode.js';
import { ExportTraceServiceRequest, type OtlpExportTraceServiceRequest } from './otlp-proto.js';

/**
 * protobufjs reads strings of a Buffer with Node's native UTF-8 decoder, of any other Uint8Array in JavaScript (several
 * times slower on attribute-heavy spans): a Buffer view of the same bytes, no copy.
 */
function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function decodeRequest(body: Uint8Array): OtlpExportTraceServiceRequest {
  try {
    return ExportTraceServiceRequest.decode(asBuffer(body)) as OtlpExportTraceServiceRequest;
  } catch (err) {
    throw new DecodeError(`invalid protobuf ExportTraceServiceRequest: ${(err as Error).message}`);
  }
}

export function decodeTracesProtobuf(body: Uint8Array, limits?: DecodeLimits): DecodeResult {
  return requestToDecodeResult(decodeRequest(body), limits);
}

/** As decodeTracesProtobuf, keeping what forwarding needs: the body itself when every span was kept. */
export function decodeTracesProtobufRequest(body: Uint8Array, limits?: DecodeLimits): DecodedTraceRequest {
  const request = decodeRequest(body);
  const result = requestToDecodeResult(request, limits);
  return {
    result,
    protobuf: () =>
      result.rejectedSpans === 0
        ? body
        : ExportTraceServiceRequest.encode(keptSpansRequest(request) as object).finish(),
  };
}
