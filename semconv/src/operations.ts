// Operation names: which ones are model calls, and inferring one from an OTel span name.
import { OPERATION } from './attributes.js';
import type { GenAIOperation } from './model.js';

/** Operations that are one model call and so carry billable token usage. */
export const INFERENCE_OPERATIONS: readonly string[] = [
  OPERATION.CHAT,
  OPERATION.TEXT_COMPLETION,
  OPERATION.GENERATE_CONTENT,
  OPERATION.EMBEDDINGS,
];

/**
 * True for chat, text_completion, generate_content and embeddings. Sum tokens and cost over these only:
 * agent and workflow spans may repeat their children's usage.
 */
export function isInferenceOperation(operation: GenAIOperation): boolean {
  return INFERENCE_OPERATIONS.includes(operation);
}

const SPAN_NAME_OPERATIONS: readonly string[] = [
  ...INFERENCE_OPERATIONS,
  OPERATION.RETRIEVAL,
  OPERATION.CREATE_AGENT,
  OPERATION.INVOKE_AGENT,
  OPERATION.EXECUTE_TOOL,
  OPERATION.INVOKE_WORKFLOW,
];

/** OTel GenAI span names are `{operation} {target}` (`chat gpt-4o`, `execute_tool get_weather`). */
export function operationFromSpanName(name: string): GenAIOperation | null {
  const first = name.trim().split(/\s+/, 1)[0] ?? '';
  return SPAN_NAME_OPERATIONS.includes(first) ? first : null;
}
