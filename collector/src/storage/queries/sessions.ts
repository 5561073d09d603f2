// Sessions: traces whose GenAI spans share a conversation id (every convention's is normalized into
// beacon_genai_spans.ConversationId). A turn is a trace; its numbers come from beacon_trace_summaries, as in the
// trace list, so a session's cost is the sum of its turns' costs there.
//
// The list restricts beacon_genai_spans by Timestamp first (partition pruning), finds the range's traces that
// carry a conversation id, then reads those traces' summary rows by TraceId (the summaries' primary key). One
// session's turns are found by the ConversationId bloom-filter index, without a time range when none is given.
import type { Message } from '@beacon/semconv';
import type { SessionSummary, SessionTurn } from '../../contract/index.js';
import {
  COST_DECIMALS,
  instantParam,
  nanosText,
  nanosToMs,
  orNull,
  type QueryContext,
  select,
  table,
} from './context.js';
import { messagesByHash } from './spans.js';

export interface SessionCursor {
  /** End of the last turn of the page's last session, and its id. */
  lastNs: bigint;
  sessionId: string;
}

export interface SessionListFilter {
  fromNs: bigint;
  toNs: bigint;
  /** Sessions with a GenAI span of this service. */
  service?: string | undefined;
  /** Sessions that ran this agent. */
  agent?: string | undefined;
  cursor?: SessionCursor | undefined;
  limit: number;
}

/** The measures of a set of turns, summed from their trace summaries. */
const TURN_MEASURES = `
    toFloat64(sum(InferenceCount)) AS llmCallCount,
    toFloat64(sum(TotalInputTokens)) AS inputTokens,
    toFloat64(sum(TotalOutputTokens)) AS outputTokens,
    round(sum(TotalCostUsd), ${COST_DECIMALS}) AS costUsd,
    toFloat64(sum(UnpricedCount) + sum(UsageMissingCount)) AS uncostedCount,
    toFloat64(sum(ErrorCount)) AS errorCount`;

interface MeasuresRow {
  llmCallCount: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  uncostedCount: number;
  errorCount: number;
}

interface SessionRow extends MeasuresRow {
  sessionId: string;
  firstNs: string;
  lastNs: string;
  turns: number;
  agents: string[];
  services: string[];
}

/** Model calls without a price or without usage carry no cost: when that is all of them, the cost is unknown. */
function costOf(row: MeasuresRow): number | null {
  return Number(row.llmCallCount) - Number(row.uncostedCount) > 0 ? Number(row.costUsd) : null;
}

function toSessionSummary(row: SessionRow): SessionSummary {
  return {
    sessionId: row.sessionId,
    firstTimeUnixNano: row.firstNs,
    lastTimeUnixNano: row.lastNs,
    turns: Number(row.turns),
    llmCallCount: Number(row.llmCallCount),
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    costUsd: costOf(row),
    errorCount: Number(row.errorCount),
    agents: row.agents,
    services: row.services,
  };
}

export interface SessionListPage {
  sessions: SessionSummary[];
  next: SessionCursor | null;
}

/** Sessions with a turn starting in the range, latest activity first (keyset pagination on last activity, id). */
export async function listSessions(ctx: QueryContext, filter: SessionListFilter): Promise<SessionListPage> {
  const genai = table(ctx, 'genaiSpans');
  const params: Record<string, unknown> = {
    fromNs: filter.fromNs.toString(),
    toNs: filter.toNs.toString(),
    limit: filter.limit + 1,
  };
  const inRange = `Timestamp >= ${instantParam('fromNs')} AND Timestamp <= ${instantParam('toNs')}`;
  const having: string[] = [];
  if (filter.service !== undefined) {
    params.service = filter.service;
    having.push('has(groupUniqArrayArray(spanServices), {service:String})');
  }
  if (filter.agent !== undefined) {
    params.agent = filter.agent;
    having.push('has(groupUniqArrayArray(AgentNames), {agent:String})');
  }
  if (filter.cursor) {
    params.cursorNs = filter.cursor.lastNs.toString();
    params.cursorSessionId = filter.cursor.sessionId;
    having.push(`(max(End), sessionId) < (${instantParam('cursorNs')}, {cursorSessionId:String})`);
  }
  // turn_sessions: each trace of the range with its conversation ids (one trace may hold several, e.g. a sub-agent
  // with a conversation of its own); joined to those traces' summary rows, read by primary key.
  const rows = await select<SessionRow>(
    ctx,
    `WITH turn_sessions AS (
    SELECT TraceId, groupUniqArray(ConversationId) AS sessionIds, groupUniqArray(ServiceName) AS spanServices
    FROM ${genai}
    WHERE ${inRange} AND ConversationId != ''
    GROUP BY TraceId
)
SELECT sessionId,
    ${nanosText('min(Start)')} AS firstNs,
    ${nanosText('max(End)')} AS lastNs,
    toFloat64(uniqExact(ts.TraceId)) AS turns,
    ${TURN_MEASURES},
    arraySort(groupUniqArrayArray(AgentNames)) AS agents,
    arraySort(groupUniqArrayArray(spanServices)) AS services
FROM (SELECT TraceId, sessionId, spanServices FROM turn_sessions ARRAY JOIN sessionIds AS sessionId) AS ts
INNER JOIN (
    SELECT TraceId, Start, End, AgentNames, InferenceCount, TotalInputTokens, TotalOutputTokens, TotalCostUsd,
        UnpricedCount, UsageMissingCount, ErrorCount
    FROM ${table(ctx, 'traceSummaries')}
    WHERE TraceId IN (SELECT TraceId FROM turn_sessions)
) AS summary ON summary.TraceId = ts.TraceId
GROUP BY sessionId
${having.length > 0 ? `HAVING ${having.join(' AND ')}` : ''}
ORDER BY max(End) DESC, sessionId DESC
LIMIT {limit:UInt32}`,
    params,
  );
  const page = rows.slice(0, filter.limit).map(toSessionSummary);
  const last = page.at(-1);
  return {
    sessions: page,
    next:
      rows.length > filter.limit && last
        ? { lastNs: BigInt(last.lastTimeUnixNano), sessionId: last.sessionId }
        : null,
  };
}

