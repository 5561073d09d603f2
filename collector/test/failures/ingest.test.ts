// Failure classification over the whole pipeline (OTLP/HTTP in → enrich → ClickHouse on the embedded engine → query
// API): beacon_span_failures rows, the trace's failure categories (auto-tags), the `failure` filter of the trace
// list, loop warnings within one export (never failures), error patterns across traces, and baselines.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TraceDetailResponse, TraceListResponse } from '../../src/contract/index.js';
import {
  baselineKey,
  currentBaseline,
  failurePatterns,
  markBaseline,
  type QueryContext,
} from '../../src/storage/queries/index.js';
import { TABLES } from '../../src/storage/tables.js';
import {
  type ApiSpanSpec,
  type ApiTraceSpec,
  api,
  expectBadRequest,
  getOk,
  newSpanId,
  newTraceId,
  sendTraces,
} from '../api/helpers.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';

let collector: TestCollector;
let ctx: QueryContext;

beforeAll(async () => {
  collector = await startTestCollector();
  ctx = { client: collector.storage.client, database: collector.config.clickhouseDatabase };
});
afterAll(async () => {
  await collector?.dispose();
});

interface FailureRow {
  SpanId: string;
  Category: string;
  Signature: string;
  Message: string;
  SpanName: string;
}

const failureRows = (traceId: string) =>
  collector.query<FailureRow>(
    `SELECT SpanId, Category, Signature, Message, SpanName FROM ${TABLES.spanFailures}
     WHERE TraceId = {traceId:String} ORDER BY Timestamp, SpanId`,
    { traceId },
  );

/** The spans of a trace marked as part of a loop (a warning), with their loop's size, in start order. */
async function loopMarks(traceId: string): Promise<[string, number][]> {
  const rows = await collector.query<{ SpanId: string; LoopRepeats: number }>(
    `SELECT SpanId, LoopRepeats FROM ${TABLES.genaiSpans}
     WHERE TraceId = {traceId:String} AND LoopRepeats > 0 ORDER BY Timestamp, SpanId`,
    { traceId },
  );
  return rows.map((r) => [r.SpanId, Number(r.LoopRepeats)]);
}

const traceDetail = (traceId: string) =>
  getOk<TraceDetailResponse>(collector.apiUrl, `/api/v1/traces/${traceId}`);

async function listIds(query: string): Promise<string[]> {
  const page = await getOk<TraceListResponse>(collector.apiUrl, `/api/v1/traces?limit=500&${query}`);
  return page.traces.map((t) => t.traceId);
}

/** An agent run whose model call failed with `error` (or succeeded when undefined). */
function agentRun(
  service: string,
  error: string | undefined,
  startMs = Date.now(),
): { traceId: string; chat: string; spec: ApiTraceSpec } {
  const traceId = newTraceId();
  const root = newSpanId();
  const chat = newSpanId();
  return {
    traceId,
    chat,
    spec: {
      traceId,
      service,
      startMs,
      spans: [
        {
          name: 'invoke_agent planner',
          spanId: root,
          durationMs: 1000,
          attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
        },
        {
          name: 'chat gpt-4o',
          spanId: chat,
          parent: root,
          startOffsetMs: 100,
          durationMs: 200,
          kind: 3,
          ...(error ? { error } : {}),
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o',
          },
        },
      ],
    },
  };
}

