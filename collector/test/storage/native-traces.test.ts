// otel_traces and beacon_genai_spans written as Native blocks (the writer's path) hold exactly what the JSONEachRow
// rows of toTraceRow / toGenAIRow give — the contrib exporter's values — for spans with every kind of value, at the edges, and past the ~2 MB that
// chDB's inline binary insert cannot take.
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encodeGenAIBlocks, GENAI_COLUMN_NAMES } from '../../src/exporters/clickhouse/genai-columns.js';
import { RecentMessages, toBatchRows, toTraceRow } from '../../src/exporters/clickhouse/index.js';
import { NATIVE_BLOCK_ROWS } from '../../src/exporters/clickhouse/native.js';
import { encodeTraceBlocks, TRACE_COLUMN_NAMES } from '../../src/exporters/clickhouse/trace-columns.js';
import type { EnrichedSpan } from '../../src/model.js';
import { migrate, TABLES } from '../../src/storage/index.js';
import {
  DATABASE,
  makeCost,
  makeFacts,
  makeSpan,
  openTestDatabase,
  T0,
  type TestDatabase,
} from './helpers.js';

const JSON_DATABASE = 'beacon_json';
let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase({ retentionDays: 3650 });
  await db.command(`CREATE DATABASE ${JSON_DATABASE}`);
  await migrate(db.storage.client, { database: JSON_DATABASE, retentionDays: 3650 });
});
afterAll(() => db?.dispose());

/** A small deterministic generator (mulberry32), so a failure names a reproducible span. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const TEXTS = [
  '',
  'chat gpt-4o',
  'ünïcödé ✓ 日本語 🚀',
  'lone \ud800 surrogate',
  'x'.repeat(42),
  'é'.repeat(43),
  'long '.repeat(4000),
  'tab\tnew\nline "quoted" \\ back',
];

function variedSpans(count: number, seed: number): EnrichedSpan[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const values = [
    () => pick(TEXTS),
    () => Math.floor(next() * 1e6),
    () => next() * 1000 - 500,
    () => next() < 0.5,
    () => [pick(TEXTS), 1, 2.5, true, null],
    () => ({ z: 1, a: pick(TEXTS), nested: { k: [1.5] } }),
    () => Number.NaN,
    () => null,
  ];
  const attributes = () => {
    const out: Record<string, unknown> = {};
    const n = Math.floor(next() * 30);
    for (let i = 0; i < n; i++) out[`${pick(['gen_ai.', 'app.', 'ü.', ''])}key${i}`] = pick(values)();
    return out as EnrichedSpan['attributes'];
  };
  const instants = [0n, T0, T0 + 999_999_999n, 2n ** 63n - 1n, 2n ** 64n, 1n];
  // Span starts stay inside the retention: the TTL drops an expired row on insert, and a start past 2106 too
  // (toDateTime wraps). Ends and event instants go to the edges.
  return Array.from({ length: count }, (_, i) => {
    const start = T0 + BigInt(i) * 1_000_003n;
    return makeSpan({
      parentSpanId: next() < 0.2 ? '' : 'ab'.repeat(8),
      traceState: next() < 0.1 ? 'vendor=1' : '',
      name: pick(TEXTS),
      kind: Math.floor(next() * 7),
      statusCode: Math.floor(next() * 4),
      statusMessage: pick(TEXTS),
      startTimeUnixNano: start,
      endTimeUnixNano:
        next() < 0.2 ? pick([start - 5n, 2n ** 64n]) : start + BigInt(Math.floor(next() * 1e9)),
      resource: { 'service.name': 'svc', ...attributes() },
      serviceName: pick(['svc', 'ünï', '']),
      scopeName: pick(TEXTS),
      attributes: attributes(),
      events: Array.from({ length: Math.floor(next() * 4) }, () => ({
        timeUnixNano: pick(instants),
        name: pick(TEXTS),
        attributes: attributes(),
      })),
      links: Array.from({ length: Math.floor(next() * 3) }, () => ({
        traceId: 'cd'.repeat(16),
        spanId: 'ef'.repeat(8),
        traceState: pick(TEXTS),
        attributes: attributes(),
      })),
    });
  });
}

const storedRows = (database: string) =>
  db.query(`SELECT * FROM ${database}.${TABLES.traces} ORDER BY TraceId, SpanId`);

describe('otel_traces as Native', () => {
  test('every column of every span is stored as the JSON rows store it', async () => {
    // More than two blocks, so the equality covers rows on both sides of a block boundary.
    const spans = variedSpans(2 * NATIVE_BLOCK_ROWS + 176, 7);
    await db.storage.insertJsonEachRow(JSON_DATABASE, TABLES.traces, spans.map(toTraceRow));
    await db.storage.insertNative(DATABASE, TABLES.traces, TRACE_COLUMN_NAMES, encodeTraceBlocks(spans));
    const native = await storedRows(DATABASE);
    expect(native).toHaveLength(spans.length);
    expect(native).toEqual(await storedRows(JSON_DATABASE));
    // And what the views compute from them.
    const lookup = (database: string) =>
      db.query(`SELECT * FROM ${database}.${TABLES.traceIdTs} FINAL ORDER BY TraceId`);
    expect(await lookup(DATABASE)).toEqual(await lookup(JSON_DATABASE));
  });

  test('an insert far past 2 MB, in many blocks, is stored whole, and leaves no file behind', async () => {
    const spans = variedSpans(6000, 11);
    const blocks = encodeTraceBlocks(spans);
    expect(blocks.length).toBe(Math.ceil(spans.length / NATIVE_BLOCK_ROWS));
    expect(blocks.reduce((bytes, block) => bytes + block.length, 0)).toBeGreaterThan(8 * 1024 * 1024);
    await db.command(`TRUNCATE TABLE ${DATABASE}.${TABLES.traces}`);
    await db.storage.insertNative(DATABASE, TABLES.traces, TRACE_COLUMN_NAMES, blocks);
    const [count] = await db.query<{ n: string }>(`SELECT count() AS n FROM ${DATABASE}.${TABLES.traces}`);
    expect(Number(count?.n)).toBe(spans.length);
    expect(await readdir(`${db.dataDir}/native-inserts`)).toEqual([]);
  });
});

/** GenAI spans with every kind of value: unknown and absurd counts, NaN and huge costs, empty and odd texts. */
function variedGenAISpans(count: number, seed: number): EnrichedSpan[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const maybe = <T>(value: T): T | null => (next() < 0.3 ? null : value);
  const counts = [null, 0, 1, 1234, 4_294_967_295, 5e9, -3, 2.6, Number.NaN];
  const costs = [null, 0, 0.000_123_456_789, 1e300, -1, Number.NaN, Number.POSITIVE_INFINITY];
  return variedSpans(count, seed + 1).map((span) => ({
    ...span,
    genai: makeFacts({
      convention: pick(['otel', 'openinference', 'openllmetry', 'vercel']),
      operation: pick(['chat', 'execute_tool', 'invoke_agent', 'embeddings']),
      provider: maybe(pick(TEXTS)),
      requestModel: maybe(pick(['gpt-4o', 'claude-3-5-sonnet', ''])),
      responseModel: maybe(pick(TEXTS)),
      responseId: maybe(pick(TEXTS)),
      agentName: maybe(pick(TEXTS)),
      agentId: maybe('agent-1'),
      toolName: maybe(pick(TEXTS)),
      toolCallId: maybe('call_1'),
      toolType: maybe('function'),
      toolArguments: maybe(pick(TEXTS)),
      toolResult: maybe(pick(TEXTS)),
      conversationId: maybe(pick(TEXTS)),
      usage: {
        inputTokens: pick(counts),
        outputTokens: pick(counts),
        cacheReadTokens: pick(counts),
        cacheWriteTokens: pick(counts),
        reasoningTokens: pick(counts),
      },
      finishReasons: next() < 0.5 ? [] : [pick(['stop', 'length', '']), pick(TEXTS)],
      errorType: maybe(pick(TEXTS)),
      systemInstructions: next() < 0.3 ? [{ type: 'text', content: pick(TEXTS) }] : [],
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: pick(TEXTS) }] }],
      outputMessages:
        next() < 0.5 ? [] : [{ role: 'assistant', parts: [{ type: 'text', content: pick(TEXTS) }] }],
      reportedCostUsd: pick(costs),
      usageMissing: next() < 0.5,
    }),
    cost:
      next() < 0.3
        ? null
        : makeCost({
            costUsd: pick(costs),
            inputCostUsd: pick(costs),
            outputCostUsd: pick(costs),
            unpriced: next() < 0.2,
          }),
    agentName: maybe(pick(TEXTS)),
    loopRepeats: pick([0, 2, 70_000]),
  }));
}

