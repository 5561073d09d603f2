// The agent graph: agents, LLM calls, tools and retrievals as nodes (React Flow), laid out top-down by dagre,
// coloured by kind, with an error badge. Layout uses every node, so hiding nodes (time travel) never moves the rest.
import type { GraphEdge, GraphNode, GraphNodeKind } from '@beacon/collector/api-contract';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import {
  Background,
  Controls,
  type Edge,
  Handle,
  MarkerType,
  type Node,
  type NodeProps,
  type NodeTypes,
  Position,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import xyflowCss from '@xyflow/react/dist/style.css?raw';
import { useEffect, useMemo } from 'react';
import { formatCost, formatDuration, formatTokens } from '../../utils/format';
import { findingColor, KIND_LABELS, kindColor } from '../common/kinds';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './layout';

export interface AgentGraphProps {
  nodes: readonly GraphNode[];
  edges: readonly GraphEdge[];
  /** Only these node ids are drawn (positions still come from the whole graph); all when omitted. */
  visibleNodeIds?: ReadonlySet<string>;
  selectedSpanId?: string | null;
  /** The span under the time-travel cursor. */
  currentSpanId?: string | null;
  /** Spans an analysis finding points at: their nodes get the finding outline and marker. */
  highlightedSpanIds?: ReadonlySet<string>;
  onSelect?: (node: GraphNode) => void;
  height?: number;
}

interface NodeData extends Record<string, unknown> {
  node: GraphNode;
  color: string;
  selected: boolean;
  current: boolean;
  highlighted: boolean;
}

type BeaconNode = Node<NodeData, 'beacon'>;

const STYLE_ID = 'beacon-xyflow-css';

function useReactFlowCss() {
  useEffect(() => {
    if (document.getElementById(STYLE_ID)) return;
    const style = document.createElement('style');
    style.id = STYLE_ID;
    style.textContent = xyflowCss;
    document.head.appendChild(style);
  }, []);
}

function GraphNodeView({ data }: NodeProps<BeaconNode>) {
  const styles = useStyles2(getNodeStyles);
  const { node, color, selected, current, highlighted } = data;
  const facts = [formatDuration(node.durationMs)];
  if (node.tokens > 0) facts.push(`${formatTokens(node.tokens)} tok`);
  if (node.costUsd !== null && node.costUsd > 0) facts.push(formatCost(node.costUsd));
  return (
    <div
      className={cx(
        styles.node,
        highlighted && styles.highlighted,
        selected && styles.selected,
        current && styles.current,
      )}
      style={{ borderLeftColor: color }}
      data-testid={`graph-node-${node.id}`}
      data-kind={node.kind}
      data-error={node.error ? 'true' : 'false'}
      data-highlighted={highlighted ? 'true' : 'false'}
      aria-description={highlighted ? 'Highlighted by an analysis finding' : undefined}
      title={node.label}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} className={styles.handle} />
      <div className={styles.header}>
        <span className={styles.kind} style={{ color }}>
          {KIND_LABELS[node.kind]}
        </span>
        <span className={styles.badges}>
          {highlighted && (
            <span
              className={styles.findingBadge}
              data-testid="finding-marker"
              title="An analysis finding points here"
            >
              finding
            </span>
          )}
          {node.error && (
            <span className={styles.errorBadge} data-testid="error-badge" title="This step failed">
              error
            </span>
          )}
        </span>
      </div>
      <div className={styles.label}>{node.label}</div>
      <div className={styles.meta}>{facts.join(' · ')}</div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} className={styles.handle} />
    </div>
  );
}

const nodeTypes: NodeTypes = { beacon: GraphNodeView };

