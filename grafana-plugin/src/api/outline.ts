// The trace page reads a trace in outline (GET /traces/{id}?spans=outline): spans without their trace id and without
// the fields at their empty default ('', null, false, [], {}), which is how a 10,000-span outline is 5.4 MB and not
// 9.5. The views read SpanViews, so the defaults are put back here.
import type {
  GenAIOutline,
  GenAISpanView,
  SpanOutline,
  SpanView,
  TraceDetailResponse,
  TraceOutlineResponse,
} from '@beacon/collector/api-contract';

const NO_USAGE: GenAISpanView['usage'] = {
  inputTokens: null,
  outputTokens: null,
  cacheReadTokens: null,
  cacheWriteTokens: null,
  reasoningTokens: null,
};

/** GenAI facts with every field not given at its empty default (an outline's, or a test's few facts). */
export function genaiView(outline: GenAIOutline & Partial<Omit<GenAISpanView, 'usage'>>): GenAISpanView {
  return {
    operation: '',
    provider: null,
    requestModel: null,
    responseModel: null,
    agentName: null,
    agentId: null,
    toolName: null,
    toolCallId: null,
    toolArguments: null,
    toolResult: null,
    conversationId: null,
    costUsd: null,
    priceSource: null,
    priceEntry: null,
    unpriced: false,
    usageMissing: false,
    finishReasons: [],
    errorType: null,
    systemInstructions: [],
    inputMessages: [],
    outputMessages: [],
    ...outline,
    usage: { ...NO_USAGE, ...outline.usage },
  };
}

export function spanViewOf(traceId: string, outline: SpanOutline): SpanView {
  return {
    traceId,
    parentSpanId: '',
    name: '',
    serviceName: '',
    scopeName: '',
    statusMessage: '',
    attributes: {},
    resourceAttributes: {},
    events: [],
    links: [],
    annotations: [],
    traceState: '',
    scopeVersion: '',
    ...outline,
    genai: outline.genai ? genaiView(outline.genai) : null,
  };
}

/** The outline as a TraceDetailResponse (what every view reads), with its graph when the answer carried one. */
export function detailOfOutline(outline: TraceOutlineResponse): TraceDetailResponse {
  const { spans, outline: _outline, ...rest } = outline;
  return { ...rest, spans: spans.map((span) => spanViewOf(outline.trace.traceId, span)) };
}
