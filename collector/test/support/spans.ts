// Builders of spans, GenAI facts and costs for collector tests that need the pipeline's own types directly.
import { randomBytes } from 'node:crypto';
import type { CostResult, GenAIFacts } from '@beacon/semconv';
import type { EnrichedSpan } from '../../src/model.js';

export const traceId = () => randomBytes(16).toString('hex');
export const spanId = () => randomBytes(8).toString('hex');

/** 2026-01-02T03:04:05.123456789Z: nanosecond digits that a millisecond or float path would lose. */
export const T0 = 1_767_323_045_123_456_789n;

export function makeSpan(overrides: Partial<EnrichedSpan> = {}): EnrichedSpan {
  return {
    traceId: traceId(),
    spanId: spanId(),
    parentSpanId: '',
    traceState: '',
    name: 'span',
    kind: 1,
    startTimeUnixNano: T0,
    endTimeUnixNano: T0 + 1_000_000n,
    attributes: {},
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
    resource: { 'service.name': 'svc' },
    serviceName: 'svc',
    scopeName: 'scope',
    scopeVersion: '1.0.0',
    genai: null,
    cost: null,
    agentName: null,
    failure: null,
    loopRepeats: 0,
    ...overrides,
  };
}

export function makeFacts(overrides: Partial<GenAIFacts> = {}): GenAIFacts {
  return {
    convention: 'otel',
    operation: 'chat',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    responseId: null,
    agentName: null,
    agentId: null,
    toolName: null,
    toolCallId: null,
    toolType: null,
    toolArguments: null,
    toolResult: null,
    conversationId: null,
    usage: {
      inputTokens: null,
      outputTokens: null,
      cacheReadTokens: null,
      cacheWriteTokens: null,
      reasoningTokens: null,
    },
    finishReasons: [],
    errorType: null,
    systemInstructions: [],
    inputMessages: [],
    outputMessages: [],
    reportedCostUsd: null,
    usageMissing: false,
    ...overrides,
  };
}

export function makeCost(overrides: Partial<CostResult> = {}): CostResult {
  return {
    costUsd: 0.00042,
    inputCostUsd: 0.0003,
    outputCostUsd: 0.00012,
    priceSource: 'genai-prices',
    priceEntry: 'openai/gpt-4o-mini',
    priceDataVersion: 'test-1',
    unpriced: false,
    ...overrides,
  };
}
