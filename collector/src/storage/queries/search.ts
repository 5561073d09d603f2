// GET /search: case-insensitive substring search over span names, attribute values and message contents.
//
// Three scans, each newest first and cut at the page size (window by window, see searchWindows), merged here (one
// hit per span; a name match is the most telling, then a message, then an attribute):
//   - span names: otel_traces.SpanName is LowCardinality, so the match runs once per distinct name;
//   - attribute values: mapValues(SpanAttributes), the expensive one — bounded by the time range when given;
//   - messages: beacon_messages (each distinct message once, however many spans resent it) → the hashes whose text
//     matches → beacon_genai_spans rows referencing them.
import type { SearchHit } from '../../contract/index.js';
import {
  hasControlCharacters,
  instantParam,
  nanosText,
  type QueryContext,
  select,
  table,
} from './context.js';

export interface SearchFilter {
  q: string;
  fromNs?: bigint | undefined;
  toNs?: bigint | undefined;
  limit: number;
}

/** Characters of context kept around a match. */
const SNIPPET_BEFORE = 60;
const SNIPPET_LENGTH = 200;
/** Most matching messages looked up in spans, and raw-text candidates checked for them. */
const MAX_MESSAGE_HASHES = 200;
const MESSAGE_CANDIDATES = 2000;

const MATCH = (expr: string) => `positionCaseInsensitiveUTF8(${expr}, {q:String}) > 0`;
const SNIPPET = (expr: string) =>
  `substringUTF8(${expr}, toUInt64(greatest(1, toInt64(positionCaseInsensitiveUTF8(${expr}, {q:String})) - ${SNIPPET_BEFORE})), ${SNIPPET_LENGTH})`;

/**
 * The searchable text of a stored message (canonical JSON of {role, parts, …}): text and reasoning content, tool
 * call arguments and tool results — not the JSON keys, which would match every message.
 */
const MESSAGE_TEXT = `arrayStringConcat(arrayMap(p -> concat(
    JSONExtractString(p, 'content'), ' ',
    if(JSONType(p, 'arguments') = 'String', JSONExtractString(p, 'arguments'), JSONExtractRaw(p, 'arguments')), ' ',
    if(JSONType(p, 'response') = 'String', JSONExtractString(p, 'response'), JSONExtractRaw(p, 'response'))),
  JSONExtractArrayRaw(Content, 'parts')), '\\n')`;

