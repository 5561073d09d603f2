// llmCall: one model call as a `{operation} {model}` CLIENT span with the OTel GenAI request, response and usage
// attributes. For a streamed call the callback returns the stream: its chunks are read as they pass (text
// appended, usage and response facts taken from the provider's chunk shapes) and the span ends with the stream.

import {
  type AttrValue,
  createPricer,
  GEN_AI,
  type MessagePart,
  normalizeGenAISpan,
  OPERATION,
  type Pricer,
} from '@beacon/semconv';
import { type Attributes, type AttributeValue, type Span, SpanKind } from '@opentelemetry/api';
import { contentAttribute, type MessageInput, toOtelMessages, toSystemParts } from './content.js';
import { currentScope, type Scope } from './scope.js';
import { settings } from './settings.js';
import { runInSpan } from './spans.js';
import { tracer } from './tracer.js';

export type InferenceOperation = 'chat' | 'text_completion' | 'generate_content' | 'embeddings';

export interface LlmRequestParams {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  stopSequences?: string[];
  choiceCount?: number;
}

export interface LlmCallOptions {
  /** gen_ai.provider.name: openai, anthropic, aws.bedrock, gcp.gemini, ... */
  provider: string;
  /** gen_ai.request.model */
  model: string;
  /** Default chat. */
  operation?: InferenceOperation;
  /** Input messages (OTel `{role, parts}` or provider-shaped `{role, content}`): recorded only with capture. */
  messages?: readonly MessageInput[];
  /** System instructions (text or parts): recorded only with capture. */
  system?: string | readonly MessagePart[];
  /** Tool definitions offered to the model: recorded only with capture. */
  tools?: readonly unknown[];
  params?: LlmRequestParams;
  /** gen_ai.request.stream */
  stream?: boolean;
  conversationId?: string;
  attributes?: Attributes;
  /**
   * Reads the callback's (non-streamed) result when the callback reported nothing itself. The default
   * understands OpenAI chat completions and Anthropic messages.
   */
  readResponse?: (response: unknown, span: LlmSpan) => void;
  /**
   * Reads one streamed chunk. The default understands text chunks (strings), OpenAI chat completion chunks and
   * Anthropic message stream events.
   */
  readChunk?: (chunk: unknown, span: LlmSpan) => void;
}

