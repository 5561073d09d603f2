// OTel GenAI semantic conventions, current and deprecated names. Current names win where both are present.
// Two registry entries read this file: spans with gen_ai.provider.name (current naming), and all other OTel
// GenAI spans (deprecated names, or names other instrumentations add next to their own).

import {
  isRecord,
  parseIfJson,
  parseJson,
  readFirstNumber,
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
  normalizeMessage,
  normalizeParts,
  optionalString,
  parseOtelMessages,
  textPart,
} from '../messages.js';
import type { Attributes, GenAIFacts, GenAIOperation, Message, MessagePart, SpanInput } from '../model.js';
import { operationFromSpanName } from '../operations.js';
import { normalizeProviderName } from '../providers.js';
import { toTokenUsage } from '../usage.js';
import { OPENLLMETRY } from './openllmetry.js';

/** OTel GenAI span/log event names. */
export const GEN_AI_EVENTS = {
  INFERENCE_OPERATION_DETAILS: 'gen_ai.client.inference.operation.details',
  /** Deprecated per-message events (the body moved to gen_ai.input.messages / gen_ai.output.messages). */
  SYSTEM_MESSAGE: 'gen_ai.system.message',
  USER_MESSAGE: 'gen_ai.user.message',
  ASSISTANT_MESSAGE: 'gen_ai.assistant.message',
  TOOL_MESSAGE: 'gen_ai.tool.message',
  CHOICE: 'gen_ai.choice',
  /** Older still: span events carrying gen_ai.prompt / gen_ai.completion as JSON. */
  CONTENT_PROMPT: 'gen_ai.content.prompt',
  CONTENT_COMPLETION: 'gen_ai.content.completion',
} as const;

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

/** True when the span carries an OTel GenAI signal attribute or a GenAI span event. */
function detectOtel(input: SpanInput): boolean {
  const hasGenAIEvents = (input.events ?? []).some((e) => GEN_AI_EVENT_NAMES.includes(e.name));
  return SIGNAL_ATTRIBUTES.some((key) => has(input.attributes, key)) || hasGenAIEvents;
}

/** Facts from OTel GenAI attributes and events; null when the span carries none. */
export function normalizeOtel(input: SpanInput): GenAIFacts | null {
  if (!detectOtel(input)) return null;
  const attrs = input.attributes;
  const events = input.events ?? [];

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

  Object.assign(facts, otelMessages(input));
  facts.finishReasons = firstNonEmpty(
    readStringList(attrs, GEN_AI.RESPONSE_FINISH_REASONS),
    finishReasonsOf(facts.outputMessages),
  );
  return finishFacts(facts, input);
}

// ---- Messages: attributes and span events ----

type Role = Message['role'];

/** gen_ai.* message attributes first, then span events, then the deprecated whole-prompt JSON. */
function otelMessages(input: SpanInput): ConventionMessages {
  const attrs = input.attributes;
  const fromEvents = parseEventMessages(input.events);
  return {
    systemInstructions: firstNonEmpty(
      parseSystemInstructions(attrs[GEN_AI.SYSTEM_INSTRUCTIONS]),
      fromEvents.systemInstructions,
    ),
    inputMessages: firstNonEmpty(
      parseOtelMessages(attrs[GEN_AI.INPUT_MESSAGES], 'user'),
      fromEvents.inputMessages,
      parseOtelMessages(attrs[GEN_AI_DEPRECATED.PROMPT], 'user'),
    ),
    outputMessages: firstNonEmpty(
      parseOtelMessages(attrs[GEN_AI.OUTPUT_MESSAGES], 'assistant'),
      fromEvents.outputMessages,
      parseOtelMessages(attrs[GEN_AI_DEPRECATED.COMPLETION], 'assistant'),
    ),
  };
}

/** gen_ai.system_instructions: a bare list of parts (structured or JSON), or plain text. */
export function parseSystemInstructions(value: unknown): MessagePart[] {
  if (value === null || value === undefined || value === '') return [];
  const parsed = typeof value === 'string' ? parseJson(value) : value;
  if (Array.isArray(parsed)) {
    // Some emitters send messages ({role, parts}) instead of parts: flatten them.
    return parsed.flatMap((item) =>
      isRecord(item) && Array.isArray(item.parts) ? normalizeParts(item.parts) : contentToParts(item),
    );
  }
  if (isRecord(parsed)) return contentToParts(parsed);
  return typeof value === 'string' ? [textPart(value)] : [];
}

const PER_MESSAGE_EVENT_ROLES: Record<string, Role> = {
  [GEN_AI_EVENTS.SYSTEM_MESSAGE]: 'system',
  [GEN_AI_EVENTS.USER_MESSAGE]: 'user',
  [GEN_AI_EVENTS.ASSISTANT_MESSAGE]: 'assistant',
  [GEN_AI_EVENTS.TOOL_MESSAGE]: 'tool',
};

