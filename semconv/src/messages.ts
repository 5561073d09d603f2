// Message content from every convention → OTel-shaped Message[] with typed parts.
// Parsers never throw: content that cannot be read as messages is kept verbatim as a text part, because losing
// a prompt is worse than showing it unformatted.

import {
  asString,
  collectIndexed,
  isRecord,
  parseIfJson,
  parseJson,
  readString,
} from './attribute-values.js';
import { GEN_AI, GEN_AI_DEPRECATED, GEN_AI_EVENTS, OPENINFERENCE, VERCEL_AI } from './attributes.js';
import type { Attributes, AttrValue, Message, MessagePart, SpanInput } from './model.js';

type Role = Message['role'];

function text(content: string): MessagePart {
  return { type: 'text', content };
}

function str(value: unknown): string | undefined {
  return asString(value as AttrValue | undefined) ?? undefined;
}

/** Drops undefined fields so parts compare and serialize cleanly. */
function compact<T extends Record<string, unknown>>(part: T): T {
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
function mediaPart(data: unknown, mimeType: string | undefined, fallbackModality?: string): MessagePart {
  const modality = modalityOf(mimeType) ?? fallbackModality;
  const value = typeof data === 'string' ? data : isRecord(data) ? str(data.url) : undefined;
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
  if (typeof raw === 'string') return text(raw);
  if (!isRecord(raw)) return text(JSON.stringify(raw));
  const type = str(raw.type);
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return text(str(raw.content) ?? str(raw.text) ?? '');
    case 'reasoning':
    case 'thinking':
      return { type: 'reasoning', content: str(raw.content) ?? str(raw.text) ?? str(raw.thinking) ?? '' };
    case 'tool_call':
      return compact({
        type: 'tool_call',
        id: str(raw.id),
        name: str(raw.name) ?? '',
        arguments: raw.arguments,
      });
    case 'tool-call': // Vercel AI SDK; `args` before AI SDK 5
      return compact({
        type: 'tool_call',
        id: str(raw.toolCallId),
        name: str(raw.toolName) ?? '',
        arguments: parseIfJson(raw.input ?? raw.args),
      });
    case 'tool_use': // Anthropic
      return compact({ type: 'tool_call', id: str(raw.id), name: str(raw.name) ?? '', arguments: raw.input });
    case 'function_call': // OpenAI Responses API
      return compact({
        type: 'tool_call',
        id: str(raw.call_id) ?? str(raw.id),
        name: str(raw.name) ?? '',
        arguments: parseIfJson(raw.arguments),
      });
    case 'tool_call_response':
      return compact({ type: 'tool_call_response', id: str(raw.id), response: raw.response ?? raw.result });
    case 'tool-result': {
      // AI SDK 5+: output = { type: 'json' | 'text' | ..., value }; AI SDK 4: result.
      const output = raw.output ?? raw.result;
      const response = isRecord(output) && 'value' in output ? output.value : output;
      return compact({ type: 'tool_call_response', id: str(raw.toolCallId), response });
    }
    case 'tool_result': // Anthropic
      return compact({ type: 'tool_call_response', id: str(raw.tool_use_id), response: raw.content });
    case 'function_call_output': // OpenAI Responses API
      return compact({ type: 'tool_call_response', id: str(raw.call_id), response: raw.output });
    case 'image_url': // OpenAI chat
      return mediaPart(raw.image_url, undefined, 'image');
    case 'image': // Vercel AI SDK ≤ 4 and Anthropic ({ source: { type, media_type, data | url } })
      if (isRecord(raw.source)) {
        const source = raw.source;
        return mediaPart(source.data ?? source.url, str(source.media_type), 'image');
      }
      return mediaPart(raw.image, str(raw.mediaType) ?? str(raw.mimeType), 'image');
    case 'file':
      if (raw.file_id !== undefined) return { ...raw, type: 'file' } as MessagePart; // OTel file part
      return mediaPart(raw.data, str(raw.mediaType) ?? str(raw.mimeType));
    case undefined:
      // Untyped objects: {text} / {content} are text; anything else is shown as JSON.
      if (typeof raw.text === 'string') return text(raw.text);
      if (typeof raw.content === 'string') return text(raw.content);
      return text(JSON.stringify(raw));
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
    return content === '' ? [] : [text(content)];
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
      id: str(call.id),
      name: str(fn.name) ?? '',
      arguments: parseIfJson(fn.arguments),
    });
  });
}

/**
 * One message in OTel shape ({role, parts}) or provider shape ({role, content, tool_calls, tool_call_id},
 * Vercel {role, content: parts[]}). A bare string becomes a text message with the fallback role.
 */
