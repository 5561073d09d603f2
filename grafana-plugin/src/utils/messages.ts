// Message helpers and the context-window growth of an agent across its LLM calls.
import type { GenAISpanView, SpanView } from '@beacon/collector/api-contract';
import { agentOf, buildTree, type SpanTree, sortByStart, spanNodeKind } from './spans';

export type Message = GenAISpanView['inputMessages'][number];
export type MessagePart = Message['parts'][number];

const messageKeys = new WeakMap<Message, string>();

/** Stable identity of a message for diffs (key order does not matter); cached, since a long run compares the same
 * message objects call after call. */
export function messageKey(message: Message): string {
  const cached = messageKeys.get(message);
  if (cached !== undefined) return cached;
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, v]) => [k, canonical(v)]),
      );
    }
    return value;
  };
  const key = JSON.stringify(canonical({ role: message.role, name: message.name, parts: message.parts }));
  messageKeys.set(message, key);
  return key;
}

export function commonPrefixLength(a: readonly Message[], b: readonly Message[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && messageKey(a[i]!) === messageKey(b[i]!)) i++;
  return i;
}

export interface InputDiff {
  /** Index in the current input of its first message the previous input did not have. */
  newFrom: number;
  /** Messages of the previous input that the current one no longer carries. */
  dropped: number;
}

/**
 * Which messages of `current` are new since `previous`: first their common prefix (the conversation carried over),
 * then the longest tail of the rest of `previous` that `current` goes on with — a sliding window (the first
 * message, then the latest n) drops its oldest messages, so a prefix alone would call the whole window new.
 */
export function diffInput(previous: readonly Message[], current: readonly Message[]): InputDiff {
  const prefix = commonPrefixLength(previous, current);
  const before = previous.slice(prefix).map(messageKey);
  const after = current.slice(prefix).map(messageKey);
  for (let shift = 1; shift < before.length; shift++) {
    const overlap = before.length - shift;
    if (overlap > after.length) continue;
    let same = true;
    for (let i = 0; i < overlap && same; i++) same = before[shift + i] === after[i];
    if (same) return { newFrom: prefix + overlap, dropped: shift };
  }
  return { newFrom: prefix, dropped: before.length };
}

/** Plain text of a message's text parts (for previews). */
export function messageText(message: Message): string {
  return message.parts
    .map((p) =>
      p.type === 'text' || p.type === 'reasoning' ? String((p as { content?: unknown }).content ?? '') : '',
    )
    .filter(Boolean)
    .join('\n');
}

export interface ContextStep {
  span: SpanView;
  /** 0-based position among the agent's LLM calls. */
  index: number;
  /** The call this one is compared with: the agent's previous LLM call in the same invocation, if any. */
  previous: SpanView | null;
  model: string | null;
  inputTokens: number | null;
  /** Input tokens minus the previous call's; null without a previous call or when either count is missing. */
  deltaTokens: number | null;
  messageCount: number;
  /** Messages of this call's input that the previous call's input did not have. */
  newMessages: Message[];
  /** Messages of the previous input that are gone (the context was truncated or rewritten). */
  droppedMessages: number;
  systemChanged: boolean;
}

export interface AgentContext {
  agent: string;
  steps: ContextStep[];
}

export const NO_AGENT = '(no agent)';

/** The nearest agent invocation above a span (its span id), or null: calls of one invocation share a context. */
export function invocationOf(span: SpanView, tree: SpanTree): string | null {
  const seen = new Set<string>();
  let current = span.parentSpanId ? tree.byId.get(span.parentSpanId) : undefined;
  while (current && !seen.has(current.spanId)) {
    seen.add(current.spanId);
    if (spanNodeKind(current) === 'agent') return current.spanId;
    current = current.parentSpanId ? tree.byId.get(current.parentSpanId) : undefined;
  }
  return null;
}

function isContextCall(span: SpanView): boolean {
  return spanNodeKind(span) === 'llm' && span.genai?.operation !== 'embeddings';
}

function contextStep(span: SpanView, index: number, previous: SpanView | null): ContextStep {
  const genai = span.genai!;
  const prev = previous?.genai ?? null;
  const diff = prev ? diffInput(prev.inputMessages, genai.inputMessages) : { newFrom: 0, dropped: 0 };
  const inputTokens = genai.usage.inputTokens;
  const prevTokens = prev?.usage.inputTokens ?? null;
  return {
    span,
    index,
    previous,
    model: genai.responseModel ?? genai.requestModel,
    inputTokens,
    deltaTokens: prev && inputTokens !== null && prevTokens !== null ? inputTokens - prevTokens : null,
    messageCount: genai.inputMessages.length,
    newMessages: genai.inputMessages.slice(diff.newFrom),
    droppedMessages: diff.dropped,
    systemChanged:
      prev !== null && JSON.stringify(prev.systemInstructions) !== JSON.stringify(genai.systemInstructions),
  };
}

/**
 * Per agent, how the context window (input messages + input tokens) grew from one LLM call to the next. A call is
 * compared with the agent's previous call of the same invocation: a new invocation starts a new context.
 */
export function contextGrowth(spans: readonly SpanView[], tree: SpanTree = buildTree(spans)): AgentContext[] {
  const groups = new Map<string, SpanView[]>();
  for (const span of sortByStart(spans)) {
    if (!isContextCall(span)) continue;
    const agent = agentOf(span, tree) ?? NO_AGENT;
    const list = groups.get(agent);
    if (list) list.push(span);
    else groups.set(agent, [span]);
  }
  return [...groups].map(([agent, calls]) => {
    const lastOfInvocation = new Map<string | null, SpanView>();
    return {
      agent,
      steps: calls.map((span, index) => {
        const invocation = invocationOf(span, tree);
        const step = contextStep(span, index, lastOfInvocation.get(invocation) ?? null);
        lastOfInvocation.set(invocation, span);
        return step;
      }),
    };
  });
}

/** The context step of one LLM call (its previous call and what is new since), without diffing the others. */
export function contextStepOf(
  span: SpanView,
  spans: readonly SpanView[],
  tree: SpanTree = buildTree(spans),
): ContextStep | null {
  if (!isContextCall(span)) return null;
  const agent = agentOf(span, tree);
  const invocation = invocationOf(span, tree);
  const calls = sortByStart(
    spans.filter(
      (s) => isContextCall(s) && agentOf(s, tree) === agent && invocationOf(s, tree) === invocation,
    ),
  );
  const at = calls.findIndex((s) => s.spanId === span.spanId);
  return contextStep(span, Math.max(0, at), at > 0 ? calls[at - 1]! : null);
}
