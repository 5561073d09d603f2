// One interface over the model providers a replay (or an analysis refinement) can call: OpenAI, Anthropic and
// any OpenAI-compatible endpoint. Implemented in [4/9] with the official SDKs (`openai`, `@anthropic-ai/sdk`).
import type { Message } from '@beacon/semconv';
import type { ReplayProvider, ReplayTool } from '../contract/index.js';

export interface ModelCall {
  provider: ReplayProvider;
  baseUrl: string;
  /** Sent to the provider only; never logged, stored or put in an error message. */
  apiKey: string | undefined;
  model: string;
  system: string | null;
  messages: Message[];
  temperature: number | null;
  maxTokens: number | null;
  tools: ReplayTool[];
  timeoutMs: number;
  /** When set the call streams, and each text delta is passed here as it arrives. */
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
}

export interface ModelCompletion {
  responseModel: string | null;
  responseId: string | null;
  /** The answer as OTel GenAI messages (text and tool_call parts). */
  outputMessages: Message[];
  finishReasons: string[];
  usage: {
    inputTokens: number | null;
    outputTokens: number | null;
    cacheReadTokens: number | null;
    cacheWriteTokens: number | null;
  };
}

/** A provider answered with an error, or could not be reached; `message` never contains the key. */
export class ModelCallError extends Error {
  override name = 'ModelCallError';
  constructor(
    message: string,
    /** The provider's HTTP status, when it answered. */
    readonly status: number | null,
  ) {
    super(message);
  }
}

export type CallModel = (call: ModelCall) => Promise<ModelCompletion>;
