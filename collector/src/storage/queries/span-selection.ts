// A trace view of at most N spans (BEACON_MAX_SPANS_PER_TRACE_VIEW) chosen in SQL, so a 100,000-span trace is
// never read whole into memory: first every error span and its ancestors (what a user opens a big trace for), then
// the earliest spans by (start time, span id) until N. Deterministic: the same stored spans give the same choice.
//
// Span attribute values past VIEW_ATTRIBUTE_VALUE_CHARS are cut (with a note) so a view's bytes stay bounded too.
//
// Only light rows (span id, parent id, start) are read to choose — at most N + 1 of the earliest, plus the error
// chains — and the full rows are then read with one condition: `(Timestamp, SpanId) <= cut-off OR SpanId IN chain`.
import type { SpanView, TraceTruncation } from '../../contract/index.js';
import { instantParam, type QueryContext, select, table } from './context.js';
import { IN_RANGE, type LoadSpansOptions, loadFilteredSpans, rangeParams, type SpanFilter } from './spans.js';
import type { TraceBounds } from './traces.js';

export interface TraceView {
  /** Ordered by start time (then span id). */
  spans: SpanView[];
  /** Null when spans holds every span of the trace. */
  truncated: TraceTruncation | null;
}

interface SpanKey {
  spanId: string;
  parentSpanId: string;
  startNs: string;
}

/** Ancestor levels walked up from the error spans (deeper chains keep their lower part only). */
const MAX_ANCESTOR_DEPTH = 256;
/**
 * Longest span attribute value a view returns whole (characters); longer ones are cut with a note. Message histories
 * sent as attributes are the long ones, and the view has them as messages (genai) already.
 */
export const VIEW_ATTRIBUTE_VALUE_CHARS = 4096;
/** Span ids per `SpanId IN` parameter: far below a ClickHouse server's URL limit. */
const ID_CHUNK = 1000;

/** At most how many of the view's spans the error chains may take: half, and no more than 5 id chunks. */
function chainBudget(maxSpans: number): number {
  return Math.min(Math.floor(maxSpans / 2), 5 * ID_CHUNK);
}

const KEY_COLUMNS = `SpanId AS spanId, ParentSpanId AS parentSpanId, toString(toUnixTimestamp64Nano(Timestamp)) AS startNs`;

function keyRows(
  ctx: QueryContext,
  traceId: string,
  bounds: TraceBounds,
  where: string,
  params: Record<string, unknown>,
  limit: number,
): Promise<SpanKey[]> {
  return select<SpanKey>(
    ctx,
    `SELECT ${KEY_COLUMNS}
FROM ${table(ctx, 'traces')}
WHERE TraceId = {traceId:String} AND ${IN_RANGE} AND ${where}
ORDER BY Timestamp, SpanId
LIMIT 1 BY SpanId
LIMIT {keyLimit:UInt32}`,
    { traceId, ...rangeParams(bounds), ...params, keyLimit: limit },
  );
}

async function countSpans(ctx: QueryContext, traceId: string, bounds: TraceBounds): Promise<number> {
  const [row] = await select<{ n: number }>(
    ctx,
    `SELECT toFloat64(uniqExact(SpanId)) AS n FROM ${table(ctx, 'traces')}
WHERE TraceId = {traceId:String} AND ${IN_RANGE}`,
    { traceId, ...rangeParams(bounds) },
  );
  return Number(row?.n ?? 0);
}

/**
 * The error spans (the earliest, within the budget) and their ancestors. Ancestors already among the earliest
 * spans are taken from there; the others are looked up level by level.
 */
