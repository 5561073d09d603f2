// Agents as collapsible groups. An agent node's group is the model calls, tools and other non-agent nodes beneath it
// (down to the next agent): collapsed, they are drawn as the agent node alone, and edges to or from them are
// redrawn from the agent, with their call counts added up. Sub-agents stay visible: they are groups of their own.
import type { GraphEdge, GraphNode } from '@beacon/collector/api-contract';

/** Graphs with more nodes than this open with every agent collapsed (24 nodes at 600 spans → 7). */
export const COLLAPSE_GROUPS_ABOVE_NODES = 15;

/** Parent chains longer than this are cut (a cycle in bad data cannot loop forever). */
const MAX_DEPTH = 100;

export interface AgentGroups {
  /** Agent node id → the non-agent nodes beneath it, in the graph's order. */
  members: ReadonlyMap<string, readonly GraphNode[]>;
  /** Node id → the agent whose group it belongs to (absent for agents and for nodes under no agent). */
  groupOf: ReadonlyMap<string, string>;
}

export function agentGroups(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): AgentGroups {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  // A non-agent node hangs off one node (the collector keys it by its parent); links are not parenthood.
  const parentOf = new Map<string, string>();
  for (const edge of edges) {
    if (edge.kind !== 'link' && !parentOf.has(edge.target)) parentOf.set(edge.target, edge.source);
  }
  const groupOf = new Map<string, string>();
  const members = new Map<string, GraphNode[]>();
  for (const node of nodes) {
    if (node.kind === 'agent') continue;
    let parent = parentOf.get(node.id);
    for (let depth = 0; parent !== undefined && depth < MAX_DEPTH; depth++) {
      const above = byId.get(parent);
      if (!above) break;
      if (above.kind === 'agent') {
        groupOf.set(node.id, above.id);
        members.set(above.id, [...(members.get(above.id) ?? []), node]);
        break;
      }
      parent = parentOf.get(parent);
    }
  }
  return { members, groupOf };
}

/** The groups open at first: all of them on a small graph, none past the threshold. */
export function defaultExpanded(nodes: readonly GraphNode[], groups: AgentGroups): Set<string> {
  return nodes.length > COLLAPSE_GROUPS_ABOVE_NODES ? new Set() : new Set(groups.members.keys());
}

export interface GroupSummary {
  expanded: boolean;
  /** Nodes inside the group, and how many model and tool calls they stand for. */
  memberCount: number;
  llmCalls: number;
  toolCalls: number;
}

export interface ViewNode {
  node: GraphNode;
  /** Set on an agent that has a group. */
  group: GroupSummary | null;
  /** The node's own spans and, while its group is collapsed, its members' (for selection and highlights). */
  spanIds: ReadonlySet<string>;
}

export interface ViewEdge {
  id: string;
  source: string;
  target: string;
  kind: GraphEdge['kind'];
  calls: number;
}

export interface GraphView {
  nodes: ViewNode[];
  edges: ViewEdge[];
  /** Node id of the whole graph → the node drawn for it (itself, or its collapsed agent). */
  shownAs: ReadonlyMap<string, string>;
}

function summarize(members: readonly GraphNode[], expanded: boolean): GroupSummary {
  let llmCalls = 0;
  let toolCalls = 0;
  for (const member of members) {
    if (member.kind === 'llm') llmCalls += member.spanIds.length;
    else if (member.kind === 'tool') toolCalls += member.spanIds.length;
  }
  return { expanded, memberCount: members.length, llmCalls, toolCalls };
}

/** What is drawn with the `expanded` groups open and the others collapsed. */
export function graphView(
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
  groups: AgentGroups,
  expanded: ReadonlySet<string>,
): GraphView {
  const shownAs = new Map<string, string>();
  for (const node of nodes) {
    const group = groups.groupOf.get(node.id);
    shownAs.set(node.id, group !== undefined && !expanded.has(group) ? group : node.id);
  }
  const viewNodes: ViewNode[] = [];
  for (const node of nodes) {
    if (shownAs.get(node.id) !== node.id) continue;
    const members = groups.members.get(node.id);
    const open = expanded.has(node.id);
    const spanIds = new Set(node.spanIds);
    if (members && !open) for (const m of members) for (const id of m.spanIds) spanIds.add(id);
    viewNodes.push({ node, group: members ? summarize(members, open) : null, spanIds });
  }
  const viewEdges = new Map<string, ViewEdge>();
  for (const edge of edges) {
    const source = shownAs.get(edge.source);
    const target = shownAs.get(edge.target);
    if (source === undefined || target === undefined || source === target) continue;
    const id = `${edge.kind}:${source}->${target}`;
    const known = viewEdges.get(id);
    const calls = edge.calls ?? 1;
    if (known) known.calls += calls;
    else viewEdges.set(id, { id, source, target, kind: edge.kind, calls });
  }
  return { nodes: viewNodes, edges: [...viewEdges.values()], shownAs };
}

/** An edge's label: between agents its call count always, elsewhere only a count above one or a link. */
export function edgeLabel(edge: ViewEdge): string | undefined {
  const count = `${edge.calls} call${edge.calls === 1 ? '' : 's'}`;
  if (edge.kind === 'handoff') return count;
  if (edge.kind === 'link') return edge.calls > 1 ? `link · ${count}` : 'link';
  return edge.calls > 1 ? count : undefined;
}
