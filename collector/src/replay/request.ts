// POST /api/v1/replay's body, validated: every field checked, a 400 naming the first field at fault. The apiKey's
// value never appears in a message (zod's messages describe types and bounds, not values).
import type { Message } from '@beacon/semconv';
import { z } from 'zod';
import type { PromptEdit, ReplayProvider, ReplayTool } from '../contract/index.js';
import { invalidArgument } from '../errors.js';

export const REPLAY_PROVIDERS = [
  'openai',
  'anthropic',
  'openai_compatible',
] as const satisfies ReplayProvider[];

export const LIMITS = {
  model: 200,
  label: 200,
  tools: 100,
  toolName: 200,
  toolDescription: 10_000,
  messages: 10_000,
  parts: 1_000,
  role: 50,
  system: 1_000_000,
  baseUrl: 2_000,
  apiKey: 1_000,
  maxTokens: 1_000_000,
} as const;

const messagePart = z.looseObject({ type: z.string().min(1).max(100) });

const message = z.looseObject({
  role: z.string().min(1).max(LIMITS.role),
  parts: z.array(messagePart).max(LIMITS.parts),
  name: z.string().max(200).optional(),
  finish_reason: z.string().max(100).optional(),
});

const tool = z.object({
  name: z.string().trim().min(1).max(LIMITS.toolName),
  description: z.string().max(LIMITS.toolDescription).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

/** The fields of a PromptEdit as a request gives them: each optional, null meaning "none". */
const editFields = {
  provider: z.enum(REPLAY_PROVIDERS).optional(),
  model: z.string().trim().min(1).max(LIMITS.model).optional(),
  system: z.string().max(LIMITS.system).nullable().optional(),
  messages: z.array(message).max(LIMITS.messages).optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  maxTokens: z.number().int().min(1).max(LIMITS.maxTokens).nullable().optional(),
  tools: z.array(tool).max(LIMITS.tools).optional(),
};

const replayRequest = z.object({
  traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, 'expected 32 hex characters'),
  spanId: z.string().regex(/^[0-9a-fA-F]{16}$/, 'expected 16 hex characters'),
  ...editFields,
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .max(LIMITS.baseUrl)
    .optional(),
  apiKey: z.string().min(1).max(LIMITS.apiKey).optional(),
  stream: z.boolean().optional(),
  label: z.string().max(LIMITS.label).optional(),
});

export interface ParsedReplayRequest {
  traceId: string;
  spanId: string;
  /** Only the fields the request set; the rest default to the original call's. */
  edit: Partial<PromptEdit>;
  baseUrl: string | undefined;
  apiKey: string | undefined;
  stream: boolean;
  label: string | null;
}

/** `messages.0.parts.1.type` → `messages[0].parts[1].type` */
function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || 'body';
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalidArgument(issue ? `${fieldName(issue.path)}: ${issue.message}` : 'body: invalid');
}

export function parseReplayRequest(body: unknown): ParsedReplayRequest {
  const r = parse(replayRequest, body);
  const edit: Partial<PromptEdit> = {};
  if (r.provider !== undefined) edit.provider = r.provider;
  if (r.model !== undefined) edit.model = r.model;
  if (r.system !== undefined) edit.system = r.system;
  if (r.messages !== undefined) edit.messages = r.messages as Message[];
  if (r.temperature !== undefined) edit.temperature = r.temperature;
  if (r.maxTokens !== undefined) edit.maxTokens = r.maxTokens;
  if (r.tools !== undefined) edit.tools = r.tools.map(toReplayTool);
  return {
    traceId: r.traceId.toLowerCase(),
    spanId: r.spanId.toLowerCase(),
    edit,
    baseUrl: r.baseUrl,
    apiKey: r.apiKey,
    stream: r.stream ?? false,
    label: r.label === undefined || r.label.trim() === '' ? null : r.label,
  };
}

function toReplayTool(t: z.output<typeof tool>): ReplayTool {
  return {
    name: t.name,
    ...(t.description !== undefined ? { description: t.description } : {}),
    ...(t.parameters !== undefined ? { parameters: t.parameters } : {}),
  };
}

const restoreRequest = z.object({ label: z.string().max(LIMITS.label).optional() });

/** POST /prompts/versions/{id}/restore takes an optional body `{label}`. */
export function parseRestoreRequest(body: unknown): { label: string | undefined } {
  const r = parse(restoreRequest, body ?? {});
  return { label: r.label === undefined || r.label.trim() === '' ? undefined : r.label };
}