async function errorChains(
  ctx: QueryContext,
  traceId: string,
  bounds: TraceBounds,
  earliest: Map<string, SpanKey>,
  budget: number,
): Promise<Map<string, SpanKey>> {
  const chain = new Map<string, SpanKey>();
  if (budget === 0) return chain;
  const errors = await keyRows(ctx, traceId, bounds, `StatusCode = 'Error'`, {}, Math.ceil(budget / 2));
  let level = errors;
  for (let depth = 0; level.length > 0 && depth < MAX_ANCESTOR_DEPTH; depth++) {
    const missing = new Set<string>();
    for (const span of level) {
      if (chain.size >= budget) return chain;
      chain.set(span.spanId, span);
      if (span.parentSpanId !== '' && !chain.has(span.parentSpanId)) missing.add(span.parentSpanId);
    }
    const known = [...missing].map((id) => earliest.get(id)).filter((s): s is SpanKey => s !== undefined);
    const unknown = [...missing].filter((id) => !earliest.has(id));
    level = [...known];
    for (let i = 0; i < unknown.length; i += ID_CHUNK) {
      const ids = unknown.slice(i, i + ID_CHUNK);
      level.push(
        ...(await keyRows(ctx, traceId, bounds, 'SpanId IN {ids:Array(String)}', { ids }, ids.length)),
      );
    }
  }
  return chain;
}

/** Every span of the trace, at most maxRows of them, attribute values cut as in any view. */
function everySpan(maxRows: number): SpanFilter {
  return { sql: '1', params: {}, maxRows, attributeValueChars: VIEW_ATTRIBUTE_VALUE_CHARS };
}

/** The condition picking the chains plus the earliest spans, maxSpans in all. */
function selectionFilter(earliest: SpanKey[], chain: Map<string, SpanKey>, maxSpans: number): SpanFilter {
  const picked = new Set(chain.keys());
  let cut: SpanKey | undefined;
  for (const span of earliest) {
    if (picked.has(span.spanId)) continue;
    if (picked.size >= maxSpans) break;
    picked.add(span.spanId);
    cut = span;
  }
  // Chain spans past the cut-off are named; the rest are the earliest spans up to it. Without a cut-off (every
  // pick is a chain span) the earliest part is empty: a cut-off of 0 matches nothing.
  const afterCut = cut
    ? [...chain.values()].filter(
        (s) =>
          BigInt(s.startNs) > BigInt(cut.startNs) || (s.startNs === cut.startNs && s.spanId > cut.spanId),
      )
    : [...chain.values()];
  return {
    sql:
      `Timestamp < ${instantParam('cutNs')} OR (Timestamp = ${instantParam('cutNs')} AND SpanId <= {cutId:String})` +
      ' OR SpanId IN {chainIds:Array(String)}',
    params: { cutNs: cut?.startNs ?? '0', cutId: cut?.spanId ?? '', chainIds: afterCut.map((s) => s.spanId) },
    maxRows: maxSpans,
    attributeValueChars: VIEW_ATTRIBUTE_VALUE_CHARS,
  };
}

/**
 * At most maxSpans spans of a trace (every one when it holds no more), chosen as the file header says, with how
 * many it holds. Reads the full rows of the chosen spans only. spanCountHint: how many spans the trace's summary
 * counts, when the caller has it.
 */
export async function loadTraceView(
  ctx: QueryContext,
  traceId: string,
  bounds: TraceBounds,
  maxSpans: number,
  options: LoadSpansOptions = {},
  spanCountHint?: number,
): Promise<TraceView> {
  // A trace its summary says fits is read at once, one row past the cap to tell whether the summary was behind:
  // no key read first (each query has a fixed cost on the embedded engine, ~20 ms).
  if (spanCountHint !== undefined && spanCountHint > 0 && spanCountHint <= maxSpans) {
    const all = everySpan(maxSpans + 1);
    const spans = await loadFilteredSpans(ctx, traceId, bounds, options, all);
    if (spans.length <= maxSpans) return { spans, truncated: null };
  }
  const earliest = await keyRows(ctx, traceId, bounds, '1', {}, maxSpans + 1);
  if (earliest.length <= maxSpans) {
    const all = everySpan(maxSpans);
    return { spans: await loadFilteredSpans(ctx, traceId, bounds, options, all), truncated: null };
  }
  earliest.pop();
  const byId = new Map(earliest.map((span) => [span.spanId, span]));
  const [totalSpans, chain] = await Promise.all([
    countSpans(ctx, traceId, bounds),
    errorChains(ctx, traceId, bounds, byId, chainBudget(maxSpans)),
  ]);
  const spans = await loadFilteredSpans(
    ctx,
    traceId,
    bounds,
    options,
    selectionFilter(earliest, chain, maxSpans),
  );
  return { spans, truncated: { totalSpans, returnedSpans: spans.length } };
}
