// GET /traces/{id}/graph: a trace's agents, model calls and tools as a graph (pure: spans in, nodes and edges out).
//
// - A GenAI span becomes a node by its operation: invoke_agent/create_agent → agent, chat/completions/embeddings →
//   llm, execute_tool → tool, retrieval/rerank → retrieval, invoke_workflow → workflow, any other → other. A root
//   span without GenAI facts (e.g. the HTTP request that started the run) becomes a workflow node; other plain spans
//   are transparent: their children hang off their nearest node ancestor.
// - Spans merge into one node per agent name, and per (calling node, model / tool / name) below it, so ten calls of
//   one model by one agent are one llm node with ten spanIds.
// - Edges: node of the nearest ancestor → node (`call`; `handoff` between two agents), and `link` for span links
//   between traces (sub-agent runs exported as traces of their own), from the earlier span's node to the later's.
//   An edge counts the spans (or links) it stands for in `calls`: orchestrator → researcher ×9 is one edge, calls 9.
// - Cost and tokens: an llm node has its own calls'; agent and workflow nodes add up every model call beneath them.
import type { GraphEdge, GraphNode, GraphNodeKind, SpanView, TraceGraphResponse } from '../contract/index.js';

export interface GraphTrace {
  traceId: string;
  spans: SpanView[];
}

const INFERENCE = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);
const ROLL_UP: ReadonlySet<GraphNodeKind> = new Set(['agent', 'workflow']);
/** Parent chains deeper than this are cut (and a parent cycle in bad data cannot recurse forever). */
const MAX_DEPTH = 1000;

function kindOf(span: SpanView, isRoot: boolean): GraphNodeKind | null {
  const operation = span.genai?.operation;
  if (operation === undefined) return isRoot ? 'workflow' : null;
  if (operation === 'invoke_agent' || operation === 'create_agent') return 'agent';
  if (INFERENCE.has(operation)) return 'llm';
  if (operation === 'execute_tool') return 'tool';
  if (operation === 'retrieval' || operation === 'rerank') return 'retrieval';
  if (operation === 'invoke_workflow') return 'workflow';
  return 'other';
}

function labelOf(span: SpanView, kind: GraphNodeKind): string {
  const genai = span.genai;
  switch (kind) {
    case 'agent':
      return genai?.agentName ?? span.name;
    case 'llm':
      return genai?.requestModel ?? genai?.responseModel ?? span.name;
    case 'tool':
      return genai?.toolName ?? span.name;
    default:
      return span.name;
  }
}

interface NodeAcc {
  node: GraphNode;
  startNs: bigint;
}

/** The nodes and edges of one trace, plus which node stands for (or above) each span. */
class TraceGraph {
  readonly nodes = new Map<string, NodeAcc>();
  /** spanId → the span's own node, or its nearest ancestor's; null above every node. */
  readonly nodeOfSpan = new Map<string, string | null>();
  readonly #spans: Map<string, SpanView>;

  /** Edges are shared by all traces of one graph. */
  constructor(
    readonly trace: GraphTrace,
    readonly idPrefix: string,
    readonly edges: Map<string, GraphEdge>,
  ) {
    this.#spans = new Map(trace.spans.map((span) => [span.spanId, span]));
    for (const span of trace.spans) this.#resolve(span, 0);
    for (const span of trace.spans) this.#rollUp(span);
  }

  span(spanId: string): SpanView | undefined {
    return this.#spans.get(spanId);
  }

