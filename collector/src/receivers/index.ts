// OTLP receivers: decode OTLP traces (gRPC, HTTP protobuf, HTTP JSON) and hand the spans to a SpanSink; accept OTLP
// logs for forwarding when a LogSink is given.
export { type DecodedTraceRequest, DecodeError, UNKNOWN_SERVICE } from './decode.js';
export { decodeTracesJson, decodeTracesJsonRequest } from './decode-json.js';
export { type DecodedLogsRequest, decodeLogsJson, decodeLogsProtobuf } from './decode-logs.js';
export { decodeTracesProtobuf, decodeTracesProtobufRequest } from './decode-protobuf.js';
export { createOtlpGrpcReceiver, type OtlpGrpcReceiverOptions } from './grpc.js';
export {
  createOtlpHttpReceiver,
  OTLP_HTTP_LOGS_PATH,
  OTLP_HTTP_TRACES_PATH,
  type OtlpHttpReceiverOptions,
} from './http.js';
export type {
  AcceptedTraceRequest,
  LogSink,
  OtlpReceiver,
  OtlpReceiverOptions,
  ReceivedLogsRequest,
} from './receiver.js';
