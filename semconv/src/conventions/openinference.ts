// OpenInference (Arize Phoenix): openinference.span.kind, llm.*, flattened messages, tool.*, agent.name, session.id.

import {
  asString,
  collectIndexed,
  hasKeyWithPrefix,
  parseIfJson,
  readFirstString,
  readNumber,
  readString,
  readStringList,
  toJsonText,
} from '../attribute-values.js';
import { OPERATION } from '../attributes.js';
import type { ConventionMapper, ConventionMessages } from '../convention-mapper.js';
import { createFacts, finishFacts } from '../facts.js';
import { compact, contentToParts, mediaPart, parseOtelMessages, textPart } from '../messages.js';
import type {
  Attributes,
  AttrValue,
  GenAIFacts,
  GenAIOperation,
  Message,
  MessagePart,
  SpanInput,
} from '../model.js';
import { normalizeProviderName } from '../providers.js';
import { toTokenUsage } from '../usage.js';

/** OpenInference (Arize) attributes. Flattened lists use `<prefix>.<index>.<suffix>`. */
export const OPENINFERENCE = {
  SPAN_KIND: 'openinference.span.kind',
  INPUT_VALUE: 'input.value',
  INPUT_MIME_TYPE: 'input.mime_type',
  OUTPUT_VALUE: 'output.value',
  OUTPUT_MIME_TYPE: 'output.mime_type',
  LLM_PROVIDER: 'llm.provider',
  LLM_SYSTEM: 'llm.system',
  LLM_MODEL_NAME: 'llm.model_name',
  LLM_REQUEST_MODEL_NAME: 'llm.request.model_name',
  LLM_RESPONSE_MODEL_NAME: 'llm.response.model_name',
  LLM_INVOCATION_PARAMETERS: 'llm.invocation_parameters',
  LLM_INPUT_MESSAGES: 'llm.input_messages',
  LLM_OUTPUT_MESSAGES: 'llm.output_messages',
  LLM_PROMPTS: 'llm.prompts',
  LLM_TOOLS: 'llm.tools',
  LLM_FINISH_REASON: 'llm.finish_reason',
  LLM_TOKEN_COUNT_PROMPT: 'llm.token_count.prompt',
  LLM_TOKEN_COUNT_COMPLETION: 'llm.token_count.completion',
  LLM_TOKEN_COUNT_TOTAL: 'llm.token_count.total',
  LLM_TOKEN_COUNT_PROMPT_CACHE_READ: 'llm.token_count.prompt_details.cache_read',
  LLM_TOKEN_COUNT_PROMPT_CACHE_WRITE: 'llm.token_count.prompt_details.cache_write',
  LLM_TOKEN_COUNT_COMPLETION_REASONING: 'llm.token_count.completion_details.reasoning',
  LLM_COST_PROMPT: 'llm.cost.prompt',
  LLM_COST_COMPLETION: 'llm.cost.completion',
  LLM_COST_TOTAL: 'llm.cost.total',
  EMBEDDING_MODEL_NAME: 'embedding.model_name',
  RERANKER_MODEL_NAME: 'reranker.model_name',
  TOOL_NAME: 'tool.name',
  TOOL_ID: 'tool.id',
  TOOL_DESCRIPTION: 'tool.description',
  TOOL_PARAMETERS: 'tool.parameters',
  AGENT_NAME: 'agent.name',
  SESSION_ID: 'session.id',
  USER_ID: 'user.id',
  GRAPH_NODE_NAME: 'graph.node.name',
  /** Suffixes inside one flattened message. */
  MESSAGE_ROLE: 'message.role',
  MESSAGE_CONTENT: 'message.content',
  MESSAGE_CONTENTS: 'message.contents',
  MESSAGE_NAME: 'message.name',
  MESSAGE_TOOL_CALLS: 'message.tool_calls',
  MESSAGE_TOOL_CALL_ID: 'message.tool_call_id',
  MESSAGE_FUNCTION_CALL_NAME: 'message.function_call_name',
  MESSAGE_FUNCTION_CALL_ARGUMENTS: 'message.function_call_arguments_json',
  MESSAGE_CONTENT_TYPE: 'message_content.type',
  MESSAGE_CONTENT_TEXT: 'message_content.text',
  MESSAGE_CONTENT_IMAGE_URL: 'message_content.image.image.url',
  TOOL_CALL_ID: 'tool_call.id',
  TOOL_CALL_FUNCTION_NAME: 'tool_call.function.name',
  TOOL_CALL_FUNCTION_ARGUMENTS: 'tool_call.function.arguments',
} as const;

