// OpenAI chat completions (also every OpenAI-compatible endpoint: Ollama, vLLM, LiteLLM, …) through the official
// SDK, and the conversion between OTel GenAI messages and OpenAI chat messages.
import type { Message, MessagePart } from '@beacon/semconv';
import OpenAI from 'openai';
import type { ReplayTool } from '../contract/index.js';
import {
  asText,
  isImage,
  isText,
  isToolCall,
  isToolResponse,
  otherPartText,
  parseArguments,
} from './parts.js';
import { providerError } from './provider-errors.js';
import type { ModelCall, ModelCompletion } from './providers.js';

type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type ContentPart = OpenAI.Chat.Completions.ChatCompletionContentPart;
type ToolCall = OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
type ChatCompletion = OpenAI.Chat.Completions.ChatCompletion;

export async function callOpenAI(call: ModelCall): Promise<ModelCompletion> {
  const client = new OpenAI({
    baseURL: call.baseUrl,
    // The SDK insists on a credential; without a key (a local Ollama) the Authorization header is removed below.
    apiKey: call.apiKey ?? 'no-key',
    // Explicit nulls so the SDK never falls back to OPENAI_* environment variables of the collector's process.
    organization: null,
    project: null,
    adminAPIKey: null,
    defaultHeaders: call.apiKey ? {} : { Authorization: null },
    timeout: call.timeoutMs,
    maxRetries: 0,
    // The SDK's own logger could print request options; the collector logs sanitized messages itself.
    logLevel: 'off',
  });
  const params = {
    model: call.model,
    messages: toOpenAIMessages(call.system, call.messages),
    ...(call.temperature !== null ? { temperature: call.temperature } : {}),
    ...(call.maxTokens !== null ? maxTokensParam(call) : {}),
    ...(call.tools.length > 0 ? { tools: toOpenAITools(call.tools) } : {}),
  };
  const options = call.signal ? { signal: call.signal } : {};
  try {
    let completion: ChatCompletion;
    if (call.onDelta) {
      const onDelta = call.onDelta;
      const stream = client.chat.completions.stream(
        { ...params, stream: true, stream_options: { include_usage: true } },
        options,
      );
      stream.on('content', (delta) => {
        if (delta) onDelta(delta);
      });
      completion = await stream.finalChatCompletion();
    } else {
      completion = await client.chat.completions.create({ ...params, stream: false }, options);
    }
    return fromOpenAICompletion(completion);
  } catch (error) {
    throw providerError(error, call.apiKey);
  }
}

/**
 * OpenAI replaced max_tokens by max_completion_tokens (reasoning models reject the old name), while OpenAI-compatible
 * servers (Ollama, vLLM, LiteLLM) have long understood max_tokens and not all know the new one.
 */
function maxTokensParam(call: ModelCall): { max_completion_tokens: number } | { max_tokens: number } {
  const n = call.maxTokens ?? 0;
  return call.provider === 'openai' ? { max_completion_tokens: n } : { max_tokens: n };
}

// ---------------------------------------------------------------------------------------------------------------
// OTel GenAI messages → OpenAI chat messages

export function toOpenAIMessages(system: string | null, messages: Message[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (system !== null && system !== '') out.push({ role: 'system', content: system });
  for (const message of messages) out.push(...toOpenAIMessage(message));
  return out;
}

function toOpenAIMessage(message: Message): ChatMessage[] {
  const parts = message.parts.filter((p) => p.type !== 'reasoning');
  const name = message.name ? { name: message.name } : {};
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: joinText(parts), ...name }];
    case 'developer':
      return [{ role: 'developer', content: joinText(parts), ...name }];
    case 'assistant': {
      const toolCalls = parts.filter(isToolCall).map(
        (p, i): ToolCall => ({
          id: p.id ?? `call_${i}`,
          type: 'function',
          function: { name: p.name, arguments: asText(p.arguments ?? {}) },
        }),
      );
      const text = joinText(parts.filter((p) => !isToolCall(p)));
      return [
        {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...name,
        },
      ];
    }
    default: {
      // Tool results become one `tool` message each; what else the message holds stays a user/tool turn.
      const results = parts.filter(isToolResponse);
      const rest = parts.filter((p) => !isToolResponse(p));
      const out: ChatMessage[] = results.map((p) => ({
        role: 'tool',
        tool_call_id: p.id ?? '',
        content: asText(p.response),
      }));
      if (message.role === 'tool') {
        if (rest.length > 0) out.push({ role: 'tool', tool_call_id: '', content: joinText(rest) });
      } else if (rest.length > 0 || results.length === 0) {
        out.push({ role: 'user', content: userContent(rest), ...name });
      }
      return out;
    }
  }
}

function userContent(parts: MessagePart[]): string | ContentPart[] {
  if (parts.every(isText)) return joinText(parts);
  return parts.map((p): ContentPart => {
    if (isText(p)) return { type: 'text', text: p.content };
    if (isImage(p)) {
      const url =
        p.type === 'uri'
          ? String(p.uri)
          : `data:${String(p.mime_type ?? 'image/png')};base64,${String(p.content ?? '')}`;
      return { type: 'image_url', image_url: { url } };
    }
    return { type: 'text', text: otherPartText(p) };
  });
}

function joinText(parts: MessagePart[]): string {
  return parts.map((p) => (isText(p) ? p.content : otherPartText(p))).join('\n');
}

export function toOpenAITools(tools: ReplayTool[]): OpenAI.Chat.Completions.ChatCompletionFunctionTool[] {
  return tools.map((t) => ({
    type: 'function',
    function: {
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      parameters: (t.parameters ?? { type: 'object', properties: {} }) as Record<string, unknown>,
    },
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// OpenAI completion → OTel GenAI

export function fromOpenAICompletion(completion: ChatCompletion): ModelCompletion {
  const outputMessages: Message[] = completion.choices.map((choice) => {
    const parts: MessagePart[] = [];
    if (choice.message.content) parts.push({ type: 'text', content: choice.message.content });
    for (const call of choice.message.tool_calls ?? []) {
      if (call.type !== 'function') continue;
      parts.push({
        type: 'tool_call',
        id: call.id,
        name: call.function.name,
        arguments: parseArguments(call.function.arguments),
      });
    }
    return { role: 'assistant', parts, finish_reason: choice.finish_reason };
  });
  const usage = completion.usage;
  return {
    responseModel: completion.model ?? null,
    responseId: completion.id ?? null,
    outputMessages,
    finishReasons: completion.choices
      .map((c) => c.finish_reason)
      .filter((r): r is NonNullable<typeof r> => !!r),
    usage: {
      // OpenAI's prompt count already includes cached tokens (the OTel meaning of input tokens).
      inputTokens: usage?.prompt_tokens ?? null,
      outputTokens: usage?.completion_tokens ?? null,
      cacheReadTokens: usage?.prompt_tokens_details?.cached_tokens ?? null,
      cacheWriteTokens: null,
    },
  };
}
