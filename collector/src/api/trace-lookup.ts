// What the trace route modules share: the trace / span id path parameters and reading a stored trace (404 when the
// caller's tenant has no such trace).
import type { SpanDetailResponse, TraceDetailResponse, TraceOutlineResponse } from '../contract/index.js';
import {
  loadSpan,
  loadSpans,
  loadTraceView,
  type QueryContext,
  SharedMessages,
  type TraceView,
  traceBounds,
  traceSummary,
  VIEW_ATTRIBUTE_VALUE_CHARS,
} from '../storage/queries/index.js';
import { notFound } from './http.js';
import { hexId } from './params.js';
import { spanOutline } from './span-outline.js';

export const traceIdParam = { traceId: hexId(16, 'Trace id: 32 hex characters.') };
export const spanParams = { ...traceIdParam, spanId: hexId(8, 'Span id: 16 hex characters.') };

/** The trace's time bounds (what span reads are narrowed to); 404 when it is not stored. */
export async function requireBounds(ctx: QueryContext, traceId: string) {
  const bounds = await traceBounds(ctx, traceId);
  if (!bounds) throw notFound(`trace ${traceId} not found`);
  return bounds;
}

/**
 * The trace's summary and at most maxSpans of its spans (BEACON_MAX_SPANS_PER_TRACE_VIEW; error spans and their
 * ancestors first, then the earliest), saying how many were left out; 404 when it is not stored.
 */
export async function traceDetail(
  ctx: QueryContext,
  traceId: string,
  maxSpans: number,
  messages: 'inline' | 'shared' = 'inline',
): Promise<TraceDetailResponse> {
  const [trace, bounds] = await Promise.all([traceSummary(ctx, traceId), traceBounds(ctx, traceId)]);
  if (!trace || !bounds) throw notFound(`trace ${traceId} not found`);
  if (messages === 'inline') {
    const view = await loadTraceView(ctx, traceId, bounds, maxSpans, {}, trace.spanCount);
    return { trace, spans: view.spans, truncated: view.truncated };
  }
  const sharedMessages = new SharedMessages();
  const view = await loadTraceView(ctx, traceId, bounds, maxSpans, { sharedMessages }, trace.spanCount);
  return { trace, spans: view.spans, truncated: view.truncated, messages: sharedMessages.list };
}

/**
 * The trace's outline (spans read without attributes, tool text or messages: a fraction of the bytes a read of the
 * whole spans costs), and the view it was made of, which the graph is built from too.
 */
export async function traceOutline(
  ctx: QueryContext,
  traceId: string,
  maxSpans: number,
): Promise<{ answer: TraceOutlineResponse; view: TraceView }> {
  const [trace, bounds] = await Promise.all([traceSummary(ctx, traceId), traceBounds(ctx, traceId)]);
  if (!trace || !bounds) throw notFound(`trace ${traceId} not found`);
  const options = { attributes: false, content: false, messages: false };
  const view = await loadTraceView(ctx, traceId, bounds, maxSpans, options, trace.spanCount);
  return {
    answer: { trace, spans: view.spans.map(spanOutline), truncated: view.truncated, outline: true },
    view,
  };
}

/** The trace's summary and every span, for the export (which is how a user gets what a view left out). */
export async function wholeTrace(ctx: QueryContext, traceId: string): Promise<TraceDetailResponse> {
  const [trace, bounds] = await Promise.all([traceSummary(ctx, traceId), traceBounds(ctx, traceId)]);
  if (!trace || !bounds) throw notFound(`trace ${traceId} not found`);
  return { trace, spans: await loadSpans(ctx, traceId, bounds), truncated: null };
}

/** One span of a trace whole, messages inline (attribute values cut as in a view); 404 when either is not stored. */
export async function traceSpan(
  ctx: QueryContext,
  traceId: string,
  spanId: string,
): Promise<SpanDetailResponse> {
  const bounds = await requireBounds(ctx, traceId);
  const span = await loadSpan(ctx, traceId, bounds, spanId, VIEW_ATTRIBUTE_VALUE_CHARS);
  if (!span) throw notFound(`span ${spanId} not found in trace ${traceId}`);
  return { span };
}
