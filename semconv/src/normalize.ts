// One entry point: which conventions does a span speak, and what do they say together.

import { readString } from './attribute-values.js';
import { GEN_AI } from './attributes.js';
import { CONVENTIONS } from './conventions/index.js';
import { finishFacts } from './facts.js';
import type { GenAIFacts, SpanInput } from './model.js';
import { hasAnyUsage } from './usage.js';

/** The facts of every convention the span carries, in the registry's order of precedence. */
function factsByPrecedence(input: SpanInput): GenAIFacts[] {
  return CONVENTIONS.map((convention) => convention.normalize(input)).filter(
    (f): f is GenAIFacts => f !== null,
  );
}

function first<T>(found: GenAIFacts[], pick: (f: GenAIFacts) => T | null): T | null {
  for (const facts of found) {
    const value = pick(facts);
    if (value !== null) return value;
  }
  return null;
}

function firstNonEmpty<T>(found: GenAIFacts[], pick: (f: GenAIFacts) => T[]): T[] {
  return found.map(pick).find((list) => list.length > 0) ?? [];
}

/** Field by field, the first convention (by precedence) that knows a value wins. */
function mergeFacts(found: GenAIFacts[], input: SpanInput): GenAIFacts {
  const primary = found[0]!;
  const explicitOperation = readString(input.attributes, GEN_AI.OPERATION_NAME);
  // Usage is taken whole from one convention (mixing input from one and cache from another would corrupt the
  // cache-inclusive input count). The AI SDK's is authoritative on its spans: its wrapper spans must stay
  // usage-free even if another convention's names repeat the totals there.
  const vercel = found.find((f) => f.convention === 'vercel_ai');
  const usageSource = vercel ?? found.find((f) => hasAnyUsage(f.usage)) ?? primary;
  const merged: GenAIFacts = {
    convention: primary.convention,
    operation: explicitOperation ?? primary.operation,
    provider: first(found, (f) => f.provider),
    requestModel: first(found, (f) => f.requestModel),
    responseModel: first(found, (f) => f.responseModel),
    responseId: first(found, (f) => f.responseId),
    agentName: first(found, (f) => f.agentName),
    agentId: first(found, (f) => f.agentId),
    toolName: first(found, (f) => f.toolName),
    toolCallId: first(found, (f) => f.toolCallId),
    toolType: first(found, (f) => f.toolType),
    toolArguments: first(found, (f) => f.toolArguments),
    toolResult: first(found, (f) => f.toolResult),
    conversationId: first(found, (f) => f.conversationId),
    usage: usageSource.usage,
    finishReasons: firstNonEmpty(found, (f) => f.finishReasons),
    errorType: null,
    systemInstructions: firstNonEmpty(found, (f) => f.systemInstructions),
    inputMessages: firstNonEmpty(found, (f) => f.inputMessages),
    outputMessages: firstNonEmpty(found, (f) => f.outputMessages),
    reportedCostUsd: first(found, (f) => f.reportedCostUsd),
    usageMissing: false,
  };
  return finishFacts(merged, input);
}

/**
 * The normalized GenAI facts of a span, whichever convention(s) emitted it; null for spans that are not GenAI
 * work (plain HTTP, DB, ... spans). A span may mix conventions (the AI SDK writes ai.* and gen_ai.*); they are
 * merged field by field.
 */
export function normalizeGenAISpan(input: SpanInput): GenAIFacts | null {
  const found = factsByPrecedence(input);
  if (found.length === 0) return null;
  if (found.length === 1) return found[0]!;
  return mergeFacts(found, input);
}
