// How the agent map names its nodes and colours its edges, shared by the graph, its details panel and edge table.
import type { AgentMapEdge, AgentMapNode } from '@beacon/collector/api-contract';

/**
 * An edge is drawn in the error colour when at least this share of its calls failed: one error in a thousand
 * calls is noise on a busy edge, not a failing path. Below it the edge keeps the neutral colour (its label still
 * says the rate).
 */
export const EDGE_ERROR_RATE_THRESHOLD = 0.05;

export function isFailingEdge(edge: Pick<AgentMapEdge, 'calls' | 'errorRate'>): boolean {
  return edge.calls > 0 && edge.errorRate >= EDGE_ERROR_RATE_THRESHOLD;
}

export const percent = (rate: number) => `${Math.round(rate * 1000) / 10}%`;

/** A node's label: its name, and its service when another node of the same kind has the same name. */
export interface NodeLabel {
  name: string;
  /** Shown only when the name alone would be ambiguous (three services' "researcher"). */
  service: string | null;
}

/** Node id → its label. Agents and tools are keyed by (service, name); models have no service. */
export function nodeLabels(nodes: readonly AgentMapNode[]): Map<string, NodeLabel> {
  const services = new Map<string, Set<string>>();
  const key = (n: AgentMapNode) => `${n.kind}\u0000${n.name}`;
  for (const n of nodes) {
    const set = services.get(key(n)) ?? new Set<string>();
    set.add(n.service ?? '');
    services.set(key(n), set);
  }
  const labels = new Map<string, NodeLabel>();
  for (const n of nodes) {
    const collides = (services.get(key(n))?.size ?? 0) > 1;
    labels.set(n.id, { name: n.name, service: collides ? n.service : null });
  }
  return labels;
}

/** The label as one line of text: `researcher (research-eu)` when it collides, else the name. */
export function labelText(label: NodeLabel | undefined, fallback: string): string {
  if (!label) return fallback;
  return label.service ? `${label.name} (${label.service})` : label.name;
}
