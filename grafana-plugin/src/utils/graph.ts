// Agent graph helpers: a graph derived from the spans (when the collector's /graph is unavailable), the
// time-travel filter, and the invocations an aggregated node stands for.
import type { GraphEdge, GraphNode, SpanView, TraceGraphResponse } from '@beacon/collector/api-contract';
import {
  buildTree,
  isError,
  isLlmCall,
  nsToMs,
  type SpanTree,
  sortByStart,
  spanNodeKind,
  startMs,
  totalTokens,
} from './spans';

/**
 * One node per GenAI span (agent, LLM call, tool, …) plus the roots; edges go to the nearest ancestor that is a
 * node. A trace with no GenAI spans at all gets a node per span.
 */
export function deriveGraph(
  spans: readonly SpanView[],
  tree: SpanTree = buildTree(spans),
): TraceGraphResponse {
  const rootIds = new Set(tree.roots.map((r) => r.spanId));
  const ordered = sortByStart(spans);
  let included = ordered.filter((s) => s.genai !== null || rootIds.has(s.spanId));
  if (included.length <= tree.roots.length) included = ordered;
  const ids = new Set(included.map((s) => s.spanId));

  const nodes: GraphNode[] = included.map((span) => ({
    id: span.spanId,
    kind: rootIds.has(span.spanId) && span.genai === null ? 'workflow' : spanNodeKind(span),
    label: span.genai?.toolName ?? span.genai?.agentName ?? span.name,
    spanIds: [span.spanId],
    traceId: span.traceId,
    error: isError(span),
    startTimeUnixNano: span.startTimeUnixNano,
    durationMs: span.durationMs,
    costUsd: span.genai?.costUsd ?? null,
    tokens: totalTokens(span),
  }));
  const kindOf = new Map(nodes.map((n) => [n.id, n.kind]));

  const edges: GraphEdge[] = [];
  for (const span of included) {
    let parentId = span.parentSpanId;
    const seen = new Set<string>();
    while (parentId && !ids.has(parentId) && !seen.has(parentId)) {
      seen.add(parentId);
      parentId = tree.byId.get(parentId)?.parentSpanId ?? '';
    }
    if (!parentId || !ids.has(parentId) || parentId === span.spanId) continue;
    const handoff = kindOf.get(parentId) === 'agent' && kindOf.get(span.spanId) === 'agent';
    edges.push({
      id: `${parentId}->${span.spanId}`,
      source: parentId,
      target: span.spanId,
      kind: handoff ? 'handoff' : 'call',
      calls: 1,
    });
  }
  return { nodes, edges };
}

/**
 * The part of the graph that had happened by the given step: nodes with a span among `visibleSpanIds`; nodes of
 * other traces (reached through links) once their start is at or before `cutoffMs`; edges between shown nodes.
 */
export function graphUpTo(
  graph: TraceGraphResponse,
  traceId: string,
  visibleSpanIds: ReadonlySet<string>,
  cutoffMs: number,
): TraceGraphResponse {
  const nodes = graph.nodes.filter((node) =>
    node.traceId && node.traceId !== traceId
      ? nsToMs(node.startTimeUnixNano) <= cutoffMs
      : node.spanIds.some((id) => visibleSpanIds.has(id)),
  );
  const shown = new Set(nodes.map((n) => n.id));
  return { nodes, edges: graph.edges.filter((e) => shown.has(e.source) && shown.has(e.target)) };
}

/** The node that stands for a span, if any. */
export function nodeForSpan(graph: TraceGraphResponse, spanId: string): GraphNode | undefined {
  return graph.nodes.find((n) => n.spanIds.includes(spanId));
}

/** A span's model calls added up: its own if it is one, and every one beneath it. */
export interface SpanRollup {
  tokens: number;
  /** null when no model call in it was priced. */
  costUsd: number | null;
}

/** Parent chains longer than this are cut (a parent cycle in bad data cannot loop forever). */
const MAX_DEPTH = 1000;

/** Every span's rolled-up model calls (a span without any is absent): O(spans × depth). */
export function rollUpModelCalls(spans: readonly SpanView[]): Map<string, SpanRollup> {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const rollups = new Map<string, SpanRollup>();
  for (const span of spans) {
    if (!span.genai || !isLlmCall(span)) continue;
    const tokens = totalTokens(span);
    const cost = span.genai.costUsd;
    let current: SpanView | undefined = span;
    for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
      const acc = rollups.get(current.spanId) ?? { tokens: 0, costUsd: null };
      acc.tokens += tokens;
      if (cost !== null) acc.costUsd = (acc.costUsd ?? 0) + cost;
      rollups.set(current.spanId, acc);
      current = byId.get(current.parentSpanId);
    }
  }
  return rollups;
}

/** One span of an aggregated node: one invocation of an agent, one call of a model or tool. */
export interface Invocation {
  spanId: string;
  /** Absent when the span is not in the loaded spans (another trace, or left out of a big trace's view). */
  span: SpanView | undefined;
  tokens: number;
  costUsd: number | null;
  error: boolean;
}

/** The node's spans in start order (those not loaded last), with their rolled-up tokens and cost. */
export function invocationsOf(
  node: GraphNode,
  spanById: ReadonlyMap<string, SpanView>,
  rollups: ReadonlyMap<string, SpanRollup>,
): Invocation[] {
  const rows = node.spanIds.map((spanId) => {
    const span = spanById.get(spanId);
    const rollup = rollups.get(spanId);
    return {
      spanId,
      span,
      tokens: rollup?.tokens ?? 0,
      costUsd: rollup?.costUsd ?? null,
      error: span ? isError(span) : false,
    };
  });
  return rows.sort((a, b) => {
    if (!a.span || !b.span) return a.span ? -1 : b.span ? 1 : 0;
    return startMs(a.span) - startMs(b.span);
  });
}