export function normalizeMessage(raw: unknown, fallbackRole: Role): Message | null {
  if (typeof raw === 'string') return { role: fallbackRole, parts: [text(raw)] };
  if (!isRecord(raw)) return null;
  const role = str(raw.role) ?? fallbackRole;
  let parts: MessagePart[];
  if (Array.isArray(raw.parts)) {
    parts = normalizeParts(raw.parts);
  } else {
    parts = contentToParts(raw.content);
    const toolCallId = str(raw.tool_call_id);
    if (role === 'tool' && toolCallId !== undefined && !parts.some((p) => p.type === 'tool_call_response')) {
      // OpenAI-style tool message: the content is the tool's response.
      const response = parts.length === 1 && parts[0]?.type === 'text' ? parts[0].content : raw.content;
      parts = [compact({ type: 'tool_call_response', id: toolCallId, response })];
    }
    parts.push(...openAIToolCalls(raw.tool_calls));
    if (isRecord(raw.function_call)) parts.push(...openAIToolCalls([{ function: raw.function_call }]));
  }
  const message: Message = { role, parts };
  const name = str(raw.name);
  if (name !== undefined) message.name = name;
  const finishReason = str(raw.finish_reason) ?? str(raw.finishReason);
  if (finishReason !== undefined) message.finish_reason = finishReason;
  return message;
}

function normalizeMessages(list: unknown[], fallbackRole: Role): Message[] {
  return list.map((m) => normalizeMessage(m, fallbackRole)).filter((m): m is Message => m !== null);
}

/**
 * gen_ai.input.messages / gen_ai.output.messages, given as a structured value or a JSON string. Also reads the
 * older OpenAI-shaped arrays (deprecated gen_ai.prompt / gen_ai.completion). Unreadable JSON is kept as text.
 */
export function parseOtelMessages(value: unknown, fallbackRole: Role): Message[] {
  if (value === null || value === undefined || value === '') return [];
  const parsed = typeof value === 'string' ? parseJson(value) : value;
  if (Array.isArray(parsed)) return normalizeMessages(parsed, fallbackRole);
  if (isRecord(parsed)) {
    const message = normalizeMessage(parsed, fallbackRole);
    return message ? [message] : [];
  }
  return typeof value === 'string' ? [{ role: fallbackRole, parts: [text(value)] }] : [];
}

/** gen_ai.system_instructions: a bare list of parts (structured or JSON), or plain text. */
export function parseSystemInstructions(value: unknown): MessagePart[] {
  if (value === null || value === undefined || value === '') return [];
  const parsed = typeof value === 'string' ? parseJson(value) : value;
  if (Array.isArray(parsed)) {
    // Some emitters send messages ({role, parts}) instead of parts: flatten them.
    return parsed.flatMap((item) =>
      isRecord(item) && Array.isArray(item.parts) ? normalizeParts(item.parts) : contentToParts(item),
    );
  }
  if (isRecord(parsed)) return contentToParts(parsed);
  return typeof value === 'string' ? [text(value)] : [];
}

// ---- OpenInference: llm.input_messages.<i>.message.* ----

function openInferenceMessage(group: Record<string, AttrValue>, fallbackRole: Role): Message {
  const role = asString(group[OPENINFERENCE.MESSAGE_ROLE]) ?? fallbackRole;
  const parts: MessagePart[] = [];
  const content = group[OPENINFERENCE.MESSAGE_CONTENT];
  if (content !== undefined) parts.push(...contentToParts(content));
  for (const item of collectIndexed(group, OPENINFERENCE.MESSAGE_CONTENTS).values()) {
    const type = asString(item[OPENINFERENCE.MESSAGE_CONTENT_TYPE]);
    const imageUrl = asString(item[OPENINFERENCE.MESSAGE_CONTENT_IMAGE_URL]);
    const itemText = asString(item[OPENINFERENCE.MESSAGE_CONTENT_TEXT]);
    if (type === 'image' || imageUrl !== null) parts.push(mediaPart(imageUrl ?? '', undefined, 'image'));
    else if (itemText !== null) parts.push(text(itemText));
  }
  const toolCallId = asString(group[OPENINFERENCE.MESSAGE_TOOL_CALL_ID]);
  if (role === 'tool' && toolCallId !== null) {
    const response = parts.length === 1 && parts[0]?.type === 'text' ? parts[0].content : parts;
    parts.splice(0, parts.length, { type: 'tool_call_response', id: toolCallId, response });
  }
  for (const call of collectIndexed(group, OPENINFERENCE.MESSAGE_TOOL_CALLS).values()) {
    parts.push(
      compact({
        type: 'tool_call',
        id: asString(call[OPENINFERENCE.TOOL_CALL_ID]) ?? undefined,
        name: asString(call[OPENINFERENCE.TOOL_CALL_FUNCTION_NAME]) ?? '',
        arguments: parseIfJson(call[OPENINFERENCE.TOOL_CALL_FUNCTION_ARGUMENTS]),
      }),
    );
  }
  const functionName = asString(group[OPENINFERENCE.MESSAGE_FUNCTION_CALL_NAME]);
  if (functionName !== null) {
    parts.push(
      compact({
        type: 'tool_call',
        name: functionName,
        arguments: parseIfJson(group[OPENINFERENCE.MESSAGE_FUNCTION_CALL_ARGUMENTS]),
      }),
    );
  }
  const message: Message = { role, parts };
  const name = asString(group[OPENINFERENCE.MESSAGE_NAME]);
  if (name !== null) message.name = name;
  return message;
}

