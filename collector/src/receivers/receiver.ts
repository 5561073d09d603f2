// What every OTLP receiver looks like to the collector.
import type { Logger } from '../logger.js';
import type { SpanRejectReason, SpanSink } from '../model.js';

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
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;
