// Helpers every mapper shares: an empty GenAIFacts, the error type, and the derived usageMissing flag.

import { readString } from './attribute-values.js';
import { ERROR_TYPE, EXCEPTION_EVENT, EXCEPTION_TYPE } from './attributes.js';
import type { Convention, GenAIFacts, GenAIOperation, SpanInput } from './model.js';
import { isInferenceOperation } from './operations.js';
import { emptyTokenUsage } from './usage.js';

const STATUS_ERROR = 2;
/** OTel's fallback error.type value when nothing more specific is known. */
export const OTHER_ERROR_TYPE = '_OTHER';

export function createFacts(convention: Convention, operation: GenAIOperation): GenAIFacts {
  return {
    convention,
    operation,
    provider: null,
    requestModel: null,
    responseModel: null,
    responseId: null,
    agentName: null,
    agentId: null,
    toolName: null,
    toolCallId: null,
    toolType: null,
    toolArguments: null,
    toolResult: null,
    conversationId: null,
    usage: emptyTokenUsage(),
    finishReasons: [],
    errorType: null,
    systemInstructions: [],
    inputMessages: [],
    outputMessages: [],
    reportedCostUsd: null,
    usageMissing: false,
  };
}

/** error.type when set; else for an ERROR status the recorded exception's type, else `_OTHER`; else null. */
export function readErrorType(input: SpanInput): string | null {
  const explicit = readString(input.attributes, ERROR_TYPE);
  if (explicit !== null) return explicit;
  if (input.statusCode !== STATUS_ERROR) return null;
  for (const event of input.events ?? []) {
    if (event.name !== EXCEPTION_EVENT) continue;
    const type = readString(event.attributes, EXCEPTION_TYPE);
    if (type !== null) return type;
  }
  return OTHER_ERROR_TYPE;
}

/** An inference call that reported neither input nor output tokens (instrumentation gap, or a failed call). */
export function isUsageMissing(facts: GenAIFacts): boolean {
  return (
    isInferenceOperation(facts.operation) &&
    facts.usage.inputTokens === null &&
    facts.usage.outputTokens === null
  );
}

/** Sets the derived fields once the mapper has filled in everything else. */
export function finishFacts(facts: GenAIFacts, input: SpanInput): GenAIFacts {
  facts.errorType = readErrorType(input);
  facts.usageMissing = isUsageMissing(facts);
  return facts;
}
