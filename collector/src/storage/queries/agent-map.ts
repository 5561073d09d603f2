// The agent map (GET /agents/map): agents, tools and (optionally) models aggregated across the traces of a time
// range, with an edge caller → callee for every call. What no single trace view shows: which agent calls which,
// how often, how often it fails, how slow and how costly it is, over many runs.
//
// The query, one statement over beacon_genai_spans (ordered by (TraceId, SpanId), partitioned by day):
//   1. calls: the range's invoke_agent / execute_tool (/ model) spans — Timestamp restricts first, so only the
//      range's partitions are read; everything after works on these rows and their traces.
//   2. around: the GenAI spans of those same traces a day either side (an agent run may start before `from`),
//      found by TraceId IN (…) — the primary key — and used twice: as each call's parent (self-join on
//      (TraceId, ParentSpanId)), and for each call's model spend (the cost of the model calls directly beneath it).
//   3. links: for calls that are the root of a run exported as a trace of its own (a sub-agent), the span its
//      first link points at in the parent trace (otel_traces' Links, range-restricted), resolved like a parent.
//   The caller of a call is its parent's node when the parent is an agent or tool span; else the agent the parent
//   ran under; else — a plain span (HTTP, a framework's) in between — the agent the call itself ran under
//   (AgentName is inherited at ingest); else the linked span's node; else the call has no caller (an entry point).
//   4. One GROUP BY with GROUPING SETS gives the edges (caller, callee), the nodes (callee) and the totals in one
//      pass: count, errors, quantile(0.95) of Duration (reservoir of 8192: bounded memory, exact below that),
//      summed spend.
// Joins are LEFT ANY: a span resent by an SDK (stored twice) cannot multiply the calls of its children.
//
// A node is (kind, service, name) — an agent or tool is code of one service, so three services' "researcher" are
// three nodes — but a model is the same model whoever calls it: (model, '', name). In SQL a node is that tuple;
// its id (agentMapNodeId) escapes the service so two different nodes never share an id.
import type { AgentMapEdge, AgentMapNode, AgentMapNodeKind, AgentMapResponse } from '../../contract/index.js';
import { COST_DECIMALS, instantParam, type QueryContext, select, table } from './context.js';

export interface AgentMapFilter {
  fromNs: bigint;
  toNs: bigint;
  /** Only calls made in this service. */
  service?: string | undefined;
  /** Model calls become nodes too. */
  models: boolean;
}

/** How far before `from` (and after `to`) a call's parent, its model calls and linked spans are looked for. */
const AROUND_NS = 86_400n * 1_000_000_000n;

/** A GenAI span's node kind ('' = not a node) and name, as columns of beacon_genai_spans. */
const KIND = `multiIf(Operation = 'invoke_agent', 'agent', Operation = 'execute_tool', 'tool',
        IsInference = 1, 'model', '')`;
const NAME = `multiIf(Operation = 'invoke_agent', if(AgentName != '', toString(AgentName), toString(SpanName)),
        Operation = 'execute_tool', if(ToolName != '', toString(ToolName), toString(SpanName)),
        if(ResponseModel != '', toString(ResponseModel), toString(RequestModel)))`;

/** No node: a call without a caller (an entry point). */
const NONE = `tuple('', '', '')`;

/** The node a span stands for, or (not an agent or tool span) the agent it ran under in its service; NONE else. */
const nodeOf = (alias: string) =>
  `multiIf(${alias}.kind IN ('agent', 'tool'), tuple(${alias}.kind, ${alias}.service, ${alias}.name),
        ${alias}.agentName != '', tuple('agent', ${alias}.service, ${alias}.agentName), ${NONE})`;

/** A node as the query answers it: [kind, service, name], kind '' for none. */
type NodeTuple = [string, string, string];

interface MapRow {
  source: NodeTuple;
  target: NodeTuple;
  level: number;
  calls: number;
  errors: number;
  p95Ns: number;
  costUsd: number;
  linkedCalls: number;
  traces: number;
}