export interface Usage {
  /** All input tokens, cached ones included (OTel semantics). */
  inputTokens?: number;
  /** All output tokens, reasoning included. */
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

export interface LlmResponse {
  id?: string;
  model?: string;
  finishReasons?: string[];
  usage?: Usage;
  /** The completion text (recorded only with capture). */
  text?: string;
  /** Output messages, when richer than text (tool calls...); recorded only with capture. */
  outputMessages?: readonly MessageInput[];
}

/** What an llmCall callback reports through: the response, usage and output of the call. */
export interface LlmSpan {
  readonly span: Span;
  setResponse(response: LlmResponse): void;
  /** Adds to the usage so far (several requests in one call). */
  addUsage(usage: Usage): void;
  /** Replaces the given usage fields (streams that report running totals). */
  setUsage(usage: Usage): void;
  /** Appends streamed completion text. */
  appendText(delta: string): void;
  setOutput(output: string | readonly MessageInput[]): void;
}

const USAGE_ATTRIBUTES: [keyof Usage, string][] = [
  ['inputTokens', GEN_AI.USAGE_INPUT_TOKENS],
  ['outputTokens', GEN_AI.USAGE_OUTPUT_TOKENS],
  ['cacheReadTokens', GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS],
  ['cacheWriteTokens', GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS],
  ['reasoningTokens', GEN_AI.USAGE_REASONING_OUTPUT_TOKENS],
];

const PARAM_ATTRIBUTES: [keyof LlmRequestParams, string][] = [
  ['maxTokens', GEN_AI.REQUEST_MAX_TOKENS],
  ['temperature', GEN_AI.REQUEST_TEMPERATURE],
  ['topP', GEN_AI.REQUEST_TOP_P],
  ['topK', GEN_AI.REQUEST_TOP_K],
  ['seed', GEN_AI.REQUEST_SEED],
  ['stopSequences', GEN_AI.REQUEST_STOP_SEQUENCES],
  ['choiceCount', GEN_AI.REQUEST_CHOICE_COUNT],
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** OpenAI usage: prompt_tokens already include cached tokens. */
function openAIUsage(usage: Record<string, unknown>): Usage {
  const prompt = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completion = isRecord(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  return {
    inputTokens: num(usage.prompt_tokens) ?? num(usage.input_tokens),
    outputTokens: num(usage.completion_tokens) ?? num(usage.output_tokens),
    cacheReadTokens: num(prompt.cached_tokens),
    reasoningTokens: num(completion.reasoning_tokens),
  };
}

/** Anthropic usage: input_tokens exclude cache reads and writes; OTel's input includes them. */
function anthropicUsage(usage: Record<string, unknown>): Usage {
  const cacheRead = num(usage.cache_read_input_tokens);
  const cacheWrite = num(usage.cache_creation_input_tokens);
  const input = num(usage.input_tokens);
  return {
    inputTokens: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheWrite ?? 0),
    outputTokens: num(usage.output_tokens),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
  };
}

function compact(usage: Usage): Usage {
  return Object.fromEntries(Object.entries(usage).filter(([, v]) => v !== undefined)) as Usage;
}

/** The default chunk reader: text, OpenAI chat completion chunks, Anthropic message stream events. */
export function readProviderChunk(chunk: unknown, span: LlmSpan): void {
  if (typeof chunk === 'string') {
    span.appendText(chunk);
    return;
  }
  if (!isRecord(chunk)) return;
  // OpenAI chat.completion.chunk
  if (Array.isArray(chunk.choices)) {
    const choice = chunk.choices[0];
    const response: LlmResponse = {};
    if (str(chunk.id)) response.id = str(chunk.id);
    if (str(chunk.model)) response.model = str(chunk.model);
    if (isRecord(choice)) {
      const delta = isRecord(choice.delta) ? choice.delta : {};
      const text = str(delta.content);
      if (text !== undefined) span.appendText(text);
      const finish = str(choice.finish_reason);
      if (finish !== undefined) response.finishReasons = [finish];
    }
    span.setResponse(response);
    if (isRecord(chunk.usage)) span.setUsage(compact(openAIUsage(chunk.usage)));
    return;
  }
  // Anthropic message stream events
  switch (chunk.type) {
    case 'message_start': {
      const message = isRecord(chunk.message) ? chunk.message : {};
      span.setResponse({ id: str(message.id), model: str(message.model) });
      if (isRecord(message.usage)) span.setUsage(compact(anthropicUsage(message.usage)));
      return;
    }
    case 'content_block_delta': {
      const delta = isRecord(chunk.delta) ? chunk.delta : {};
      const text = str(delta.text);
      if (text !== undefined) span.appendText(text);
      return;
    }
    case 'message_delta': {
      const delta = isRecord(chunk.delta) ? chunk.delta : {};
      const stop = str(delta.stop_reason);
      if (stop !== undefined) span.setResponse({ finishReasons: [stop] });
      // Running totals: output_tokens is the count so far; input/cache counts repeat message_start's.
      if (isRecord(chunk.usage)) span.setUsage(compact(anthropicUsage(chunk.usage)));
      return;
    }
    default:
      return;
  }
}

/**
 * The default response reader, for callbacks that return the provider's response without reporting it: an
 * OpenAI chat completion or an Anthropic message.
 */
export function readProviderResponse(response: unknown, span: LlmSpan): void {
  if (!isRecord(response)) return;
  if (Array.isArray(response.choices)) {
    const choices = response.choices.filter(isRecord);
    span.setResponse({
      id: str(response.id),
      model: str(response.model),
      finishReasons: choices.map((c) => str(c.finish_reason)).filter((r): r is string => r !== undefined),
      usage: isRecord(response.usage) ? compact(openAIUsage(response.usage)) : undefined,
      outputMessages: choices
        .filter((c) => isRecord(c.message))
        .map((c) => ({
          ...(c.message as Record<string, unknown>),
          role: 'assistant',
          finish_reason: c.finish_reason,
        })),
    });
    return;
  }
  if (response.type === 'message' && Array.isArray(response.content)) {
    const parts: MessagePart[] = response.content.filter(isRecord).flatMap((block): MessagePart[] => {
      if (block.type === 'text' && typeof block.text === 'string')
        return [{ type: 'text', content: block.text }];
      if (block.type === 'tool_use') {
        return [
          { type: 'tool_call', id: str(block.id), name: str(block.name) ?? '', arguments: block.input },
        ];
      }
      return [];
    });
    const stop = str(response.stop_reason);
    span.setResponse({
      id: str(response.id),
      model: str(response.model),
      finishReasons: stop === undefined ? undefined : [stop],
      usage: isRecord(response.usage) ? compact(anthropicUsage(response.usage)) : undefined,
      outputMessages: [{ role: 'assistant', parts }],
    });
  }
}

let pricer: Pricer | undefined;
/** OTLP's span kind numbers (what normalizeGenAISpan reads) are one above the API enum's. */
const OTLP_SPAN_KIND_CLIENT = SpanKind.CLIENT + 1;

class LlmCallSpan implements LlmSpan {
  readonly span: Span;
  readonly attributes: Record<string, AttributeValue> = {};
  readonly #usage: Usage = {};
  #text: string | undefined;
  #output: readonly MessageInput[] | undefined;
  #finishReasons: string[] | undefined;
  #firstChunkAt: number | undefined;
  readonly #startedAt = performance.now();

  constructor(span: Span, attributes: Attributes) {
    this.span = span;
    for (const [key, value] of Object.entries(attributes))
      if (value !== undefined) this.attributes[key] = value;
  }

  #set(key: string, value: AttributeValue): void {
    this.attributes[key] = value;
    this.span.setAttribute(key, value);
  }

  /** The callback reported something itself (then its result is not read). */
  reported = false;

  setResponse(response: LlmResponse): void {
    this.reported = true;
    if (response.id !== undefined) this.#set(GEN_AI.RESPONSE_ID, response.id);
    if (response.model !== undefined) this.#set(GEN_AI.RESPONSE_MODEL, response.model);
    if (response.finishReasons !== undefined) this.#finishReasons = [...response.finishReasons];
    if (response.usage !== undefined) this.setUsage(response.usage);
    if (response.text !== undefined) this.#text = response.text;
    if (response.outputMessages !== undefined) this.#output = response.outputMessages;
  }

  addUsage(usage: Usage): void {
    this.reported = true;
    for (const [key] of USAGE_ATTRIBUTES) {
      const value = usage[key];
      if (value !== undefined) this.#usage[key] = (this.#usage[key] ?? 0) + value;
    }
  }

  setUsage(usage: Usage): void {
    this.reported = true;
    for (const [key] of USAGE_ATTRIBUTES) {
      const value = usage[key];
      if (value !== undefined) this.#usage[key] = value;
    }
  }

  appendText(delta: string): void {
    this.reported = true;
    this.#text = (this.#text ?? '') + delta;
  }

  setOutput(output: string | readonly MessageInput[]): void {
    this.reported = true;
    if (typeof output === 'string') this.#text = output;
    else this.#output = output;
  }

  /** A streamed chunk passed: time to first chunk, and the stream flag. */
  chunkSeen(): void {
    if (this.#firstChunkAt !== undefined) return;
    this.#firstChunkAt = performance.now();
    this.#set(GEN_AI.RESPONSE_TIME_TO_FIRST_CHUNK, (this.#firstChunkAt - this.#startedAt) / 1000);
    if (this.attributes[GEN_AI.REQUEST_STREAM] === undefined) this.#set(GEN_AI.REQUEST_STREAM, true);
  }

  get reportedUsage(): boolean {
    return Object.keys(this.#usage).length > 0;
  }

  /** Usage, finish reasons and (with capture) output messages onto the span. */
  finish(): void {
    for (const [key, attribute] of USAGE_ATTRIBUTES) {
      const value = this.#usage[key];
      if (value !== undefined) this.#set(attribute, value);
    }
    if (this.#finishReasons !== undefined) this.#set(GEN_AI.RESPONSE_FINISH_REASONS, this.#finishReasons);
    const content = settings();
    if (!content.captureContent) return;
    let output = this.#output === undefined ? undefined : toOtelMessages(this.#output, 'assistant');
    if (output === undefined && this.#text !== undefined) {
      output = [{ role: 'assistant', parts: [{ type: 'text', content: this.#text }] }];
    }
    if (output === undefined) return;
    const finishReason = this.#finishReasons?.[0];
    if (finishReason !== undefined && output.length > 0 && output[0]!.finish_reason === undefined) {
      output[0]!.finish_reason = finishReason;
    }
    this.#set(GEN_AI.OUTPUT_MESSAGES, contentAttribute(output, content.redact));
  }

  /** Tokens and cost this call adds to a guarded run. */
  usageReport(name: string, withCost: boolean): { tokens: number; costUsd: number | null } {
    const tokens = (this.#usage.inputTokens ?? 0) + (this.#usage.outputTokens ?? 0);
    if (!withCost) return { tokens, costUsd: null };
    // Priced from the span's own attributes, read back the way the collector reads them: same cost as stored.
    const facts = normalizeGenAISpan({
      name,
      kind: OTLP_SPAN_KIND_CLIENT,
      attributes: this.attributes as Record<string, AttrValue>,
    });
    pricer ??= createPricer();
    const cost = facts ? pricer.price(facts, new Date()) : null;
    return { tokens, costUsd: cost?.costUsd ?? null };
  }
}

function requestAttributes(options: LlmCallOptions, operation: string): Attributes {
  const attributes: Attributes = {
    [GEN_AI.OPERATION_NAME]: operation,
    [GEN_AI.PROVIDER_NAME]: options.provider,
    [GEN_AI.REQUEST_MODEL]: options.model,
  };
  for (const [key, attribute] of PARAM_ATTRIBUTES) {
    const value = options.params?.[key];
    if (value !== undefined) attributes[attribute] = value;
  }
  if (options.stream !== undefined) attributes[GEN_AI.REQUEST_STREAM] = options.stream;
  if (options.conversationId !== undefined) attributes[GEN_AI.CONVERSATION_ID] = options.conversationId;
  const content = settings();
  if (content.captureContent) {
    if (options.messages !== undefined) {
      attributes[GEN_AI.INPUT_MESSAGES] = contentAttribute(
        toOtelMessages(options.messages, 'user'),
        content.redact,
      );
    }
    if (options.system !== undefined) {
      attributes[GEN_AI.SYSTEM_INSTRUCTIONS] = contentAttribute(
        toSystemParts(options.system),
        content.redact,
      );
    }
    if (options.tools !== undefined) {
      attributes[GEN_AI.TOOL_DEFINITIONS] = contentAttribute(options.tools, content.redact);
    }
  }
  return { ...attributes, ...options.attributes };
}

function hasCostLimit(scope: Scope): boolean {
  const options = scope.run?.guard.options;
  if (!options) return false;
  return (
    options.maxCostUsd !== undefined ||
    Object.values(options.perAgent ?? {}).some((limits) => limits.maxCostUsd !== undefined)
  );
}

/**
 * Runs `fn` as one model call: span `{operation} {model}` (e.g. `chat gpt-4o-mini`). Report the response through
 * the LlmSpan handle (`setResponse`, `addUsage`, `setOutput`), or return a stream: its chunks are read as they
 * pass (the FULL completion text, finish reason and final usage land on the span when it ends). Inside a guarded
 * run, the reported usage counts against the token and cost budgets.
 */
export function llmCall<R>(options: LlmCallOptions, fn: (span: LlmSpan) => R): R {
  const scope = currentScope();
  scope.run?.checkBudget(scope.agentName);
  const operation = options.operation ?? OPERATION.CHAT;
  const name = `${operation} ${options.model}`;
  const attributes = requestAttributes(options, operation);
  const span = tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes });
  const call = new LlmCallSpan(span, attributes);
  const readChunk = options.readChunk ?? readProviderChunk;
  const readResponse = options.readResponse ?? readProviderResponse;
  return runInSpan(span, { ...scope }, () => fn(call), {
    onResult: (response) => {
      if (!call.reported) readResponse(response, call);
    },
    onItem: (chunk) => {
      call.chunkSeen();
      try {
        readChunk(chunk, call);
      } catch {
        // An unexpected chunk shape must not break the agent's stream.
      }
    },
    beforeEnd: () => call.finish(),
    afterEnd: () => {
      if (scope.run && call.reportedUsage) {
        scope.run.addUsage(scope.agentName, call.usageReport(name, hasCostLimit(scope)));
      }
    },
  });
}

/** `fn` as a function whose every call is a model call; `options` may depend on the call's arguments. */
export function wrapLlmCall<A extends unknown[], R>(
  options: LlmCallOptions | ((...args: A) => LlmCallOptions),
  fn: (...args: A) => R,
): (...args: A) => R {
  return (...args: A) =>
    llmCall(typeof options === 'function' ? options(...args) : options, () => fn(...args));
}
