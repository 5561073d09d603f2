// What every OTLP receiver looks like to the collector.
import type { Logger } from '../logger.js';
import type { SpanSink } from '../model.js';

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
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;
