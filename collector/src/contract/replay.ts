// Replay: re-run an LLM-call span with edits (POST /api/v1/replay) and the prompt versions each replay saves.
import type { Message } from '@beacon/semconv';
import type { TokenUsageView } from './traces.js';

/** openai_compatible: any endpoint speaking OpenAI's chat completions (Ollama, vLLM, LiteLLM, …). */
export type ReplayProvider = 'openai' | 'anthropic' | 'openai_compatible';

export interface ReplayTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: Record<string, unknown>;
}

/** The editable parts of a model call: what a prompt version stores and what a replay sends. */
export interface PromptEdit {
  provider: ReplayProvider;
  model: string;
  /** System instructions as text; null for none. */
  system: string | null;
  /** The conversation sent to the model (OTel GenAI message parts). */
  messages: Message[];
  temperature: number | null;
  maxTokens: number | null;
  tools: ReplayTool[];
}

/**
 * POST /api/v1/replay. Every field but traceId/spanId is optional and defaults to the original call's value
 * (provider from the span's gen_ai.provider.name: openai → openai, anthropic → anthropic, anything else →
 * openai_compatible). With `stream: true` the answer is text/event-stream: `delta` events ({ text }) as tokens
 * arrive, then one `result` event (ReplayResult) or one `error` event (ApiErrorBody).
 */
export interface ReplayRequest extends Partial<PromptEdit> {
  traceId: string;
  spanId: string;
  /** Endpoint base URL, e.g. http://localhost:11434/v1; default: the provider's configured one. */
  baseUrl?: string;
  /** Used for this call only: never stored, logged or returned. Default: the collector's configured key. */
  apiKey?: string;
  stream?: boolean;
  /** Label of the prompt version this replay saves. */
  label?: string;
}

export interface DiffOp {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

export interface ReplayCallView {
  traceId: string;
  spanId: string;
  provider: string | null;
  model: string | null;
  /** The completion as text (text parts joined; tool calls rendered as `name(arguments)`). */
  output: string;
  outputMessages: Message[];
  finishReasons: string[];
  usage: TokenUsageView;
  costUsd: number | null;
  durationMs: number;
}

export interface ReplayResult {
  original: ReplayCallView;
  /** The new call; traceId/spanId are those of the replay's own trace, which links to the original span. */
  replay: ReplayCallView;
  /** Word-level diff from original.output to replay.output. */
  diff: DiffOp[];
  /** The prompt version this replay saved. */
  version: PromptVersion;
}

export interface PromptVersion {
  id: string;
  /** Groups the versions of one prompt: the source span's service and agent (or span name). */
  promptKey: string;
  /** 1, 2, … within promptKey. */
  version: number;
  label: string | null;
  createdAt: string;
  sourceTraceId: string;
  sourceSpanId: string;
  edit: PromptEdit;
  /** The replay trace run with this version; null for a restored version not yet run. */
  replayTraceId: string | null;
}

/** GET /api/v1/prompts/versions?traceId=&spanId= (or ?promptKey=) — newest first. */
export interface PromptVersionListResponse {
  promptKey: string;
  versions: PromptVersion[];
}
