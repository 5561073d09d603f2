// The processor chain between receivers and exporters: redact → limit → normalize → enrich → hand to the writer's queue, then fan
// the accepted batch out to the other exporters (metrics).
import type { Pricer } from '@beacon/semconv';
import type {
  AcceptOutcome,
  DecodedSpan,
  EnrichedSpan,
  ReceiverProtocol,
  SpanSink,
  TenantSpans,
} from '../model.js';
import { enrichSpans } from './enrich.js';
import { emptyLimitStats, type LimitStats, limitSpan, type SpanLimits } from './limits.js';
import { normalizeSpan } from './normalize.js';
import type { Redactor } from './redact.js';

/** Where processed spans go first; the ClickHouse writer implements it, and decides whether a batch is taken. */
export interface SpanExporter {
  /** false = the queue is full and nothing was taken. */
  enqueue(batch: TenantSpans): boolean;
}

/**
 * An exporter that sees every batch the storage exporter took, and only those: a batch refused (and retried by the
 * client) reaches it once. It cannot refuse, and must not throw.
 */
export interface FanOutExporter {
  export(spans: readonly EnrichedSpan[]): void;
}

export interface PipelineStats {
  received: Record<ReceiverProtocol, number>;
  refused: number;
  /** Spans cut down to the attribute limits. */
  limits: LimitStats;
}

export interface Pipeline extends SpanSink {
  /** After this, every batch is refused with `shutting_down` so clients retry against another replica or later. */
  beginShutdown(): void;
  readonly stats: PipelineStats;
}

/** Seconds a refused client should wait: long enough for one flush cycle to drain the queue. */
const RETRY_AFTER_SECONDS = 1;

export interface PipelineOptions {
  pricer: Pricer;
  /** Storage: its enqueue() decides whether a batch is accepted. */
  exporter: SpanExporter;
  /** Receive each accepted batch after the storage exporter took it. */
  fanOut?: readonly FanOutExporter[];
  /** A fan-out exporter threw (a bug): the batch stays accepted, the error is reported here. */
  onFanOutError?: (err: unknown) => void;
  /** Content redaction, applied first: nothing after it (storage, metric labels) sees the redacted text. */
  redactor?: Redactor;
  /** Attribute count and value length limits; unset = unlimited. */
  limits?: SpanLimits;
  /** Refuses batches (as queue_full, so clients retry) while the heap is above its soft limit. */
  memoryLimiter?: { refuses(spans: number): boolean };
}

export function createPipeline(options: PipelineOptions): Pipeline {
  const fanOut = options.fanOut ?? [];
  let shuttingDown = false;
  const stats: PipelineStats = {
    received: { grpc: 0, http_protobuf: 0, http_json: 0 },
    refused: 0,
    limits: emptyLimitStats(),
  };
  const { redactor, limits } = options;
  const prepare = (span: DecodedSpan, batchStats: LimitStats): DecodedSpan => {
    const redacted = redactor ? redactor.redactSpan(span) : span;
    return limits ? limitSpan(redacted, limits, batchStats) : redacted;
  };

  const refuse = (reason: 'queue_full' | 'shutting_down', count: number): AcceptOutcome => {
    stats.refused += count;
    return { accepted: false, reason, retryAfterSeconds: RETRY_AFTER_SECONDS };
  };

  return {
    stats,
    beginShutdown() {
      shuttingDown = true;
    },
    accept(received: DecodedSpan[], protocol: ReceiverProtocol, tenant: string): AcceptOutcome {
      if (shuttingDown) return refuse('shutting_down', received.length);
      if (received.length === 0) return { accepted: true };
      // Before any per-span work: under memory pressure, processing the batch is what must not happen.
      if (options.memoryLimiter?.refuses(received.length)) return refuse('queue_full', received.length);
      // Counted only once the batch is taken: a refused batch comes back and would be counted twice.
      const batchLimits = emptyLimitStats();
      const spans = received.map((span) => prepare(span, batchLimits));
      const facts = spans.map(normalizeSpan);
      const enriched = enrichSpans(spans, facts, options.pricer);
      if (!options.exporter.enqueue({ tenant, spans: enriched })) return refuse('queue_full', spans.length);
      stats.received[protocol] += spans.length;
      for (const key of Object.keys(batchLimits) as (keyof LimitStats)[])
        stats.limits[key] += batchLimits[key];
      for (const exporter of fanOut) {
        try {
          exporter.export(enriched);
        } catch (err) {
          options.onFanOutError?.(err);
        }
      }
      return { accepted: true };
    },
  };
}
