// Sessions (traces sharing a conversation id) and the agent map (agents and tools aggregated across traces): the
// JSON of GET /api/v1/sessions, /sessions/{sessionId} and /agents/map. Types only, like the rest of contract/.
import type { Message } from '@beacon/semconv';

/** One conversation: the traces (turns) whose GenAI spans carry its conversation id. */
export interface SessionSummary {
  /** The conversation id (gen_ai.conversation.id, session.id, … normalized). */
  sessionId: string;
  /** Start of the first turn. */
  firstTimeUnixNano: string;
  /** End of the last turn. */
  lastTimeUnixNano: string;
  /** Turns = traces. */
  turns: number;
  llmCallCount: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum over priced model calls; null when no call could be priced. */
  costUsd: number | null;
  /** Error spans across the turns. */
  errorCount: number;
  agents: string[];
  services: string[];
}

/**
 * GET /api/v1/sessions — query: from, to (default the last 24 hours), service, agent, limit (1..200, default 50),
 * cursor (opaque, from nextCursor). Sessions with a turn in the range, latest activity first; the counts cover
 * the turns in the range.
 */
export interface SessionListResponse {
  sessions: SessionSummary[];
  nextCursor: string | null;
}

/** One turn of a conversation: a trace, with what the user said and what the assistant answered. */
export interface SessionTurn {
  traceId: string;
  startTimeUnixNano: string;
  durationMs: number;
  /** The first agent of the trace, when there is one. */
  rootAgent: string | null;
  /** User messages this turn added (history resent from earlier turns is left out). */
  input: Message[];
  /** The answer: the output of the turn's last model call. */
  output: Message[];
  models: string[];
  llmCallCount: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  errorCount: number;
  status: 'ok' | 'error';
}

/** GET /api/v1/sessions/{sessionId} — query: from, to (optional bounds). Turns in time order. */
export interface SessionDetailResponse {
  session: SessionSummary;
  turns: SessionTurn[];
  /** True when the session has more turns than one answer holds: the latest are shown. */
  truncated: boolean;
}

export type AgentMapNodeKind = 'agent' | 'tool' | 'model';

/** Calls of a node or along an edge, over the range. */
export interface AgentMapStats {
  calls: number;
  errors: number;
  /** errors / calls (0 when no call). */
  errorRate: number;
  /** 95th percentile of the calls' durations (linear interpolation), ms. */
  p95DurationMs: number;
  /**
   * Model spend of the calls: a model call's own cost; an agent or tool call's model calls made directly beneath
   * it (USD, priced calls only).
   */
  costUsd: number;
}

/**
 * An agent or tool is keyed by (service, name): three services' "researcher" are three nodes. A model is keyed by
 * its name alone (the same model whoever calls it).
 */
export interface AgentMapNode extends AgentMapStats {
  /** `agent:<service>/<name>`, `tool:<service>/<name>` (the service URI-escaped), or `model:<name>`. */
  id: string;
  kind: AgentMapNodeKind;
  /** The service the agent or tool ran in; null for a model. */
  service: string | null;
  /** Agent name, tool name or model. */
  name: string;
}

export interface AgentMapEdge extends AgentMapStats {
  /** `<source>-><target>`. */
  id: string;
  /** The caller's node id. */
  source: string;
  /** The callee's node id: the edge's numbers are the callee's calls made by this caller. */
  target: string;
  /** Calls found through span links (a sub-agent run exported as a trace of its own) rather than parentage. */
  linkedCalls: number;
}

/** GET /api/v1/agents/map — query: from, to (default the last 24 hours), service, models (true: model nodes too). */
export interface AgentMapResponse {
  from: string;
  to: string;
  /** Traces with a call in the range (the map's sample). */
  traces: number;
  nodes: AgentMapNode[];
  edges: AgentMapEdge[];
}
