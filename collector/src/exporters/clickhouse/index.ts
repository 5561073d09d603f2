// The ClickHouse exporter: spans → rows (rows.ts) → batched, retried inserts (writer.ts, composing queue.ts,
// retry.ts and reconcile.ts).
export { attributesToMap, attributeValueToString } from './attributes.js';
export { addressMessage, type ContentAddressedMessage, canonicalJson, RecentMessages } from './messages.js';
export { backoffDelay } from './retry.js';
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
  ClickHouseWriter,
  type ClickHouseWriterOptions,
  type ClickHouseWriterStats,
} from './writer.js';
