// Vercel AI SDK telemetry (`experimental_telemetry`): spans named by ai.operationId.
//
// Double counting: one generateText call yields an outer `ai.generateText` span (whole call, all steps) and one
// inner `ai.generateText.doGenerate` span per model call, and BOTH carry ai.usage.* (the outer one the sum).
// The inner doGenerate/doStream/doEmbed spans are the model calls (chat / embeddings) and keep their usage.
// The outer span is the tool loop around them: ai.generateText / ai.streamText → invoke_agent (named by
// ai.telemetry.functionId), ai.generateObject / streamObject / embed / embedMany / rerank → invoke_workflow.
// Outer spans report NO usage (all token fields null), so summing usage over all spans counts each call once.

import {
  hasKeyWithPrefix,
  isRecord,
  parseJson,
  readFirstNumber,
  readFirstString,
  readNumber,
  readString,
  readStringList,
  toJsonText,
} from '../attribute-values.js';
import { GEN_AI, GEN_AI_DEPRECATED, OPERATION } from '../attributes.js';
import type { ConventionMapper, ConventionMessages } from '../convention-mapper.js';
import { createFacts, finishFacts } from '../facts.js';
import {
  contentToParts,
  normalizeMessages,
  normalizeParts,
  parseOtelMessages,
  textPart,
} from '../messages.js';
import type { Attributes, GenAIFacts, GenAIOperation, Message, MessagePart, SpanInput } from '../model.js';
import { normalizeProviderName } from '../providers.js';
import { toTokenUsage } from '../usage.js';

/** Vercel AI SDK (`ai` package) telemetry attributes. */
export const VERCEL_AI = {
  OPERATION_ID: 'ai.operationId',
  FUNCTION_ID: 'ai.telemetry.functionId',
  METADATA_PREFIX: 'ai.telemetry.metadata.',
  MODEL_PROVIDER: 'ai.model.provider',
  MODEL_ID: 'ai.model.id',
  PROMPT: 'ai.prompt',
  PROMPT_MESSAGES: 'ai.prompt.messages',
  PROMPT_TOOLS: 'ai.prompt.tools',
  RESPONSE_TEXT: 'ai.response.text',
  RESPONSE_REASONING: 'ai.response.reasoning',
  RESPONSE_OBJECT: 'ai.response.object',
  RESPONSE_TOOL_CALLS: 'ai.response.toolCalls',
  RESPONSE_FINISH_REASON: 'ai.response.finishReason',
  RESPONSE_ID: 'ai.response.id',
  RESPONSE_MODEL: 'ai.response.model',
  RESPONSE_MS_TO_FIRST_CHUNK: 'ai.response.msToFirstChunk',
  USAGE_INPUT_TOKENS: 'ai.usage.inputTokens',
  USAGE_OUTPUT_TOKENS: 'ai.usage.outputTokens',
  USAGE_TOTAL_TOKENS: 'ai.usage.totalTokens',
  USAGE_REASONING_TOKENS: 'ai.usage.reasoningTokens',
  USAGE_CACHED_INPUT_TOKENS: 'ai.usage.cachedInputTokens',
  USAGE_INPUT_NO_CACHE_TOKENS: 'ai.usage.inputTokenDetails.noCacheTokens',
  USAGE_INPUT_CACHE_READ_TOKENS: 'ai.usage.inputTokenDetails.cacheReadTokens',
  USAGE_INPUT_CACHE_WRITE_TOKENS: 'ai.usage.inputTokenDetails.cacheWriteTokens',
  USAGE_OUTPUT_REASONING_TOKENS: 'ai.usage.outputTokenDetails.reasoningTokens',
  /** AI SDK ≤ 4 names. */
  USAGE_PROMPT_TOKENS: 'ai.usage.promptTokens',
  USAGE_COMPLETION_TOKENS: 'ai.usage.completionTokens',
  /** Embedding calls. */
  USAGE_TOKENS: 'ai.usage.tokens',
  TOOL_CALL_NAME: 'ai.toolCall.name',
  TOOL_CALL_ID: 'ai.toolCall.id',
  TOOL_CALL_ARGS: 'ai.toolCall.args',
  TOOL_CALL_RESULT: 'ai.toolCall.result',
} as const;

