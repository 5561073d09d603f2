// OTLP/protobuf: ExportTraceServiceRequest bytes → DecodeResult.
import type { DecodeResult } from '../model.js';
import { DecodeError, requestToDecodeResult } from './decode.js';
import { ExportTraceServiceRequest, type OtlpExportTraceServiceRequest } from './otlp-proto.js';

export function decodeTracesProtobuf(body: Uint8Array): DecodeResult {
  let request: OtlpExportTraceServiceRequest;
  try {
    request = ExportTraceServiceRequest.decode(body) as OtlpExportTraceServiceRequest;
  } catch (err) {
    throw new DecodeError(`invalid protobuf ExportTraceServiceRequest: ${(err as Error).message}`);
  }
  return requestToDecodeResult(request);
}
