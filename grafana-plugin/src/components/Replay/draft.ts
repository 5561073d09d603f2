// The replay editor's state as the user types it (strings, so half-typed numbers and JSON survive), built from an
// LLM-call span or a saved prompt version, and turned into a ReplayRequest with field-named errors.
import type {
  PromptEdit,
  ReplayProvider,
  ReplayRequest,
  ReplayTool,
  SpanView,
} from '@beacon/collector/api-contract';
import type { Message } from '../../utils/messages';

export interface ReplayDraft {
  provider: ReplayProvider;
  model: string;
  /** System instructions; empty = none. */
  system: string;
  /** The conversation as JSON: OTel GenAI messages (`{ role, parts }`) or the short `{ role, content }`. */
  messages: string;
  /** JSON array of tools; empty = the original call's tools. */
  tools: string;
  /** Empty = the original call's value. */
  temperature: string;
  maxTokens: string;
  /** Empty = the collector's configured endpoint for the provider. */
  baseUrl: string;
  /** Sent with this request only; lives in component state, never in storage or the URL. */
  apiKey: string;
  label: string;
}

export const PROVIDERS: { label: string; value: ReplayProvider; description: string }[] = [
  { label: 'OpenAI', value: 'openai', description: 'OpenAI chat completions' },
  { label: 'Anthropic', value: 'anthropic', description: 'Anthropic messages' },
  {
    label: 'OpenAI-compatible',
    value: 'openai_compatible',
    description: 'Any endpoint speaking OpenAI chat completions: Ollama, vLLM, LiteLLM, …',
  },
];

/** Suggestions of the model picker besides the span's own model (free text is allowed). */
export const COMMON_MODELS: Record<ReplayProvider, string[]> = {
  openai: ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-5', 'gpt-5-mini', 'o4-mini'],
  anthropic: ['claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5', 'claude-3-5-haiku-latest'],
  openai_compatible: ['llama3.1', 'qwen2.5', 'mistral', 'gemma2'],
};

/** The provider a replay of the span uses by default (the collector's rule, see ReplayRequest). */
export function providerOf(span: SpanView): ReplayProvider {
  const name = span.genai?.provider?.toLowerCase() ?? '';
  if (name === 'openai' || name === 'azure.ai.openai') return 'openai';
  if (name === 'anthropic') return 'anthropic';
  return 'openai_compatible';
}

export function modelOf(span: SpanView): string {
  return span.genai?.requestModel ?? span.genai?.responseModel ?? '';
}

function partsText(parts: readonly { type: string; [key: string]: unknown }[]): string {
  return parts
    .filter((p) => p.type === 'text' && typeof p.content === 'string')
    .map((p) => p.content as string)
    .join('\n\n');
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

export function draftFromSpan(span: SpanView): ReplayDraft {
  const g = span.genai;
  return {
    provider: providerOf(span),
    model: modelOf(span),
    system: partsText(g?.systemInstructions ?? []),
    messages: pretty(g?.inputMessages ?? []),
    tools: '',
    temperature: span.attributes['gen_ai.request.temperature'] ?? '',
    maxTokens: span.attributes['gen_ai.request.max_tokens'] ?? '',
    baseUrl: '',
    apiKey: '',
    label: '',
  };
}

/** A saved version loaded into the editor; where to send it (base URL, key) stays as the user set it. */
export function draftFromEdit(edit: PromptEdit, current: ReplayDraft): ReplayDraft {
  return {
    ...current,
    provider: edit.provider,
    model: edit.model,
    system: edit.system ?? '',
    messages: pretty(edit.messages),
    tools: edit.tools.length > 0 ? pretty(edit.tools) : '',
    temperature: edit.temperature === null ? '' : String(edit.temperature),
    maxTokens: edit.maxTokens === null ? '' : String(edit.maxTokens),
    label: '',
  };
}

export type DraftField = 'model' | 'messages' | 'tools' | 'temperature' | 'maxTokens' | 'baseUrl';

export type DraftErrors = Partial<Record<DraftField, string>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Messages from the editor's JSON; `{ role, content: 'text' }` is accepted as a shorthand for one text part. */
export function parseMessages(json: string): { messages: Message[] } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return { error: `Not valid JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(value)) return { error: 'Expected a JSON array of messages' };
  const messages: Message[] = [];
  for (const [i, item] of value.entries()) {
    if (!isRecord(item) || typeof item.role !== 'string' || item.role === '') {
      return { error: `Message ${i + 1} needs a "role"` };
    }
    if (Array.isArray(item.parts)) {
      if (!item.parts.every((p) => isRecord(p) && typeof p.type === 'string')) {
        return { error: `Message ${i + 1}: every part needs a "type"` };
      }
      messages.push(item as unknown as Message);
    } else if (typeof item.content === 'string') {
      const { content, ...rest } = item;
      messages.push({ ...rest, role: item.role, parts: [{ type: 'text', content }] } as Message);
    } else {
      return { error: `Message ${i + 1} needs "parts" (or a text "content")` };
    }
  }
  if (messages.length === 0) return { error: 'Add at least one message' };
  return { messages };
}

function parseTools(json: string): { tools: ReplayTool[] } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return { error: `Not valid JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(value) || !value.every((t) => isRecord(t) && typeof t.name === 'string')) {
    return { error: 'Expected a JSON array of tools, each with a "name"' };
  }
  return { tools: value as ReplayTool[] };
}