function AgentGraphInner({
  nodes,
  edges,
  visibleNodeIds,
  selectedSpanId,
  currentSpanId,
  highlightedSpanIds,
  onSelect,
  height = 420,
}: AgentGraphProps) {
  useReactFlowCss();
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const positions = useMemo(() => layoutGraph(nodes, edges), [nodes, edges]);

  const flowNodes = useMemo<BeaconNode[]>(
    () =>
      nodes
        .filter((n) => !visibleNodeIds || visibleNodeIds.has(n.id))
        .map((node) => ({
          id: node.id,
          type: 'beacon',
          position: positions.get(node.id) ?? { x: 0, y: 0 },
          width: NODE_WIDTH,
          height: NODE_HEIGHT,
          draggable: false,
          connectable: false,
          data: {
            node,
            color: kindColor(theme, node.kind as GraphNodeKind),
            selected: !!selectedSpanId && node.spanIds.includes(selectedSpanId),
            current: !!currentSpanId && node.spanIds.includes(currentSpanId),
            highlighted: !!highlightedSpanIds && node.spanIds.some((id) => highlightedSpanIds.has(id)),
          },
        })),
    [nodes, visibleNodeIds, positions, theme, selectedSpanId, currentSpanId, highlightedSpanIds],
  );

  const flowEdges = useMemo<Edge[]>(() => {
    const shown = new Set(flowNodes.map((n) => n.id));
    return edges
      .filter((e) => shown.has(e.source) && shown.has(e.target))
      .map((edge) => ({
        id: edge.id,
        source: edge.source,
        target: edge.target,
        type: 'smoothstep',
        animated: edge.kind === 'handoff',
        markerEnd: { type: MarkerType.ArrowClosed },
        style: edge.kind === 'link' ? { strokeDasharray: '6 4' } : undefined,
        label: edge.kind === 'call' ? undefined : edge.kind,
      }));
  }, [edges, flowNodes]);

  return (
    <div className={styles.container} style={{ height }} data-testid="agent-graph">
      <ReactFlow<BeaconNode>
        nodes={flowNodes}
        edges={flowEdges}
        nodeTypes={nodeTypes}
        onNodeClick={(_, flowNode) => onSelect?.(flowNode.data.node)}
        nodesDraggable={false}
        nodesConnectable={false}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1.2 }}
        minZoom={0.1}
        colorMode={theme.isDark ? 'dark' : 'light'}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

/** Renders the agent graph; needs no provider from the caller. */
export function AgentGraph(props: AgentGraphProps) {
  return (
    <ReactFlowProvider>
      <AgentGraphInner {...props} />
    </ReactFlowProvider>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    width: '100%',
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.canvas,
  }),
});

const getNodeStyles = (theme: GrafanaTheme2) => ({
  node: css({
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    padding: theme.spacing(0.5, 1),
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.medium}`,
    borderLeftWidth: 4,
    borderRadius: theme.shape.radius.default,
    cursor: 'pointer',
    overflow: 'hidden',
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  selected: css({
    boxShadow: `0 0 0 2px ${theme.colors.primary.main}`,
  }),
  current: css({
    outline: `2px dashed ${theme.colors.warning.main}`,
    outlineOffset: 2,
  }),
  highlighted: css({
    outline: `3px solid ${findingColor(theme)}`,
    outlineOffset: 2,
  }),
  badges: css({
    display: 'flex',
    gap: 4,
  }),
  findingBadge: css({
    background: findingColor(theme),
    color: theme.colors.getContrastText(findingColor(theme)),
    borderRadius: theme.shape.radius.pill,
    padding: '0 6px',
    fontSize: 10,
    fontWeight: theme.typography.fontWeightBold,
  }),
  header: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
  }),
  kind: css({
    fontWeight: theme.typography.fontWeightMedium,
    textTransform: 'uppercase',
    fontSize: 10,
    letterSpacing: 0.5,
  }),
  errorBadge: css({
    background: theme.colors.error.main,
    color: theme.colors.error.contrastText,
    borderRadius: theme.shape.radius.pill,
    padding: '0 6px',
    fontSize: 10,
    fontWeight: theme.typography.fontWeightBold,
  }),
  label: css({
    fontWeight: theme.typography.fontWeightMedium,
    color: theme.colors.text.primary,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  meta: css({
    color: theme.colors.text.secondary,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  handle: css({
    opacity: 0,
  }),
});
