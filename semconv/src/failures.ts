// What kind of failure an error span is: the categories Beacon auto-tags traces with and groups error patterns by.
// Pure: used at ingest (collector enrich), by the analyses, and by the UI.
import type { Attributes } from './model.js';

export const FAILURE_CATEGORIES = [
  'rate_limit',
  'context_overflow',
  'tool_failure',
  'timeout',
  'auth',
  'loop',
  'other',
] as const;

export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

/** The parts of a span a failure is read from; works on decoded spans and on spans read back from storage. */
export interface FailureInput {
  spanName: string;
  /** Status ERROR. */
  isError: boolean;
  statusMessage: string;
  attributes: Attributes;
  events: readonly { name: string; attributes: Attributes }[];
  /** Normalized error.type (GenAIFacts.errorType), when the span is a GenAI span. */
  errorType: string | null;
  /** Normalized GenAI operation (execute_tool, chat, …), when the span is a GenAI span. */
  operation: string | null;
}

export interface Failure {
  category: FailureCategory;
  /** The message with numbers, ids and quoted values replaced by placeholders: what error patterns group by. */
  signature: string;
  /** The most specific message found (exception message, else status message, else error type). */
  message: string;
}
