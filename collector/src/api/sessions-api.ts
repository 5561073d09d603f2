// GET /api/v1/sessions, /sessions/{sessionId} and /agents/map: conversations across traces and the topology of
// agents and tools across traces. SQL in storage/queries/sessions.ts and agent-map.ts; types in
// contract/sessions.ts.

import type { AgentMapResponse, SessionDetailResponse, SessionListResponse } from '../contract/index.js';
import { agentMap } from '../storage/queries/agent-map.js';
import { listSessions, type SessionCursor, sessionDetail } from '../storage/queries/sessions.js';
import { MAX_NANOS } from '../time.js';
import { badRequest, notFound } from './http.js';
import { API_PREFIX, type ApiModule } from './module.js';
import {
  array,
  boolean,
  componentRef,
  integer,
  nanos,
  nullableNumber,
  nullableString,
  number,
  object,
  schemaRef,
  string,
} from './openapi.js';
import { instant, integer as integerParam, type JsonSchema, oneOf, type ParamSpec, text } from './params.js';
import { defineRoute } from './router.js';

const DAY_NS = 86_400n * 1_000_000_000n;
/** Turns one session answer holds at most (the latest). */
const MAX_TURNS = 500;
const MAX_SESSION_ID = 500;

/** from..to with the defaults of the aggregate views: the 24 hours before `to`, `to` = now. */
function aggregateRange(from: bigint | undefined, to: bigint | undefined): { fromNs: bigint; toNs: bigint } {
  const toNs = to ?? BigInt(Date.now()) * 1_000_000n;
  const fromNs = from ?? (toNs > DAY_NS ? toNs - DAY_NS : 0n);
  if (fromNs > toNs) throw badRequest('from: later than to');
  return { fromNs, toNs };
}

export function encodeSessionCursor(cursor: SessionCursor): string {
  return Buffer.from(JSON.stringify({ l: cursor.lastNs.toString(), s: cursor.sessionId })).toString(
    'base64url',
  );
}

function decodeSessionCursor(raw: string): SessionCursor | null {
  if (!/^[A-Za-z0-9_-]{1,1000}$/.test(raw)) return null;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { l?: unknown; s?: unknown };
    if (typeof value?.l !== 'string' || !/^\d{1,19}$/.test(value.l)) return null;
    if (typeof value.s !== 'string' || value.s === '' || value.s.length > MAX_SESSION_ID) return null;
    const lastNs = BigInt(value.l);
    return lastNs <= MAX_NANOS ? { lastNs, sessionId: value.s } : null;
  } catch {
    return null;
  }
}

const sessionCursor: ParamSpec<SessionCursor | undefined> = {
  description: 'nextCursor of the previous page.',
  schema: { type: 'string' },
  required: false,
  parse(raw, name) {
    if (raw === undefined || raw === '') return undefined;
    const value = decodeSessionCursor(raw);
    if (!value) throw badRequest(`${name}: not a cursor returned by this API (nextCursor)`);
    return value;
  },
};

const sessionIdParam: ParamSpec<string> = {
  description: 'The conversation id (gen_ai.conversation.id, OpenInference session.id, …).',
  schema: { type: 'string', minLength: 1, maxLength: MAX_SESSION_ID },
  required: true,
  parse(raw, name) {
    if (raw === undefined || raw === '') throw badRequest(`${name}: required`);
    if (raw.length > MAX_SESSION_ID) throw badRequest(`${name}: longer than ${MAX_SESSION_ID} characters`);
    return raw;
  },
};