describe('ingest', () => {
  test('a 429 error span: a rate_limit failure row, the trace tagged rate_limit, found by ?failure=rate_limit', async () => {
    const message =
      '429 Rate limit reached for gpt-4o in organization org-abc123 on tokens per min (TPM): Limit 30000, Used 29000, Requested 1500.';
    const limited = agentRun('ingest-429', message);
    const healthy = agentRun('ingest-429', undefined);
    await sendTraces(collector.httpUrl, [limited.spec, healthy.spec]);

    const rows = await failureRows(limited.traceId);
    expect(rows).toEqual([
      {
        SpanId: limited.chat,
        Category: 'rate_limit',
        SpanName: 'chat gpt-4o',
        Message: message,
        Signature:
          '<n> Rate limit reached for gpt-4o in organization org-<id> on tokens per min (TPM): Limit <n>, Used <n>, Requested <n>.',
      },
    ]);
    expect(await failureRows(healthy.traceId)).toEqual([]);

    const detail = await traceDetail(limited.traceId);
    expect(detail.trace.failureCategories).toEqual(['rate_limit']);
    // The failure rows feed the summary too: its start and end still are the trace's.
    expect(detail.trace.durationMs).toBe(1000);
    expect(detail.trace.spanCount).toBe(2);
    expect((await traceDetail(healthy.traceId)).trace.failureCategories).toEqual([]);

    expect(await listIds('failure=rate_limit')).toContain(limited.traceId);
    expect(await listIds('failure=rate_limit')).not.toContain(healthy.traceId);
    expect(await listIds('failure=timeout')).not.toContain(limited.traceId);
    // Combined with the other filters.
    expect(await listIds('failure=rate_limit&status=error&q=ingest-429')).toEqual([limited.traceId]);
    const listed = await getOk<TraceListResponse>(collector.apiUrl, '/api/v1/traces?q=ingest-429');
    expect(listed.traces.map((t) => [t.traceId, t.failureCategories])).toEqual(
      expect.arrayContaining([
        [limited.traceId, ['rate_limit']],
        [healthy.traceId, []],
      ]),
    );
  });

  test('several categories in one trace, spread over two exports: sorted, each once', async () => {
    const traceId = newTraceId();
    const root = newSpanId();
    const tool = (error: string, offset: number): ApiSpanSpec => ({
      name: 'execute_tool fetch_page',
      parent: root,
      startOffsetMs: offset,
      error,
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'fetch_page' },
    });
    await sendTraces(collector.httpUrl, [
      {
        traceId,
        service: 'ingest-multi',
        spans: [
          { name: 'invoke_agent crawler', spanId: root, durationMs: 2000 },
          tool('page not found', 10),
          tool('fetch_page timed out after 30s', 200),
        ],
      },
    ]);
    await sendTraces(collector.httpUrl, [
      { traceId, service: 'ingest-multi', spans: [tool('page not found', 400)] },
    ]);
    const rows = await failureRows(traceId);
    expect(rows.map((r) => r.Category)).toEqual(['tool_failure', 'timeout', 'tool_failure']);
    expect((await traceDetail(traceId)).trace.failureCategories).toEqual(['timeout', 'tool_failure']);
    expect(await listIds('failure=tool_failure')).toContain(traceId);
    expect(await listIds('failure=timeout')).toContain(traceId);
  });

  test('an unknown failure category is a 400 naming the parameter', async () => {
    expectBadRequest(await api(collector.apiUrl, '/api/v1/traces?failure=explosion'), 'failure');
  });

  test('the OpenAPI document lists the filter and the summary field', async () => {
    const doc = await getOk<{
      paths: Record<string, { get?: { parameters: { name: string; schema: { enum?: string[] } }[] } }>;
      components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> };
    }>(collector.apiUrl, '/api/v1/openapi.json');
    const failure = doc.paths['/api/v1/traces']!.get!.parameters.find((p) => p.name === 'failure');
    expect(failure?.schema.enum).toEqual([
      'rate_limit',
      'context_overflow',
      'tool_failure',
      'timeout',
      'auth',
      'loop',
      'other',
    ]);
    expect(doc.components.schemas.TraceSummary!.required).toContain('failureCategories');
  });
});

