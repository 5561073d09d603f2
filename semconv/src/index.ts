// @beacon/semconv public API: the normalized GenAI span model, convention mappers, message parsing and cost.
export * from './attributes.js';
export type { ConventionMapper, ConventionMessages, MessageContentAttributes } from './convention-mapper.js';
export { CONVENTIONS, MESSAGE_CONTENT_ATTRIBUTES } from './conventions/index.js';
export {
  normalizeOpenInference,
  OPENINFERENCE,
  OPENINFERENCE_SPAN_KIND,
  parseOpenInferenceMessages,
} from './conventions/openinference.js';
export {
  normalizeOpenLLMetry,
  OPENLLMETRY,
  OPENLLMETRY_REQUEST_TYPE,
  OPENLLMETRY_SPAN_KIND,
  parseOpenLLMetryMessages,
} from './conventions/openllmetry.js';
export {
  type EventMessages,
  GEN_AI_EVENTS,
  normalizeOtel,
  parseEventMessages,
  parseSystemInstructions,
} from './conventions/otel.js';
export {
  normalizeVercelAI,
  parseVercelPrompt,
  parseVercelPromptMessages,
  parseVercelResponse,
  VERCEL_AI,
  VERCEL_AI_SPAN,
} from './conventions/vercel-ai.js';
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
export { contentToParts, normalizeMessage, normalizePart, parseOtelMessages } from './messages.js';
export type * from './model.js';
export { normalizeGenAISpan } from './normalize.js';
export { INFERENCE_OPERATIONS, isInferenceOperation, operationFromSpanName } from './operations.js';
export {
  findOverride,
  PriceOverrideError,
  type PriceOverrideModel,
  type PriceOverrides,
  parsePriceOverrides,
} from './price-overrides.js';
export { normalizeProviderName } from './providers.js';
export { reportsInputExcludingCache } from './usage.js';