interface TurnRow extends MeasuresRow {
  traceId: string;
  startNs: string;
  endNs: string;
  rootAgent: string;
  agents: string[];
  models: string[];
}

interface TurnSpanRow {
  traceId: string;
  startNs: string;
  endNs: string;
  isInference: number;
  serviceName: string;
  inputHashes: string[];
  outputHashes: string[];
}

export interface SessionDetail {
  session: SessionSummary;
  turns: SessionTurn[];
  truncated: boolean;
}

/** One session's turns in time order (the latest `maxTurns`), or null when no span carries the id. */
export async function sessionDetail(
  ctx: QueryContext,
  sessionId: string,
  range: { fromNs?: bigint | undefined; toNs?: bigint | undefined; maxTurns: number },
): Promise<SessionDetail | null> {
  const genai = table(ctx, 'genaiSpans');
  const params: Record<string, unknown> = { sessionId, limit: range.maxTurns + 1 };
  let inRange = '';
  if (range.fromNs !== undefined) {
    params.fromNs = range.fromNs.toString();
    inRange += ` AND Timestamp >= ${instantParam('fromNs')}`;
  }
  if (range.toNs !== undefined) {
    params.toNs = range.toNs.toString();
    inRange += ` AND Timestamp <= ${instantParam('toNs')}`;
  }
  const turnRows = await select<TurnRow>(
    ctx,
    `SELECT TraceId AS traceId,
    ${nanosText('min(Start)')} AS startNs,
    ${nanosText('max(End)')} AS endNs,
    argMinMerge(RootAgentName) AS rootAgent,
    arraySort(groupUniqArrayArray(AgentNames)) AS agents,
    arraySort(groupUniqArrayArray(Models)) AS models,
    ${TURN_MEASURES}
FROM ${table(ctx, 'traceSummaries')}
WHERE TraceId IN (SELECT TraceId FROM ${genai} WHERE ConversationId = {sessionId:String}${inRange})
GROUP BY TraceId
ORDER BY min(Start) DESC, TraceId DESC
LIMIT {limit:UInt32}`,
    params,
  );
  if (turnRows.length === 0) return null;
  const truncated = turnRows.length > range.maxTurns;
  const shown = turnRows.slice(0, range.maxTurns).reverse();
  const spans = await turnSpans(ctx, shown);
  const messages = await messagesByHash(ctx, [
    ...new Set(spans.flatMap((span) => [...span.inputHashes, ...span.outputHashes])),
  ]);
  const spansByTrace = new Map<string, TurnSpanRow[]>();
  for (const span of spans) {
    const list = spansByTrace.get(span.traceId) ?? [];
    list.push(span);
    spansByTrace.set(span.traceId, list);
  }
  const seen = new Set<string>();
  const turns = shown.map((row) => {
    const turnSpans = spansByTrace.get(row.traceId) ?? [];
    const turn = toTurn(row, turnSpans, messages, seen);
    for (const span of turnSpans)
      for (const hash of [...span.inputHashes, ...span.outputHashes]) seen.add(hash);
    return turn;
  });
  const sum = (pick: (row: TurnRow) => number) => shown.reduce((total, row) => total + Number(pick(row)), 0);
  const totals: MeasuresRow = {
    llmCallCount: sum((r) => r.llmCallCount),
    inputTokens: sum((r) => r.inputTokens),
    outputTokens: sum((r) => r.outputTokens),
    costUsd: Number(sum((r) => r.costUsd).toFixed(COST_DECIMALS)),
    uncostedCount: sum((r) => r.uncostedCount),
    errorCount: sum((r) => r.errorCount),
  };
  const session: SessionSummary = {
    sessionId,
    firstTimeUnixNano: shown[0]!.startNs,
    lastTimeUnixNano: shown.reduce((max, row) => (BigInt(row.endNs) > BigInt(max) ? row.endNs : max), '0'),
    turns: shown.length,
    llmCallCount: totals.llmCallCount,
    inputTokens: totals.inputTokens,
    outputTokens: totals.outputTokens,
    costUsd: costOf(totals),
    errorCount: totals.errorCount,
    agents: [...new Set(shown.flatMap((row) => row.agents))].sort(),
    services: [...new Set(spans.map((span) => span.serviceName))].sort(),
  };
  return { session, turns, truncated };
}