describe('beacon_genai_spans as Native', () => {
  test('every column of every GenAI span is stored as the JSON rows store it, and the views agree', async () => {
    const spans = variedGenAISpans(2 * NATIVE_BLOCK_ROWS + 33, 5);
    const { genai } = toBatchRows(spans, new RecentMessages(10));
    expect(genai).toHaveLength(spans.length);
    await db.storage.insertJsonEachRow(
      JSON_DATABASE,
      TABLES.genaiSpans,
      genai.map(({ row }) => row),
    );
    await db.storage.insertNative(DATABASE, TABLES.genaiSpans, GENAI_COLUMN_NAMES, encodeGenAIBlocks(genai));
    const rows = (database: string) =>
      db.query(`SELECT * FROM ${database}.${TABLES.genaiSpans} ORDER BY TraceId, SpanId`);
    const native = await rows(DATABASE);
    expect(native).toHaveLength(spans.length);
    expect(native).toEqual(await rows(JSON_DATABASE));
    // Nulls stay nulls (unknown is never 0), and what the spend and summary views computed from the rows.
    expect(native.some((row) => (row as { InputTokens: unknown }).InputTokens === null)).toBe(true);
    const summaries = (database: string) =>
      db.query(
        `SELECT TraceId, sum(TotalCostUsd) AS cost, sum(TotalInputTokens) AS input, sum(LoopCallCount) AS loops
           FROM ${database}.${TABLES.traceSummaries} WHERE TraceId IN {ids:Array(String)}
          GROUP BY TraceId ORDER BY TraceId`,
        { ids: spans.map((span) => span.traceId) },
      );
    expect(await summaries(DATABASE)).toEqual(await summaries(JSON_DATABASE));
  });
});