describe('loops within one export', () => {
  function toolCall(parent: string, offset: number, args: string, error?: string): ApiSpanSpec {
    return {
      name: 'execute_tool search',
      spanId: newSpanId(),
      parent,
      startOffsetMs: offset,
      durationMs: 20,
      ...(error ? { error } : {}),
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'search',
        'gen_ai.tool.call.arguments': args,
      },
    };
  }

  // Loops used to be stored as failures (beacon_span_failures rows of category `loop`, the trace tagged `loop`).
  // Issue 17 makes them a warning of their own: no failure row, no failure category, no error; the calls are marked
  // in beacon_genai_spans and the trace summary counts them (loopCallCount), and ?failure=loop still finds it.
  test('a tool called 3 times with identical arguments: a loop warning, not a failure', async () => {
    const traceId = newTraceId();
    const root = newSpanId();
    const calls = [0, 1, 2].map((i) => toolCall(root, 100 + i * 50, '{"q":"weather in Paris"}'));
    await sendTraces(collector.httpUrl, [
      {
        traceId,
        service: 'ingest-loop',
        // Sent out of order: the loop's first call is the earliest, not the first in the request.
        spans: [{ name: 'invoke_agent looper', spanId: root, durationMs: 1000 }, ...[...calls].reverse()],
      },
    ]);
    expect(await failureRows(traceId)).toEqual([]);
    expect(await loopMarks(traceId)).toEqual(calls.map((c) => [c.spanId, 3]));
    const detail = await traceDetail(traceId);
    expect(detail.trace).toMatchObject({
      failureCategories: [],
      failureCount: 0,
      errorCount: 0,
      status: 'ok',
      loopCallCount: 3,
    });
    expect(await listIds('failure=loop')).toContain(traceId);
    expect(await listIds('status=error')).not.toContain(traceId);
  });

  test('a repeat that failed keeps its own failure; different arguments or parents are no loop', async () => {
    const traceId = newTraceId();
    const root = newSpanId();
    const other = newSpanId();
    const same = '{"q":"flights"}';
    const failing = toolCall(root, 150, same, 'search backend returned 500');
    const loop = [toolCall(root, 100, same), failing, toolCall(root, 200, same)];
    await sendTraces(collector.httpUrl, [
      {
        traceId,
        service: 'ingest-loop',
        spans: [
          { name: 'invoke_agent looper', spanId: root, durationMs: 1000 },
          { name: 'invoke_agent helper', spanId: other, parent: root, durationMs: 500 },
          ...loop,
          // Same arguments under another parent, and other arguments under the same one.
          toolCall(other, 300, same),
          toolCall(root, 400, '{"q":"hotels"}'),
          toolCall(root, 450, '{"q":"cars"}'),
        ],
      },
    ]);
    const rows = await failureRows(traceId);
    expect(rows.map((r) => [r.SpanId, r.Category])).toEqual([[failing.spanId, 'tool_failure']]);
    expect(await loopMarks(traceId)).toEqual(loop.map((c) => [c.spanId, 3]));
    expect((await traceDetail(traceId)).trace).toMatchObject({
      failureCategories: ['tool_failure'],
      failureCount: 1,
      loopCallCount: 3,
    });
  });

  test('a tool called 12 times with different arguments each time is never a loop', async () => {
    const traceId = newTraceId();
    const root = newSpanId();
    await sendTraces(collector.httpUrl, [
      {
        traceId,
        service: 'ingest-loop',
        spans: [
          { name: 'invoke_agent analyst', spanId: root, durationMs: 2000 },
          ...Array.from({ length: 12 }, (_, i) => toolCall(root, 10 + i * 100, `{"sql":"SELECT ${i}"}`)),
        ],
      },
    ]);
    expect(await loopMarks(traceId)).toEqual([]);
    expect((await traceDetail(traceId)).trace.loopCallCount).toBe(0);
    expect(await listIds('failure=loop')).not.toContain(traceId);
  });
});

