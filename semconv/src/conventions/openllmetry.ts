// OpenLLMetry / Traceloop: traceloop.span.kind + traceloop.entity.*, llm.request.type, flattened
// gen_ai.prompt.N.* / gen_ai.completion.N.*, llm.usage.total_tokens, gen_ai.usage.cache_*_input_tokens.
// Recent Traceloop releases emit current OTel names instead; normalizeOtel reads those.

import {
  asString,
  collectIndexed,
  hasKeyWithPrefix,
  parseIfJson,
  readFirstNumber,
  readString,
  readStringList,
  toJsonText,
} from '../attribute-values.js';
import { GEN_AI, GEN_AI_DEPRECATED, OPERATION } from '../attributes.js';
import type { ConventionMapper, ConventionMessages } from '../convention-mapper.js';
import { createFacts, finishFacts } from '../facts.js';
import { compact, normalizeMessage } from '../messages.js';
import type { Attributes, AttrValue, GenAIFacts, GenAIOperation, Message, SpanInput } from '../model.js';
import { normalizeProviderName } from '../providers.js';
import { toTokenUsage } from '../usage.js';

/** OpenLLMetry / Traceloop attributes (legacy flattened names; newer versions emit OTel current names). */
export const OPENLLMETRY = {
  SPAN_KIND: 'traceloop.span.kind',
  WORKFLOW_NAME: 'traceloop.workflow.name',
  ENTITY_NAME: 'traceloop.entity.name',
  ENTITY_PATH: 'traceloop.entity.path',
  ENTITY_INPUT: 'traceloop.entity.input',
  ENTITY_OUTPUT: 'traceloop.entity.output',
  ASSOCIATION_PROPERTIES: 'traceloop.association.properties',
  LLM_REQUEST_TYPE: 'llm.request.type',
  LLM_USAGE_TOTAL_TOKENS: 'llm.usage.total_tokens',
  USAGE_TOTAL_TOKENS: 'gen_ai.usage.total_tokens',
  USAGE_CACHE_READ_INPUT_TOKENS: 'gen_ai.usage.cache_read_input_tokens',
  USAGE_CACHE_CREATION_INPUT_TOKENS: 'gen_ai.usage.cache_creation_input_tokens',
  USAGE_REASONING_TOKENS: 'gen_ai.usage.reasoning_tokens',
  /** Flattened: gen_ai.prompt.<i>.role|content|tool_call_id|tool_calls.<j>.id|name|arguments */
  PROMPT_PREFIX: 'gen_ai.prompt',
  /** Flattened: gen_ai.completion.<i>.role|content|finish_reason|tool_calls.<j>.* */
  COMPLETION_PREFIX: 'gen_ai.completion',
} as const;

/** `traceloop.span.kind` values. */
export const OPENLLMETRY_SPAN_KIND = {
  WORKFLOW: 'workflow',
  TASK: 'task',
  AGENT: 'agent',
  TOOL: 'tool',
  SESSION: 'session',
} as const;

/** `llm.request.type` values. */
export const OPENLLMETRY_REQUEST_TYPE = {
  CHAT: 'chat',
  COMPLETION: 'completion',
  EMBEDDING: 'embedding',
  RERANK: 'rerank',
} as const;

// ---- messages ----

type Role = Message['role'];

function openLLMetryMessage(group: Record<string, AttrValue>, fallbackRole: Role): Message {
  const role = asString(group.role) ?? fallbackRole;
  const raw: Record<string, unknown> = { role, content: group.content };
  const toolCallId = asString(group.tool_call_id);
  if (toolCallId !== null) raw.tool_call_id = toolCallId;
  const message = normalizeMessage(raw, fallbackRole) ?? { role, parts: [] };
  for (const call of collectIndexed(group, 'tool_calls').values()) {
    message.parts.push(
      compact({
        type: 'tool_call',
        id: asString(call.id) ?? undefined,
        name: asString(call.name) ?? '',
        arguments: parseIfJson(call.arguments),
      }),
    );
  }
  const functionName = asString(group['function_call.name']);
  if (functionName !== null) {
    message.parts.push(
      compact({
        type: 'tool_call',
        name: functionName,
        arguments: parseIfJson(group['function_call.arguments']),
      }),
    );
  }
  const finishReason = asString(group.finish_reason);
  if (finishReason !== null) message.finish_reason = finishReason;
  return message;
}

