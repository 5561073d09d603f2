// Pure helpers over the contract's SpanView: times, tree, kinds.
import type { GraphNodeKind, SpanView } from '@beacon/collector/api-contract';

/** Nanoseconds since the epoch (decimal string) → milliseconds, keeping microseconds. */
export function nsToMs(ns: string): number {
  if (!/^\d+$/.test(ns)) return Number(ns) / 1e6 || 0;
  return Number(BigInt(ns) / 1000n) / 1000;
}

/** A contract timestamp (nanoseconds as a decimal string; RFC 3339 is accepted too) → epoch milliseconds. */
export function timestampMs(value: string): number {
  return /^\d+$/.test(value) ? nsToMs(value) : Date.parse(value);
}

/** Spans are read-only once loaded: their start is parsed once (sorting 10,000 spans asks for it ~300,000 times). */
const startCache = new WeakMap<SpanView, number>();

export function startMs(span: SpanView): number {
  let ms = startCache.get(span);
  if (ms === undefined) {
    ms = nsToMs(span.startTimeUnixNano);
    startCache.set(span, ms);
  }
  return ms;
}

export function endMs(span: SpanView): number {
  return startMs(span) + span.durationMs;
}

/** Start order (ties: longer first, so a parent precedes the child that starts with it; then span id). */
export function byStart(a: SpanView, b: SpanView): number {
  return startMs(a) - startMs(b) || b.durationMs - a.durationMs || (a.spanId < b.spanId ? -1 : 1);
}

export function sortByStart(spans: readonly SpanView[]): SpanView[] {
  return [...spans].sort(byStart);
}

export interface SpanTree {
  byId: Map<string, SpanView>;
  /** Children of each span id, in start order. */
  children: Map<string, SpanView[]>;
  /** Spans without a parent in this trace, in start order. */
  roots: SpanView[];
  /** Depth of each span id (roots are 0). */
  depth: Map<string, number>;
}

export function buildTree(spans: readonly SpanView[]): SpanTree {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const children = new Map<string, SpanView[]>();
  const roots: SpanView[] = [];
  for (const span of sortByStart(spans)) {
    const parent =
      span.parentSpanId && span.parentSpanId !== span.spanId ? byId.get(span.parentSpanId) : undefined;
    if (!parent) {
      roots.push(span);
      continue;
    }
    const list = children.get(parent.spanId);
    if (list) list.push(span);
    else children.set(parent.spanId, [span]);
  }
  const depth = new Map<string, number>();
  const walk = (span: SpanView, d: number) => {
    if (depth.has(span.spanId)) return; // cycles in bad data
    depth.set(span.spanId, d);
    for (const child of children.get(span.spanId) ?? []) walk(child, d + 1);
  };
  for (const root of roots) walk(root, 0);
  // spans only reachable through a cycle: treat as roots
  for (const span of spans) {
    if (!depth.has(span.spanId)) {
      roots.push(span);
      walk(span, 0);
    }
  }
  return { byId, children, roots, depth };
}

/** Depth-first, children in start order: the classic waterfall order. */
export function treeOrder(tree: SpanTree): SpanView[] {
  const out: SpanView[] = [];
  const seen = new Set<string>();
  const walk = (span: SpanView) => {
    if (seen.has(span.spanId)) return;
    seen.add(span.spanId);
    out.push(span);
    for (const child of tree.children.get(span.spanId) ?? []) walk(child);
  };
  for (const root of tree.roots) walk(root);
  return out;
}

const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings', 'completion']);

/** The agent-graph kind of a span, from its normalized GenAI operation. */
export function spanNodeKind(span: SpanView): GraphNodeKind {
  const g = span.genai;
  if (!g) return 'other';
  const op = g.operation;
  if (LLM_OPERATIONS.has(op)) return 'llm';
  if (op === 'execute_tool' || (g.toolName && !g.requestModel)) return 'tool';
  if (op === 'invoke_agent' || op === 'create_agent') return 'agent';
  if (op === 'retrieval' || op === 'rerank') return 'retrieval';
  if (op === 'invoke_workflow') return 'workflow';
  if (g.requestModel || g.responseModel) return 'llm';
  return 'other';
}

export function isLlmCall(span: SpanView): boolean {
  return spanNodeKind(span) === 'llm';
}

export function isError(span: SpanView): boolean {
  return span.statusCode === 'Error';
}

export function totalTokens(span: SpanView): number {
  const u = span.genai?.usage;
  return (u?.inputTokens ?? 0) + (u?.outputTokens ?? 0);
}

/** The agent a span belongs to: its own agent name, else the nearest agent span above it. */
export function agentOf(span: SpanView, tree: SpanTree): string | null {
  let current: SpanView | undefined = span;
  const seen = new Set<string>();
  while (current && !seen.has(current.spanId)) {
    seen.add(current.spanId);
    if (current.genai?.agentName) return current.genai.agentName;
    if (spanNodeKind(current) === 'agent') return current.name;
    current = current.parentSpanId ? tree.byId.get(current.parentSpanId) : undefined;
  }
  return null;
}
