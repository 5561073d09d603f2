// GET /search (span names, attribute values, message contents) and GET /stats/summary, /stats/timeseries: the
// numbers must equal what was sent.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type {
  SearchResponse,
  StatsSummaryResponse,
  StatsTimeseriesResponse,
  TraceDetailResponse,
} from '../../src/contract/index.js';
import { searchWindows } from '../../src/storage/queries/search.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import {
  type ApiSpanSpec,
  api,
  expectBadRequest,
  getOk,
  newSpanId,
  newTraceId,
  sendTraces,
} from './helpers.js';

let collector: TestCollector;
let base: string;

const searchTrace = newTraceId();
const nameSpan = newSpanId();
const attributeSpan = newSpanId();
const messageSpan = newSpanId();

/** Stats traces sit in their own hour, away from everything else in this collector. */
const STATS_START = Math.floor((Date.now() - 3 * 3600_000) / 60_000) * 60_000;
const STATS_FROM = new Date(STATS_START).toISOString();
const STATS_TO = new Date(STATS_START + 10 * 60_000).toISOString();

interface Call {
  service: string;
  agent: string;
  model: string;
  provider: string;
  input: number;
  output: number;
  error?: boolean;
  minute: number;
}

const CALLS: Call[] = [
  {
    service: 'svc-1',
    agent: 'planner',
    model: 'gpt-4o-mini',
    provider: 'openai',
    input: 1000,
    output: 100,
    minute: 0,
  },
  {
    service: 'svc-1',
    agent: 'planner',
    model: 'gpt-4o-mini',
    provider: 'openai',
    input: 2000,
    output: 200,
    minute: 1,
  },
  {
    service: 'svc-1',
    agent: 'coder',
    model: 'gpt-4o',
    provider: 'openai',
    input: 3000,
    output: 300,
    minute: 1,
    error: true,
  },
  {
    service: 'svc-2',
    agent: 'coder',
    model: 'gpt-4o',
    provider: 'openai',
    input: 4000,
    output: 400,
    minute: 3,
  },
  {
    service: 'svc-2',
    agent: 'coder',
    model: 'my-local-llm',
    provider: 'ollama',
    input: 500,
    output: 50,
    minute: 3,
  },
];
const statsTraceIds = CALLS.map(() => newTraceId());

beforeAll(async () => {
  collector = await startTestCollector();
  base = collector.apiUrl;
  await sendTraces(collector.httpUrl, [
    {
      traceId: searchTrace,
      service: 'search-svc',
      spans: [
        { name: 'Summarize Quarterly Report', spanId: nameSpan },
        {
          name: 'db query',
          spanId: attributeSpan,
          parent: nameSpan,
          attributes: { 'db.statement': "SELECT * FROM invoices WHERE customer = 'O''Hara'" },
        },
        {
          name: 'chat gpt-4o-mini',
          spanId: messageSpan,
          parent: nameSpan,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.input.messages': JSON.stringify([
              {
                role: 'user',
                parts: [{ type: 'text', content: 'Tell me about the Zebrafish experiment, please.' }],
              },
            ]),
          },
        },
      ],
    },
    // Older than every search window but the last.
    {
      service: 'archive',
      startMs: Date.now() - 10 * 86_400_000,
      spans: [{ name: 'Ancient Archive Lookup' }],
    },
    ...CALLS.map((call, i) => {
      const root = newSpanId();
      const spans: ApiSpanSpec[] = [
        {
          name: `invoke_agent ${call.agent}`,
          spanId: root,
          attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': call.agent },
        },
        {
          name: `chat ${call.model}`,
          parent: root,
          startOffsetMs: 1,
          ...(call.error ? { error: 'overloaded' } : {}),
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': call.provider,
            'gen_ai.request.model': call.model,
            'gen_ai.usage.input_tokens': call.input,
            'gen_ai.usage.output_tokens': call.output,
          },
        },
        // Tool calls are not model calls: they count in no stats number.
        { name: 'execute_tool x', parent: root, attributes: { 'gen_ai.operation.name': 'execute_tool' } },
      ];
      return {
        traceId: statsTraceIds[i],
        service: call.service,
        startMs: STATS_START + call.minute * 60_000,
        spans,
      };
    }),
  ]);
  await collector.writer.flush();
});
afterAll(async () => {
  await collector?.dispose();
});