describe('failurePatterns', () => {
  test("two traces' rate-limit errors with different numbers are one pattern; largest first", async () => {
    const now = Date.now();
    const message = (used: number, org: string) =>
      `Rate limit reached for gpt-4o-mini in organization ${org} on requests per min (RPM): Limit 500, Used ${used}, Requested 1. Please try again in ${used % 7}s.`;
    const older = agentRun('patterns', message(498, 'org-7fQ2x9'), now - 60_000);
    const newer = agentRun('patterns', message(500, 'org-7fQ2x9'), now - 30_000);
    const timeout = agentRun('patterns', 'Request timed out.', now - 45_000);
    await sendTraces(collector.httpUrl, [older.spec, newer.spec, timeout.spec]);
    await collector.writer.flush();

    const fromNs = BigInt(now - 120_000) * 1_000_000n;
    const toNs = BigInt(now) * 1_000_000n;
    const patterns = (await failurePatterns(ctx, { fromNs, toNs, limit: 100 })).filter((p) =>
      [older.traceId, newer.traceId, timeout.traceId].includes(p.example.traceId),
    );
    expect(patterns).toEqual([
      {
        category: 'rate_limit',
        signature:
          'Rate limit reached for gpt-4o-mini in organization org-<id> on requests per min (RPM): Limit <n>, Used <n>, Requested <n>. Please try again in <n>.',
        spanCount: 2,
        traceCount: 2,
        traceIds: [newer.traceId, older.traceId],
        example: {
          traceId: newer.traceId,
          spanId: newer.chat,
          spanName: 'chat gpt-4o',
          message: message(500, 'org-7fQ2x9'),
        },
        firstSeen: String(BigInt(now - 60_000 + 100) * 1_000_000n),
        lastSeen: String(BigInt(now - 30_000 + 100) * 1_000_000n),
      },
      expect.objectContaining({ category: 'timeout', signature: 'Request timed out.', spanCount: 1 }),
    ]);

    // One trace's patterns only.
    const one = await failurePatterns(ctx, { fromNs, toNs, traceId: older.traceId, limit: 10 });
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({
      spanCount: 1,
      traceIds: [older.traceId],
      example: { spanId: older.chat },
    });

    // The time range applies to the failing spans' start.
    const before = await failurePatterns(ctx, { fromNs: fromNs - 1_000_000_000n, toNs: fromNs, limit: 10 });
    expect(before).toEqual([]);
    const onlyNewer = await failurePatterns(ctx, {
      fromNs: BigInt(now - 35_000) * 1_000_000n,
      toNs,
      traceId: newer.traceId,
      limit: 10,
    });
    expect(onlyNewer.map((p) => p.traceIds)).toEqual([[newer.traceId]]);
    expect(
      await failurePatterns(ctx, {
        fromNs: BigInt(now - 35_000) * 1_000_000n,
        toNs,
        traceId: older.traceId,
        limit: 10,
      }),
    ).toEqual([]);
  });

  test('at most 20 trace ids per pattern, newest first; limit caps the patterns', async () => {
    const now = Date.now();
    const runs = Array.from({ length: 23 }, (_, i) =>
      agentRun('many', `Incorrect API key provided: sk-****${1000 + i}.`, now - 100_000 + i * 1000),
    );
    await sendTraces(
      collector.httpUrl,
      runs.map((r) => r.spec),
    );
    await collector.writer.flush();
    const fromNs = BigInt(now - 101_000) * 1_000_000n;
    const patterns = await failurePatterns(ctx, { fromNs, toNs: BigInt(now) * 1_000_000n, limit: 1 });
    expect(patterns).toHaveLength(1);
    expect(patterns[0]).toMatchObject({ category: 'auth', spanCount: 23, traceCount: 23 });
    expect(patterns[0]!.traceIds).toEqual(
      runs
        .map((r) => r.traceId)
        .reverse()
        .slice(0, 20),
    );
  });
});

describe('baselines', () => {
  test('markBaseline / currentBaseline: the newest mark per key wins; keys are independent', async () => {
    const key = baselineKey('shop', 'invoke_agent checkout');
    expect(key).toBe('shop/invoke_agent checkout');
    expect(await currentBaseline(ctx, key)).toBeNull();
    const [a, b, c] = [newTraceId(), newTraceId(), newTraceId()];
    await markBaseline(ctx, key, a);
    expect(await currentBaseline(ctx, key)).toBe(a);
    // Several marks within the same millisecond still order as made.
    await markBaseline(ctx, key, b);
    await markBaseline(ctx, baselineKey('shop', 'invoke_agent refund'), c);
    expect(await currentBaseline(ctx, key)).toBe(b);
    expect(await currentBaseline(ctx, 'shop/invoke_agent refund')).toBe(c);
    await markBaseline(ctx, key, a);
    expect(await currentBaseline(ctx, key)).toBe(a);
  });

  test('keys are bound parameters, not SQL', async () => {
    const key = "x' OR 1=1 --";
    expect(await currentBaseline(ctx, key)).toBeNull();
    const trace = newTraceId();
    await markBaseline(ctx, key, trace);
    expect(await currentBaseline(ctx, key)).toBe(trace);
  });
});