/** OpenLLMetry flattened prompts (`gen_ai.prompt`) or completions (`gen_ai.completion`). */
export function parseOpenLLMetryMessages(attrs: Attributes, prefix: string, fallbackRole: Role): Message[] {
  return [...collectIndexed(attrs, prefix).values()].map((group) => openLLMetryMessage(group, fallbackRole));
}

/**
 * Keys that make a span OpenLLMetry's. Not traceloop.workflow.name, traceloop.entity.path or association
 * properties: the Traceloop SDK copies those onto every span in a workflow, HTTP and DB spans included.
 */
const SIGNAL_PREFIXES: readonly string[] = [
  OPENLLMETRY.SPAN_KIND,
  OPENLLMETRY.LLM_REQUEST_TYPE,
  OPENLLMETRY.LLM_USAGE_TOTAL_TOKENS,
  OPENLLMETRY.USAGE_CACHE_READ_INPUT_TOKENS,
  OPENLLMETRY.USAGE_CACHE_CREATION_INPUT_TOKENS,
  `${OPENLLMETRY.PROMPT_PREFIX}.0.`,
  `${OPENLLMETRY.COMPLETION_PREFIX}.0.`,
];

const SPAN_KIND_OPERATIONS: Record<string, GenAIOperation> = {
  [OPENLLMETRY_SPAN_KIND.WORKFLOW]: OPERATION.INVOKE_WORKFLOW,
  [OPENLLMETRY_SPAN_KIND.AGENT]: OPERATION.INVOKE_AGENT,
  [OPENLLMETRY_SPAN_KIND.TOOL]: OPERATION.EXECUTE_TOOL,
};

const REQUEST_TYPE_OPERATIONS: Record<string, GenAIOperation> = {
  [OPENLLMETRY_REQUEST_TYPE.CHAT]: OPERATION.CHAT,
  [OPENLLMETRY_REQUEST_TYPE.COMPLETION]: OPERATION.TEXT_COMPLETION,
  [OPENLLMETRY_REQUEST_TYPE.EMBEDDING]: OPERATION.EMBEDDINGS,
  [OPENLLMETRY_REQUEST_TYPE.RERANK]: OPERATION.RERANK,
};

function operationOf(spanKind: string | null, attrs: Attributes): GenAIOperation {
  if (spanKind !== null) return SPAN_KIND_OPERATIONS[spanKind] ?? spanKind; // task, session: kept verbatim
  const requestType = readString(attrs, OPENLLMETRY.LLM_REQUEST_TYPE);
  if (requestType !== null) return REQUEST_TYPE_OPERATIONS[requestType] ?? requestType;
  return readString(attrs, GEN_AI.OPERATION_NAME) ?? OPERATION.CHAT;
}

/** Session id from association properties (user-chosen keys; these are the documented examples). */
function conversationIdOf(attrs: Attributes): string | null {
  for (const key of ['session_id', 'conversation_id', 'chat_id', 'thread_id']) {
    const value = readString(attrs, `${OPENLLMETRY.ASSOCIATION_PROPERTIES}.${key}`);
    if (value !== null) return value;
  }
  return null;
}