export async function agentMap(ctx: QueryContext, filter: AgentMapFilter): Promise<AgentMapResponse> {
  const genai = table(ctx, 'genaiSpans');
  const aroundFrom = filter.fromNs > AROUND_NS ? filter.fromNs - AROUND_NS : 0n;
  const params = {
    fromNs: filter.fromNs.toString(),
    toNs: filter.toNs.toString(),
    aroundFromNs: aroundFrom.toString(),
    aroundToNs: (filter.toNs + AROUND_NS).toString(),
    service: filter.service ?? '',
    models: filter.models ? 1 : 0,
  };
  const inRange = `Timestamp >= ${instantParam('fromNs')} AND Timestamp <= ${instantParam('toNs')}`;
  const around = `Timestamp >= ${instantParam('aroundFromNs')} AND Timestamp <= ${instantParam('aroundToNs')}`;
  const rows = await select<MapRow>(
    ctx,
    `WITH
calls AS (
    SELECT TraceId, SpanId, ParentSpanId, Duration, StatusCode, ${KIND} AS kind, ${NAME} AS name,
        toString(ServiceName) AS service, toString(AgentName) AS agentName, ifNull(CostUsd, 0) AS ownCost
    FROM ${genai}
    WHERE ${inRange}
      AND (Operation IN ('invoke_agent', 'execute_tool') OR ({models:UInt8} = 1 AND IsInference = 1))
      AND ({service:String} = '' OR ServiceName = {service:String})
),
around AS (
    SELECT TraceId, SpanId, ParentSpanId, ${KIND} AS kind, ${NAME} AS name, toString(ServiceName) AS service,
        toString(AgentName) AS agentName, IsInference, ifNull(CostUsd, 0) AS cost
    FROM ${genai}
    WHERE ${around} AND TraceId IN (SELECT TraceId FROM calls)
),
spend AS (
    SELECT TraceId, ParentSpanId AS SpanId, sum(cost) AS childCost
    FROM around WHERE IsInference = 1
    GROUP BY TraceId, ParentSpanId
),
links AS (
    SELECT TraceId, SpanId, Links.TraceId[1] AS linkTraceId, Links.SpanId[1] AS linkSpanId
    FROM ${table(ctx, 'traces')}
    WHERE ${inRange} AND length(Links.TraceId) > 0 AND (TraceId, SpanId) IN (SELECT TraceId, SpanId FROM calls)
),
linked AS (
    SELECT TraceId, SpanId, ${KIND} AS kind, ${NAME} AS name, toString(ServiceName) AS service,
        toString(AgentName) AS agentName
    FROM ${genai}
    WHERE ${around} AND TraceId IN (SELECT linkTraceId FROM links)
),
resolved AS (
    SELECT c.TraceId AS traceId, c.Duration AS duration, c.StatusCode AS statusCode,
        tuple(c.kind, if(c.kind = 'model', '', c.service), c.name) AS target,
        if(c.kind = 'model', c.ownCost, s.childCost) AS spendUsd,
        ${nodeOf('p')} AS parentNode,
        if(c.kind != 'agent' AND c.agentName != '', tuple('agent', c.service, c.agentName), ${NONE}) AS inheritedNode,
        ${nodeOf('l')} AS linkedNode,
        multiIf(parentNode.1 != '', parentNode, inheritedNode.1 != '', inheritedNode, linkedNode) AS caller,
        parentNode.1 = '' AND inheritedNode.1 = '' AND linkedNode.1 != '' AS viaLink
    FROM calls AS c
    LEFT ANY JOIN around AS p ON p.TraceId = c.TraceId AND p.SpanId = c.ParentSpanId
    LEFT ANY JOIN spend AS s ON s.TraceId = c.TraceId AND s.SpanId = c.SpanId
    LEFT ANY JOIN links AS k ON k.TraceId = c.TraceId AND k.SpanId = c.SpanId
    LEFT ANY JOIN linked AS l ON l.TraceId = k.linkTraceId AND l.SpanId = k.linkSpanId
)
SELECT
    if(caller = target, ${NONE}, caller) AS source,
    target,
    grouping(source, target) AS level,
    toFloat64(count()) AS calls,
    toFloat64(countIf(statusCode = 'Error')) AS errors,
    toFloat64(quantile(0.95)(duration)) AS p95Ns,
    round(sum(spendUsd), ${COST_DECIMALS}) AS costUsd,
    toFloat64(countIf(viaLink)) AS linkedCalls,
    toFloat64(uniqExact(traceId)) AS traces
FROM resolved
GROUP BY GROUPING SETS ((source, target), (target), ())`,
    params,
  );
  return toMap(filter, rows);
}

function stats(row: MapRow) {
  const calls = Number(row.calls);
  const errors = Number(row.errors);
  return {
    calls,
    errors,
    errorRate: calls > 0 ? errors / calls : 0,
    p95DurationMs: Number(row.p95Ns) / 1e6,
    costUsd: Number(row.costUsd),
  };
}

const ZERO = { calls: 0, errors: 0, errorRate: 0, p95DurationMs: 0, costUsd: 0 };
const KINDS: readonly AgentMapNodeKind[] = ['agent', 'tool', 'model'];

/**
 * A node's id: `agent:<service>/<name>`, `tool:<service>/<name>`, `model:<name>`. The service is URI-escaped (a
 * `/` in it becomes %2F), so the first `/` ends it and two nodes never share an id.
 */
export function agentMapNodeId(kind: AgentMapNodeKind, service: string | null, name: string): string {
  return service === null ? `${kind}:${name}` : `${kind}:${encodeURIComponent(service)}/${name}`;
}

function nodeParts([rawKind, service, name]: NodeTuple): Omit<AgentMapNode, keyof typeof ZERO> {
  const kind = KINDS.find((k) => k === rawKind) ?? 'agent';
  const serviceOf = kind === 'model' ? null : service;
  return { id: agentMapNodeId(kind, serviceOf, name), kind, service: serviceOf, name };
}

/** Grouping levels (grouping(source, target): a bit set per column not grouped on). */
const EDGE = 0;
const NODE = 2;

function toMap(filter: AgentMapFilter, rows: MapRow[]): AgentMapResponse {
  const nodes = new Map<string, AgentMapNode>();
  const callers = new Map<string, AgentMapNode>();
  const edges: AgentMapEdge[] = [];
  let traces = 0;
  for (const row of rows) {
    const level = Number(row.level);
    if (level === NODE) {
      const node = { ...nodeParts(row.target), ...stats(row) };
      nodes.set(node.id, node);
    } else if (level === EDGE) {
      if (row.source[0] === '') continue; // entry calls: counted on their node only
      const source = { ...nodeParts(row.source), ...ZERO };
      const target = nodeParts(row.target).id;
      callers.set(source.id, source);
      edges.push({
        id: `${source.id}->${target}`,
        source: source.id,
        target,
        ...stats(row),
        linkedCalls: Number(row.linkedCalls),
      });
    } else {
      traces = Number(row.traces);
    }
  }
  // A caller outside the filter (another service, a linked run's parent) still appears, without calls of its own.
  for (const [id, caller] of callers) if (!nodes.has(id)) nodes.set(id, caller);
  const byCalls = <T extends { calls: number; id: string }>(a: T, b: T) =>
    b.calls - a.calls || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    from: filter.fromNs.toString(),
    to: filter.toNs.toString(),
    traces,
    nodes: [...nodes.values()].sort(byCalls),
    edges: edges.sort(byCalls),
  };
}