/** The GenAI spans of the turns' traces (message hashes, timing), within the turns' own time span. */
async function turnSpans(ctx: QueryContext, turns: TurnRow[]): Promise<TurnSpanRow[]> {
  const fromNs = turns.reduce(
    (min, row) => (BigInt(row.startNs) < min ? BigInt(row.startNs) : min),
    2n ** 62n,
  );
  const toNs = turns.reduce((max, row) => (BigInt(row.endNs) > max ? BigInt(row.endNs) : max), 0n);
  return select<TurnSpanRow>(
    ctx,
    `SELECT TraceId AS traceId, ${nanosText('Timestamp')} AS startNs,
    toString(toUnixTimestamp64Nano(Timestamp) + Duration) AS endNs,
    IsInference AS isInference, ServiceName AS serviceName,
    InputMessageHashes AS inputHashes, OutputMessageHashes AS outputHashes
FROM ${table(ctx, 'genaiSpans')}
WHERE TraceId IN {traceIds:Array(String)}
  AND Timestamp >= ${instantParam('fromNs')} AND Timestamp <= ${instantParam('toNs')}
ORDER BY Timestamp, SpanId
LIMIT 1 BY TraceId, SpanId`,
    { traceIds: turns.map((row) => row.traceId), fromNs: fromNs.toString(), toNs: toNs.toString() },
  );
}

/**
 * A turn's user input and answer. Agents resend the whole conversation on every model call: the turn's input is
 * the user messages at the end of its first model call's input (what was said since the last answer), so history
 * never repeats; failing that (the input ends with a tool result), the user messages no earlier turn held
 * (messages are content-addressed). The answer is the output of the turn's last model call.
 */
function toTurn(
  row: TurnRow,
  spans: TurnSpanRow[],
  messages: Map<string, Message>,
  seenBefore: ReadonlySet<string>,
): SessionTurn {
  const first = spans.find((span) => span.isInference === 1 && span.inputHashes.length > 0);
  const input: Message[] = [];
  for (const hash of [...(first?.inputHashes ?? [])].reverse()) {
    const message = messages.get(hash);
    if (message?.role !== 'user') break;
    input.unshift(message);
  }
  if (input.length === 0) {
    const taken = new Set<string>();
    for (const span of spans) {
      for (const hash of span.inputHashes) {
        const message = messages.get(hash);
        if (seenBefore.has(hash) || taken.has(hash) || message?.role !== 'user') continue;
        taken.add(hash);
        input.push(message);
      }
    }
  }
  const answered = [...spans]
    .filter((span) => span.outputHashes.length > 0)
    .sort(
      (a, b) =>
        b.isInference - a.isInference ||
        (BigInt(b.endNs) > BigInt(a.endNs) ? 1 : b.endNs === a.endNs ? 0 : -1),
    )[0];
  const output = (answered?.outputHashes ?? [])
    .map((hash) => messages.get(hash))
    .filter((m): m is Message => m !== undefined);
  const errorCount = Number(row.errorCount);
  return {
    traceId: row.traceId,
    startTimeUnixNano: row.startNs,
    durationMs: nanosToMs(BigInt(row.endNs) - BigInt(row.startNs)),
    rootAgent: orNull(row.rootAgent),
    input,
    output,
    models: row.models,
    llmCallCount: Number(row.llmCallCount),
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    costUsd: costOf(row),
    errorCount,
    status: errorCount > 0 ? 'error' : 'ok',
  };
}
