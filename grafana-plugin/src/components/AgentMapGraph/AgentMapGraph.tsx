// The agent map as a layered SVG: callers left of callees (dagre, left to right), nodes coloured by kind with their
// calls and error rate, edges labelled with calls, error rate, p95 and cost. Plain SVG rather than React Flow: the
// map is read, not edited, and a static drawing stays light for a few hundred nodes. Clicking a node or an edge
// selects it. An edge is red when its error RATE reaches EDGE_ERROR_RATE_THRESHOLD (not for any single error); a
// node shows its service when another node has its name. The drawing keeps its natural size (text stays readable)
// and scrolls inside its own box, which never runs under the details panel beside it.
import type { AgentMapEdge, AgentMapNode, AgentMapNodeKind } from '@beacon/collector/api-contract';
import { Graph, layout } from '@dagrejs/dagre';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { useMemo } from 'react';
import { formatCost, formatDuration } from '../../utils/format';
import { kindColor } from '../common/kinds';
import { isFailingEdge, labelText, nodeLabels, percent } from './labels';

export const NODE_WIDTH = 190;
/** Room for three lines: name, service (when names collide), kind and calls. */
export const NODE_HEIGHT = 62;
/** Width of one character of an edge label (11 px sans-serif), to reserve its room in the layout. */
const LABEL_CHAR_WIDTH = 6.4;

export type MapSelection = { type: 'node'; id: string } | { type: 'edge'; id: string } | null;

export interface AgentMapGraphProps {
  nodes: readonly AgentMapNode[];
  edges: readonly AgentMapEdge[];
  selection?: MapSelection;
  onSelect?: (selection: MapSelection) => void;
}

interface Laid {
  nodes: Map<string, { x: number; y: number }>;
  /** The edge's polyline and where its label goes (dagre keeps labels clear of nodes and other edges). */
  edges: Map<string, { points: { x: number; y: number }[]; label: { x: number; y: number } }>;
  width: number;
  height: number;
}

/** Node centres and edge polylines, left to right. */
export function layoutMap(nodes: readonly AgentMapNode[], edges: readonly AgentMapEdge[]): Laid {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 36, ranksep: 60, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) g.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const ids = new Set(nodes.map((n) => n.id));
  for (const edge of edges) {
    if (!ids.has(edge.source) || !ids.has(edge.target)) continue;
    // Twice a line's height: the label sits above the edge's line, which dagre draws through the label's centre.
    const label = { width: edgeLabel(edge).length * LABEL_CHAR_WIDTH, height: 28, labelpos: 'c' };
    g.setEdge(edge.source, edge.target, label, edge.id);
  }
  layout(g);
  const laid: Laid = { nodes: new Map(), edges: new Map(), width: 0, height: 0 };
  for (const node of nodes) {
    const at = g.node(node.id) as { x: number; y: number } | undefined;
    laid.nodes.set(node.id, { x: at?.x ?? 0, y: at?.y ?? 0 });
  }
  for (const edge of edges) {
    const at = g.edge({ v: edge.source, w: edge.target, name: edge.id }) as
      | { points?: { x: number; y: number }[]; x?: number; y?: number }
      | undefined;
    if (!at?.points || at.points.length === 0) continue;
    const mid = at.points[Math.floor(at.points.length / 2)]!;
    laid.edges.set(edge.id, { points: at.points, label: { x: at.x ?? mid.x, y: at.y ?? mid.y } });
  }
  const graph = g.graph() as { width?: number; height?: number };
  laid.width = graph.width ?? 0;
  laid.height = graph.height ?? 0;
  return laid;
}

const KIND_TO_GRAPH: Record<AgentMapNodeKind, 'agent' | 'tool' | 'llm'> = {
  agent: 'agent',
  tool: 'tool',
  model: 'llm',
};

export function edgeLabel(edge: AgentMapEdge): string {
  const parts = [`${edge.calls} calls`];
  if (edge.errors > 0) parts.push(`${percent(edge.errorRate)} err`);
  parts.push(`p95 ${formatDuration(edge.p95DurationMs)}`);
  if (edge.costUsd > 0) parts.push(formatCost(edge.costUsd));
  return parts.join(' · ');
}