/** `openinference.span.kind` values. */
export const OPENINFERENCE_SPAN_KIND = {
  LLM: 'LLM',
  CHAIN: 'CHAIN',
  TOOL: 'TOOL',
  RETRIEVER: 'RETRIEVER',
  RERANKER: 'RERANKER',
  EMBEDDING: 'EMBEDDING',
  AGENT: 'AGENT',
  GUARDRAIL: 'GUARDRAIL',
  EVALUATOR: 'EVALUATOR',
  PROMPT: 'PROMPT',
} as const;

// ---- messages ----

type Role = Message['role'];

function openInferenceMessage(group: Record<string, AttrValue>, fallbackRole: Role): Message {
  const role = asString(group[OPENINFERENCE.MESSAGE_ROLE]) ?? fallbackRole;
  const parts: MessagePart[] = [];
  const content = group[OPENINFERENCE.MESSAGE_CONTENT];
  if (content !== undefined) parts.push(...contentToParts(content));
  for (const item of collectIndexed(group, OPENINFERENCE.MESSAGE_CONTENTS).values()) {
    const type = asString(item[OPENINFERENCE.MESSAGE_CONTENT_TYPE]);
    const imageUrl = asString(item[OPENINFERENCE.MESSAGE_CONTENT_IMAGE_URL]);
    const itemText = asString(item[OPENINFERENCE.MESSAGE_CONTENT_TEXT]);
    if (type === 'image' || imageUrl !== null) parts.push(mediaPart(imageUrl ?? '', undefined, 'image'));
    else if (itemText !== null) parts.push(textPart(itemText));
  }
  const toolCallId = asString(group[OPENINFERENCE.MESSAGE_TOOL_CALL_ID]);
  if (role === 'tool' && toolCallId !== null) {
    const response = parts.length === 1 && parts[0]?.type === 'text' ? parts[0].content : parts;
    parts.splice(0, parts.length, { type: 'tool_call_response', id: toolCallId, response });
  }
  for (const call of collectIndexed(group, OPENINFERENCE.MESSAGE_TOOL_CALLS).values()) {
    parts.push(
      compact({
        type: 'tool_call',
        id: asString(call[OPENINFERENCE.TOOL_CALL_ID]) ?? undefined,
        name: asString(call[OPENINFERENCE.TOOL_CALL_FUNCTION_NAME]) ?? '',
        arguments: parseIfJson(call[OPENINFERENCE.TOOL_CALL_FUNCTION_ARGUMENTS]),
      }),
    );
  }
  const functionName = asString(group[OPENINFERENCE.MESSAGE_FUNCTION_CALL_NAME]);
  if (functionName !== null) {
    parts.push(
      compact({
        type: 'tool_call',
        name: functionName,
        arguments: parseIfJson(group[OPENINFERENCE.MESSAGE_FUNCTION_CALL_ARGUMENTS]),
      }),
    );
  }
  const message: Message = { role, parts };
  const name = asString(group[OPENINFERENCE.MESSAGE_NAME]);
  if (name !== null) message.name = name;
  return message;
}

