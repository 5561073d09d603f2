// Re-pricing a stored model call with changed usage or model (what a fix would cost), through the collector's own
// Pricer so overrides apply and the figures match the stored costs.
import type { GenAIFacts, Pricer, TokenUsage } from '@beacon/semconv';
import type { SpanView } from '../contract/index.js';
import { startNs } from './span-tree.js';

export interface PriceChange {
  model?: string;
  usage?: Partial<TokenUsage>;
}

/** The call's cost in USD with the change applied; null when the model has no price or the span no usage. */
export function priceCall(pricer: Pricer, span: SpanView, change: PriceChange = {}): number | null {
  const genai = span.genai;
  if (!genai) return null;
  const facts: GenAIFacts = {
    convention: 'otel',
    operation: genai.operation,
    provider: genai.provider,
    requestModel: change.model ?? genai.requestModel,
    responseModel: change.model ?? genai.responseModel,
    responseId: null,
    agentName: genai.agentName,
    agentId: genai.agentId,
    toolName: null,
    toolCallId: null,
    toolType: null,
    toolArguments: null,
    toolResult: null,
    conversationId: genai.conversationId,
    usage: { ...genai.usage, ...change.usage },
    finishReasons: genai.finishReasons,
    errorType: genai.errorType,
    systemInstructions: [],
    inputMessages: [],
    outputMessages: [],
    reportedCostUsd: null,
    usageMissing: genai.usageMissing,
  };
  // The price in force when the call was made, as at ingest.
  return pricer.price(facts, new Date(Number(startNs(span) / 1_000_000n)))?.costUsd ?? null;
}

/** What the change would save on this call (≥ 0), or null when either side cannot be priced. */
export function savingOf(pricer: Pricer, span: SpanView, change: PriceChange): number | null {
  const now = priceCall(pricer, span);
  const changed = priceCall(pricer, span, change);
  if (now === null || changed === null) return null;
  return Math.max(0, now - changed);
}