/** Text that JSON.stringify writes unchanged, so a match in the text is also a match in the raw JSON. */
const jsonVerbatim = (text: string) => !/["\\]/.test(text) && !hasControlCharacters(text);

interface HitRow {
  traceId: string;
  spanId: string;
  spanName: string;
  serviceName: string;
  startNs: string;
}

const HIT_COLUMNS = `TraceId AS traceId, SpanId AS spanId, SpanName AS spanName, ServiceName AS serviceName,
    ${nanosText('Timestamp')} AS startNs`;

/** A slice of the searched range; bounds inclusive, absent = open. */
interface Window {
  fromNs?: bigint | undefined;
  toNs?: bigint | undefined;
}

const HOUR_NS = 3600n * 1_000_000_000n;
const WINDOW_STEPS_NS = [HOUR_NS, 24n * HOUR_NS, 7n * 24n * HOUR_NS];

/**
 * The range cut into windows, newest first: the last hour, day and week before `to` (or now), then the rest. Hits
 * are wanted newest first and otel_traces is not ordered by time, so each scan is bounded to a window (partitions
 * pruned) and later windows are scanned only while the page is not full: recent matches come back without reading
 * the whole retention.
 */
export function searchWindows(
  fromNs?: bigint,
  toNs?: bigint,
  nowNs = BigInt(Date.now()) * 1_000_000n,
): Window[] {
  const end = toNs ?? nowNs;
  const windows: Window[] = [];
  let upper = toNs;
  for (const step of WINDOW_STEPS_NS) {
    const lower = end - step;
    if (lower <= 0n || (fromNs !== undefined && lower <= fromNs)) break;
    windows.push({ fromNs: lower, toNs: upper });
    upper = lower - 1n;
  }
  windows.push({ fromNs, toNs: upper });
  return windows;
}

/** The window's bounds as SQL conditions and their parameters. */
function inWindow(window: Window): { sql: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  let sql = '';
  if (window.fromNs !== undefined) {
    params.fromNs = window.fromNs.toString();
    sql += ` AND Timestamp >= ${instantParam('fromNs')}`;
  }
  if (window.toNs !== undefined) {
    params.toNs = window.toNs.toString();
    sql += ` AND Timestamp <= ${instantParam('toNs')}`;
  }
  return { sql, params };
}

/** Runs `scan` window after window, newest first, until `limit` hits are in. */
async function newestFirst(
  windows: Window[],
  limit: number,
  scan: (window: Window) => Promise<SearchHit[]>,
): Promise<SearchHit[]> {
  const hits: SearchHit[] = [];
  for (const window of windows) {
    hits.push(...(await scan(window)));
    if (hits.length >= limit) break;
  }
  return hits;
}

async function nameHits(ctx: QueryContext, q: string, limit: number, window: Window) {
  const range = inWindow(window);
  const rows = await select<HitRow>(
    ctx,
    `SELECT ${HIT_COLUMNS}
FROM ${table(ctx, 'traces')}
WHERE ${MATCH('SpanName')}${range.sql}
ORDER BY Timestamp DESC
LIMIT {limit:UInt32}`,
    { q, limit, ...range.params },
  );
  return rows.map((row): SearchHit => ({ ...toHit(row), field: 'name', snippet: row.spanName }));
}

async function attributeHits(ctx: QueryContext, q: string, limit: number, window: Window) {
  const range = inWindow(window);
  const rows = await select<HitRow & { key: string; excerpt: string }>(
    ctx,
    `SELECT ${HIT_COLUMNS},
    arrayFirstIndex(v -> ${MATCH('v')}, mapValues(SpanAttributes)) AS i,
    mapKeys(SpanAttributes)[i] AS key,
    ${SNIPPET('mapValues(SpanAttributes)[i]')} AS excerpt
FROM ${table(ctx, 'traces')}
WHERE i > 0${range.sql}
ORDER BY Timestamp DESC
LIMIT {limit:UInt32}`,
    { q, limit, ...range.params },
  );
  return rows.map(
    (row): SearchHit => ({ ...toHit(row), field: 'attribute', snippet: `${row.key}: ${row.excerpt}` }),
  );
}

/**
 * Hash → excerpt of the most recently referenced stored messages whose text matches (each distinct message once,
 * however often it was sent). Recent ones first, so that their spans turn up in the first search windows.
 */
async function matchingMessages(ctx: QueryContext, q: string): Promise<Map<string, string>> {
  // A match in the text is a match in the raw JSON when JSON writes the query verbatim: that cheap prefilter picks
  // (and orders) candidates before any JSON is parsed. Otherwise every message is parsed.
  const candidates = jsonVerbatim(q)
    ? `SELECT Hash, Content FROM ${table(ctx, 'messages')} WHERE ${MATCH('Content')}
       ORDER BY FirstSeen DESC LIMIT ${MESSAGE_CANDIDATES}`
    : `SELECT Hash, Content FROM ${table(ctx, 'messages')} WHERE ${MATCH(MESSAGE_TEXT)}
       ORDER BY FirstSeen DESC LIMIT ${MAX_MESSAGE_HASHES}`;
  const rows = await select<{ hash: string; excerpt: string }>(
    ctx,
    `SELECT hash, ${SNIPPET('text')} AS excerpt
FROM (
    SELECT Hash AS hash, ${MESSAGE_TEXT} AS text
    FROM (${candidates})
    WHERE ${MATCH('text')}
    LIMIT ${MAX_MESSAGE_HASHES}
)`,
    { q },
  );
  // A message referenced on several days has a row per day: the first (most recent) excerpt is as good as any.
  const excerpts = new Map<string, string>();
  for (const row of rows) if (!excerpts.has(row.hash)) excerpts.set(row.hash, row.excerpt);
  return excerpts;
}

async function messageHits(ctx: QueryContext, excerpts: Map<string, string>, limit: number, window: Window) {
  const range = inWindow(window);
  const rows = await select<HitRow & { hash: string }>(
    ctx,
    `SELECT ${HIT_COLUMNS},
    arrayFirst(h -> has({hashes:Array(String)}, h),
        arrayConcat(SystemInstructionHashes, InputMessageHashes, OutputMessageHashes)) AS hash
FROM ${table(ctx, 'genaiSpans')}
WHERE hasAny(arrayConcat(SystemInstructionHashes, InputMessageHashes, OutputMessageHashes), {hashes:Array(String)})
    ${range.sql}
ORDER BY Timestamp DESC
LIMIT {limit:UInt32}`,
    { limit, hashes: [...excerpts.keys()], ...range.params },
  );
  return rows.map(
    (row): SearchHit => ({ ...toHit(row), field: 'message', snippet: excerpts.get(row.hash) ?? '' }),
  );
}

function toHit(row: HitRow): Omit<SearchHit, 'field' | 'snippet'> {
  return {
    traceId: row.traceId,
    spanId: row.spanId,
    spanName: row.spanName,
    serviceName: row.serviceName,
    startTimeUnixNano: row.startNs,
  };
}

const PRIORITY: Record<SearchHit['field'], number> = { name: 0, message: 1, attribute: 2 };

/** Newest first, at most `limit` hits, one per span. */
export async function search(ctx: QueryContext, filter: SearchFilter): Promise<SearchHit[]> {
  const { q, limit } = filter;
  const windows = searchWindows(filter.fromNs, filter.toNs);
  const found = await Promise.all([
    newestFirst(windows, limit, (window) => nameHits(ctx, q, limit, window)),
    matchingMessages(ctx, q).then((excerpts) =>
      excerpts.size === 0
        ? []
        : newestFirst(windows, limit, (window) => messageHits(ctx, excerpts, limit, window)),
    ),
    newestFirst(windows, limit, (window) => attributeHits(ctx, q, limit, window)),
  ]);
  const bySpan = new Map<string, SearchHit>();
  for (const hit of found.flat()) {
    const key = `${hit.traceId}/${hit.spanId}`;
    const seen = bySpan.get(key);
    if (!seen || PRIORITY[hit.field] < PRIORITY[seen.field]) bySpan.set(key, hit);
  }
  return [...bySpan.values()]
    .sort((a, b) => {
      const byTime = BigInt(b.startTimeUnixNano) - BigInt(a.startTimeUnixNano);
      if (byTime !== 0n) return byTime > 0n ? 1 : -1;
      return a.traceId === b.traceId ? a.spanId.localeCompare(b.spanId) : a.traceId.localeCompare(b.traceId);
    })
    .slice(0, limit);
}