function parseNumber(text: string, min: number, max: number, integer: boolean): number | string {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    return integer ? `A whole number from ${min} to ${max}` : `A number from ${min} to ${max}`;
  }
  return n;
}

/** The request a draft sends: everything the editor holds, blank optional fields left to the collector. */
export function toReplayRequest(
  draft: ReplayDraft,
  span: { traceId: string; spanId: string },
  fallbackLabel?: string,
): { request: ReplayRequest; errors: null } | { request: null; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const request: ReplayRequest = {
    traceId: span.traceId,
    spanId: span.spanId,
    provider: draft.provider,
    model: draft.model.trim(),
    system: draft.system.trim() === '' ? null : draft.system,
  };
  if (request.model === '') errors.model = 'Pick or type a model';
  const messages = parseMessages(draft.messages);
  if ('error' in messages) errors.messages = messages.error;
  else request.messages = messages.messages;
  if (draft.tools.trim() !== '') {
    const tools = parseTools(draft.tools);
    if ('error' in tools) errors.tools = tools.error;
    else request.tools = tools.tools;
  }
  if (draft.temperature.trim() !== '') {
    const t = parseNumber(draft.temperature.trim(), 0, 2, false);
    if (typeof t === 'string') errors.temperature = t;
    else request.temperature = t;
  }
  if (draft.maxTokens.trim() !== '') {
    const m = parseNumber(draft.maxTokens.trim(), 1, 1_000_000, true);
    if (typeof m === 'string') errors.maxTokens = m;
    else request.maxTokens = m;
  }
  const baseUrl = draft.baseUrl.trim();
  if (baseUrl !== '') {
    if (!/^https?:\/\/\S+$/.test(baseUrl)) errors.baseUrl = 'An http:// or https:// URL';
    else request.baseUrl = baseUrl;
  }
  if (draft.apiKey !== '') request.apiKey = draft.apiKey;
  const label = draft.label.trim() || fallbackLabel;
  if (label) request.label = label;
  return Object.keys(errors).length > 0 ? { request: null, errors } : { request, errors: null };
}

/** The text a tokenizer should count for the draft: system prompt plus every message part's content. */
export function promptText(draft: Pick<ReplayDraft, 'system' | 'messages'>): string {
  const out: string[] = [];
  if (draft.system.trim() !== '') out.push(draft.system);
  const parsed = parseMessages(draft.messages);
  if ('error' in parsed) {
    out.push(draft.messages); // count what is there while the JSON is half-typed
    return out.join('\n');
  }
  for (const message of parsed.messages) {
    for (const part of message.parts) {
      const p = part as Record<string, unknown>;
      if (typeof p.content === 'string') out.push(p.content);
      if (typeof p.name === 'string') out.push(p.name);
      if (p.arguments !== undefined) out.push(JSON.stringify(p.arguments));
      if (p.response !== undefined)
        out.push(typeof p.response === 'string' ? p.response : JSON.stringify(p.response));
    }
  }
  return out.join('\n');
}
