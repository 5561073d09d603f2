// Anthropic Messages API through the official SDK, and the conversion between OTel GenAI messages and Anthropic
// messages (system apart, tool calls as tool_use blocks, tool results as tool_result blocks in a user turn).
import Anthropic from '@anthropic-ai/sdk';
import type { Message, MessagePart } from '@beacon/semconv';
import type { ReplayTool } from '../contract/index.js';
import {
  argumentsObject,
  asText,
  isImage,
  isText,
  isToolCall,
  isToolResponse,
  otherPartText,
} from './parts.js';
import { providerError } from './provider-errors.js';
import type { ModelCall, ModelCompletion } from './providers.js';

type MessageParam = Anthropic.Messages.MessageParam;
type ContentBlockParam = Anthropic.Messages.ContentBlockParam;

/** Anthropic requires max_tokens; this is sent when neither the span nor the edit says. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

export async function callAnthropic(call: ModelCall): Promise<ModelCompletion> {
  const client = new Anthropic({
    baseURL: call.baseUrl,
    // Passing a credential explicitly keeps the SDK from reading ANTHROPIC_* variables or credential profiles of
    // the collector's process. Without a key (a local proxy) the header it would carry is removed.
    apiKey: call.apiKey ?? 'no-key',
    ...(call.apiKey ? {} : { defaultHeaders: { Authorization: null, 'X-Api-Key': null } }),
    timeout: call.timeoutMs,
    maxRetries: 0,
    logLevel: 'off',
    // The replay span is built by the collector itself.
    openTelemetry: false,
  });
  const { system, messages } = toAnthropicMessages(call.system, call.messages);
  const params = {
    model: call.model,
    max_tokens: call.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages,
    ...(system !== null ? { system } : {}),
    ...(call.temperature !== null ? { temperature: call.temperature } : {}),
    ...(call.tools.length > 0 ? { tools: toAnthropicTools(call.tools) } : {}),
  };
  const options = call.signal ? { signal: call.signal } : {};
  try {
    let message: Anthropic.Messages.Message;
    if (call.onDelta) {
      const onDelta = call.onDelta;
      const stream = client.messages.stream(params, options);
      stream.on('text', (delta) => {
        if (delta) onDelta(delta);
      });
      message = await stream.finalMessage();
    } else {
      message = await client.messages.create({ ...params, stream: false }, options);
    }
    return fromAnthropicMessage(message);
  } catch (error) {
    throw providerError(error, call.apiKey);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// OTel GenAI messages → Anthropic

export function toAnthropicMessages(
  system: string | null,
  messages: Message[],
): { system: string | null; messages: MessageParam[] } {
  const systemTexts = system !== null && system !== '' ? [system] : [];
  const out: MessageParam[] = [];
  for (const message of messages) {
    if (message.role === 'system' || message.role === 'developer') {
      // Anthropic takes system instructions apart from the conversation.
      systemTexts.push(message.parts.map((p) => (isText(p) ? p.content : otherPartText(p))).join('\n'));
      continue;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = message.parts.flatMap(toBlock);
    if (blocks.length === 0) continue;
    const last = out.at(-1);
    // Consecutive turns of one role are merged: a tool message after a user message is still the user's turn.
    if (last && last.role === role && Array.isArray(last.content)) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return { system: systemTexts.length > 0 ? systemTexts.join('\n') : null, messages: out };
}

function toBlock(part: MessagePart): ContentBlockParam[] {
  if (part.type === 'reasoning') return [];
  if (isText(part)) return part.content === '' ? [] : [{ type: 'text', text: part.content }];
  if (isToolCall(part)) {
    return [{ type: 'tool_use', id: part.id ?? '', name: part.name, input: argumentsObject(part.arguments) }];
  }
  if (isToolResponse(part)) {
    return [{ type: 'tool_result', tool_use_id: part.id ?? '', content: asText(part.response) }];
  }
  if (isImage(part)) {
    if (part.type === 'uri') return [{ type: 'image', source: { type: 'url', url: String(part.uri) } }];
    const mediaType = String(part.mime_type ?? 'image/png') as 'image/png';
    return [
      { type: 'image', source: { type: 'base64', media_type: mediaType, data: String(part.content ?? '') } },
    ];
  }
  return [{ type: 'text', text: otherPartText(part) }];
}

export function toAnthropicTools(tools: ReplayTool[]): Anthropic.Messages.Tool[] {
  return tools.map((t) => ({
    name: t.name,
    ...(t.description !== undefined ? { description: t.description } : {}),
    input_schema: (t.parameters ?? { type: 'object', properties: {} }) as Anthropic.Messages.Tool.InputSchema,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Anthropic message → OTel GenAI

export function fromAnthropicMessage(message: Anthropic.Messages.Message): ModelCompletion {
  const parts: MessagePart[] = [];
  for (const block of message.content) {
    if (block.type === 'text') parts.push({ type: 'text', content: block.text });
    else if (block.type === 'thinking') parts.push({ type: 'reasoning', content: block.thinking });
    else if (block.type === 'tool_use')
      parts.push({ type: 'tool_call', id: block.id, name: block.name, arguments: block.input });
  }
  const stopReason = message.stop_reason ?? null;
  const u = message.usage;
  const cacheRead = u?.cache_read_input_tokens ?? null;
  const cacheWrite = u?.cache_creation_input_tokens ?? null;
  const input = u?.input_tokens ?? null;
  return {
    responseModel: message.model ?? null,
    responseId: message.id ?? null,
    outputMessages: [
      { role: 'assistant', parts, ...(stopReason !== null ? { finish_reason: stopReason } : {}) },
    ],
    finishReasons: stopReason !== null ? [stopReason] : [],
    usage: {
      // Anthropic's input_tokens EXCLUDES cache reads and writes; OTel's input count includes them.
      inputTokens: input === null ? null : input + (cacheRead ?? 0) + (cacheWrite ?? 0),
      outputTokens: u?.output_tokens ?? null,
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
    },
  };
}
