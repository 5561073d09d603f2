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
  readFirstNumber,
  readFirstString,
  readNumber,
  readString,
  readStringList,
  toJsonText,
} from './attribute-values.js';
import { GEN_AI, GEN_AI_DEPRECATED, OPERATION, VERCEL_AI, VERCEL_AI_SPAN } from './attributes.js';
import { createFacts, finishFacts } from './facts.js';
import { parseVercelPrompt, parseVercelPromptMessages, parseVercelResponse } from './messages.js';
import type { Attributes, GenAIFacts, GenAIOperation, SpanInput } from './model.js';
import { normalizeProviderName } from './providers.js';
import { toTokenUsage } from './usage.js';

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

  if (attrs[VERCEL_AI.PROMPT_MESSAGES] !== undefined) {
    facts.inputMessages = parseVercelPromptMessages(attrs[VERCEL_AI.PROMPT_MESSAGES]);
  } else if (attrs[VERCEL_AI.PROMPT] !== undefined) {
    const prompt = parseVercelPrompt(attrs[VERCEL_AI.PROMPT]);
    facts.systemInstructions = prompt.systemInstructions;
    facts.inputMessages = prompt.messages;
  }
  facts.outputMessages = parseVercelResponse(attrs);
  const finishReason = readString(attrs, VERCEL_AI.RESPONSE_FINISH_REASON);
  facts.finishReasons =
    finishReason !== null ? [finishReason] : readStringList(attrs, GEN_AI.RESPONSE_FINISH_REASONS);
  return finishFacts(facts, input);
}
