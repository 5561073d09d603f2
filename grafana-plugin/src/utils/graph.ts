// Agent graph helpers: a graph derived from the spans (when the collector's /graph is unavailable) and the
// time-travel filter.
import type { GraphEdge, GraphNode, SpanView, TraceGraphResponse } from '@beacon/collector/api-contract';
import { buildTree, isError, nsToMs, type SpanTree, sortByStart, spanNodeKind, totalTokens } from './spans';

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
