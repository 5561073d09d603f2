// Message content in any shape → OTel-shaped Message[] with typed parts: the convention-neutral part of message
// parsing. Each convention's own layout (flattened attributes, events, prompt objects) is read in its file under
// conventions/ and handed to these.
// Parsers never throw: content that cannot be read as messages is kept verbatim as a text part, because losing
// a prompt is worse than showing it unformatted.

import { asString, isRecord, parseIfJson, parseJson } from './attribute-values.js';
import type { AttrValue, Message, MessagePart } from './model.js';

type Role = Message['role'];

export function textPart(content: string): MessagePart {
  return { type: 'text', content };
}

/** A string field of a loosely typed record, or undefined. */
export function optionalString(value: unknown): string | undefined {
  return asString(value as AttrValue | undefined) ?? undefined;
}

/** Drops undefined fields so parts compare and serialize cleanly. */
export function compact<T extends Record<string, unknown>>(part: T): T {
  for (const key of Object.keys(part)) if (part[key] === undefined) delete part[key];
  return part;
}

function modalityOf(mimeType: string | undefined): string | undefined {
  const top = mimeType?.split('/', 1)[0];
  return top === 'image' || top === 'audio' || top === 'video' ? top : undefined;
}

function isUrl(value: string): boolean {
  return /^(https?|gs|s3):\/\//i.test(value);
}

/** A file/image payload that is either a URL or inline (base64) data. */
export function mediaPart(
  data: unknown,
  mimeType: string | undefined,
  fallbackModality?: string,
): MessagePart {
  const modality = modalityOf(mimeType) ?? fallbackModality;
  const value = typeof data === 'string' ? data : isRecord(data) ? optionalString(data.url) : undefined;
  if (value !== undefined && isUrl(value))
    return compact({ type: 'uri', modality, mime_type: mimeType, uri: value });
  return compact({ type: 'blob', modality, mime_type: mimeType, content: value });
}

/**
 * One content part in any of the shapes seen in the wild: OTel parts, OpenAI chat/responses content, Anthropic
 * content blocks, Vercel AI SDK prompt parts. Unknown typed parts are kept as they are.
 */
export function normalizePart(raw: unknown): MessagePart | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return textPart(raw);
  if (!isRecord(raw)) return textPart(JSON.stringify(raw));
  const type = optionalString(raw.type);
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return textPart(optionalString(raw.content) ?? optionalString(raw.text) ?? '');
    case 'reasoning':
    case 'thinking':
      return {
        type: 'reasoning',
        content:
          optionalString(raw.content) ?? optionalString(raw.text) ?? optionalString(raw.thinking) ?? '',
      };
    case 'tool_call':
      return compact({
        type: 'tool_call',
        id: optionalString(raw.id),
        name: optionalString(raw.name) ?? '',
        arguments: raw.arguments,
      });
    case 'tool-call': // Vercel AI SDK; `args` before AI SDK 5
      return compact({
        type: 'tool_call',
        id: optionalString(raw.toolCallId),
        name: optionalString(raw.toolName) ?? '',
        arguments: parseIfJson(raw.input ?? raw.args),
      });
    case 'tool_use': // Anthropic
      return compact({
        type: 'tool_call',
        id: optionalString(raw.id),
        name: optionalString(raw.name) ?? '',
        arguments: raw.input,
      });
    case 'function_call': // OpenAI Responses API
      return compact({
        type: 'tool_call',
        id: optionalString(raw.call_id) ?? optionalString(raw.id),
        name: optionalString(raw.name) ?? '',
        arguments: parseIfJson(raw.arguments),
      });
    case 'tool_call_response':
      return compact({
        type: 'tool_call_response',
        id: optionalString(raw.id),
        response: raw.response ?? raw.result,
      });
    case 'tool-result': {
      // AI SDK 5+: output = { type: 'json' | 'text' | ..., value }; AI SDK 4: result.
      const output = raw.output ?? raw.result;
      const response = isRecord(output) && 'value' in output ? output.value : output;
      return compact({ type: 'tool_call_response', id: optionalString(raw.toolCallId), response });
    }
    case 'tool_result': // Anthropic
      return compact({
        type: 'tool_call_response',
        id: optionalString(raw.tool_use_id),
        response: raw.content,
      });
    case 'function_call_output': // OpenAI Responses API
      return compact({ type: 'tool_call_response', id: optionalString(raw.call_id), response: raw.output });
    case 'image_url': // OpenAI chat
      return mediaPart(raw.image_url, undefined, 'image');
    case 'image': // Vercel AI SDK ≤ 4 and Anthropic ({ source: { type, media_type, data | url } })
      if (isRecord(raw.source)) {
        const source = raw.source;
        return mediaPart(source.data ?? source.url, optionalString(source.media_type), 'image');
      }
      return mediaPart(raw.image, optionalString(raw.mediaType) ?? optionalString(raw.mimeType), 'image');
    case 'file':
      if (raw.file_id !== undefined) return { ...raw, type: 'file' } as MessagePart; // OTel file part
      return mediaPart(raw.data, optionalString(raw.mediaType) ?? optionalString(raw.mimeType));
    case undefined:
      // Untyped objects: {text} / {content} are text; anything else is shown as JSON.
      if (typeof raw.text === 'string') return textPart(raw.text);
      if (typeof raw.content === 'string') return textPart(raw.content);
      return textPart(JSON.stringify(raw));
    default:
      return { ...raw, type } as MessagePart;
  }
}

