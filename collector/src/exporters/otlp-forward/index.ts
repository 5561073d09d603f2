// The OTLP forward exporters: spans as received → another OTLP/gRPC endpoint (BEACON_FORWARD_OTLP_ENDPOINT, e.g.
// Jaeger), OTLP logs as received → an OTLP/HTTP logs endpoint (BEACON_FORWARD_LOGS_ENDPOINT, e.g. Loki).
//
// Design: the receivers tee each request the pipeline accepted, as protobuf bytes (the original body, or the
// decoded request re-encoded when it came as JSON or had invalid spans taken out), and these exporters send those
// bytes on. Re-encoding from the pipeline's fan-out (EnrichedSpan) was the alternative, but Beacon's span model keeps
// what storage needs, not everything OTLP carries (an int attribute and a double one both become a JS number; bytes
// become base64 strings; flags, dropped counts and schema URLs are gone), so it could not forward spans unchanged.
// Spans that reach the pipeline other than through OTLP (trace import, replays) are Beacon's own and not forwarded.
import type { Logger } from '../../logger.js';
import { OtlpForwarder } from './forwarder.js';
import { createGrpcTransport } from './grpc-transport.js';
import { createHttpTransport } from './http-transport.js';

export { DEFAULT_RETRY, type ForwarderStats, OtlpForwarder, type RetryPolicy } from './forwarder.js';
export { type ForwardBatch, type ForwardChunk, ForwardQueue } from './queue.js';
export type { ForwardTransport, SendOutcome } from './transport.js';
export { createGrpcTransport, createHttpTransport };

export const TRACE_SERVICE_EXPORT_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export interface ForwarderSettings {
  endpoint: string;
  maxQueueItems: number;
  flushIntervalMs: number;
  timeoutMs: number;
  logger: Logger;
}

/** Spans, OTLP/gRPC TraceService/Export. */
export function createSpanForwarder(settings: ForwarderSettings): OtlpForwarder {
  return new OtlpForwarder({
    itemName: 'spans',
    transport: createGrpcTransport(settings.endpoint, TRACE_SERVICE_EXPORT_METHOD),
    maxQueueItems: settings.maxQueueItems,
    flushIntervalMs: settings.flushIntervalMs,
    timeoutMs: settings.timeoutMs,
    logger: settings.logger,
  });
}

/** Log records, OTLP/HTTP protobuf POST to the endpoint URL as given (Loki: http://loki:3100/otlp/v1/logs). */
export function createLogForwarder(settings: ForwarderSettings): OtlpForwarder {
  return new OtlpForwarder({
    itemName: 'log records',
    transport: createHttpTransport(settings.endpoint),
    maxQueueItems: settings.maxQueueItems,
    flushIntervalMs: settings.flushIntervalMs,
    timeoutMs: settings.timeoutMs,
    logger: settings.logger,
  });
}
