// Message helpers and the context-window growth of an agent across its LLM calls.
import type { GenAISpanView, SpanView } from '@beacon/collector/api-contract';
import { agentOf, buildTree, type SpanTree, sortByStart, spanNodeKind } from './spans';

export type Message = GenAISpanView['inputMessages'][number];
export type MessagePart = Message['parts'][number];

/** Stable identity of a message for diffs (key order does not matter). */
export function messageKey(message: Message): string {
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
  return JSON.stringify(canonical({ role: message.role, name: message.name, parts: message.parts }));
}

export function commonPrefixLength(a: readonly Message[], b: readonly Message[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && messageKey(a[i]!) === messageKey(b[i]!)) i++;
  return i;
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
  inputTokens: number | null;
  /** Input tokens minus the previous call's; null on the first call or when either count is missing. */
  deltaTokens: number | null;
  messageCount: number;
  /** Messages of this call's input that the previous call's input did not have (beyond their common prefix). */
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

/** Per agent, how the context window (input messages + input tokens) grew from one LLM call to the next. */
export function contextGrowth(spans: readonly SpanView[], tree: SpanTree = buildTree(spans)): AgentContext[] {
  const groups = new Map<string, SpanView[]>();
  for (const span of sortByStart(spans)) {
    if (spanNodeKind(span) !== 'llm' || span.genai?.operation === 'embeddings') continue;
    const agent = agentOf(span, tree) ?? NO_AGENT;
    const list = groups.get(agent);
    if (list) list.push(span);
    else groups.set(agent, [span]);
  }
  return [...groups].map(([agent, calls]) => ({
    agent,
    steps: calls.map((span, index) => {
      const genai = span.genai!;
      const prev = index > 0 ? calls[index - 1]!.genai! : null;
      const prefix = prev ? commonPrefixLength(prev.inputMessages, genai.inputMessages) : 0;
      const inputTokens = genai.usage.inputTokens;
      const prevTokens = prev?.usage.inputTokens ?? null;
      return {
        span,
        index,
        inputTokens,
        deltaTokens: prev && inputTokens !== null && prevTokens !== null ? inputTokens - prevTokens : null,
        messageCount: genai.inputMessages.length,
        newMessages: genai.inputMessages.slice(prefix),
        droppedMessages: prev ? prev.inputMessages.length - prefix : 0,
        systemChanged:
          prev !== null &&
          JSON.stringify(prev.systemInstructions) !== JSON.stringify(genai.systemInstructions),
      };
    }),
  }));
}
