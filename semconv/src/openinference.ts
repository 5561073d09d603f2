// OpenInference (Arize Phoenix): openinference.span.kind, llm.*, flattened messages, tool.*, agent.name, session.id.

import {
  hasKeyWithPrefix,
  readFirstString,
  readNumber,
  readString,
  readStringList,
  toJsonText,
} from './attribute-values.js';
import { OPENINFERENCE, OPENINFERENCE_SPAN_KIND, OPERATION } from './attributes.js';
import { createFacts, finishFacts } from './facts.js';
import { parseOpenInferenceMessages } from './messages.js';
import type { Attributes, GenAIFacts, GenAIOperation, SpanInput } from './model.js';
import { normalizeProviderName } from './providers.js';
import { toTokenUsage } from './usage.js';

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

  facts.inputMessages = parseOpenInferenceMessages(attrs, OPENINFERENCE.LLM_INPUT_MESSAGES, 'user');
  facts.outputMessages = parseOpenInferenceMessages(attrs, OPENINFERENCE.LLM_OUTPUT_MESSAGES, 'assistant');
  facts.finishReasons = readStringList(attrs, OPENINFERENCE.LLM_FINISH_REASON);
  return finishFacts(facts, input);
}