describe('GET /api/v1/search', () => {
  test('finds span names, attribute values and message contents, case-insensitively', async () => {
    const name = await getOk<SearchResponse>(base, '/api/v1/search?q=quarterly%20REPORT');
    expect(name.hits).toEqual([
      expect.objectContaining({
        traceId: searchTrace,
        spanId: nameSpan,
        spanName: 'Summarize Quarterly Report',
        serviceName: 'search-svc',
        field: 'name',
        snippet: 'Summarize Quarterly Report',
      }),
    ]);

    const attribute = await getOk<SearchResponse>(base, `/api/v1/search?q=${encodeURIComponent("o''hara")}`);
    expect(attribute.hits).toHaveLength(1);
    expect(attribute.hits[0]).toMatchObject({ spanId: attributeSpan, field: 'attribute' });
    expect(attribute.hits[0]!.snippet).toContain('db.statement: ');
    expect(attribute.hits[0]!.snippet).toContain("O''Hara");

    // The message is also in an attribute; the message hit wins.
    const message = await getOk<SearchResponse>(base, '/api/v1/search?q=zebraFISH');
    expect(message.hits).toHaveLength(1);
    expect(message.hits[0]).toMatchObject({ spanId: messageSpan, field: 'message' });
    expect(message.hits[0]!.snippet).toContain('Zebrafish experiment');

    const everything = await getOk<SearchResponse>(base, '/api/v1/search?q=e&limit=3');
    expect(everything.hits).toHaveLength(3);
    const times = everything.hits.map((h) => BigInt(h.startTimeUnixNano));
    expect(times.every((t, i) => i === 0 || t <= times[i - 1]!)).toBe(true);

    // Found in the last window (older than a week); and the windows cut the range without gap or overlap.
    const ancient = await getOk<SearchResponse>(base, '/api/v1/search?q=ancient%20archive');
    expect(ancient.hits.map((h) => [h.spanName, h.serviceName])).toEqual([
      ['Ancient Archive Lookup', 'archive'],
    ]);
    const hour = 3_600_000_000_000n;
    const now = 1_000_000n * hour;
    expect(searchWindows(undefined, undefined, now)).toEqual([
      { fromNs: now - hour, toNs: undefined },
      { fromNs: now - 24n * hour, toNs: now - hour - 1n },
      { fromNs: now - 168n * hour, toNs: now - 24n * hour - 1n },
      { fromNs: undefined, toNs: now - 168n * hour - 1n },
    ]);
    expect(searchWindows(now - 30n * hour, now, 0n)).toEqual([
      { fromNs: now - hour, toNs: now },
      { fromNs: now - 24n * hour, toNs: now - hour - 1n },
      { fromNs: now - 30n * hour, toNs: now - 24n * hour - 1n },
    ]);

    const future = Date.now() + 3600_000;
    expect((await getOk<SearchResponse>(base, `/api/v1/search?q=zebrafish&from=${future}`)).hits).toEqual([]);
    expect((await getOk<SearchResponse>(base, '/api/v1/search?q=no-such-text-anywhere')).hits).toEqual([]);
  });

  test('400 naming the parameter', async () => {
    expectBadRequest(await api(base, '/api/v1/search'), 'q');
    expectBadRequest(await api(base, '/api/v1/search?q='), 'q');
    expectBadRequest(await api(base, '/api/v1/search?q=x&limit=0'), 'limit');
    expectBadRequest(await api(base, '/api/v1/search?q=x&limit=201'), 'limit');
    expectBadRequest(await api(base, '/api/v1/search?q=x&from=soon'), 'from');
  });
});