function looksLikeParts(value: unknown): value is unknown[] {
  return (
    Array.isArray(value) && value.length > 0 && value.every((v) => isRecord(v) && typeof v.type === 'string')
  );
}

/**
 * Message content → parts. Strings stay text unless they are a JSON array of typed parts (some instrumentations
 * stringify multimodal content); a string that merely happens to be JSON (structured output) stays text.
 */
export function contentToParts(content: unknown): MessagePart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') {
    if (content.trimStart().startsWith('[')) {
      const parsed = parseJson(content);
      if (looksLikeParts(parsed)) return normalizeParts(parsed);
    }
    return content === '' ? [] : [textPart(content)];
  }
  if (Array.isArray(content)) return normalizeParts(content);
  const part = normalizePart(content);
  return part ? [part] : [];
}

export function normalizeParts(raw: unknown[]): MessagePart[] {
  return raw.map(normalizePart).filter((p): p is MessagePart => p !== null);
}

/** OpenAI chat `tool_calls` ([{id, type, function: {name, arguments}}]) → tool_call parts. */
function openAIToolCalls(toolCalls: unknown): MessagePart[] {
  const list = parseIfJson(toolCalls);
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).map((call) => {
    const fn = isRecord(call.function) ? call.function : call;
    return compact({
      type: 'tool_call',
      id: optionalString(call.id),
      name: optionalString(fn.name) ?? '',
      arguments: parseIfJson(fn.arguments),
    });
  });
}

/**
 * One message in OTel shape ({role, parts}) or provider shape ({role, content, tool_calls, tool_call_id},
 * Vercel {role, content: parts[]}). A bare string becomes a text message with the fallback role.
 */
export function normalizeMessage(raw: unknown, fallbackRole: Role): Message | null {
  if (typeof raw === 'string') return { role: fallbackRole, parts: [textPart(raw)] };
  if (!isRecord(raw)) return null;
  const role = optionalString(raw.role) ?? fallbackRole;
  let parts: MessagePart[];
  if (Array.isArray(raw.parts)) {
    parts = normalizeParts(raw.parts);
  } else {
    parts = contentToParts(raw.content);
    const toolCallId = optionalString(raw.tool_call_id);
    if (role === 'tool' && toolCallId !== undefined && !parts.some((p) => p.type === 'tool_call_response')) {
      // OpenAI-style tool message: the content is the tool's response.
      const response = parts.length === 1 && parts[0]?.type === 'text' ? parts[0].content : raw.content;
      parts = [compact({ type: 'tool_call_response', id: toolCallId, response })];
    }
    parts.push(...openAIToolCalls(raw.tool_calls));
    if (isRecord(raw.function_call)) parts.push(...openAIToolCalls([{ function: raw.function_call }]));
  }
  const message: Message = { role, parts };
  const name = optionalString(raw.name);
  if (name !== undefined) message.name = name;
  const finishReason = optionalString(raw.finish_reason) ?? optionalString(raw.finishReason);
  if (finishReason !== undefined) message.finish_reason = finishReason;
  return message;
}

export function normalizeMessages(list: unknown[], fallbackRole: Role): Message[] {
  return list.map((m) => normalizeMessage(m, fallbackRole)).filter((m): m is Message => m !== null);
}

/**
 * gen_ai.input.messages / gen_ai.output.messages, given as a structured value or a JSON string. Also reads the
 * older OpenAI-shaped arrays (deprecated gen_ai.prompt / gen_ai.completion). Unreadable JSON is kept as text.
 * Shared because other conventions hand over whole message lists too (OpenInference's unflattened variant, the
 * AI SDK's prompts).
 */
export function parseOtelMessages(value: unknown, fallbackRole: Role): Message[] {
  if (value === null || value === undefined || value === '') return [];
  const parsed = typeof value === 'string' ? parseJson(value) : value;
  if (Array.isArray(parsed)) return normalizeMessages(parsed, fallbackRole);
  if (isRecord(parsed)) {
    const message = normalizeMessage(parsed, fallbackRole);
    return message ? [message] : [];
  }
  return typeof value === 'string' ? [{ role: fallbackRole, parts: [textPart(value)] }] : [];
}