/** OpenInference flattened messages under `llm.input_messages` or `llm.output_messages`. */
export function parseOpenInferenceMessages(attrs: Attributes, prefix: string, fallbackRole: Role): Message[] {
  const whole = attrs[prefix];
  if (whole !== undefined) return parseOtelMessages(whole, fallbackRole); // unflattened (JSON) variant
  return [...collectIndexed(attrs, prefix).values()].map((group) =>
    openInferenceMessage(group, fallbackRole),
  );
}

// ---- OpenLLMetry: gen_ai.prompt.<i>.role|content|tool_calls.<j>.* ----

function openLLMetryMessage(group: Record<string, AttrValue>, fallbackRole: Role): Message {
  const role = asString(group.role) ?? fallbackRole;
  const raw: Record<string, unknown> = { role, content: group.content };
  const toolCallId = asString(group.tool_call_id);
  if (toolCallId !== null) raw.tool_call_id = toolCallId;
  const message = normalizeMessage(raw, fallbackRole) ?? { role, parts: [] };
  for (const call of collectIndexed(group, 'tool_calls').values()) {
    message.parts.push(
      compact({
        type: 'tool_call',
        id: asString(call.id) ?? undefined,
        name: asString(call.name) ?? '',
        arguments: parseIfJson(call.arguments),
      }),
    );
  }
  const functionName = asString(group['function_call.name']);
  if (functionName !== null) {
    message.parts.push(
      compact({
        type: 'tool_call',
        name: functionName,
        arguments: parseIfJson(group['function_call.arguments']),
      }),
    );
  }
  const finishReason = asString(group.finish_reason);
  if (finishReason !== null) message.finish_reason = finishReason;
  return message;
}

/** OpenLLMetry flattened prompts (`gen_ai.prompt`) or completions (`gen_ai.completion`). */
export function parseOpenLLMetryMessages(attrs: Attributes, prefix: string, fallbackRole: Role): Message[] {
  return [...collectIndexed(attrs, prefix).values()].map((group) => openLLMetryMessage(group, fallbackRole));
}

// ---- Vercel AI SDK ----

/** `ai.prompt.messages`: JSON of the provider-level prompt ([{role, content: string | parts[]}]). */
export function parseVercelPromptMessages(value: unknown): Message[] {
  return parseOtelMessages(value, 'user');
}

/** Outer-span `ai.prompt`: JSON {system?, prompt?, messages?}. */
export function parseVercelPrompt(value: unknown): {
  systemInstructions: MessagePart[];
  messages: Message[];
} {
  const parsed = typeof value === 'string' ? parseJson(value) : value;
  if (!isRecord(parsed)) {
    return { systemInstructions: [], messages: parseOtelMessages(value, 'user') };
  }
  const systemInstructions = contentToParts(parsed.system);
  const messages: Message[] = [];
  if (typeof parsed.prompt === 'string') messages.push({ role: 'user', parts: [text(parsed.prompt)] });
  else if (Array.isArray(parsed.prompt)) messages.push(...normalizeMessages(parsed.prompt, 'user'));
  if (Array.isArray(parsed.messages)) messages.push(...normalizeMessages(parsed.messages, 'user'));
  return { systemInstructions, messages };
}

