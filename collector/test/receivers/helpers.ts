// Test doubles and builders shared by the receiver tests.
import { createLogger } from '../../src/logger.js';
import type {
  AcceptOutcome,
  DecodedSpan,
  ReceiverProtocol,
  RefusalReason,
  SpanSink,
} from '../../src/model.js';
import { ExportTraceServiceRequest } from '../../src/receivers/otlp-proto.js';

export const silentLogger = createLogger('silent');

/** Records every accepted batch; `refuse()` makes it turn batches away like a full or stopping pipeline. */
export class RecordingSink implements SpanSink {
  readonly batches: { spans: DecodedSpan[]; protocol: ReceiverProtocol }[] = [];
  private refusal: { reason: RefusalReason; retryAfterSeconds: number } | null = null;

  accept(spans: DecodedSpan[], protocol: ReceiverProtocol): AcceptOutcome {
    if (this.refusal) return { accepted: false, ...this.refusal };
    this.batches.push({ spans, protocol });
    return { accepted: true };
  }

  refuse(reason: RefusalReason, retryAfterSeconds: number): void {
    this.refusal = { reason, retryAfterSeconds };
  }

  acceptAgain(): void {
    this.refusal = null;
  }

  get spans(): DecodedSpan[] {
    return this.batches.flatMap((batch) => batch.spans);
  }

  clear(): void {
    this.batches.length = 0;
    this.refusal = null;
  }
}

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const ROOT_SPAN_ID = 'eee19b7ec3c1b174';
export const CHILD_SPAN_ID = 'eee19b7ec3c1b173';
export const START_NANOS = 1_700_000_000_123_456_789n;
export const END_NANOS = 1_700_000_001_987_654_321n;

const hex = (value: string) => Buffer.from(value, 'hex');

/** A valid span in protobufjs object form (ids as bytes, times as decimal strings); override to break it. */
export function protoSpan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: hex(TRACE_ID),
    spanId: hex(ROOT_SPAN_ID),
    name: 'invoke_agent planner',
    kind: 1,
    startTimeUnixNano: START_NANOS.toString(),
    endTimeUnixNano: END_NANOS.toString(),
    ...overrides,
  };
}

/** The same span in OTLP/JSON form. */
export function jsonSpan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: TRACE_ID,
    spanId: ROOT_SPAN_ID,
    name: 'invoke_agent planner',
    kind: 1,
    startTimeUnixNano: START_NANOS.toString(),
    endTimeUnixNano: END_NANOS.toString(),
    ...overrides,
  };
}

/** An ExportTraceServiceRequest with one resource (service.name) and one scope holding `spans`. */
export function requestWith(spans: unknown[], serviceName = 'agent-service'): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: serviceName } }] },
        scopeSpans: [{ scope: { name: 'beacon-test', version: '1.2.3' }, spans }],
      },
    ],
  };
}

export function encodeProtobufRequest(request: Record<string, unknown>): Buffer {
  return Buffer.from(
    ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request)).finish(),
  );
}