/** Facts from OpenLLMetry attributes; null when the span carries none. */
export function normalizeOpenLLMetry(input: SpanInput): GenAIFacts | null {
  const attrs = input.attributes;
  if (!hasKeyWithPrefix(attrs, SIGNAL_PREFIXES)) return null;

  const spanKind = readString(attrs, OPENLLMETRY.SPAN_KIND);
  const facts = createFacts('openllmetry', operationOf(spanKind, attrs));
  const entityName = readString(attrs, OPENLLMETRY.ENTITY_NAME);

  facts.provider = normalizeProviderName(
    readString(attrs, GEN_AI.PROVIDER_NAME) ?? readString(attrs, GEN_AI_DEPRECATED.SYSTEM),
  );
  facts.requestModel = readString(attrs, GEN_AI.REQUEST_MODEL);
  facts.responseModel = readString(attrs, GEN_AI.RESPONSE_MODEL);
  facts.responseId = readString(attrs, GEN_AI.RESPONSE_ID);
  facts.conversationId = readString(attrs, GEN_AI.CONVERSATION_ID) ?? conversationIdOf(attrs);
  facts.agentName =
    readString(attrs, GEN_AI.AGENT_NAME) ?? (spanKind === OPENLLMETRY_SPAN_KIND.AGENT ? entityName : null);
  if (spanKind === OPENLLMETRY_SPAN_KIND.TOOL) {
    facts.toolName = readString(attrs, GEN_AI.TOOL_NAME) ?? entityName;
    facts.toolType = 'function';
    facts.toolArguments = toJsonText(attrs[OPENLLMETRY.ENTITY_INPUT]);
    facts.toolResult = toJsonText(attrs[OPENLLMETRY.ENTITY_OUTPUT]);
  }

  // OpenLLMetry passes the provider's raw prompt count (Anthropic: excluding cache).
  facts.usage = toTokenUsage(
    {
      input: readFirstNumber(attrs, [GEN_AI_DEPRECATED.USAGE_PROMPT_TOKENS, GEN_AI.USAGE_INPUT_TOKENS]),
      output: readFirstNumber(attrs, [GEN_AI_DEPRECATED.USAGE_COMPLETION_TOKENS, GEN_AI.USAGE_OUTPUT_TOKENS]),
      cacheRead: readFirstNumber(attrs, [
        OPENLLMETRY.USAGE_CACHE_READ_INPUT_TOKENS,
        GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS,
      ]),
      cacheWrite: readFirstNumber(attrs, [
        OPENLLMETRY.USAGE_CACHE_CREATION_INPUT_TOKENS,
        GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS,
      ]),
      reasoning: readFirstNumber(attrs, [
        OPENLLMETRY.USAGE_REASONING_TOKENS,
        GEN_AI.USAGE_REASONING_OUTPUT_TOKENS,
      ]),
    },
    'provider_raw',
    facts.provider,
    facts.responseModel ?? facts.requestModel,
  );

  const messages = openLLMetryMessages(input);
  facts.inputMessages = messages.inputMessages;
  facts.outputMessages = messages.outputMessages;
  const finishReasons = readStringList(attrs, GEN_AI.RESPONSE_FINISH_REASONS);
  facts.finishReasons =
    finishReasons.length > 0
      ? finishReasons
      : facts.outputMessages.map((m) => m.finish_reason).filter((r): r is string => r !== undefined);
  return finishFacts(facts, input);
}

function openLLMetryMessages(input: SpanInput): ConventionMessages {
  const attrs = input.attributes;
  return {
    systemInstructions: [],
    inputMessages: parseOpenLLMetryMessages(attrs, OPENLLMETRY.PROMPT_PREFIX, 'user'),
    outputMessages: parseOpenLLMetryMessages(attrs, OPENLLMETRY.COMPLETION_PREFIX, 'assistant'),
  };
}

export const openLLMetry: ConventionMapper = {
  name: 'openllmetry',
  detect: (input) => hasKeyWithPrefix(input.attributes, SIGNAL_PREFIXES),
  normalize: normalizeOpenLLMetry,
  messages: openLLMetryMessages,
  contentAttributes: {
    keys: [],
    prefixes: [`${OPENLLMETRY.PROMPT_PREFIX}.`, `${OPENLLMETRY.COMPLETION_PREFIX}.`],
  },
};
