// The ClickHouse exporter: spans → rows (rows.ts) → batched, retried inserts (writer.ts).
export { attributesToMap, attributeValueToString } from './attributes.js';
export { addressMessage, type ContentAddressedMessage, canonicalJson, RecentMessages } from './messages.js';
export {
  type BatchRows,
  type FailureRow,
  type GenAIRow,
  type MessageRow,
  type TraceRow,
  toBatchRows,
  toDateTime64,
  toFailureRow,
  toGenAIRow,
  toTraceRow,
} from './rows.js';
export {
  backoffDelay,
  ClickHouseWriter,
  type ClickHouseWriterOptions,
  type ClickHouseWriterStats,
} from './writer.js';
