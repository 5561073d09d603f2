// The waterfall's tree rows: which spans are visible given what is collapsed, the default collapse of big traces
// (each agent invocation one row), per-agent groups, and the ancestors to open to reveal a span.
import type { SpanView } from '@beacon/collector/api-contract';
import { type SpanTree, spanNodeKind, treeOrder } from '../../utils/spans';

/** Past this many spans, the timeline opens with every agent invocation collapsed to one row. */
export const COLLAPSE_AGENTS_OVER_SPANS = 200;

export interface TreeIndex {
  tree: SpanTree;
  /** Depth-first, children in start order. */
  order: SpanView[];
  /** Each span id's index in `order`. */
  position: Map<string, number>;
  /** Number of descendants of each span id (in `order` they follow the span contiguously). */
  descendants: Map<string, number>;
  /** Agent name → its invocation spans that have children, in start order (the root's agent left out). */
  agents: Map<string, SpanView[]>;
}

export function indexTree(tree: SpanTree): TreeIndex {
  const order = treeOrder(tree);
  const position = new Map(order.map((s, i) => [s.spanId, i]));
  const descendants = new Map<string, number>();
  // Walking backwards, each span's subtree ends where the next span not deeper than it starts.
  const depthAt = (i: number) => tree.depth.get(order[i]!.spanId) ?? 0;
  const stack: number[] = [];
  for (let i = order.length - 1; i >= 0; i--) {
    const d = depthAt(i);
    while (stack.length > 0 && depthAt(stack[stack.length - 1]!) > d) stack.pop();
    const next = stack.length > 0 ? stack[stack.length - 1]! : order.length;
    descendants.set(order[i]!.spanId, next - i - 1);
    stack.push(i);
  }
  const agents = new Map<string, SpanView[]>();
  for (const span of order) {
    if ((tree.depth.get(span.spanId) ?? 0) === 0 || !isAgentInvocation(span, tree)) continue;
    const name = agentName(span);
    const list = agents.get(name);
    if (list) list.push(span);
    else agents.set(name, [span]);
  }
  return { tree, order, position, descendants, agents };
}

function isAgentInvocation(span: SpanView, tree: SpanTree): boolean {
  return spanNodeKind(span) === 'agent' && (tree.children.get(span.spanId)?.length ?? 0) > 0;
}

/** The name an agent invocation goes by: its agent name, else the span's name. */
export function agentName(span: SpanView): string {
  return span.genai?.agentName || span.name.replace(/^invoke_agent\s+/, '');
}

export interface VisibleRow {
  span: SpanView;
  depth: number;
  /** Descendants hidden under this row because it is collapsed (0 when open or a leaf). */
  hidden: number;
  hasChildren: boolean;
}

/** The rows to draw: the tree order, minus the descendants of collapsed spans. O(spans). */
export function visibleRows(index: TreeIndex, collapsed: ReadonlySet<string>): VisibleRow[] {
  const rows: VisibleRow[] = [];
  const { order, descendants, tree } = index;
  for (let i = 0; i < order.length; i++) {
    const span = order[i]!;
    const below = descendants.get(span.spanId) ?? 0;
    const isCollapsed = below > 0 && collapsed.has(span.spanId);
    rows.push({
      span,
      depth: tree.depth.get(span.spanId) ?? 0,
      hidden: isCollapsed ? below : 0,
      hasChildren: below > 0,
    });
    if (isCollapsed) i += below;
  }
  return rows;
}

/** What a timeline opens with: small traces fully open; big ones with each agent invocation one row. */
export function defaultCollapsed(index: TreeIndex): Set<string> {
  if (index.order.length <= COLLAPSE_AGENTS_OVER_SPANS) return new Set();
  return new Set([...index.agents.values()].flat().map((s) => s.spanId));
}

/** "Collapse all": every span with children below the roots, so the roots and their children remain. */
export function collapseAll(index: TreeIndex): Set<string> {
  return new Set(
    index.order
      .filter((s) => (index.tree.depth.get(s.spanId) ?? 0) > 0 && (index.descendants.get(s.spanId) ?? 0) > 0)
      .map((s) => s.spanId),
  );
}

/** Whether every invocation of the agent is collapsed. */
export function agentCollapsed(index: TreeIndex, agent: string, collapsed: ReadonlySet<string>): boolean {
  const invocations = index.agents.get(agent) ?? [];
  return invocations.length > 0 && invocations.every((s) => collapsed.has(s.spanId));
}

/** Collapses every invocation of the agent, or opens them all when they all are collapsed. */
export function toggleAgent(index: TreeIndex, agent: string, collapsed: ReadonlySet<string>): Set<string> {
  const next = new Set(collapsed);
  const close = !agentCollapsed(index, agent, collapsed);
  for (const span of index.agents.get(agent) ?? []) {
    if (close) next.add(span.spanId);
    else next.delete(span.spanId);
  }
  return next;
}

export function toggleSpan(collapsed: ReadonlySet<string>, spanId: string): Set<string> {
  const next = new Set(collapsed);
  if (next.has(spanId)) next.delete(spanId);
  else next.add(spanId);
  return next;
}

/** The span's ancestors, nearest first. */
export function ancestorIds(tree: SpanTree, spanId: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>([spanId]);
  let parentId = tree.byId.get(spanId)?.parentSpanId;
  while (parentId && tree.byId.has(parentId) && !seen.has(parentId)) {
    out.push(parentId);
    seen.add(parentId);
    parentId = tree.byId.get(parentId)?.parentSpanId;
  }
  return out;
}

/** `collapsed` without the ancestors of the given spans, so they are all visible; the same set if nothing hid them. */
export function reveal(
  tree: SpanTree,
  collapsed: ReadonlySet<string>,
  spanIds: Iterable<string>,
): ReadonlySet<string> {
  let next: Set<string> | undefined;
  for (const id of spanIds) {
    for (const ancestor of ancestorIds(tree, id)) {
      if (!collapsed.has(ancestor)) continue;
      next ??= new Set(collapsed);
      next.delete(ancestor);
    }
  }
  return next ?? collapsed;
}

/** How many of the matches (span ids) are inside the span's subtree, itself left out. */
export function matchesInside(
  index: TreeIndex,
  sortedMatchPositions: readonly number[],
  spanId: string,
): number {
  const at = index.position.get(spanId);
  const below = index.descendants.get(spanId) ?? 0;
  if (at === undefined || below === 0) return 0;
  return lowerBound(sortedMatchPositions, at + below + 1) - lowerBound(sortedMatchPositions, at + 1);
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
