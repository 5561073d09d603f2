// Bounds what a client controls inside a span: how many attributes, events and links it carries and how long attribute
// values are (the OpenTelemetry SDK's span limits, enforced on arrival). Spans over a limit are kept, cut down, and
// flagged so a reader knows the stored span is not the whole story.
import type { Attributes, AttrValue } from '@beacon/semconv';
import type { DecodedSpan, SpanEvent } from '../model.js';

export interface SpanLimits {
  /** BEACON_MAX_ATTRIBUTES_PER_SPAN: the first N attributes are kept (per span, event and link). */
  maxAttributesPerSpan: number;
  /** BEACON_MAX_ATTRIBUTE_VALUE_CHARS: longer string values are cut to this many characters. */
  maxAttributeValueChars: number;
  /** BEACON_MAX_EVENTS_PER_SPAN: the first N events are kept; unset = unlimited. */
  maxEventsPerSpan?: number;
  /** BEACON_MAX_LINKS_PER_SPAN: the first N links are kept; unset = unlimited. */
  maxLinksPerSpan?: number;
}

/** Set on a span whose attributes were dropped or cut. */
export const TRUNCATED_ATTRIBUTE = 'beacon.truncated';
/** How many attributes were dropped from the span itself (OTLP's dropped_attributes_count, as an attribute). */
export const DROPPED_ATTRIBUTES_ATTRIBUTE = 'beacon.dropped_attributes_count';
/** How many events / links were dropped over their limits (OTLP's dropped_*_count, as attributes). */
export const DROPPED_EVENTS_ATTRIBUTE = 'beacon.dropped_events_count';
export const DROPPED_LINKS_ATTRIBUTE = 'beacon.dropped_links_count';

export interface LimitStats {
  /** Spans that were cut down (flagged with beacon.truncated). */
  truncatedSpans: number;
  /** Attributes dropped over the per-span limit (span, event and link attributes). */
  droppedAttributes: number;
  /** String values cut to the length limit. */
  truncatedValues: number;
  /** Events and links dropped over their per-span limits. */
  droppedEvents: number;
  droppedLinks: number;
}

export function emptyLimitStats(): LimitStats {
  return { truncatedSpans: 0, droppedAttributes: 0, truncatedValues: 0, droppedEvents: 0, droppedLinks: 0 };
}

interface Cut {
  dropped: number;
  truncatedValues: number;
}

function limitValue(value: AttrValue, maxChars: number, cut: Cut): AttrValue {
  if (typeof value === 'string') {
    if (value.length <= maxChars) return value;
    cut.truncatedValues++;
    return value.slice(0, maxChars);
  }
  if (Array.isArray(value)) return value.map((item) => limitValue(item, maxChars, cut));
  if (value !== null && typeof value === 'object') return limitAttributes(value, maxChars, Infinity, cut);
  return value;
}

/** The first `maxCount` attributes with their string values cut to `maxChars`; the rest counted in `cut`. */
function limitAttributes(attributes: Attributes, maxChars: number, maxCount: number, cut: Cut): Attributes {
  const out: Attributes = {};
  let kept = 0;
  for (const [key, value] of Object.entries(attributes)) {
    if (kept >= maxCount) {
      cut.dropped++;
      continue;
    }
    kept++;
    Object.defineProperty(out, key, {
      value: limitValue(value, maxChars, cut),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Whether a value holds a string longer than `maxChars` (what limitValue would cut), without copying anything. */
function valueOver(value: AttrValue, maxChars: number): boolean {
  if (typeof value === 'string') return value.length > maxChars;
  if (Array.isArray(value)) return value.some((item) => valueOver(item, maxChars));
  if (value !== null && typeof value === 'object') return attributesOver(value, maxChars, Infinity);
  return false;
}

function attributesOver(attributes: Attributes, maxChars: number, maxCount: number): boolean {
  let count = 0;
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    if (++count > maxCount || valueOver(attributes[key]!, maxChars)) return true;
  }
  return false;
}

/** The span within the limits: itself when nothing was over, else a cut-down copy flagged beacon.truncated. */
export function limitSpan(span: DecodedSpan, limits: SpanLimits, stats: LimitStats): DecodedSpan {
  const { maxAttributesPerSpan: maxCount, maxAttributeValueChars: maxChars } = limits;
  const maxEvents = limits.maxEventsPerSpan ?? Infinity;
  const maxLinks = limits.maxLinksPerSpan ?? Infinity;
  // Almost every span is within the limits: find that out without building the copies.
  if (
    span.events.length <= maxEvents &&
    span.links.length <= maxLinks &&
    !attributesOver(span.attributes, maxChars, maxCount) &&
    !span.events.some((event) => attributesOver(event.attributes, maxChars, maxCount)) &&
    !span.links.some((link) => attributesOver(link.attributes, maxChars, maxCount))
  )
    return span;
  const own: Cut = { dropped: 0, truncatedValues: 0 };
  const attributes = limitAttributes(span.attributes, maxChars, maxCount, own);
  const nested: Cut = { dropped: 0, truncatedValues: 0 };
  // The first events and links are kept, as the SDKs' span limits keep the first ones recorded.
  const events = span.events.slice(0, maxEvents).map(
    (event): SpanEvent => ({
      ...event,
      attributes: limitAttributes(event.attributes, maxChars, maxCount, nested),
    }),
  );
  const links = span.links.slice(0, maxLinks).map((link) => ({
    ...link,
    attributes: limitAttributes(link.attributes, maxChars, maxCount, nested),
  }));
  const dropped = own.dropped + nested.dropped;
  const truncatedValues = own.truncatedValues + nested.truncatedValues;
  const droppedEvents = span.events.length - events.length;
  const droppedLinks = span.links.length - links.length;
  if (dropped === 0 && truncatedValues === 0 && droppedEvents === 0 && droppedLinks === 0) return span;

  stats.truncatedSpans++;
  stats.droppedAttributes += dropped;
  stats.truncatedValues += truncatedValues;
  stats.droppedEvents += droppedEvents;
  stats.droppedLinks += droppedLinks;
  attributes[TRUNCATED_ATTRIBUTE] = true;
  if (own.dropped > 0) attributes[DROPPED_ATTRIBUTES_ATTRIBUTE] = own.dropped;
  if (droppedEvents > 0) attributes[DROPPED_EVENTS_ATTRIBUTE] = droppedEvents;
  if (droppedLinks > 0) attributes[DROPPED_LINKS_ATTRIBUTE] = droppedLinks;
  return { ...span, attributes, events, links };
}
