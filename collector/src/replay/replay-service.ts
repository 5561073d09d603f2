// A replay from request to result: load the original span, apply the edits, call the provider, trace the call as
// a new trace linked to the original, save the prompt version, and compare the two completions.
//
// Split in two so a streaming answer can still refuse bad input with a plain JSON 400: `prepare` checks everything
// that can be checked before the provider is called; `run` calls it.
import { randomUUID } from 'node:crypto';
import type { PromptEdit, ReplayCallView, ReplayResult, SpanView } from '../contract/index.js';
import { DomainError, invalidArgument, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SpanSink } from '../model.js';
import { loadSpans, type QueryContext, traceBounds } from '../storage/queries/index.js';
import { ANTHROPIC_DEFAULT_MAX_TOKENS } from './anthropic.js';
import { callModel as defaultCallModel } from './call-model.js';
import { wordDiff } from './diff.js';
import { type Endpoint, type ProviderSettings, resolveEndpoint } from './endpoint.js';
import { renderOutput } from './parts.js';
import { PromptVersions } from './prompt-versions.js';
import { providerError } from './provider-errors.js';
import type { CallModel, ModelCallError, ModelCompletion } from './providers.js';
import { buildReplaySpan, newSpanId, newTraceId, replayProviderName } from './replay-span.js';
import { type ParsedReplayRequest, parseReplayRequest } from './request.js';
import { callViewOf, originalEdit, promptKeyOf, requireModelCall } from './source.js';

export interface ReplayServiceOptions {
  /** The tenant replaying: its storage holds the original span, the replay trace and the prompt versions. */
  tenant: string;
  storage: QueryContext;
  settings: ProviderSettings & { replayTimeoutMs: number };
  /** The ingest pipeline: the replay span is normalized, priced and stored like any other. */
  sink: SpanSink;
  /** Resolves once every accepted span is stored. */
  flush(): Promise<void>;
  logger: Logger;
  /** The provider client; the SDK-backed one by default. */
  callModel?: CallModel;
}

/** Everything a replay needs, checked; the key is held here only until the call is made. */
export interface PreparedReplay {
  source: SpanView;
  original: ReplayCallView;
  edit: PromptEdit;
  endpoint: Endpoint;
  promptKey: string;
  label: string | null;
  stream: boolean;
}

export function createReplayService(options: ReplayServiceOptions) {
  const ctx = options.storage;
  const callModel = options.callModel ?? defaultCallModel;
  const versions = new PromptVersions(ctx);
  const logger = options.logger;

  /** The stored span, or 404 naming what is missing. */
  async function loadSpan(traceId: string, spanId: string): Promise<SpanView> {
    const bounds = await traceBounds(ctx, traceId);
    if (!bounds) throw notFound(`trace ${traceId} not found`);
    const spans = await loadSpans(ctx, traceId, bounds, { annotations: false });
    const span = spans.find((s) => s.spanId === spanId);
    if (!span) throw notFound(`span ${spanId} not found in trace ${traceId}`);
    return span;
  }

  async function prepare(body: unknown): Promise<PreparedReplay> {
    const request: ParsedReplayRequest = parseReplayRequest(body);
    const source = await loadSpan(request.traceId, request.spanId);
    requireModelCall(source);
    const edit = editedCall(request, source);
    const endpoint = resolveEndpoint(edit.provider, request, options.settings);
    return {
      source,
      original: callViewOf(source),
      edit,
      endpoint,
      promptKey: promptKeyOf(source),
      label: request.label,
      stream: request.stream,
    };
  }

  /** The replay span as stored (priced by the pipeline); built from the completion if it cannot be read back. */
  async function storedView(
    traceId: string,
    spanId: string,
    fallback: () => ReplayCallView,
  ): Promise<ReplayCallView> {
    const bounds = await traceBounds(ctx, traceId);
    const spans = bounds ? await loadSpans(ctx, traceId, bounds, { annotations: false }) : [];
    const span = spans.find((s) => s.spanId === spanId);
    if (span?.genai) return callViewOf(span);
    logger.warn({ traceId, spanId }, 'replay span not found after flush; answering without its stored cost');
    return fallback();
  }

  async function run(
    prepared: PreparedReplay,
    handlers: { onDelta?: (text: string) => void; signal?: AbortSignal } = {},
  ): Promise<ReplayResult> {
    const { edit, endpoint, source } = prepared;
    const traceId = newTraceId();
    const spanId = newSpanId();
    const versionId = randomUUID();
    const log = { provider: edit.provider, model: edit.model, replayTraceId: traceId };
    logger.debug({ ...log, stream: prepared.stream }, 'replay: calling the provider');

    const startMs = Date.now();
    const started = performance.now();
    const { completion, failure } = await callProvider(
      callModel,
      prepared,
      options.settings.replayTimeoutMs,
      handlers,
    );
    const durationNs = BigInt(Math.max(1, Math.round((performance.now() - started) * 1e6)));
    const startNs = BigInt(startMs) * 1_000_000n;

    const span = buildReplaySpan({
      traceId,
      spanId,
      source: { traceId: source.traceId, spanId: source.spanId, provider: source.genai?.provider ?? null },
      versionId,
      edit,
      baseUrl: endpoint.baseUrl,
      stream: prepared.stream,
      startNs,
      endNs: startNs + durationNs,
      outcome: completion
        ? { completion }
        : { error: { message: failure?.message ?? 'provider call failed', type: errorType(failure) } },
    });
    const accepted = options.sink.accept([span], 'http_json', options.tenant);
    if (!accepted.accepted) {
      throw new DomainError(
        'unavailable',
        `replay not recorded (${accepted.reason}), retry later`,
        accepted.retryAfterSeconds,
      );
    }
    await options.flush();

    if (!completion) {
      const message = failure?.message ?? 'provider call failed';
      // Only the sanitized message: SDK error objects carry request headers.
      logger.warn({ ...log, status: failure?.status ?? null }, `replay: provider call failed: ${message}`);
      // The replay span is stored (status Error); the caller answers 502 with the sanitized message.
      throw new DomainError('provider_error', message);
    }

    const version = await versions.save({
      id: versionId,
      promptKey: prepared.promptKey,
      label: prepared.label,
      sourceTraceId: source.traceId,
      sourceSpanId: source.spanId,
      edit,
      replayTraceId: traceId,
    });
    const replay = await storedView(traceId, spanId, () => ({
      traceId,
      spanId,
      provider: replayProviderName(edit, source.genai?.provider ?? null),
      model: completion.responseModel ?? edit.model,
      output: renderOutput(completion.outputMessages),
      outputMessages: completion.outputMessages,
      finishReasons: completion.finishReasons,
      usage: { ...completion.usage, reasoningTokens: null },
      costUsd: null,
      durationMs: Number(durationNs) / 1e6,
    }));
    logger.debug({ ...log, durationMs: replay.durationMs }, 'replay: done');
    return {
      original: prepared.original,
      replay,
      diff: wordDiff(prepared.original.output, replay.output),
      version,
    };
  }

  /** The prompt key of a span (GET /prompts/versions?traceId=&spanId=). */
  async function promptKeyOfSpan(traceId: string, spanId: string): Promise<string> {
    return promptKeyOf(await loadSpan(traceId, spanId));
  }

  return { prepare, run, versions, promptKeyOfSpan };
}