/** Vercel AI SDK span names (= `ai.operationId`). */
export const VERCEL_AI_SPAN = {
  GENERATE_TEXT: 'ai.generateText',
  GENERATE_TEXT_DO_GENERATE: 'ai.generateText.doGenerate',
  STREAM_TEXT: 'ai.streamText',
  STREAM_TEXT_DO_STREAM: 'ai.streamText.doStream',
  GENERATE_OBJECT: 'ai.generateObject',
  GENERATE_OBJECT_DO_GENERATE: 'ai.generateObject.doGenerate',
  STREAM_OBJECT: 'ai.streamObject',
  STREAM_OBJECT_DO_STREAM: 'ai.streamObject.doStream',
  EMBED: 'ai.embed',
  EMBED_DO_EMBED: 'ai.embed.doEmbed',
  EMBED_MANY: 'ai.embedMany',
  EMBED_MANY_DO_EMBED: 'ai.embedMany.doEmbed',
  RERANK: 'ai.rerank',
  RERANK_DO_RERANK: 'ai.rerank.doRerank',
  TOOL_CALL: 'ai.toolCall',
} as const;

// ---- messages ----

/** `ai.prompt.messages`: JSON of the provider-level prompt ([{role, content: string | parts[]}]). */
export function parseVercelPromptMessages(value: unknown): Message[] {
  return parseOtelMessages(value, 'user');
}

/** Outer-span `ai.prompt`: JSON {system?, prompt?, messages?}. */
export function parseVercelPrompt(value: unknown): {
  systemInstructions: MessagePart[];
  messages: Message[];
} {
  const parsed = typeof value === 'string' ? parseJson(value) : value;
  if (!isRecord(parsed)) {
    return { systemInstructions: [], messages: parseOtelMessages(value, 'user') };
  }
  const systemInstructions = contentToParts(parsed.system);
  const messages: Message[] = [];
  if (typeof parsed.prompt === 'string') messages.push({ role: 'user', parts: [textPart(parsed.prompt)] });
  else if (Array.isArray(parsed.prompt)) messages.push(...normalizeMessages(parsed.prompt, 'user'));
  if (Array.isArray(parsed.messages)) messages.push(...normalizeMessages(parsed.messages, 'user'));
  return { systemInstructions, messages };
}

/** The assistant message of a Vercel AI call: ai.response.reasoning / text / object / toolCalls. */
export function parseVercelResponse(attrs: Attributes): Message[] {
  const parts: MessagePart[] = [];
  const reasoning = readString(attrs, VERCEL_AI.RESPONSE_REASONING);
  if (reasoning !== null) parts.push({ type: 'reasoning', content: reasoning });
  const responseText =
    readString(attrs, VERCEL_AI.RESPONSE_TEXT) ?? readString(attrs, VERCEL_AI.RESPONSE_OBJECT);
  if (responseText !== null) parts.push(textPart(responseText));
  const toolCalls = attrs[VERCEL_AI.RESPONSE_TOOL_CALLS];
  if (toolCalls !== undefined && toolCalls !== null) {
    const list = typeof toolCalls === 'string' ? parseJson(toolCalls) : toolCalls;
    if (Array.isArray(list)) {
      parts.push(
        ...normalizeParts(list.map((call) => (isRecord(call) ? { type: 'tool-call', ...call } : call))),
      );
    } else if (typeof toolCalls === 'string') {
      parts.push(textPart(toolCalls));
    }
  }
  if (parts.length === 0) return [];
  const message: Message = { role: 'assistant', parts };
  const finishReason = readString(attrs, VERCEL_AI.RESPONSE_FINISH_REASON);
  if (finishReason !== null) message.finish_reason = finishReason;
  return [message];
}

