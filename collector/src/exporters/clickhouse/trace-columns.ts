// otel_traces as Native blocks (native.ts), column for column the values toTraceRow (rows.ts) gives the JSON
// path: the contrib exporter's columns, attribute values as pdata's AsString, instants clamped to DateTime64(9).
// The writer's hot path: no row object, no JSON, and the engine skips parsing text.
import type { Attributes } from '@beacon/semconv';
import { type EnrichedSpan, SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '../../model.js';
import { attributeValueToString } from './attributes.js';
import {
  dateTime64ArrayColumn,
  dateTime64Column,
  encodeNativeBlocks,
  type NativeColumn,
  type StringPairs,
  stringArrayColumn,
  stringColumn,
  stringMapArrayColumn,
  stringMapColumn,
  uint64Column,
} from './native.js';
import { clampNanos, spanDurationNanos } from './rows.js';

function attributePairs(attributes: Attributes): StringPairs {
  const keys = Object.keys(attributes);
  const values = new Array<string>(keys.length);
  for (let i = 0; i < keys.length; i++) values[i] = attributeValueToString(attributes[keys[i]!]);
  return { keys, values };
}

const eventsOf = (span: EnrichedSpan) => span.events;
const linksOf = (span: EnrichedSpan) => span.links;

/** In the table's column order (migration 0001); the ALIAS columns are computed by the engine. */
const TRACE_COLUMNS: readonly NativeColumn<EnrichedSpan>[] = [
  dateTime64Column('Timestamp', (span) => clampNanos(span.startTimeUnixNano)),
  stringColumn('TraceId', (span) => span.traceId),
  stringColumn('SpanId', (span) => span.spanId),
  stringColumn('ParentSpanId', (span) => span.parentSpanId),
  stringColumn('TraceState', (span) => span.traceState),
  stringColumn('SpanName', (span) => span.name),
  stringColumn('SpanKind', (span) => SPAN_KIND_NAMES[span.kind] ?? ''),
  stringColumn('ServiceName', (span) => span.serviceName),
  stringMapColumn('ResourceAttributes', (span) => attributePairs(span.resource)),
  stringColumn('ScopeName', (span) => span.scopeName),
  stringColumn('ScopeVersion', (span) => span.scopeVersion),
  stringMapColumn('SpanAttributes', (span) => attributePairs(span.attributes)),
  uint64Column('Duration', spanDurationNanos),
  stringColumn('StatusCode', (span) => STATUS_CODE_NAMES[span.statusCode] ?? ''),
  stringColumn('StatusMessage', (span) => span.statusMessage),
  dateTime64ArrayColumn('Events.Timestamp', eventsOf, (event) => clampNanos(event.timeUnixNano)),
  stringArrayColumn('Events.Name', eventsOf, (event) => event.name),
  stringMapArrayColumn('Events.Attributes', eventsOf, (event) => attributePairs(event.attributes)),
  stringArrayColumn('Links.TraceId', linksOf, (link) => link.traceId),
  stringArrayColumn('Links.SpanId', linksOf, (link) => link.spanId),
  stringArrayColumn('Links.TraceState', linksOf, (link) => link.traceState),
  stringMapArrayColumn('Links.Attributes', linksOf, (link) => attributePairs(link.attributes)),
];

export const TRACE_COLUMN_NAMES: readonly string[] = TRACE_COLUMNS.map((column) => column.name);

/** otel_traces rows of `spans` with the columns TRACE_COLUMN_NAMES, as Native blocks of NATIVE_BLOCK_ROWS rows. */
export function encodeTraceBlocks(spans: readonly EnrichedSpan[]): Buffer[] {
  return encodeNativeBlocks(TRACE_COLUMNS, spans);
}