export function createSessionsApi(): ApiModule {
  const routes = [
    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/sessions`,
      query: {
        from: instant('Sessions with a turn starting at or after this time (default: 24 hours before to).'),
        to: instant('Sessions with a turn starting at or before this time (default: now).'),
        service: text('Sessions with a GenAI span from this service.'),
        agent: text('Sessions that ran this agent.'),
        limit: integerParam('Page size.', { min: 1, max: 200, fallback: 50 }),
        cursor: sessionCursor,
      },
      doc: {
        operationId: 'listSessions',
        summary: 'List sessions (traces sharing a conversation id), latest activity first',
        description:
          "A session is the set of traces (turns) whose GenAI spans carry one conversation id — every convention's " +
          '(gen_ai.conversation.id, OpenInference session.id, OpenLLMetry session/thread ids) is normalized. The ' +
          'numbers cover the turns starting in the range; cost, tokens and model calls are the turns’ trace totals.',
        tags: ['sessions'],
        responses: {
          '200': {
            description: 'One page of sessions.',
            content: { 'application/json': componentRef('SessionListResponse') },
          },
        },
      },
      handler: async ({ query, storage }) => {
        const range = aggregateRange(query.from, query.to);
        const page = await listSessions(storage, {
          ...range,
          service: query.service,
          agent: query.agent,
          cursor: query.cursor,
          limit: query.limit,
        });
        const body: SessionListResponse = {
          sessions: page.sessions,
          nextCursor: page.next ? encodeSessionCursor(page.next) : null,
        };
        return { json: body };
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/sessions/{sessionId}`,
      pathParams: { sessionId: sessionIdParam },
      query: {
        from: instant('Only turns starting at or after this time.'),
        to: instant('Only turns starting at or before this time.'),
      },
      doc: {
        operationId: 'getSession',
        summary: 'A session as a transcript: its turns in time order',
        description:
          'Each turn is a trace: the user messages it added (history an agent resends is shown once, in the turn ' +
          `that first sent it), the answer (its last model call's output), models, tokens, cost and status. At most ` +
          `the latest ${MAX_TURNS} turns (truncated says so). 404: no span carries this conversation id.`,
        tags: ['sessions'],
        responses: {
          '200': {
            description: 'The session and its turns.',
            content: { 'application/json': componentRef('SessionDetailResponse') },
          },
          '404': {
            description: 'No such session.',
            content: { 'application/json': { schema: schemaRef('ApiErrorBody') } },
          },
        },
      },
      handler: async ({ path, query, storage }) => {
        if (query.from !== undefined && query.to !== undefined && query.from > query.to)
          throw badRequest('from: later than to');
        const detail = await sessionDetail(storage, path.sessionId, {
          fromNs: query.from,
          toNs: query.to,
          maxTurns: MAX_TURNS,
        });
        if (!detail) throw notFound(`session ${path.sessionId} not found`);
        const body: SessionDetailResponse = detail;
        return { json: body };
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/agents/map`,
      query: {
        from: instant('Calls starting at or after this time (default: 24 hours before to).'),
        to: instant('Calls starting at or before this time (default: now).'),
        service: text('Only calls made in this service.'),
        models: oneOf(['true', 'false'], 'true: model calls are nodes too.', 'false'),
      },
      doc: {
        operationId: 'getAgentMap',
        summary: 'The topology of agents, sub-agents and tools across the traces of a time range',
        description:
          'Nodes are agents (by agent name), tools (by tool name) and, with models=true, models. An edge caller → ' +
          'callee aggregates the calls the caller made to the callee, found from span parentage within traces and ' +
          'from span links across traces (a sub-agent run exported as a trace of its own, linked to its parent). ' +
          'Edges and nodes carry calls, errors, error rate, p95 duration (ms) and model spend (USD: a model ' +
          "call's cost; for an agent or tool call, the cost of the model calls directly beneath it).",
        tags: ['sessions'],
        responses: {
          '200': {
            description: 'The map.',
            content: { 'application/json': componentRef('AgentMapResponse') },
          },
        },
      },
      handler: async ({ query, storage }) => {
        const range = aggregateRange(query.from, query.to);
        const body: AgentMapResponse = await agentMap(storage, {
          ...range,
          service: query.service,
          models: query.models === 'true',
        });
        return { json: body };
      },
    }),
  ];
  return { routes, schemas: SESSIONS_SCHEMAS };
}

const mapStats = {
  calls: integer,
  errors: integer,
  errorRate: { ...number, description: 'errors / calls.' },
  p95DurationMs: { ...number, description: '95th percentile of the call durations (ms).' },
  costUsd: {
    ...number,
    description:
      "Model spend (USD): a model call's cost; an agent or tool call's model calls directly beneath it.",
  },
};

const SESSIONS_SCHEMAS: Record<string, JsonSchema> = {
  SessionSummary: object({
    sessionId: string,
    firstTimeUnixNano: nanos,
    lastTimeUnixNano: nanos,
    turns: { ...integer, description: 'Traces.' },
    llmCallCount: integer,
    inputTokens: integer,
    outputTokens: integer,
    costUsd: {
      ...nullableNumber,
      description: 'Sum over priced model calls; null when none could be priced.',
    },
    errorCount: integer,
    agents: array(string),
    services: array(string),
  }),
  SessionListResponse: object({ sessions: array(schemaRef('SessionSummary')), nextCursor: nullableString }),
  SessionTurn: object({
    traceId: string,
    startTimeUnixNano: nanos,
    durationMs: number,
    rootAgent: nullableString,
    input: { ...array(schemaRef('Message')), description: 'User messages this turn added.' },
    output: { ...array(schemaRef('Message')), description: "The last model call's output." },
    models: array(string),
    llmCallCount: integer,
    inputTokens: integer,
    outputTokens: integer,
    costUsd: nullableNumber,
    errorCount: integer,
    status: { type: 'string', enum: ['ok', 'error'] },
  }),
  SessionDetailResponse: object({
    session: schemaRef('SessionSummary'),
    turns: array(schemaRef('SessionTurn')),
    truncated: boolean,
  }),
  AgentMapNode: object({
    id: {
      ...string,
      description:
        'agent:<service>/<name>, tool:<service>/<name> (the service URI-escaped), or model:<name>.',
    },
    kind: { type: 'string', enum: ['agent', 'tool', 'model'] },
    service: {
      ...nullableString,
      description:
        'The service the agent or tool ran in (agents and tools are keyed by service and name); null for a model.',
    },
    name: string,
    ...mapStats,
  }),
  AgentMapEdge: object({
    id: string,
    source: { ...string, description: "The caller's node id." },
    target: { ...string, description: "The callee's node id." },
    ...mapStats,
    linkedCalls: { ...integer, description: 'Calls found through span links across traces.' },
  }),
  AgentMapResponse: object({
    from: nanos,
    to: nanos,
    traces: { ...integer, description: 'Traces with a call in the range.' },
    nodes: array(schemaRef('AgentMapNode')),
    edges: array(schemaRef('AgentMapEdge')),
  }),
};