const OPERATIONS: Record<string, GenAIOperation> = {
  [VERCEL_AI_SPAN.GENERATE_TEXT]: OPERATION.INVOKE_AGENT,
  [VERCEL_AI_SPAN.STREAM_TEXT]: OPERATION.INVOKE_AGENT,
  [VERCEL_AI_SPAN.GENERATE_OBJECT]: OPERATION.INVOKE_WORKFLOW,
  [VERCEL_AI_SPAN.STREAM_OBJECT]: OPERATION.INVOKE_WORKFLOW,
  [VERCEL_AI_SPAN.EMBED]: OPERATION.INVOKE_WORKFLOW,
  [VERCEL_AI_SPAN.EMBED_MANY]: OPERATION.INVOKE_WORKFLOW,
  [VERCEL_AI_SPAN.RERANK]: OPERATION.INVOKE_WORKFLOW,
  [VERCEL_AI_SPAN.GENERATE_TEXT_DO_GENERATE]: OPERATION.CHAT,
  [VERCEL_AI_SPAN.STREAM_TEXT_DO_STREAM]: OPERATION.CHAT,
  [VERCEL_AI_SPAN.GENERATE_OBJECT_DO_GENERATE]: OPERATION.CHAT,
  [VERCEL_AI_SPAN.STREAM_OBJECT_DO_STREAM]: OPERATION.CHAT,
  [VERCEL_AI_SPAN.EMBED_DO_EMBED]: OPERATION.EMBEDDINGS,
  [VERCEL_AI_SPAN.EMBED_MANY_DO_EMBED]: OPERATION.EMBEDDINGS,
  [VERCEL_AI_SPAN.RERANK_DO_RERANK]: OPERATION.RERANK,
  [VERCEL_AI_SPAN.TOOL_CALL]: OPERATION.EXECUTE_TOOL,
};

/** The AI SDK operation id: the `ai.operationId` attribute, else a span name the SDK is known to use. */
function operationIdOf(input: SpanInput): string | null {
  const id = readString(input.attributes, VERCEL_AI.OPERATION_ID);
  if (id !== null) return id;
  return OPERATIONS[input.name] !== undefined ? input.name : null;
}

/** Operation for an id; unknown future ids still map by their shape (`ai.x.doY` is the model call). */
function operationOf(operationId: string): GenAIOperation {
  const known = OPERATIONS[operationId];
  if (known !== undefined) return known;
  if (/^ai\.[A-Za-z]+\.do[A-Z]/.test(operationId)) return OPERATION.CHAT;
  return OPERATION.INVOKE_WORKFLOW;
}

function conversationIdOf(attrs: Attributes): string | null {
  return readFirstString(
    attrs,
    ['sessionId', 'conversationId', 'threadId', 'session_id', 'conversation_id'].map(
      (key) => `${VERCEL_AI.METADATA_PREFIX}${key}`,
    ),
  );
}

function usageOf(
  attrs: Attributes,
  operation: GenAIOperation,
  provider: string | null,
  model: string | null,
) {
  // AI SDK 6 reports inputTokens as the total and breaks it down in inputTokenDetails; AI SDK ≤ 5 passed the
  // provider's raw count (Anthropic: excluding cache) with cachedInputTokens beside it.
  const hasDetails = hasKeyWithPrefix(attrs, ['ai.usage.inputTokenDetails.']);
  const embedding = operation === OPERATION.EMBEDDINGS;
  return toTokenUsage(
    {
      input: embedding
        ? readFirstNumber(attrs, [VERCEL_AI.USAGE_TOKENS, VERCEL_AI.USAGE_INPUT_TOKENS])
        : readFirstNumber(attrs, [VERCEL_AI.USAGE_INPUT_TOKENS, VERCEL_AI.USAGE_PROMPT_TOKENS]),
      output: readFirstNumber(attrs, [VERCEL_AI.USAGE_OUTPUT_TOKENS, VERCEL_AI.USAGE_COMPLETION_TOKENS]),
      cacheRead: readFirstNumber(attrs, [
        VERCEL_AI.USAGE_INPUT_CACHE_READ_TOKENS,
        VERCEL_AI.USAGE_CACHED_INPUT_TOKENS,
      ]),
      cacheWrite: readNumber(attrs, VERCEL_AI.USAGE_INPUT_CACHE_WRITE_TOKENS),
      reasoning: readFirstNumber(attrs, [
        VERCEL_AI.USAGE_OUTPUT_REASONING_TOKENS,
        VERCEL_AI.USAGE_REASONING_TOKENS,
      ]),
    },
    hasDetails ? 'includes_cache' : 'provider_raw',
    provider,
    model,
  );
}