  #resolve(span: SpanView, depth: number): string | null {
    const known = this.nodeOfSpan.get(span.spanId);
    if (known !== undefined) return known;
    this.nodeOfSpan.set(span.spanId, null); // a parent cycle ends here
    const parent = depth < MAX_DEPTH ? this.#spans.get(span.parentSpanId) : undefined;
    const parentNode = parent ? this.#resolve(parent, depth + 1) : null;
    const kind = kindOf(span, parent === undefined);
    let nodeId = parentNode;
    if (kind) {
      const label = labelOf(span, kind);
      nodeId = `${this.idPrefix}${kind === 'agent' ? `agent:${label}` : `${kind}:${parentNode ?? ''}:${label}`}`;
      this.#addSpan(nodeId, kind, label, span);
      if (parentNode && parentNode !== nodeId) {
        const parentKind = this.nodes.get(parentNode)?.node.kind;
        addEdge(
          this.edges,
          parentNode,
          nodeId,
          parentKind === 'agent' && kind === 'agent' ? 'handoff' : 'call',
        );
      }
    }
    this.nodeOfSpan.set(span.spanId, nodeId);
    return nodeId;
  }

  #addSpan(nodeId: string, kind: GraphNodeKind, label: string, span: SpanView): void {
    let acc = this.nodes.get(nodeId);
    const startNs = BigInt(span.startTimeUnixNano);
    if (!acc) {
      acc = {
        node: {
          id: nodeId,
          kind,
          label,
          spanIds: [],
          traceId: this.trace.traceId,
          error: false,
          startTimeUnixNano: span.startTimeUnixNano,
          durationMs: 0,
          costUsd: null,
          tokens: 0,
        },
        startNs,
      };
      this.nodes.set(nodeId, acc);
    }
    acc.node.spanIds.push(span.spanId);
    acc.node.error ||= span.statusCode === 'Error';
    acc.node.durationMs += span.durationMs;
    if (startNs < acc.startNs) {
      acc.startNs = startNs;
      acc.node.startTimeUnixNano = span.startTimeUnixNano;
    }
  }

  /** A model call's cost and tokens count for its own node and every agent/workflow node above it. */
  #rollUp(span: SpanView): void {
    const genai = span.genai;
    if (!genai || !INFERENCE.has(genai.operation)) return;
    const tokens = (genai.usage.inputTokens ?? 0) + (genai.usage.outputTokens ?? 0);
    const targets = new Set<string>();
    const own = this.nodeOfSpan.get(span.spanId);
    if (own) targets.add(own);
    let current = this.#spans.get(span.parentSpanId);
    for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
      const nodeId = this.nodeOfSpan.get(current.spanId);
      if (nodeId && ROLL_UP.has(this.nodes.get(nodeId)!.node.kind)) targets.add(nodeId);
      current = this.#spans.get(current.parentSpanId);
    }
    for (const nodeId of targets) {
      const acc = this.nodes.get(nodeId)!;
      acc.node.tokens += tokens;
      if (genai.costUsd !== null) acc.node.costUsd = (acc.node.costUsd ?? 0) + genai.costUsd;
    }
  }
}

function addEdge(
  edges: Map<string, GraphEdge>,
  source: string,
  target: string,
  kind: GraphEdge['kind'],
): void {
  const id = `${kind}:${source}->${target}`;
  const known = edges.get(id);
  if (known) known.calls = (known.calls ?? 0) + 1;
  else edges.set(id, { id, source, target, kind, calls: 1 });
}

/** The node standing for a span, or (for a link to a span not stored) the earliest node of its trace. */
function nodeFor(graph: TraceGraph, spanId: string): { nodeId: string; startNs: bigint } | null {
  const span = graph.span(spanId);
  const nodeId = span ? graph.nodeOfSpan.get(spanId) : undefined;
  if (span && nodeId) return { nodeId, startNs: BigInt(span.startTimeUnixNano) };
  let first: NodeAcc | undefined;
  for (const acc of graph.nodes.values()) if (!first || acc.startNs < first.startNs) first = acc;
  return first ? { nodeId: first.node.id, startNs: first.startNs } : null;
}

/** `main`'s graph, with the traces linked to or from it (sub-agent runs) and `link` edges between them. */
export function buildTraceGraph(main: GraphTrace, linked: GraphTrace[] = []): TraceGraphResponse {
  const edges = new Map<string, GraphEdge>();
  const graphs = new Map<string, TraceGraph>([[main.traceId, new TraceGraph(main, '', edges)]]);
  for (const trace of linked) {
    if (!graphs.has(trace.traceId))
      graphs.set(trace.traceId, new TraceGraph(trace, `${trace.traceId}/`, edges));
  }
  for (const graph of graphs.values()) {
    for (const span of graph.trace.spans) {
      for (const link of span.links) {
        const other = graphs.get(link.traceId);
        if (!other || other === graph) continue;
        const from = nodeFor(graph, span.spanId);
        const to = nodeFor(other, link.spanId);
        if (!from || !to) continue;
        // Causes come first: the earlier span's node points at the later one's, whichever side holds the link.
        const [source, target] = to.startNs <= from.startNs ? [to, from] : [from, to];
        addEdge(edges, source.nodeId, target.nodeId, 'link');
      }
    }
  }
  const nodes: GraphNode[] = [];
  for (const graph of graphs.values()) {
    for (const acc of graph.nodes.values()) nodes.push(acc.node);
  }
  nodes.sort((a, b) => {
    const byStart = BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano);
    return byStart !== 0n ? (byStart < 0n ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return { nodes, edges: [...edges.values()] };
}
