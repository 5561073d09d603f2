// @beacon/semconv public API: the normalized GenAI span model, convention mappers, message parsing and cost.
export * from './attributes.js';
export {
  createPricer,
  GENAI_PRICES_DATA_VERSION,
  GENAI_PRICES_PROVIDER_IDS,
  GENAI_PRICES_VERSION,
  type Pricer,
} from './cost.js';
export { OTHER_ERROR_TYPE, readErrorType } from './facts.js';
export {
  type CallFacts,
  type CallSpan,
  callFingerprint,
  classifyFailure,
  FAILURE_CATEGORIES,
  type Failure,
  type FailureCategory,
  type FailureInput,
  failureSignature,
  findRepeatedCalls,
  type RepeatedCalls,
} from './failures.js';
export {
  contentToParts,
  type EventMessages,
  normalizeMessage,
  normalizePart,
  parseEventMessages,
  parseOpenInferenceMessages,
  parseOpenLLMetryMessages,
  parseOtelMessages,
  parseSystemInstructions,
  parseVercelPrompt,
  parseVercelPromptMessages,
  parseVercelResponse,
} from './messages.js';
export type * from './model.js';
export { normalizeGenAISpan } from './normalize.js';
export { normalizeOpenInference } from './openinference.js';
export { normalizeOpenLLMetry } from './openllmetry.js';
export { INFERENCE_OPERATIONS, isInferenceOperation, operationFromSpanName } from './operations.js';
export { normalizeOtel } from './otel.js';
export {
  findOverride,
  PriceOverrideError,
  type PriceOverrideModel,
  type PriceOverrides,
  parsePriceOverrides,
} from './price-overrides.js';
export { normalizeProviderName } from './providers.js';
export { reportsInputExcludingCache } from './usage.js';
export { normalizeVercelAI } from './vercel-ai.js';