/** OpenInference flattened messages under `llm.input_messages` or `llm.output_messages`. */
export function parseOpenInferenceMessages(attrs: Attributes, prefix: string, fallbackRole: Role): Message[] {
  const whole = attrs[prefix];
  if (whole !== undefined) return parseOtelMessages(whole, fallbackRole); // unflattened (JSON) variant
  return [...collectIndexed(attrs, prefix).values()].map((group) =>
    openInferenceMessage(group, fallbackRole),
  );
}

/** Keys only OpenInference emits (OpenLLMetry's llm.request.type / llm.usage.* are deliberately absent). */
const SIGNAL_PREFIXES: readonly string[] = [
  OPENINFERENCE.SPAN_KIND,
  OPENINFERENCE.LLM_MODEL_NAME,
  OPENINFERENCE.LLM_PROVIDER,
  OPENINFERENCE.LLM_SYSTEM,
  OPENINFERENCE.LLM_INVOCATION_PARAMETERS,
  'llm.token_count.',
  'llm.cost.',
  OPENINFERENCE.LLM_INPUT_MESSAGES,
  OPENINFERENCE.LLM_OUTPUT_MESSAGES,
  OPENINFERENCE.EMBEDDING_MODEL_NAME,
];

const KIND_OPERATIONS: Record<string, GenAIOperation> = {
  [OPENINFERENCE_SPAN_KIND.LLM]: OPERATION.CHAT,
  [OPENINFERENCE_SPAN_KIND.EMBEDDING]: OPERATION.EMBEDDINGS,
  [OPENINFERENCE_SPAN_KIND.TOOL]: OPERATION.EXECUTE_TOOL,
  [OPENINFERENCE_SPAN_KIND.AGENT]: OPERATION.INVOKE_AGENT,
  [OPENINFERENCE_SPAN_KIND.CHAIN]: OPERATION.INVOKE_WORKFLOW,
  [OPENINFERENCE_SPAN_KIND.RETRIEVER]: OPERATION.RETRIEVAL,
  [OPENINFERENCE_SPAN_KIND.RERANKER]: OPERATION.RERANK,
};

function operationOf(kind: string | null, attrs: Attributes): GenAIOperation {
  const upper = kind?.toUpperCase() ?? OPENINFERENCE_SPAN_KIND.LLM;
  const operation = KIND_OPERATIONS[upper];
  if (operation === undefined) return upper.toLowerCase(); // GUARDRAIL, EVALUATOR, PROMPT: kept verbatim
  // Legacy completions API: prompts instead of messages.
  const isCompletion =
    operation === OPERATION.CHAT &&
    hasKeyWithPrefix(attrs, [OPENINFERENCE.LLM_PROMPTS]) &&
    !hasKeyWithPrefix(attrs, [OPENINFERENCE.LLM_INPUT_MESSAGES]);
  return isCompletion ? OPERATION.TEXT_COMPLETION : operation;
}

function reportedCost(attrs: Attributes): number | null {
  const total = readNumber(attrs, OPENINFERENCE.LLM_COST_TOTAL);
  if (total !== null) return total;
  const prompt = readNumber(attrs, OPENINFERENCE.LLM_COST_PROMPT);
  const completion = readNumber(attrs, OPENINFERENCE.LLM_COST_COMPLETION);
  return prompt === null && completion === null ? null : (prompt ?? 0) + (completion ?? 0);
}

