// The normalized GenAI span model: what every convention in the wild is mapped to.
// Pure types, shared by the SDK, the collector and the browser.

/** An OTLP attribute value after decoding (AnyValue). Bytes arrive as base64 strings. */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

/**
 * Which convention a span's GenAI facts were read from: the built-in ones, or any other registered in
 * conventions/index.ts (open, so that adding a convention needs no edit here).
 */
export type Convention =
  | 'otel'
  | 'otel_deprecated'
  | 'openinference'
  | 'openllmetry'
  | 'vercel_ai'
  | (string & {});

/** OTel `gen_ai.operation.name` values, plus any string seen in the wild. */
export type GenAIOperation =
  | 'chat'
  | 'text_completion'
  | 'generate_content'
  | 'embeddings'
  | 'retrieval'
  | 'create_agent'
  | 'invoke_agent'
  | 'execute_tool'
  | 'invoke_workflow'
  | (string & {});

/** Message parts, as in the OTel GenAI input/output message JSON schema. */
export type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response?: unknown }
  | { type: 'blob'; modality?: string; mime_type?: string; content?: string }
  | { type: 'uri'; modality?: string; uri: string }
  | { type: 'file'; modality?: string; file_id: string }
  | { type: string; [key: string]: unknown };

export interface Message {
  role: 'system' | 'user' | 'assistant' | 'tool' | (string & {});
  parts: MessagePart[];
  name?: string;
  /** Output messages only. */
  finish_reason?: string;
}

/**
 * Token counts. `inputTokens` always INCLUDES cache reads and cache writes (OTel semantics), whatever the
 * source convention or provider reported; `outputTokens` includes reasoning tokens.
 */
export interface TokenUsage {
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  reasoningTokens: number | null;
}

/** What a span says about the GenAI work it records, whichever convention emitted it. */
export interface GenAIFacts {
  convention: Convention;
  operation: GenAIOperation;
  /** OTel provider name (`openai`, `anthropic`, `aws.bedrock`, `gcp.gemini`, ...), deprecated values upgraded. */
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  responseId: string | null;
  agentName: string | null;
  agentId: string | null;
  toolName: string | null;
  toolCallId: string | null;
  toolType: string | null;
  /** Tool call arguments / result as JSON text when captured. */
  toolArguments: string | null;
  toolResult: string | null;
  conversationId: string | null;
  usage: TokenUsage;
  finishReasons: string[];
  errorType: string | null;
  systemInstructions: MessagePart[];
  inputMessages: Message[];
  outputMessages: Message[];
  /** Cost reported by the instrumentation itself (e.g. OpenInference llm.cost.total), kept beside Beacon's. */
  reportedCostUsd: number | null;
  /** An inference span (chat, text_completion, generate_content, embeddings) without token usage. */
  usageMissing: boolean;
}

/** Inputs a mapper sees: one span, decoded. */
export interface SpanInput {
  name: string;
  /** OTLP SpanKind 0..5 */
  kind: number;
  attributes: Attributes;
  resourceAttributes?: Attributes;
  /** Span events (deprecated per-message events carry content). */
  events?: { name: string; attributes: Attributes }[];
  /** OTLP status code 0 UNSET, 1 OK, 2 ERROR */
  statusCode?: number;
  statusMessage?: string;
}

/** The priced outcome of one span. */
export interface CostResult {
  /** null when the model is unknown: never 0 or a guess. */
  costUsd: number | null;
  inputCostUsd: number | null;
  outputCostUsd: number | null;
  /** 'genai-prices' | 'override' | null when unpriced */
  priceSource: 'genai-prices' | 'override' | null;
  /** The price entry used: `<provider id>/<model id>` from the price data or the override file. */
  priceEntry: string | null;
  /** Version of the price data used (package version + data timestamp, or the override file's version). */
  priceDataVersion: string | null;
  /** Usage was present but no price matched the model. */
  unpriced: boolean;
}