/** The assistant message of a Vercel AI call: ai.response.reasoning / text / object / toolCalls. */
export function parseVercelResponse(attrs: Attributes): Message[] {
  const parts: MessagePart[] = [];
  const reasoning = readString(attrs, VERCEL_AI.RESPONSE_REASONING);
  if (reasoning !== null) parts.push({ type: 'reasoning', content: reasoning });
  const responseText =
    readString(attrs, VERCEL_AI.RESPONSE_TEXT) ?? readString(attrs, VERCEL_AI.RESPONSE_OBJECT);
  if (responseText !== null) parts.push(text(responseText));
  const toolCalls = attrs[VERCEL_AI.RESPONSE_TOOL_CALLS];
  if (toolCalls !== undefined && toolCalls !== null) {
    const list = typeof toolCalls === 'string' ? parseJson(toolCalls) : toolCalls;
    if (Array.isArray(list)) {
      parts.push(
        ...normalizeParts(list.map((call) => (isRecord(call) ? { type: 'tool-call', ...call } : call))),
      );
    } else if (typeof toolCalls === 'string') {
      parts.push(text(toolCalls));
    }
  }
  if (parts.length === 0) return [];
  const message: Message = { role: 'assistant', parts };
  const finishReason = readString(attrs, VERCEL_AI.RESPONSE_FINISH_REASON);
  if (finishReason !== null) message.finish_reason = finishReason;
  return [message];
}

// ---- OTel span events ----

const PER_MESSAGE_EVENT_ROLES: Record<string, Role> = {
  [GEN_AI_EVENTS.SYSTEM_MESSAGE]: 'system',
  [GEN_AI_EVENTS.USER_MESSAGE]: 'user',
  [GEN_AI_EVENTS.ASSISTANT_MESSAGE]: 'assistant',
  [GEN_AI_EVENTS.TOOL_MESSAGE]: 'tool',
};

/** An event's body: its attributes, or a JSON/structured body some bridges put in one attribute. */
function eventBody(attributes: Attributes): Record<string, unknown> {
  for (const key of ['body', 'gen_ai.event.content']) {
    const nested = parseIfJson(attributes[key]);
    if (isRecord(nested)) return nested;
  }
  return attributes;
}

export interface EventMessages {
  systemInstructions: MessagePart[];
  inputMessages: Message[];
  outputMessages: Message[];
}

/**
 * Messages carried by span events: the current gen_ai.client.inference.operation.details event, the deprecated
 * per-message events (gen_ai.system/user/assistant/tool.message, gen_ai.choice) and the older
 * gen_ai.content.prompt / gen_ai.content.completion events.
 */
export function parseEventMessages(events: SpanInput['events']): EventMessages {
  const result: EventMessages = { systemInstructions: [], inputMessages: [], outputMessages: [] };
  const choices: { index: number; message: Message }[] = [];
  for (const event of events ?? []) {
    const attrs = event.attributes;
    if (event.name === GEN_AI_EVENTS.INFERENCE_OPERATION_DETAILS) {
      result.systemInstructions.push(...parseSystemInstructions(attrs[GEN_AI.SYSTEM_INSTRUCTIONS]));
      result.inputMessages.push(...parseOtelMessages(attrs[GEN_AI.INPUT_MESSAGES], 'user'));
      result.outputMessages.push(...parseOtelMessages(attrs[GEN_AI.OUTPUT_MESSAGES], 'assistant'));
    } else if (event.name === GEN_AI_EVENTS.CONTENT_PROMPT) {
      result.inputMessages.push(...parseOtelMessages(attrs[GEN_AI_DEPRECATED.PROMPT], 'user'));
    } else if (event.name === GEN_AI_EVENTS.CONTENT_COMPLETION) {
      result.outputMessages.push(...parseOtelMessages(attrs[GEN_AI_DEPRECATED.COMPLETION], 'assistant'));
    } else if (event.name === GEN_AI_EVENTS.CHOICE) {
      const body = eventBody(attrs);
      const raw = parseIfJson(body.message);
      const message = normalizeMessage(isRecord(raw) ? raw : { content: raw }, 'assistant');
      if (!message) continue;
      const finishReason = str(body.finish_reason);
      if (finishReason !== undefined) message.finish_reason = finishReason;
      choices.push({ index: Number(body.index ?? choices.length) || 0, message });
    } else {
      const role = PER_MESSAGE_EVENT_ROLES[event.name];
      if (role === undefined) continue;
      const body = eventBody(attrs);
      const message = normalizeMessage(
        {
          role,
          content: body.content,
          tool_calls: body.tool_calls,
          tool_call_id: role === 'tool' ? body.id : undefined,
        },
        role,
      );
      if (message) result.inputMessages.push(message);
    }
  }
  choices.sort((a, b) => a.index - b.index);
  result.outputMessages.push(...choices.map((c) => c.message));
  return result;
}
