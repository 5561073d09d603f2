// OTel GenAI semantic conventions, current and deprecated names. Current names win where both are present.

import { readFirstNumber, readNumber, readString, readStringList, toJsonText } from './attribute-values.js';
import { GEN_AI, GEN_AI_DEPRECATED, GEN_AI_EVENTS, OPENLLMETRY, OPERATION } from './attributes.js';
import { createFacts, finishFacts } from './facts.js';
import { parseEventMessages, parseOtelMessages, parseSystemInstructions } from './messages.js';
import type { Attributes, GenAIFacts, GenAIOperation, Message, SpanInput } from './model.js';
import { operationFromSpanName } from './operations.js';
import { normalizeProviderName } from './providers.js';
import { toTokenUsage } from './usage.js';

/**
 * Attributes that make a span a GenAI span by themselves. Not gen_ai.conversation.id or gen_ai.agent.*: SDKs
 * propagate those (as baggage) onto every span of a conversation or agent run, HTTP spans included.
 */
const SIGNAL_ATTRIBUTES: readonly string[] = [
  GEN_AI.OPERATION_NAME,
  GEN_AI.PROVIDER_NAME,
  GEN_AI.REQUEST_MODEL,
  GEN_AI.RESPONSE_MODEL,
  GEN_AI.USAGE_INPUT_TOKENS,
  GEN_AI.USAGE_OUTPUT_TOKENS,
  GEN_AI.TOOL_NAME,
  GEN_AI.INPUT_MESSAGES,
  GEN_AI.OUTPUT_MESSAGES,
  GEN_AI_DEPRECATED.SYSTEM,
  GEN_AI_DEPRECATED.USAGE_PROMPT_TOKENS,
  GEN_AI_DEPRECATED.USAGE_COMPLETION_TOKENS,
  GEN_AI_DEPRECATED.PROMPT,
  GEN_AI_DEPRECATED.COMPLETION,
];

const DEPRECATED_ATTRIBUTES: readonly string[] = [
  GEN_AI_DEPRECATED.SYSTEM,
  GEN_AI_DEPRECATED.USAGE_PROMPT_TOKENS,
  GEN_AI_DEPRECATED.USAGE_COMPLETION_TOKENS,
  GEN_AI_DEPRECATED.PROMPT,
  GEN_AI_DEPRECATED.COMPLETION,
];

const DEPRECATED_EVENTS: readonly string[] = [
  GEN_AI_EVENTS.SYSTEM_MESSAGE,
  GEN_AI_EVENTS.USER_MESSAGE,
  GEN_AI_EVENTS.ASSISTANT_MESSAGE,
  GEN_AI_EVENTS.TOOL_MESSAGE,
  GEN_AI_EVENTS.CHOICE,
  GEN_AI_EVENTS.CONTENT_PROMPT,
  GEN_AI_EVENTS.CONTENT_COMPLETION,
];

const GEN_AI_EVENT_NAMES: readonly string[] = [
  GEN_AI_EVENTS.INFERENCE_OPERATION_DETAILS,
  ...DEPRECATED_EVENTS,
];

function has(attrs: Attributes, key: string): boolean {
  return attrs[key] !== undefined && attrs[key] !== null;
}

function inferOperation(input: SpanInput, facts: GenAIFacts): GenAIOperation {
  const explicit = readString(input.attributes, GEN_AI.OPERATION_NAME);
  if (explicit !== null) return explicit;
  const fromName = operationFromSpanName(input.name);
  if (fromName !== null) return fromName;
  if (facts.toolName !== null) return OPERATION.EXECUTE_TOOL;
  if (facts.agentName !== null || facts.agentId !== null) return OPERATION.INVOKE_AGENT;
  if (has(input.attributes, GEN_AI.EMBEDDINGS_DIMENSION_COUNT)) return OPERATION.EMBEDDINGS;
  return OPERATION.CHAT;
}

function firstNonEmpty<T>(...lists: T[][]): T[] {
  return lists.find((list) => list.length > 0) ?? [];
}

function finishReasonsOf(messages: Message[]): string[] {
  return messages.map((m) => m.finish_reason).filter((r): r is string => r !== undefined);
}

