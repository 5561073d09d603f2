// The collector's internal span model: what receivers produce and every later stage consumes.
import type { Attributes, CostResult, Failure, GenAIFacts } from '@beacon/semconv';

// OTLP's enums by their wire values, named as the contrib ClickHouse exporter (and so Beacon's storage) writes them.
/** pdata's ptrace.SpanKind.String(), which the contrib exporter writes (span.Kind().String()); index = OTLP value. */
export const SPAN_KIND_NAMES = [
  'Unspecified',
  'Internal',
  'Server',
  'Client',
  'Producer',
  'Consumer',
] as const;
/** pdata's ptrace.StatusCode.String() (spanStatus.Code().String()); index = OTLP value. */
export const STATUS_CODE_NAMES = ['Unset', 'Ok', 'Error'] as const;

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
}

/** One span as decoded from OTLP (protobuf or JSON); ids are lowercase hex. */
export interface DecodedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span */
  parentSpanId: string;
  traceState: string;
  name: string;
  /** OTLP SpanKind 0..5 */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  /** OTLP status 0 UNSET, 1 OK, 2 ERROR */
  statusCode: number;
  statusMessage: string;
  /** Resource attributes, shared by all spans of one ResourceSpans. */
  resource: Attributes;
  serviceName: string;
  scopeName: string;
  scopeVersion: string;
}

/** The tenant of every span and query while auth is off, and of keys created without --tenant. */
export const DEFAULT_TENANT = 'default';
/** Tenant ids name ClickHouse databases (storage/tenants.ts): lowercase letters, digits and _, from a letter. */
export const TENANT_ID_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/** A span after the processors: normalized GenAI facts and cost when the span is a GenAI span. */
export interface EnrichedSpan extends DecodedSpan {
  genai: GenAIFacts | null;
  cost: CostResult | null;
  /** Agent that this span runs under (own agent name, or nearest ancestor's in the same batch). */
  agentName: string | null;
  /** What kind of failure the span records: error spans only (a loop is a warning, see loopRepeats). */
  failure: Failure | null;
  /** A warning, not a failure: the span is one of this many identical calls under one parent (a loop, found within
   * its export batch); 0 when it is in no loop. */
  loopRepeats: number;
}

/** The outcome of decoding one export request. */
export interface DecodeResult {
  spans: DecodedSpan[];
  /** Spans rejected individually (invalid ids or timestamps): reported through partial_success. */
  rejectedSpans: number;
  /** Human-readable reasons for the rejected spans (deduplicated, capped). */
  errors: string[];
}

/** Why the pipeline refused a batch: both map to OTLP's retryable answers. */
export type RefusalReason = 'queue_full' | 'shutting_down';

/**
 * Why a receiver did not take spans: `invalid_span` (decoding rejected single spans, reported in partial_success),
 * a request it could not read at all (`malformed_request`, `too_large`, `unsupported_media_type`), one without a
 * valid API key (`unauthorized`) or over its key's rate (`rate_limited`), or the pipeline's refusal of a whole batch.
 */
export type SpanRejectReason =
  | 'invalid_span'
  | 'malformed_request'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'rate_limited'
  | RefusalReason;

export const SPAN_REJECT_REASONS: readonly SpanRejectReason[] = [
  'invalid_span',
  'malformed_request',
  'too_large',
  'unsupported_media_type',
  'unauthorized',
  'rate_limited',
  'queue_full',
  'shutting_down',
];

export type AcceptOutcome =
  | { accepted: true }
  | { accepted: false; reason: RefusalReason; retryAfterSeconds: number };

/** Spans of one accepted request, and whose they are (the tenant of the API key they came with). */
export interface TenantSpans {
  tenant: string;
  spans: EnrichedSpan[];
}

/**
 * Where receivers hand decoded spans. `accept` is synchronous: it either takes the whole batch (the spans are
 * then the pipeline's responsibility until stored) or refuses it whole, so the client can retry.
 */
export interface SpanSink {
  accept(spans: DecodedSpan[], protocol: ReceiverProtocol, tenant: string): AcceptOutcome;
}

export type ReceiverProtocol = 'grpc' | 'http_protobuf' | 'http_json';

export const RECEIVER_PROTOCOLS: readonly ReceiverProtocol[] = ['grpc', 'http_protobuf', 'http_json'];