export function AgentMapGraph({ nodes, edges, selection = null, onSelect }: AgentMapGraphProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const laid = useMemo(() => layoutMap(nodes, edges), [nodes, edges]);
  const labels = useMemo(() => nodeLabels(nodes), [nodes]);
  const labelOf = (id: string) => labelText(labels.get(id), id);
  const errorColor = theme.colors.error.text;
  const select = (next: MapSelection) => onSelect?.(next);
  const isSelected = (type: 'node' | 'edge', id: string) => selection?.type === type && selection.id === id;

  return (
    <div className={styles.scroll} data-testid="agent-map-scroll">
      <svg
        width={Math.max(laid.width, 200)}
        height={Math.max(laid.height, 100)}
        role="img"
        aria-label="Agent map"
        data-testid="agent-map-graph"
      >
        <defs>
          <marker
            id="beacon-map-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" fill={theme.colors.text.secondary} />
          </marker>
        </defs>
        {edges.map((edge) => {
          const route = laid.edges.get(edge.id);
          if (!route) return null;
          const d = route.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`).join(' ');
          const selected = isSelected('edge', edge.id);
          const failing = isFailingEdge(edge);
          const stroke = failing ? errorColor : theme.colors.text.secondary;
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>
            <g
              key={edge.id}
              className={styles.clickable}
              data-testid={`map-edge-${edge.id}`}
              data-calls={edge.calls}
              data-failing={failing}
              role="button"
              tabIndex={0}
              aria-label={`${labelOf(edge.source)} to ${labelOf(edge.target)}: ${edgeLabel(edge)}`}
              onClick={() => select({ type: 'edge', id: edge.id })}
              onKeyDown={(e) => e.key === 'Enter' && select({ type: 'edge', id: edge.id })}
            >
              <path d={d} fill="none" stroke="transparent" strokeWidth={12} />
              <path
                d={d}
                fill="none"
                stroke={stroke}
                strokeWidth={selected ? 3 : 1.5 + Math.min(3, Math.log10(edge.calls + 1))}
                markerEnd="url(#beacon-map-arrow)"
              />
              <text
                x={route.label.x}
                y={route.label.y - 5}
                textAnchor="middle"
                className={styles.edgeLabel}
                stroke={theme.colors.background.canvas}
                strokeWidth={4}
                paintOrder="stroke"
              >
                {edgeLabel(edge)}
              </text>
            </g>
          );
        })}
        {nodes.map((node) => {
          const at = laid.nodes.get(node.id);
          if (!at) return null;
          const color = kindColor(theme, KIND_TO_GRAPH[node.kind]);
          const selected = isSelected('node', node.id);
          const service = labels.get(node.id)?.service ?? null;
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>
            <g
              key={node.id}
              transform={`translate(${at.x - NODE_WIDTH / 2}, ${at.y - NODE_HEIGHT / 2})`}
              className={styles.clickable}
              data-testid={`map-node-${node.id}`}
              data-calls={node.calls}
              role="button"
              tabIndex={0}
              aria-label={`${node.kind} ${labelOf(node.id)}: ${node.calls} calls`}
              onClick={() => select({ type: 'node', id: node.id })}
              onKeyDown={(e) => e.key === 'Enter' && select({ type: 'node', id: node.id })}
            >
              <rect
                width={NODE_WIDTH}
                height={NODE_HEIGHT}
                rx={6}
                fill={theme.colors.background.primary}
                stroke={selected ? theme.colors.primary.main : color}
                strokeWidth={selected ? 3 : 1.5}
              />
              <rect width={6} height={NODE_HEIGHT} rx={3} fill={color} />
              <text x={14} y={19} className={styles.nodeName}>
                {clip(node.name, 24)}
              </text>
              {service !== null && (
                <text x={14} y={35} className={styles.nodeStats} data-testid="map-node-service">
                  {clip(service, 28)}
                </text>
              )}
              <text x={14} y={service !== null ? 52 : 40} className={styles.nodeStats}>
                {node.kind} · {node.calls} calls
                {node.errors > 0 ? ` · ${percent(node.errorRate)} err` : ''}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const getStyles = (theme: GrafanaTheme2) => ({
  scroll: css({
    // Scrolls in both directions inside its grid cell: a wide map never pushes under the details panel.
    overflow: 'auto',
    maxWidth: '100%',
    maxHeight: '70vh',
    minWidth: 0,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.canvas,
  }),
  clickable: css({
    cursor: 'pointer',
    outline: 'none',
  }),
  edgeLabel: css({
    fill: theme.colors.text.secondary,
    fontSize: 11,
  }),
  nodeName: css({
    fill: theme.colors.text.primary,
    fontSize: 13,
    fontWeight: theme.typography.fontWeightMedium,
  }),
  nodeStats: css({
    fill: theme.colors.text.secondary,
    fontSize: 11,
  }),
});