/** An event's body: its attributes, or a JSON/structured body some bridges put in one attribute. */
function eventBody(attributes: Attributes): Record<string, unknown> {
  for (const key of ['body', 'gen_ai.event.content']) {
    const nested = parseIfJson(attributes[key]);
    if (isRecord(nested)) return nested;
  }
  return attributes;
}

export type EventMessages = ConventionMessages;

/**
 * Messages carried by span events: the current gen_ai.client.inference.operation.details event, the deprecated
 * per-message events (gen_ai.system/user/assistant/tool.message, gen_ai.choice) and the older
 * gen_ai.content.prompt / gen_ai.content.completion events.
 */
export function parseEventMessages(events: SpanInput['events']): EventMessages {
  const result: EventMessages = { systemInstructions: [], inputMessages: [], outputMessages: [] };
  const choices: { index: number; message: Message }[] = [];
  for (const event of events ?? []) {
    const attrs = event.attributes;
    if (event.name === GEN_AI_EVENTS.INFERENCE_OPERATION_DETAILS) {
      result.systemInstructions.push(...parseSystemInstructions(attrs[GEN_AI.SYSTEM_INSTRUCTIONS]));
      result.inputMessages.push(...parseOtelMessages(attrs[GEN_AI.INPUT_MESSAGES], 'user'));
      result.outputMessages.push(...parseOtelMessages(attrs[GEN_AI.OUTPUT_MESSAGES], 'assistant'));
    } else if (event.name === GEN_AI_EVENTS.CONTENT_PROMPT) {
      result.inputMessages.push(...parseOtelMessages(attrs[GEN_AI_DEPRECATED.PROMPT], 'user'));
    } else if (event.name === GEN_AI_EVENTS.CONTENT_COMPLETION) {
      result.outputMessages.push(...parseOtelMessages(attrs[GEN_AI_DEPRECATED.COMPLETION], 'assistant'));
    } else if (event.name === GEN_AI_EVENTS.CHOICE) {
      const body = eventBody(attrs);
      const raw = parseIfJson(body.message);
      const message = normalizeMessage(isRecord(raw) ? raw : { content: raw }, 'assistant');
      if (!message) continue;
      const finishReason = optionalString(body.finish_reason);
      if (finishReason !== undefined) message.finish_reason = finishReason;
      choices.push({ index: Number(body.index ?? choices.length) || 0, message });
    } else {
      const role = PER_MESSAGE_EVENT_ROLES[event.name];
      if (role === undefined) continue;
      const body = eventBody(attrs);
      const message = normalizeMessage(
        {
          role,
          content: body.content,
          tool_calls: body.tool_calls,
          tool_call_id: role === 'tool' ? body.id : undefined,
        },
        role,
      );
      if (message) result.inputMessages.push(message);
    }
  }
  choices.sort((a, b) => a.index - b.index);
  result.outputMessages.push(...choices.map((c) => c.message));
  return result;
}

// ---- Registry entries ----

/** gen_ai.provider.name (non-empty) marks an emitter that follows current naming. */
function hasCurrentProviderName(input: SpanInput): boolean {
  return readString(input.attributes, GEN_AI.PROVIDER_NAME) !== null;
}

/** OTel spans with gen_ai.provider.name: the most authoritative convention. */
/** OTel's message content: JSON in three attributes (the deprecated gen_ai.prompt.* are OpenLLMetry's). */
const OTEL_CONTENT = {
  keys: [GEN_AI.INPUT_MESSAGES, GEN_AI.OUTPUT_MESSAGES, GEN_AI.SYSTEM_INSTRUCTIONS],
  prefixes: [],
};

export const otelCurrent: ConventionMapper = {
  name: 'otel-current',
  detect: (input) => hasCurrentProviderName(input) && detectOtel(input),
  normalize: (input) => (hasCurrentProviderName(input) ? normalizeOtel(input) : null),
  messages: otelMessages,
  contentAttributes: OTEL_CONTENT,
};

/**
 * OTel spans without gen_ai.provider.name: deprecated names, or gen_ai.* names that other instrumentations add
 * next to their own (the facts say `otel_deprecated` only when deprecated names or events are present).
 */
export const otelDeprecated: ConventionMapper = {
  name: 'otel-deprecated',
  detect: (input) => !hasCurrentProviderName(input) && detectOtel(input),
  normalize: (input) => (hasCurrentProviderName(input) ? null : normalizeOtel(input)),
  messages: otelMessages,
  contentAttributes: OTEL_CONTENT,
};