/** Facts from OpenInference attributes; null when the span carries none. */
export function normalizeOpenInference(input: SpanInput): GenAIFacts | null {
  const attrs = input.attributes;
  if (!hasKeyWithPrefix(attrs, SIGNAL_PREFIXES)) return null;

  const kind = readString(attrs, OPENINFERENCE.SPAN_KIND);
  const facts = createFacts('openinference', operationOf(kind, attrs));
  const isKind = (k: string) => kind?.toUpperCase() === k;

  // llm.provider is who served the call (aws, azure, google); llm.system is the model family (anthropic, openai).
  facts.provider = normalizeProviderName(
    readString(attrs, OPENINFERENCE.LLM_PROVIDER) ?? readString(attrs, OPENINFERENCE.LLM_SYSTEM),
  );
  // llm.model_name is set from the request and overwritten with the response's model when one arrives.
  const modelName = isKind(OPENINFERENCE_SPAN_KIND.EMBEDDING)
    ? readFirstString(attrs, [OPENINFERENCE.EMBEDDING_MODEL_NAME, OPENINFERENCE.LLM_MODEL_NAME])
    : isKind(OPENINFERENCE_SPAN_KIND.RERANKER)
      ? readString(attrs, OPENINFERENCE.RERANKER_MODEL_NAME)
      : readString(attrs, OPENINFERENCE.LLM_MODEL_NAME);
  facts.requestModel = readString(attrs, OPENINFERENCE.LLM_REQUEST_MODEL_NAME) ?? modelName;
  facts.responseModel = readString(attrs, OPENINFERENCE.LLM_RESPONSE_MODEL_NAME) ?? modelName;

  facts.conversationId = readString(attrs, OPENINFERENCE.SESSION_ID);
  facts.agentName =
    readString(attrs, OPENINFERENCE.AGENT_NAME) ??
    (isKind(OPENINFERENCE_SPAN_KIND.AGENT)
      ? (readString(attrs, OPENINFERENCE.GRAPH_NODE_NAME) ?? (input.name || null))
      : null);
  facts.toolName = readString(attrs, OPENINFERENCE.TOOL_NAME);
  facts.toolCallId = readString(attrs, OPENINFERENCE.TOOL_ID);
  if (isKind(OPENINFERENCE_SPAN_KIND.TOOL)) {
    // A TOOL span's input/output are the call's arguments and result.
    facts.toolName ??= input.name || null;
    facts.toolType = 'function';
    facts.toolArguments = toJsonText(attrs[OPENINFERENCE.INPUT_VALUE]);
    facts.toolResult = toJsonText(attrs[OPENINFERENCE.OUTPUT_VALUE]);
  }

  facts.usage = toTokenUsage(
    {
      input: readNumber(attrs, OPENINFERENCE.LLM_TOKEN_COUNT_PROMPT),
      output: readNumber(attrs, OPENINFERENCE.LLM_TOKEN_COUNT_COMPLETION),
      cacheRead: readNumber(attrs, OPENINFERENCE.LLM_TOKEN_COUNT_PROMPT_CACHE_READ),
      cacheWrite: readNumber(attrs, OPENINFERENCE.LLM_TOKEN_COUNT_PROMPT_CACHE_WRITE),
      reasoning: readNumber(attrs, OPENINFERENCE.LLM_TOKEN_COUNT_COMPLETION_REASONING),
    },
    'provider_raw',
    facts.provider,
    facts.responseModel,
  );
  facts.reportedCostUsd = reportedCost(attrs);

  const messages = openInferenceMessages(input);
  facts.inputMessages = messages.inputMessages;
  facts.outputMessages = messages.outputMessages;
  facts.finishReasons = readStringList(attrs, OPENINFERENCE.LLM_FINISH_REASON);
  return finishFacts(facts, input);
}

function openInferenceMessages(input: SpanInput): ConventionMessages {
  const attrs = input.attributes;
  return {
    systemInstructions: [],
    inputMessages: parseOpenInferenceMessages(attrs, OPENINFERENCE.LLM_INPUT_MESSAGES, 'user'),
    outputMessages: parseOpenInferenceMessages(attrs, OPENINFERENCE.LLM_OUTPUT_MESSAGES, 'assistant'),
  };
}

export const openInference: ConventionMapper = {
  name: 'openinference',
  detect: (input) => hasKeyWithPrefix(input.attributes, SIGNAL_PREFIXES),
  normalize: normalizeOpenInference,
  messages: openInferenceMessages,
  contentAttributes: {
    keys: [],
    prefixes: [`${OPENINFERENCE.LLM_INPUT_MESSAGES}.`, `${OPENINFERENCE.LLM_OUTPUT_MESSAGES}.`],
  },
};