/** Facts from Vercel AI SDK spans; null for spans that are not the AI SDK's. */
export function normalizeVercelAI(input: SpanInput): GenAIFacts | null {
  const attrs = input.attributes;
  const operationId = operationIdOf(input);
  if (operationId === null) return null;

  const operation = operationOf(operationId);
  const facts = createFacts('vercel_ai', operation);
  facts.provider = normalizeProviderName(
    readString(attrs, VERCEL_AI.MODEL_PROVIDER) ?? readString(attrs, GEN_AI_DEPRECATED.SYSTEM),
  );
  facts.requestModel = readString(attrs, VERCEL_AI.MODEL_ID) ?? readString(attrs, GEN_AI.REQUEST_MODEL);
  facts.responseModel =
    readString(attrs, VERCEL_AI.RESPONSE_MODEL) ?? readString(attrs, GEN_AI.RESPONSE_MODEL);
  facts.responseId = readString(attrs, VERCEL_AI.RESPONSE_ID) ?? readString(attrs, GEN_AI.RESPONSE_ID);
  facts.conversationId = conversationIdOf(attrs);

  if (operation === OPERATION.EXECUTE_TOOL) {
    facts.toolName = readString(attrs, VERCEL_AI.TOOL_CALL_NAME);
    facts.toolCallId = readString(attrs, VERCEL_AI.TOOL_CALL_ID);
    facts.toolType = 'function';
    facts.toolArguments = toJsonText(attrs[VERCEL_AI.TOOL_CALL_ARGS]);
    facts.toolResult = toJsonText(attrs[VERCEL_AI.TOOL_CALL_RESULT]);
    return finishFacts(facts, input);
  }

  const isModelCall = operation === OPERATION.CHAT || operation === OPERATION.EMBEDDINGS;
  if (isModelCall || operation === OPERATION.RERANK) {
    facts.usage = usageOf(attrs, operation, facts.provider, facts.responseModel ?? facts.requestModel);
  }
  if (operation === OPERATION.INVOKE_AGENT) facts.agentName = readString(attrs, VERCEL_AI.FUNCTION_ID);

  const messages = vercelMessages(input);
  facts.systemInstructions = messages.systemInstructions;
  facts.inputMessages = messages.inputMessages;
  facts.outputMessages = messages.outputMessages;
  const finishReason = readString(attrs, VERCEL_AI.RESPONSE_FINISH_REASON);
  facts.finishReasons =
    finishReason !== null ? [finishReason] : readStringList(attrs, GEN_AI.RESPONSE_FINISH_REASONS);
  return finishFacts(facts, input);
}

/** The prompt (the provider-level messages when present, else the outer span's prompt) and the response. */
function vercelMessages(input: SpanInput): ConventionMessages {
  const attrs = input.attributes;
  const out: ConventionMessages = {
    systemInstructions: [],
    inputMessages: [],
    outputMessages: parseVercelResponse(attrs),
  };
  if (attrs[VERCEL_AI.PROMPT_MESSAGES] !== undefined) {
    out.inputMessages = parseVercelPromptMessages(attrs[VERCEL_AI.PROMPT_MESSAGES]);
  } else if (attrs[VERCEL_AI.PROMPT] !== undefined) {
    const prompt = parseVercelPrompt(attrs[VERCEL_AI.PROMPT]);
    out.systemInstructions = prompt.systemInstructions;
    out.inputMessages = prompt.messages;
  }
  return out;
}

export const vercelAI: ConventionMapper = {
  name: 'vercel-ai',
  detect: (input) => operationIdOf(input) !== null,
  normalize: normalizeVercelAI,
  messages: vercelMessages,
  contentAttributes: { keys: [VERCEL_AI.PROMPT_MESSAGES], prefixes: [] },
};
