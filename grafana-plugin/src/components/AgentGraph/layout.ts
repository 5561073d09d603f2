import { Graph, layout } from '@dagrejs/dagre';

export const NODE_WIDTH = 260;
export const NODE_HEIGHT = 84;
/** A node's name, in px; on screen it is this × the zoom (viewport.ts keeps that at 11 px or more). */
export const LABEL_FONT_SIZE = 14;

export interface LayoutNode {
  id: string;
}
export interface LayoutEdge {
  source: string;
  target: string;
}

/**
 * Top-left positions of the nodes, laid out left to right by dagre: a run reads in the order agents hand over, and
 * the agents an orchestrator calls stack in one column (six of them fit a panel's height; in a row they would not
 * fit its width at a readable zoom).
 */
export function layoutGraph(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
): Map<string, { x: number; y: number }> {
  const g = new Graph();
  // ranksep leaves room for the call-count labels CountEdge puts before each target.
  g.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: 140, marginx: 8, marginy: 8 });
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