export type ReplayService = ReturnType<typeof createReplayService>;

/** The call to make: the request's edits over the original span's call; 400 when no model or messages remain. */
function editedCall(request: ParsedReplayRequest, source: SpanView): PromptEdit {
  const defaults = originalEdit(source);
  const provider = request.edit.provider ?? defaults.provider;
  const model = request.edit.model ?? defaults.model;
  if (!model) throw invalidArgument('model: required (the original span names no model)');
  const messages = request.edit.messages ?? defaults.messages;
  if (messages.length === 0) {
    throw invalidArgument('messages: required (the original span recorded no input messages)');
  }
  let maxTokens = request.edit.maxTokens !== undefined ? request.edit.maxTokens : defaults.maxTokens;
  // Anthropic requires max_tokens: the value sent is recorded in the version and the span.
  if (provider === 'anthropic' && maxTokens === null) maxTokens = ANTHROPIC_DEFAULT_MAX_TOKENS;
  return {
    provider,
    model,
    system: request.edit.system !== undefined ? request.edit.system : defaults.system,
    messages,
    temperature: request.edit.temperature !== undefined ? request.edit.temperature : defaults.temperature,
    maxTokens,
    tools: request.edit.tools ?? defaults.tools,
  };
}

/** Calls the provider once; a failure comes back sanitized (no key, no headers), never thrown. */
async function callProvider(
  callModel: CallModel,
  prepared: PreparedReplay,
  timeoutMs: number,
  handlers: { onDelta?: (text: string) => void; signal?: AbortSignal },
): Promise<{ completion?: ModelCompletion; failure?: ModelCallError }> {
  const { edit, endpoint } = prepared;
  try {
    const completion = await callModel({
      provider: edit.provider,
      baseUrl: endpoint.baseUrl,
      apiKey: endpoint.apiKey,
      model: edit.model,
      system: edit.system,
      messages: edit.messages,
      temperature: edit.temperature,
      maxTokens: edit.maxTokens,
      tools: edit.tools,
      timeoutMs,
      ...(prepared.stream && handlers.onDelta ? { onDelta: handlers.onDelta } : {}),
      ...(handlers.signal ? { signal: handlers.signal } : {}),
    });
    return { completion };
  } catch (err) {
    return { failure: providerError(err, endpoint.apiKey) };
  }
}

/** error.type of a failed call: the HTTP status the provider answered, else what went wrong. */
function errorType(failure: ModelCallError | undefined): string {
  if (failure?.status) return String(failure.status);
  if (failure && /timed? ?out/i.test(failure.message)) return 'timeout';
  return failure?.name ?? '_OTHER';
}