describe('GET /api/v1/stats', () => {
  const range = `from=${STATS_FROM}&to=${STATS_TO}`;
  let costs: number[];

  beforeAll(async () => {
    costs = [];
    for (const traceId of statsTraceIds) {
      const detail = await getOk<TraceDetailResponse>(base, `/api/v1/traces/${traceId}`);
      costs.push(detail.spans.find((s) => s.genai?.operation === 'chat')!.genai!.costUsd ?? 0);
    }
    expect(costs.filter((c) => c > 0)).toHaveLength(4);
  });

  const sumOf = (calls: number[]) => ({
    calls: calls.length,
    errors: calls.filter((i) => CALLS[i]!.error).length,
    inputTokens: calls.reduce((s, i) => s + CALLS[i]!.input, 0),
    outputTokens: calls.reduce((s, i) => s + CALLS[i]!.output, 0),
    costUsd: calls.reduce((s, i) => s + costs[i]!, 0),
    unpriced: calls.filter((i) => CALLS[i]!.provider === 'ollama').length,
  });
  const expectMeasures = (actual: { costUsd: number }, expected: ReturnType<typeof sumOf>) => {
    const { costUsd, ...rest } = expected;
    expect(actual).toMatchObject(rest);
    expect(actual.costUsd).toBeCloseTo(costUsd, 9);
  };
  const indexes = (pick: (c: Call) => boolean) => CALLS.flatMap((c, i) => (pick(c) ? [i] : []));

  test('summary: totals and groups equal what was sent', async () => {
    const byModel = await getOk<StatsSummaryResponse>(base, `/api/v1/stats/summary?${range}`);
    expectMeasures(byModel.totals, sumOf([0, 1, 2, 3, 4]));
    expect(byModel.totals.traces).toBe(CALLS.length);
    expect(byModel.groups.map((g) => g.key).sort()).toEqual(['gpt-4o', 'gpt-4o-mini', 'my-local-llm']);
    for (const group of byModel.groups) expectMeasures(group, sumOf(indexes((c) => c.model === group.key)));
    // Most expensive first.
    expect(byModel.groups.map((g) => g.costUsd)).toEqual(
      [...byModel.groups.map((g) => g.costUsd)].sort((a, b) => b - a),
    );

    const byAgent = await getOk<StatsSummaryResponse>(base, `/api/v1/stats/summary?${range}&groupBy=agent`);
    expect(byAgent.groups.map((g) => g.key).sort()).toEqual(['coder', 'planner']);
    for (const group of byAgent.groups) expectMeasures(group, sumOf(indexes((c) => c.agent === group.key)));

    const byService = await getOk<StatsSummaryResponse>(
      base,
      `/api/v1/stats/summary?${range}&groupBy=service`,
    );
    for (const group of byService.groups)
      expectMeasures(group, sumOf(indexes((c) => c.service === group.key)));
    expect(byService.groups).toHaveLength(2);

    // Outside the range: nothing.
    const empty = await getOk<StatsSummaryResponse>(
      base,
      `/api/v1/stats/summary?from=${STATS_START - 3600_000}&to=${STATS_START - 1}`,
    );
    expect(empty.totals.calls).toBe(0);
  });

  test('timeseries: zero-filled buckets whose sums equal the summary', async () => {
    const series = await getOk<StatsTimeseriesResponse>(
      base,
      `/api/v1/stats/timeseries?${range}&groupBy=agent&stepSeconds=60`,
    );
    expect(series.stepSeconds).toBe(60);
    expect(series.series.map((s) => s.key).sort()).toEqual(['coder', 'planner']);
    for (const s of series.series) {
      expect(s.points).toHaveLength(11);
      expect(s.points[0]!.time).toBe(String(BigInt(STATS_START) * 1_000_000n));
      const calls = indexes((c) => c.agent === s.key);
      const total = (key: 'calls' | 'errors' | 'inputTokens' | 'costUsd') =>
        s.points.reduce((sum, p) => sum + p[key], 0);
      expect(total('calls')).toBe(calls.length);
      expect(total('inputTokens')).toBe(sumOf(calls).inputTokens);
      expect(total('costUsd')).toBeCloseTo(sumOf(calls).costUsd, 9);
      for (const [minute, point] of s.points.entries()) {
        expect(point.calls).toBe(calls.filter((i) => CALLS[i]!.minute === minute).length);
      }
    }
    const auto = await getOk<StatsTimeseriesResponse>(base, `/api/v1/stats/timeseries?${range}`);
    expect(auto.stepSeconds).toBe(5);
  });

  test('400 naming the parameter', async () => {
    expectBadRequest(await api(base, '/api/v1/stats/summary?groupBy=tool'), 'groupBy');
    expectBadRequest(await api(base, `/api/v1/stats/summary?from=${STATS_TO}&to=${STATS_FROM}`), 'from');
    expectBadRequest(await api(base, '/api/v1/stats/timeseries?stepSeconds=0'), 'stepSeconds');
    expectBadRequest(await api(base, '/api/v1/stats/timeseries?from=0&stepSeconds=1'), 'stepSeconds');
    expectBadRequest(await api(base, '/api/v1/stats/timeseries?to=never'), 'to');
  });
});
