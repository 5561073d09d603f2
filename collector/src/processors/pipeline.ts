// The processor chain between receivers and exporters: normalize → enrich → hand to the writer's queue.
import type { Pricer } from '@beacon/semconv';
import type { AcceptOutcome, DecodedSpan, EnrichedSpan, ReceiverProtocol, SpanSink } from '../model.js';
import { enrichSpans } from './enrich.js';
import { normalizeSpan } from './normalize.js';

/** Where processed spans go; the ClickHouse writer implements it. */
export interface SpanExporter {
  /** false = the queue is full and nothing was taken. */
  enqueue(spans: EnrichedSpan[]): boolean;
}

export interface PipelineStats {
  received: Record<ReceiverProtocol, number>;
  refused: number;
}

export interface Pipeline extends SpanSink {
  /** After this, every batch is refused with `shutting_down` so clients retry against another replica or later. */
  beginShutdown(): void;
  readonly stats: PipelineStats;
}

/** Seconds a refused client should wait: long enough for one flush cycle to drain the queue. */
const RETRY_AFTER_SECONDS = 1;

export function createPipeline(options: { pricer: Pricer; exporter: SpanExporter }): Pipeline {
  let shuttingDown = false;
  const stats: PipelineStats = { received: { grpc: 0, http_protobuf: 0, http_json: 0 }, refused: 0 };

  const refuse = (reason: 'queue_full' | 'shutting_down', count: number): AcceptOutcome => {
    stats.refused += count;
    return { accepted: false, reason, retryAfterSeconds: RETRY_AFTER_SECONDS };
  };

  return {
    stats,
    beginShutdown() {
      shuttingDown = true;
    },
    accept(spans: DecodedSpan[], protocol: ReceiverProtocol): AcceptOutcome {
      if (shuttingDown) return refuse('shutting_down', spans.length);
      if (spans.length === 0) return { accepted: true };
      const facts = spans.map(normalizeSpan);
      const enriched = enrichSpans(spans, facts, options.pricer);
      if (!options.exporter.enqueue(enriched)) return refuse('queue_full', spans.length);
      stats.received[protocol] += spans.length;
      return { accepted: true };
    },
  };
}
