// The agent graph: agents, LLM calls, tools and retrievals as nodes (React Flow), laid out left to right by dagre,
// coloured by kind, with an error badge. Past COLLAPSE_GROUPS_ABOVE_NODES nodes every agent opens collapsed (its
// model calls and tools inside it, edges labelled with their call counts) and expands in place; the view opens on
// what reads at a readable zoom; a minimap shows the rest. An aggregated node lists its spans (InvocationList);
// the toolbar finds spans by name. The layout uses every node drawn with the groups as they are, so hiding nodes
// (time travel) never moves the rest.
import type { GraphEdge, GraphNode, GraphNodeKind, SpanView } from '@beacon/collector/api-contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import {
  Background,
  Controls,
  type EdgeTypes,
  MarkerType,
  type NodeTypes,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import xyflowCss from '@xyflow/react/dist/style.css?raw';
import { useEffect, useMemo, useState } from 'react';
import { invocationsOf, rollUpModelCalls } from '../../utils/graph';
import { startMs } from '../../utils/spans';
import { kindColor } from '../common/kinds';
import { CountEdge, type CountEdgeType } from './CountEdge';
import { GraphMiniMap, MINIMAP_RESERVED_PX } from './GraphMiniMap';
import { type BeaconNode, GraphNodeView } from './GraphNodeView';
import { GraphToolbar, useGraphSearch } from './GraphToolbar';
import { agentGroups, defaultExpanded, edgeLabel, graphView } from './groups';
import { InvocationList } from './InvocationList';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './layout';
import { useGraphViewport } from './useGraphViewport';
import { boundsOf } from './viewport';

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
  /** A node was clicked (its first span meant), or one of an aggregated node's spans was picked from its list. */
  onSelect?: (node: GraphNode, spanId?: string) => void;
  /** The trace's spans: for finding a span by name and for the invocation list's durations, tokens and cost. */
  spans?: readonly SpanView[];
  height?: number;
}

const STYLE_ID = 'beacon-xyflow-css';
const nodeTypes: NodeTypes = { beacon: GraphNodeView };
const edgeTypes: EdgeTypes = { count: CountEdge };
const EMPTY_SPANS: readonly SpanView[] = [];

function useReactFlowCss() {
  useEffect(() => {
    if (document.getElementById(STYLE_ID)) return;
    const style = document.createElement('style');
    style.id = STYLE_ID;
    style.textContent = xyflowCss;
    document.head.appendChild(style);
  }, []);
}

/** The spans by id, their rolled-up model calls, and where the trace starts: for the invocation list. */
function useSpanFacts(spans: readonly SpanView[]) {
  return useMemo(() => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const startMsOfTrace = spans.reduce((min, s) => Math.min(min, startMs(s)), Number.POSITIVE_INFINITY);
    return {
      byId,
      rollups: rollUpModelCalls(spans),
      traceStartMs: Number.isFinite(startMsOfTrace) ? startMsOfTrace : 0,
    };
  }, [spans]);
}

/** Which agent groups are open: the default for a new graph, then what the user toggles. */
function useExpandedGroups(nodes: readonly GraphNode[], groups: ReturnType<typeof agentGroups>) {
  const [state, setState] = useState(() => ({ nodes, expanded: defaultExpanded(nodes, groups) }));
  let current = state;
  if (state.nodes !== nodes) {
    current = { nodes, expanded: defaultExpanded(nodes, groups) };
    setState(current); // a new graph starts over (React's "state from props" pattern)
  }
  const set = (expanded: ReadonlySet<string>) => setState({ nodes, expanded: new Set(expanded) });
  return [current.expanded as ReadonlySet<string>, set] as const;
}

