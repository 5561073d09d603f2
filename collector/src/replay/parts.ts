// Reading OTel GenAI message parts as the plain values providers and people want: text, tool arguments, results.
import type { Message, MessagePart } from '@beacon/semconv';

export type TextPart = { type: 'text'; content: string };
export type ToolCallPart = { type: 'tool_call'; id?: string; name: string; arguments?: unknown };
export type ToolResponsePart = { type: 'tool_call_response'; id?: string; response?: unknown };
export type UriPart = { type: 'uri'; modality?: string; mime_type?: string; uri: string };
export type BlobPart = { type: 'blob'; modality?: string; mime_type?: string; content?: string };

export function isText(part: MessagePart): part is TextPart {
  return part.type === 'text' && typeof part.content === 'string';
}

export function isToolCall(part: MessagePart): part is ToolCallPart {
  return part.type === 'tool_call' && typeof part.name === 'string';
}

export function isToolResponse(part: MessagePart): part is ToolResponsePart {
  return part.type === 'tool_call_response';
}

export function isImage(part: MessagePart): part is UriPart | BlobPart {
  const p = part as { modality?: unknown; mime_type?: unknown };
  const image = p.modality === 'image' || String(p.mime_type ?? '').startsWith('image/');
  return image && ((part.type === 'uri' && typeof part.uri === 'string') || part.type === 'blob');
}

/** Any value as the text a provider expects: strings as they are, everything else as JSON. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/** Tool-call arguments as the JSON object the providers take (a JSON string is parsed; anything else wrapped). */
export function argumentsObject(value: unknown): Record<string, unknown> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return { input: value };
    }
  }
  if (parsed === undefined || parsed === null) return {};
  return typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : { input: parsed };
}

/** Parses a provider's JSON-string tool arguments; text that is not JSON is kept as is. */
export function parseArguments(text: string): unknown {
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A part that is neither text nor a tool exchange, as text (a prompt is never silently shortened). */
export function otherPartText(part: MessagePart): string {
  return JSON.stringify(part);
}

/**
 * A completion as one string, the form the diff compares: text parts joined with newlines, tool calls as
 * `name(arguments)`, reasoning left out (it is not the answer).
 */
export function renderOutput(messages: Message[]): string {
  const lines: string[] = [];
  for (const message of messages) {
    for (const part of message.parts) {
      if (isText(part)) lines.push(part.content);
      else if (isToolCall(part)) lines.push(`${part.name}(${asText(part.arguments ?? {})})`);
    }
  }
  return lines.join('\n');
}

/** System instructions as text: the text parts joined, or null when there are none. */
export function systemText(parts: MessagePart[]): string | null {
  const texts = parts.filter(isText).map((p) => p.content);
  return texts.length > 0 ? texts.join('\n') : null;
}
