// OTLP trace receivers: decode OTLP (gRPC, HTTP protobuf, HTTP JSON) and hand the spans to a SpanSink.
export { DecodeError, UNKNOWN_SERVICE } from './decode.js';
export { decodeTracesJson } from './decode-json.js';
export { decodeTracesProtobuf } from './decode-protobuf.js';
export { createOtlpGrpcReceiver, type OtlpGrpcReceiverOptions } from './grpc.js';
export { createOtlpHttpReceiver, OTLP_HTTP_TRACES_PATH, type OtlpHttpReceiverOptions } from './http.js';
export type { OtlpReceiver, OtlpReceiverOptions } from './receiver.js';