/** Facts from OTel GenAI attributes and events; null when the span carries none. */
export function normalizeOtel(input: SpanInput): GenAIFacts | null {
  const attrs = input.attributes;
  const events = input.events ?? [];
  const hasGenAIEvents = events.some((e) => GEN_AI_EVENT_NAMES.includes(e.name));
  if (!SIGNAL_ATTRIBUTES.some((key) => has(attrs, key)) && !hasGenAIEvents) return null;

  const usesCurrentProvider = has(attrs, GEN_AI.PROVIDER_NAME);
  const usesDeprecated =
    DEPRECATED_ATTRIBUTES.some((key) => has(attrs, key)) ||
    events.some((e) => DEPRECATED_EVENTS.includes(e.name));
  const facts = createFacts(
    !usesCurrentProvider && usesDeprecated ? 'otel_deprecated' : 'otel',
    OPERATION.CHAT,
  );

  facts.provider = normalizeProviderName(
    readString(attrs, GEN_AI.PROVIDER_NAME) ?? readString(attrs, GEN_AI_DEPRECATED.SYSTEM),
  );
  facts.requestModel = readString(attrs, GEN_AI.REQUEST_MODEL);
  facts.responseModel = readString(attrs, GEN_AI.RESPONSE_MODEL);
  facts.responseId = readString(attrs, GEN_AI.RESPONSE_ID);
  facts.agentName = readString(attrs, GEN_AI.AGENT_NAME);
  facts.agentId = readString(attrs, GEN_AI.AGENT_ID);
  facts.toolName = readString(attrs, GEN_AI.TOOL_NAME);
  facts.toolCallId = readString(attrs, GEN_AI.TOOL_CALL_ID);
  facts.toolType = readString(attrs, GEN_AI.TOOL_TYPE);
  facts.toolArguments = toJsonText(attrs[GEN_AI.TOOL_CALL_ARGUMENTS]);
  facts.toolResult = toJsonText(attrs[GEN_AI.TOOL_CALL_RESULT]);
  facts.conversationId = readString(attrs, GEN_AI.CONVERSATION_ID);
  facts.operation = inferOperation(input, facts);

  // Current names promise an input count that includes cache tokens; only with gen_ai.provider.name do we
  // know the emitter follows the current spec (the OpenAI instrumentation mixes gen_ai.system + input_tokens).
  const inputTokens = readNumber(attrs, GEN_AI.USAGE_INPUT_TOKENS);
  const semantics = inputTokens !== null && usesCurrentProvider ? 'includes_cache' : 'provider_raw';
  facts.usage = toTokenUsage(
    {
      input: inputTokens ?? readNumber(attrs, GEN_AI_DEPRECATED.USAGE_PROMPT_TOKENS),
      output: readFirstNumber(attrs, [GEN_AI.USAGE_OUTPUT_TOKENS, GEN_AI_DEPRECATED.USAGE_COMPLETION_TOKENS]),
      // Pre-standard spellings (OpenLLMetry's) are still emitted next to current names by some instrumentations.
      cacheRead: readFirstNumber(attrs, [
        GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS,
        OPENLLMETRY.USAGE_CACHE_READ_INPUT_TOKENS,
      ]),
      cacheWrite: readFirstNumber(attrs, [
        GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS,
        OPENLLMETRY.USAGE_CACHE_CREATION_INPUT_TOKENS,
      ]),
      reasoning: readFirstNumber(attrs, [
        GEN_AI.USAGE_REASONING_OUTPUT_TOKENS,
        OPENLLMETRY.USAGE_REASONING_TOKENS,
      ]),
    },
    semantics,
    facts.provider,
    facts.responseModel ?? facts.requestModel,
  );

  const fromEvents = parseEventMessages(events);
  facts.systemInstructions = firstNonEmpty(
    parseSystemInstructions(attrs[GEN_AI.SYSTEM_INSTRUCTIONS]),
    fromEvents.systemInstructions,
  );
  facts.inputMessages = firstNonEmpty(
    parseOtelMessages(attrs[GEN_AI.INPUT_MESSAGES], 'user'),
    fromEvents.inputMessages,
    parseOtelMessages(attrs[GEN_AI_DEPRECATED.PROMPT], 'user'),
  );
  facts.outputMessages = firstNonEmpty(
    parseOtelMessages(attrs[GEN_AI.OUTPUT_MESSAGES], 'assistant'),
    fromEvents.outputMessages,
    parseOtelMessages(attrs[GEN_AI_DEPRECATED.COMPLETION], 'assistant'),
  );
  facts.finishReasons = firstNonEmpty(
    readStringList(attrs, GEN_AI.RESPONSE_FINISH_REASONS),
    finishReasonsOf(facts.outputMessages),
  );
  return finishFacts(facts, input);
}
