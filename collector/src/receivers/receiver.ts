// What every OTLP receiver looks like to the collector.
import type { Authenticator } from '../auth/index.js';
import type { Logger } from '../logger.js';
import type { ReceiverProtocol, SpanRejectReason, SpanSink } from '../model.js';
import type { DecodedTraceRequest, DecodeLimits } from './decode.js';

export interface OtlpReceiver {
  /** Binds and starts serving; resolves with the bound port (the ephemeral one when configured with port 0). */
  start(): Promise<{ port: number }>;
  /** Stops accepting, lets in-flight requests finish (bounded by the shutdown timeout), then closes everything. */
  stop(): Promise<void>;
}

export interface OtlpReceiverOptions {
  host: string;
  port: number;
  sink: SpanSink;
  logger: Logger;
  /** How long stop() waits for in-flight requests before cutting connections. Default 5 s. */
  shutdownTimeoutMs?: number;
  /**
   * Called for spans not taken: invalid spans dropped from an accepted request, a batch the sink refused, or a
   * request that could not be read at all (its span count unknown: `count` is 1).
   */
  onRejected?: (count: number, reason: SpanRejectReason) => void;
  /**
   * Called with every request whose spans the sink took, for sending it on unchanged (BEACON_FORWARD_OTLP_ENDPOINT).
   * Must return at once: it runs on the request path. A throw is logged, never answered to the client.
   */
  onAccepted?: (request: AcceptedTraceRequest) => void;
  /** Spans per request and JSON nesting depth; defaults: DEFAULT_DECODE_LIMITS. */
  decodeLimits?: DecodeLimits;
  /** The OTLP logs receiver's sink; without it `/v1/logs` answers 404 and LogsService/Export UNIMPLEMENTED. */
  logs?: LogSink;
  /** Checks each request's API key (`ingest` scope) and names its tenant; unset = auth off, the default tenant. */
  authenticator?: Authenticator;
  /** Asked before a request's body is read or decoded: true = refuse it (retryable) for memory. */
  memoryLimiter?: { refusesRequest(): boolean };
}

/** A request the pipeline accepted, as it travels on: ExportTraceServiceRequest bytes of the kept spans. */
export interface AcceptedTraceRequest {
  protobuf: Uint8Array;
  spans: number;
}

/** An OTLP logs request as received (re-encoded as protobuf when it came as JSON). */
export interface ReceivedLogsRequest {
  protobuf: Uint8Array;
  logRecords: number;
  protocol: ReceiverProtocol;
}

/**
 * Where the logs receiver hands requests. Never refuses: Beacon only forwards logs, and a full forward queue drops
 * (and counts) rather than pushing back on the client.
 */
export interface LogSink {
  accept(request: ReceivedLogsRequest): void;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

/** Hands an accepted request to `onAccepted`; a failure there is logged and never reaches the client. */
export function teeAccepted(options: OtlpReceiverOptions, decoded: DecodedTraceRequest): void {
  if (!options.onAccepted || decoded.result.spans.length === 0) return;
  try {
    options.onAccepted({ protobuf: decoded.protobuf(), spans: decoded.result.spans.length });
  } catch (err) {
    options.logger.error({ err }, 'could not hand an accepted request to the span forwarder');
  }
}
