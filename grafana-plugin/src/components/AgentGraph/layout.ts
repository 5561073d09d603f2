import type { GraphEdge, GraphNode } from '@beacon/collector/api-contract';
import { Graph, layout } from '@dagrejs/dagre';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 64;

/** Top-left positions of the nodes, laid out top-down by dagre. */
export function layoutGraph(
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
): Map<string, { x: number; y: number }> {
  const g = new Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 32, ranksep: 56, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) g.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const ids = new Set(nodes.map((n) => n.id));
  for (const edge of edges) {
    if (ids.has(edge.source) && ids.has(edge.target) && edge.source !== edge.target)
      g.setEdge(edge.source, edge.target);
  }
  layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of nodes) {
    const laid = g.node(node.id) as { x: number; y: number } | undefined;
    positions.set(node.id, { x: (laid?.x ?? 0) - NODE_WIDTH / 2, y: (laid?.y ?? 0) - NODE_HEIGHT / 2 });
  }
  return positions;
}
