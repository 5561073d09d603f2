// beacon_genai_spans as Native blocks (native.ts), column for column the GenAIRow (rows.ts) the JSON path sends:
// the row's values, already made valid for their columns, and the instants from the span itself (the row holds them
// as DateTime64 text). LowCardinality columns are sent as String: the insert's SELECT converts them.
import {
  dateTime64Column,
  encodeNativeBlocks,
  type NativeColumn,
  nullableFloat64Column,
  nullableUInt32Column,
  stringArrayColumn,
  stringColumn,
  uint8Column,
  uint16Column,
  uint64Column,
} from './native.js';
import { clampNanos, type GenAIEntry, type GenAIRow, spanDurationNanos } from './rows.js';

type StringField = {
  [K in keyof GenAIRow]: GenAIRow[K] extends string ? K : never;
}[keyof GenAIRow];
type NullableNumberField = {
  [K in keyof GenAIRow]: GenAIRow[K] extends number | null ? (null extends GenAIRow[K] ? K : never) : never;
}[keyof GenAIRow];

const text = (field: StringField) => stringColumn<GenAIEntry>(field, (entry) => entry.row[field]);
const tokenCount = (field: NullableNumberField) =>
  nullableUInt32Column<GenAIEntry>(field, (entry) => entry.row[field]);
const usd = (field: NullableNumberField) =>
  nullableFloat64Column<GenAIEntry>(field, (entry) => entry.row[field]);
const hashes = (
  field: 'FinishReasons' | 'InputMessageHashes' | 'OutputMessageHashes' | 'SystemInstructionHashes',
) =>
  stringArrayColumn<GenAIEntry, string>(
    field,
    (entry) => entry.row[field],
    (item) => item,
  );

/** Every column of beacon_genai_spans (migrations 0002 and 0011). */
const GENAI_COLUMNS: readonly NativeColumn<GenAIEntry>[] = [
  dateTime64Column('Timestamp', (entry) => clampNanos(entry.span.startTimeUnixNano)),
  text('TraceId'),
  text('SpanId'),
  text('ParentSpanId'),
  text('ServiceName'),
  text('SpanName'),
  uint64Column('Duration', (entry) => spanDurationNanos(entry.span)),
  text('StatusCode'),
  text('Convention'),
  text('Operation'),
  uint8Column('IsInference', (entry) => entry.row.IsInference),
  text('Provider'),
  text('RequestModel'),
  text('ResponseModel'),
  text('ResponseId'),
  text('AgentName'),
  text('AgentId'),
  text('ToolName'),
  text('ToolCallId'),
  text('ToolType'),
  text('ToolArguments'),
  text('ToolResult'),
  text('ConversationId'),
  tokenCount('InputTokens'),
  tokenCount('OutputTokens'),
  tokenCount('CacheReadTokens'),
  tokenCount('CacheWriteTokens'),
  tokenCount('ReasoningTokens'),
  usd('CostUsd'),
  usd('InputCostUsd'),
  usd('OutputCostUsd'),
  usd('ReportedCostUsd'),
  text('PriceSource'),
  text('PriceEntry'),
  text('PriceDataVersion'),
  uint8Column('Unpriced', (entry) => entry.row.Unpriced),
  uint8Column('UsageMissing', (entry) => entry.row.UsageMissing),
  hashes('FinishReasons'),
  text('ErrorType'),
  hashes('InputMessageHashes'),
  hashes('OutputMessageHashes'),
  hashes('SystemInstructionHashes'),
  uint16Column('LoopRepeats', (entry) => entry.row.LoopRepeats),
];

export const GENAI_COLUMN_NAMES: readonly string[] = GENAI_COLUMNS.map((column) => column.name);

/** beacon_genai_spans rows with the columns GENAI_COLUMN_NAMES, as Native blocks of NATIVE_BLOCK_ROWS rows. */
export function encodeGenAIBlocks(entries: readonly GenAIEntry[]): Buffer[] {
  return encodeNativeBlocks(GENAI_COLUMNS, entries);
}
