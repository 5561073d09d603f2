// The span that records a replay: an OTel GenAI client span (current attribute names) in a trace of its own,
// linked to the span it replays. It goes through the ingest pipeline like any span, so it is normalized, priced
// and stored exactly like the calls agents report.
import { randomBytes } from 'node:crypto';
import type { Attributes } from '@beacon/semconv';
import { GEN_AI, OPERATION, PROVIDER } from '@beacon/semconv';
import type { PromptEdit } from '../contract/index.js';
import type { DecodedSpan } from '../model.js';
import type { ModelCompletion } from './providers.js';

export const REPLAY_SERVICE_NAME = 'beacon-replay';
export const REPLAY_SCOPE_NAME = 'beacon.replay';

/** Beacon's own attributes on a replay span and its link. */
export const REPLAY_ATTRIBUTES = {
  SOURCE_TRACE_ID: 'beacon.replay.source_trace_id',
  SOURCE_SPAN_ID: 'beacon.replay.source_span_id',
  PROMPT_VERSION_ID: 'beacon.prompt.version_id',
  LINK_TYPE: 'beacon.link.type',
} as const;

export const REPLAY_LINK_TYPE = 'replay_of';

/** OTLP SpanKind CLIENT; status codes UNSET and ERROR. */
const SPAN_KIND_CLIENT = 3;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

export const newTraceId = (): string => randomBytes(16).toString('hex');
export const newSpanId = (): string => randomBytes(8).toString('hex');

export interface ReplaySpanInput {
  traceId: string;
  spanId: string;
  source: { traceId: string; spanId: string; provider: string | null };
  versionId: string;
  edit: PromptEdit;
  baseUrl: string;
  stream: boolean;
  startNs: bigint;
  endNs: bigint;
  outcome: { completion: ModelCompletion } | { error: { message: string; type: string } };
}

/**
 * gen_ai.provider.name of the replay: OpenAI and Anthropic by name; an OpenAI-compatible endpoint keeps the
 * original span's provider when that was neither (a Groq or DeepSeek call replayed through its compatible API
 * is still priced as theirs), else it is named for what it is.
 */
export function replayProviderName(edit: PromptEdit, sourceProvider: string | null): string {
  if (edit.provider === 'openai') return PROVIDER.OPENAI;
  if (edit.provider === 'anthropic') return PROVIDER.ANTHROPIC;
  if (sourceProvider && sourceProvider !== PROVIDER.OPENAI && sourceProvider !== PROVIDER.ANTHROPIC)
    return sourceProvider;
  return 'openai_compatible';
}

/** server.address / server.port of the endpoint: host and port only (never credentials in a URL). */
function serverAttributes(baseUrl: string): Attributes {
  try {
    const url = new URL(baseUrl);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { 'server.address': url.hostname, 'server.port': port };
  } catch {
    return {};
  }
}

export function buildReplaySpan(input: ReplaySpanInput): DecodedSpan {
  const { edit } = input;
  const attributes: Attributes = {
    [GEN_AI.OPERATION_NAME]: OPERATION.CHAT,
    [GEN_AI.PROVIDER_NAME]: replayProviderName(edit, input.source.provider),
    [GEN_AI.REQUEST_MODEL]: edit.model,
    [GEN_AI.REQUEST_STREAM]: input.stream,
    ...serverAttributes(input.baseUrl),
    [GEN_AI.INPUT_MESSAGES]: JSON.stringify(edit.messages),
    [REPLAY_ATTRIBUTES.SOURCE_TRACE_ID]: input.source.traceId,
    [REPLAY_ATTRIBUTES.SOURCE_SPAN_ID]: input.source.spanId,
    [REPLAY_ATTRIBUTES.PROMPT_VERSION_ID]: input.versionId,
  };
  if (edit.temperature !== null) attributes[GEN_AI.REQUEST_TEMPERATURE] = edit.temperature;
  if (edit.maxTokens !== null) attributes[GEN_AI.REQUEST_MAX_TOKENS] = edit.maxTokens;
  if (edit.system !== null) {
    attributes[GEN_AI.SYSTEM_INSTRUCTIONS] = JSON.stringify([{ type: 'text', content: edit.system }]);
  }
  if (edit.tools.length > 0) {
    attributes[GEN_AI.TOOL_DEFINITIONS] = JSON.stringify(edit.tools.map((t) => ({ type: 'function', ...t })));
  }

  let statusCode = STATUS_UNSET;
  let statusMessage = '';
  if ('completion' in input.outcome) {
    const c = input.outcome.completion;
    if (c.responseModel) attributes[GEN_AI.RESPONSE_MODEL] = c.responseModel;
    if (c.responseId) attributes[GEN_AI.RESPONSE_ID] = c.responseId;
    if (c.finishReasons.length > 0) attributes[GEN_AI.RESPONSE_FINISH_REASONS] = c.finishReasons;
    const usage: [string, number | null][] = [
      [GEN_AI.USAGE_INPUT_TOKENS, c.usage.inputTokens],
      [GEN_AI.USAGE_OUTPUT_TOKENS, c.usage.outputTokens],
      [GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS, c.usage.cacheReadTokens],
      [GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS, c.usage.cacheWriteTokens],
    ];
    for (const [key, value] of usage) if (value !== null) attributes[key] = value;
    attributes[GEN_AI.OUTPUT_MESSAGES] = JSON.stringify(c.outputMessages);
  } else {
    statusCode = STATUS_ERROR;
    statusMessage = input.outcome.error.message;
    attributes['error.type'] = input.outcome.error.type;
  }

  return {
    traceId: input.traceId,
    spanId: input.spanId,
    parentSpanId: '',
    traceState: '',
    // OTel GenAI span name: `{operation} {request model}`.
    name: `${OPERATION.CHAT} ${edit.model}`,
    kind: SPAN_KIND_CLIENT,
    startTimeUnixNano: input.startNs,
    endTimeUnixNano: input.endNs,
    attributes,
    events: [],
    links: [
      {
        traceId: input.source.traceId,
        spanId: input.source.spanId,
        traceState: '',
        attributes: { [REPLAY_ATTRIBUTES.LINK_TYPE]: REPLAY_LINK_TYPE },
      },
    ],
    statusCode,
    statusMessage,
    resource: { 'service.name': REPLAY_SERVICE_NAME },
    serviceName: REPLAY_SERVICE_NAME,
    scopeName: REPLAY_SCOPE_NAME,
    scopeVersion: '',
  };
}