function AgentGraphInner(props: AgentGraphProps) {
  const { nodes, edges, visibleNodeIds, selectedSpanId, currentSpanId, highlightedSpanIds, onSelect } = props;
  const height = props.height ?? 580;
  useReactFlowCss();
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const groups = useMemo(() => agentGroups(nodes, edges), [nodes, edges]);
  const [expanded, setExpanded] = useExpandedGroups(nodes, groups);
  const view = useMemo(() => graphView(nodes, edges, groups, expanded), [nodes, edges, groups, expanded]);
  const positions = useMemo(
    () =>
      layoutGraph(
        view.nodes.map((v) => v.node),
        view.edges,
      ),
    [view],
  );
  const search = useGraphSearch(nodes, props.spans);
  const facts = useSpanFacts(props.spans ?? EMPTY_SPANS);
  const [listNodeId, setListNodeId] = useState<string | null>(null);
  const selectedViewId =
    (selectedSpanId && view.nodes.find((v) => v.spanIds.has(selectedSpanId))?.node.id) || null;
  // The invocation list takes the minimap's place beside the graph while it is open.
  const showMinimap = listNodeId === null;
  const bounds = useMemo(() => boundsOf(positions.keys(), positions), [positions]);
  const viewport = useGraphViewport(view, positions, selectedViewId, showMinimap ? MINIMAP_RESERVED_PX : 0);

  const toggleGroup = (id: string) => {
    const next = new Set(expanded);
    if (next.delete(id)) {
      setExpanded(next);
      viewport.fitDefault();
      return;
    }
    next.add(id);
    setExpanded(next);
    viewport.fitRegion([id, ...(groups.members.get(id) ?? []).map((m) => m.id)]);
  };
  const focusMatch = (id: string) => {
    const group = groups.groupOf.get(id);
    if (group && !expanded.has(group)) setExpanded(new Set([...expanded, group]));
    viewport.focusNode(id);
  };

  const shown = useMemo(
    () => (visibleNodeIds ? new Set([...visibleNodeIds].map((id) => view.shownAs.get(id) ?? id)) : null),
    [visibleNodeIds, view],
  );
  const matched = new Set(search.matches.map((id) => view.shownAs.get(id)));
  const focused = search.focused ? view.shownAs.get(search.focused) : undefined;
  const hasSpan = (ids: ReadonlySet<string>, set?: ReadonlySet<string> | null) =>
    !!set && [...ids].some((id) => set.has(id));

  const flowNodes: BeaconNode[] = view.nodes
    .filter((v) => !shown || shown.has(v.node.id))
    .map((v) => ({
      id: v.node.id,
      type: 'beacon',
      position: positions.get(v.node.id) ?? { x: 0, y: 0 },
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      draggable: false,
      connectable: false,
      data: {
        view: v,
        color: kindColor(theme, v.node.kind as GraphNodeKind),
        selected: !!selectedSpanId && v.spanIds.has(selectedSpanId),
        current: !!currentSpanId && v.spanIds.has(currentSpanId),
        highlighted: hasSpan(v.spanIds, highlightedSpanIds),
        searchMatch: focused === v.node.id ? 'focused' : matched.has(v.node.id) ? 'match' : 'none',
        onToggleGroup: toggleGroup,
      },
    }));
  const drawn = new Set(flowNodes.map((n) => n.id));
  const flowEdges: CountEdgeType[] = view.edges
    .filter((e) => drawn.has(e.source) && drawn.has(e.target))
    .map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      type: 'count',
      animated: edge.kind === 'handoff',
      markerEnd: { type: MarkerType.ArrowClosed },
      style: edge.kind === 'link' ? { strokeDasharray: '6 4' } : undefined,
      data: { label: edgeLabel(edge) },
    }));

  const listNode = listNodeId ? nodes.find((n) => n.id === listNodeId) : undefined;
  const invocations = useMemo(
    () => (listNode ? invocationsOf(listNode, facts.byId, facts.rollups) : []),
    [listNode, facts],
  );
  const anyCollapsed = [...groups.members.keys()].some((id) => !expanded.has(id));
  return (
    <div data-testid="agent-graph-panel">
      <GraphToolbar
        search={search}
        onFocusMatch={focusMatch}
        groups={
          groups.members.size > 0
            ? {
                anyCollapsed,
                onExpandAll: () => {
                  setExpanded(new Set(groups.members.keys()));
                  viewport.fitDefault();
                },
                onCollapseAll: () => {
                  setExpanded(new Set());
                  viewport.fitDefault();
                },
              }
            : undefined
        }
      />
      <div className={styles.container} style={{ height }}>
        <div className={styles.flow} data-testid="agent-graph">
          <ReactFlow<BeaconNode, CountEdgeType>
            nodes={flowNodes}
            edges={flowEdges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodeClick={(_, flowNode) => {
              const node = flowNode.data.view.node;
              setListNodeId(node.spanIds.length > 1 ? node.id : null);
              onSelect?.(node);
            }}
            nodesDraggable={false}
            nodesConnectable={false}
            minZoom={0.05}
            maxZoom={2}
            colorMode={theme.isDark ? 'dark' : 'light'}
          >
            <Background gap={16} />
            <Controls showInteractive={false} />
            {showMinimap && <GraphMiniMap bounds={bounds} className={styles.minimap} />}
          </ReactFlow>
        </div>
        {listNode && (
          <InvocationList
            node={listNode}
            invocations={invocations}
            traceStartMs={facts.traceStartMs}
            selectedSpanId={selectedSpanId}
            onPick={(spanId) => onSelect?.(listNode, spanId)}
            onClose={() => setListNodeId(null)}
            maxHeight={height - 64}
          />
        )}
      </div>
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
    display: 'flex',
    width: '100%',
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.canvas,
  }),
  // The invocation list sits beside the graph, not over it: the agents it lists stay in view.
  flow: css({ flex: 1, minWidth: 0, height: '100%' }),
  minimap: css({
    border: `1px solid ${theme.colors.border.weak}`,
  }),
});
