// beacon_genai_spans: the normalized GenAI facts of each GenAI span, keyed by (TraceId, SpanId). Unknown strings
// are '' (ClickHouse style); unknown token counts and costs are NULL, never 0. Messages are stored once each in
// beacon_messages and referenced here by content hash.
import { TABLES } from '../tables.js';
import type { TableDdl } from './ddl.js';
import { ttlClause } from './retention.js';
import { defineMigration, type Migration, type SchemaContext } from './types.js';

function genaiSpansTable(ctx: SchemaContext): TableDdl {
  return {
    kind: 'table',
    table: TABLES.genaiSpans,
    columns: `    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    Duration UInt64 CODEC(T64, ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    Convention LowCardinality(String) CODEC(ZSTD(1)),
    Operation LowCardinality(String) CODEC(ZSTD(1)),
    IsInference UInt8 CODEC(ZSTD(1)),
    Provider LowCardinality(String) CODEC(ZSTD(1)),
    RequestModel LowCardinality(String) CODEC(ZSTD(1)),
    ResponseModel LowCardinality(String) CODEC(ZSTD(1)),
    ResponseId String CODEC(ZSTD(1)),
    AgentName LowCardinality(String) CODEC(ZSTD(1)),
    AgentId String CODEC(ZSTD(1)),
    ToolName LowCardinality(String) CODEC(ZSTD(1)),
    ToolCallId String CODEC(ZSTD(1)),
    ToolType LowCardinality(String) CODEC(ZSTD(1)),
    ToolArguments String CODEC(ZSTD(3)),
    ToolResult String CODEC(ZSTD(3)),
    ConversationId String CODEC(ZSTD(1)),
    InputTokens Nullable(UInt32) CODEC(ZSTD(1)),
    OutputTokens Nullable(UInt32) CODEC(ZSTD(1)),
    CacheReadTokens Nullable(UInt32) CODEC(ZSTD(1)),
    CacheWriteTokens Nullable(UInt32) CODEC(ZSTD(1)),
    ReasoningTokens Nullable(UInt32) CODEC(ZSTD(1)),
    CostUsd Nullable(Float64) CODEC(ZSTD(1)),
    InputCostUsd Nullable(Float64) CODEC(ZSTD(1)),
    OutputCostUsd Nullable(Float64) CODEC(ZSTD(1)),
    ReportedCostUsd Nullable(Float64) CODEC(ZSTD(1)),
    PriceSource LowCardinality(String) CODEC(ZSTD(1)),
    PriceEntry LowCardinality(String) CODEC(ZSTD(1)),
    PriceDataVersion LowCardinality(String) CODEC(ZSTD(1)),
    Unpriced UInt8 CODEC(ZSTD(1)),
    UsageMissing UInt8 CODEC(ZSTD(1)),
    FinishReasons Array(LowCardinality(String)) CODEC(ZSTD(1)),
    ErrorType LowCardinality(String) CODEC(ZSTD(1)),
    InputMessageHashes Array(String) CODEC(ZSTD(1)),
    OutputMessageHashes Array(String) CODEC(ZSTD(1)),
    SystemInstructionHashes Array(String) CODEC(ZSTD(1)),
    INDEX idx_agent_name AgentName TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_request_model RequestModel TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_conversation_id ConversationId TYPE bloom_filter(0.01) GRANULARITY 1`,
    engine: 'MergeTree',
    clauses: `PARTITION BY toDate(Timestamp)
ORDER BY (TraceId, SpanId)
${ttlClause(TABLES.genaiSpans, ctx.retentionDays)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
    shardingKey: 'cityHash64(TraceId)',
  };
}

export const genaiSpans: Migration = defineMigration({
  version: 2,
  name: 'beacon_genai_spans',
  objects: (ctx) => [genaiSpansTable(ctx)],
});
