// POST /api/v1/analysis/{kind} and PUT /traces/{id}/baseline on traces with a planted cause, ingested over OTLP
// through a real collector (embedded ClickHouse).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AnalysisResponse, BaselineResponse, Finding } from '../../src/contract/index.js';
import {
  type ApiTraceSpec,
  api,
  expectBadRequest,
  getOk,
  newSpanId,
  newTraceId,
  sendTraces,
} from '../api/helpers.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import {
  contextOverflow,
  duplicatedPrompt,
  handCost,
  PRICES,
  rateLimitRetry,
  toOtlpTrace,
  toolFailures,
} from './scenarios.js';

let collector: TestCollector;
const retry = rateLimitRetry();
const tools = toolFailures();
const overflow = contextOverflow();
const duplicate = duplicatedPrompt();

const round6 = (usd: number) => Math.round(usd * 1e6) / 1e6;
const ofType = (body: AnalysisResponse, type: string) =>
  body.findings.filter((f: Finding) => f.type === type);

/** One quote-bot run: a chat call with these tokens under an agent span. */
function quoteRun(
  startMs: number,
  inputTokens: number,
  outputTokens: number,
  spanId = newSpanId(),
): ApiTraceSpec {
  const root = newSpanId();
  return {
    traceId: newTraceId(),
    service: 'pricing',
    startMs,
    spans: [
      {
        name: 'invoke_agent quote-bot',
        spanId: root,
        durationMs: 1000,
        attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'quote-bot' },
      },
      {
        name: 'chat gpt-4o-mini',
        spanId,
        parent: root,
        startOffsetMs: 10,
        durationMs: 800,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': inputTokens,
          'gen_ai.usage.output_tokens': outputTokens,
        },
      },
    ],
  };
}

const now = Date.now();
const normalRuns = Array.from({ length: 6 }, (_, i) =>
  quoteRun(now - 40 * 60_000 + i * 60_000, 1000 + i * 20, 100),
);
const spikeSpan = newSpanId();
const spikeRun = quoteRun(now - 5 * 60_000, 20_000, 2_000, spikeSpan);

/** Checkout runs for compare: the baseline makes one call; the regressed run three, with a failing tool. */
function checkoutRun(startMs: number, regressed: boolean) {
  const root = newSpanId();
  const calls = regressed ? 3 : 1;
  const chatIds = Array.from({ length: calls }, () => newSpanId());
  const toolId = newSpanId();
  const trace: ApiTraceSpec = {
    traceId: newTraceId(),
    service: 'shop',
    startMs,
    spans: [
      {
        name: 'invoke_agent checkout-bot',
        spanId: root,
        durationMs: regressed ? 3000 : 1000,
        attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'checkout-bot' },
      },
      ...chatIds.map((spanId, i) => ({
        name: 'chat gpt-4o',
        spanId,
        parent: root,
        startOffsetMs: 10 + i * 300,
        durationMs: 250,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 2000,
          'gen_ai.usage.output_tokens': 100,
        },
      })),
      {
        name: 'execute_tool charge_card',
        spanId: toolId,
        parent: root,
        startOffsetMs: 950,
        durationMs: 40,
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'charge_card' },
        ...(regressed ? { error: 'CardDeclined: the card was declined' } : {}),
      },
    ],
  };
  return { trace, chatIds, toolId };
}
const checkoutBaseline = checkoutRun(now - 20 * 60_000, false);
const checkoutRegressed = checkoutRun(now - 2 * 60_000, true);

function analyze(kind: string, body: unknown) {
  return api<AnalysisResponse>(collector.apiUrl, `/api/v1/analysis/${kind}`, { method: 'POST', json: body });
}

async function analyzeOk(kind: string, body: unknown): Promise<AnalysisResponse> {
  const answer = await analyze(kind, body);
  if (answer.status !== 200) throw new Error(`analysis ${kind} answered ${answer.status}: ${answer.text}`);
  return answer.body;
}

beforeAll(async () => {
  collector = await startTestCollector();
  await sendTraces(collector.httpUrl, [
    toOtlpTrace(retry),
    toOtlpTrace(tools),
    toOtlpTrace(overflow),
    toOtlpTrace(duplicate),
    ...normalRuns,
    spikeRun,
    checkoutBaseline.trace,
    checkoutRegressed.trace,
  ]);
  await collector.writer.flush();
});

afterAll(async () => {
  await collector?.dispose();
});

describe('root-cause', () => {
  test('(1) rate-limit retry loop: the first 429 and the loop of identical calls', async () => {
    const body = await analyzeOk('root-cause', { traceId: retry.traceId });
    expect(body).toMatchObject({
      kind: 'root-cause',
      traceId: retry.traceId,
      baselineTraceId: null,
      refinement: null,
    });
    const [cause] = ofType(body, 'root_cause');
    expect(cause).toMatchObject({ category: 'rate_limit', traceId: retry.traceId });
    expect(cause!.spanIds[0]).toBe(retry.ids.a1);
    const [loop] = ofType(body, 'loop');
    expect(loop).toMatchObject({ category: 'loop' });
    expect(loop!.spanIds).toEqual([retry.ids.a1, retry.ids.a2, retry.ids.a3, retry.ids.a4]);
  });

  test('(2) a tool failing 3 times: the first failure and the model call whose tool call invoked it', async () => {
    const body = await analyzeOk('root-cause', { traceId: tools.traceId.toUpperCase() });
    expect(body.traceId).toBe(tools.traceId);
    const [cause] = ofType(body, 'root_cause');
    expect(cause).toMatchObject({ category: 'tool_failure', severity: 'critical' });
    expect(cause!.spanIds.slice(0, 2)).toEqual([tools.ids.t1, tools.ids.c1]);
    expect(ofType(body, 'loop')[0]!.spanIds).toEqual([tools.ids.t1, tools.ids.t2, tools.ids.t3]);
    expect(body.text).toContain(`[${tools.ids.t1}]`);
  });

  test('(3) a context overflow after a growing conversation', async () => {
    const body = await analyzeOk('root-cause', { traceId: overflow.traceId });
    const [cause] = ofType(body, 'root_cause');
    expect(cause).toMatchObject({ category: 'context_overflow' });
    expect(cause!.spanIds[0]).toBe(overflow.ids.c4);
    expect(cause!.spanIds).toContain(overflow.ids.c3);
  });

  test('a trace without errors: no root cause, it succeeded', async () => {
    const body = await analyzeOk('root-cause', { traceId: duplicate.traceId });
    expect(ofType(body, 'root_cause')).toEqual([]);
    expect(body.text).toMatch(/succeeded/);
  });
});

describe('cost', () => {
  test('(4) a duplicated prompt: the savings figure equals the hand-computed one', async () => {
    const body = await analyzeOk('cost', { traceId: duplicate.traceId });
    // The repeat: 1200 input tokens × $2.50/M + 300 output tokens × $10/M.
    const expected = round6((1200 * PRICES['gpt-4o'].input + 300 * PRICES['gpt-4o'].output) / 1e6);
    expect(body.findings).toEqual([
      expect.objectContaining({
        type: 'repeated_prompt',
        spanIds: [duplicate.ids.c1, duplicate.ids.c2],
        estimatedSavingsUsd: expected,
      }),
    ]);
    expect(body.totalEstimatedSavingsUsd).toBe(expected);
  });

  test('(3) context growth before the overflow, with its estimated savings', async () => {
    const body = await analyzeOk('cost', { traceId: overflow.traceId });
    const [growth] = ofType(body, 'context_growth');
    expect(growth!.spanIds).toEqual([overflow.ids.c1, overflow.ids.c2, overflow.ids.c3]);
    expect(growth!.estimatedSavingsUsd).toBe(round6((0.5 * (2500 + 8000) * PRICES['gpt-4o'].input) / 1e6));
    const sum = body.findings.reduce((n, f) => n + (f.estimatedSavingsUsd ?? 0), 0);
    expect(body.totalEstimatedSavingsUsd).toBe(round6(sum));
  });
});

describe('anomalies', () => {
  test('6 normal runs then a spike: flagged with its evidence and the span behind it', async () => {
    const body = await analyzeOk('anomalies', { traceId: spikeRun.traceId });
    const [cost] = ofType(body, 'cost_spike');
    const normalCosts = normalRuns
      .map((_, i) => handCost('gpt-4o-mini', 1000 + i * 20, 100))
      .sort((a, b) => a - b);
    expect(cost!.evidence.referenceTraces).toBe(6);
    expect(cost!.evidence.value as number).toBeCloseTo(handCost('gpt-4o-mini', 20_000, 2_000), 9);
    expect(cost!.evidence.median as number).toBeCloseTo((normalCosts[2]! + normalCosts[3]!) / 2, 9);
    expect(cost!.evidence.ratio as number).toBeGreaterThan(10);
    expect(cost!.spanIds).toEqual([spikeSpan]);
    expect(ofType(body, 'token_spike')[0]!.evidence).toMatchObject({
      value: 22_000,
      median: 1150,
      referenceTraces: 6,
    });
    expect(ofType(body, 'duration_spike')).toEqual([]);
  });

  test('a normal run against its predecessors: nothing flagged; too few predecessors: not enough history', async () => {
    const normal = await analyzeOk('anomalies', { traceId: normalRuns[5]!.traceId });
    expect(normal.findings).toEqual([]);
    expect(normal.text).toMatch(/Nothing unusual against the previous 5 traces/);
    const early = await analyzeOk('anomalies', { traceId: normalRuns[2]!.traceId });
    expect(early.findings).toEqual([
      expect.objectContaining({ type: 'not_enough_history', severity: 'info' }),
    ]);
    // window bounds the reference: 3 earlier traces are not enough.
    const windowed = await analyzeOk('anomalies', { traceId: spikeRun.traceId, window: 3 });
    expect(windowed.findings.map((f) => f.type)).toEqual(['not_enough_history']);
  });
});

describe('error-patterns', () => {
  test('one trace: its failures clustered, naming the planted spans', async () => {
    const body = await analyzeOk('error-patterns', { traceId: tools.traceId });
    const failure = body.findings.find((f) => f.category === 'tool_failure')!;
    expect(failure.spanIds).toEqual([tools.ids.t1, tools.ids.t2, tools.ids.t3]);
    expect(body.patterns.find((p) => p.category === 'tool_failure')).toMatchObject({
      spanCount: 3,
      traceCount: 1,
    });
  });

  test('across traces (last 24 h by default): rate limits, tool failures and context overflows', async () => {
    const body = await analyzeOk('error-patterns', {});
    expect(body.traceId).toBeNull();
    const byCategory = (c: string) => body.patterns.filter((p) => p.category === c);
    expect(byCategory('rate_limit').flatMap((p) => p.traceIds)).toContain(retry.traceId);
    expect(byCategory('tool_failure').flatMap((p) => p.traceIds)).toEqual(
      expect.arrayContaining([tools.traceId, checkoutRegressed.trace.traceId]),
    );
    expect(byCategory('context_overflow').flatMap((p) => p.traceIds)).toContain(overflow.traceId);
    expect(body.findings).toHaveLength(body.patterns.length);
    const rate = body.findings.find((f) => f.category === 'rate_limit')!;
    expect(rate.traceId).toBe(retry.traceId);
    expect([retry.ids.a1, retry.ids.a2, retry.ids.a3]).toContain(rate.spanIds[0]);
    // A window before any of them holds nothing.
    const past = await analyzeOk('error-patterns', {
      from: String(now - 48 * 3600_000),
      to: String(now - 47 * 3600_000),
    });
    expect(past.patterns).toEqual([]);
  });
});

describe('summary', () => {
  test('the agent, its counts and tools, and the outcome', async () => {
    const body = await analyzeOk('summary', { traceId: tools.traceId });
    expect(body.text).toContain('Agent research-bot');
    expect(body.text).toContain('3 model calls (gpt-4o ×3)');
    expect(body.text).toContain('web_search ×3');
    expect(body.text).toMatch(/The trace failed/);
    expect(body.findings[0]).toMatchObject({ type: 'summary', category: 'tool_failure' });
  });
});

describe('compare', () => {
  test('a baseline marked through the API; compare names the regression', async () => {
    const marked = await api<BaselineResponse>(
      collector.apiUrl,
      `/api/v1/traces/${checkoutBaseline.trace.traceId}/baseline`,
      { method: 'PUT' },
    );
    expect(marked.status).toBe(200);
    expect(marked.body).toEqual({
      traceId: checkoutBaseline.trace.traceId,
      baselineKey: 'shop/invoke_agent checkout-bot',
    });
    const body = await analyzeOk('compare', { traceId: checkoutRegressed.trace.traceId });
    expect(body.baselineTraceId).toBe(checkoutBaseline.trace.traceId);
    const [cost] = ofType(body, 'cost_regression');
    expect(cost!.evidence.ratio as number).toBeCloseTo(3, 9);
    expect(cost!.evidence.value as number).toBeCloseTo(3 * handCost('gpt-4o', 2000, 100), 9);
    expect(cost!.spanIds.sort()).toEqual([...checkoutRegressed.chatIds].sort());
    expect(ofType(body, 'new_error')[0]).toMatchObject({
      category: 'tool_failure',
      spanIds: [checkoutRegressed.toolId],
    });
    expect(body.text).toContain('Regressions over +20%');
  });

  test('without a baseline marked for the key: 400 saying how to mark one', async () => {
    const answer = await analyze('compare', { traceId: retry.traceId });
    expectBadRequest(answer, 'no baseline marked for support/invoke_agent support-bot');
    // An explicit baselineTraceId needs no mark.
    const body = await analyzeOk('compare', { traceId: retry.traceId, baselineTraceId: duplicate.traceId });
    expect(body.baselineTraceId).toBe(duplicate.traceId);
  });
});

describe('validation', () => {
  test('bad bodies answer 400 naming the field; unknown kinds and traces 404', async () => {
    expectBadRequest(await analyze('root-cause', {}), 'traceId');
    expectBadRequest(await analyze('root-cause', { traceId: 'xyz' }), 'traceId');
    expectBadRequest(await analyze('anomalies', { traceId: spikeRun.traceId, window: 0 }), 'window');
    expectBadRequest(await analyze('anomalies', { traceId: spikeRun.traceId, window: 201 }), 'window');
    expectBadRequest(await analyze('anomalies', { traceId: spikeRun.traceId, window: 2.5 }), 'window');
    expectBadRequest(await analyze('cost', { traceId: duplicate.traceId, refine: 'yes' }), 'refine');
    expectBadRequest(await analyze('error-patterns', { from: 'yesterday' }), 'from');
    expectBadRequest(await analyze('error-patterns', { from: String(now), to: String(now - 1000) }), 'from');
    expectBadRequest(await analyze('summary', [1, 2]), 'body');
    const unknownKind = await analyze('vibes', { traceId: duplicate.traceId });
    expect(unknownKind.status).toBe(404);
    expect(unknownKind.text).toContain('kind');
    const unknownTrace = await analyze('summary', { traceId: newTraceId() });
    expect(unknownTrace.status).toBe(404);
    const unknownBaseline = await analyze('compare', {
      traceId: duplicate.traceId,
      baselineTraceId: newTraceId(),
    });
    expect(unknownBaseline.status).toBe(404);
    expect(unknownBaseline.text).toContain('baselineTraceId');
    const badPut = await api(collector.apiUrl, `/api/v1/traces/${newTraceId()}/baseline`, { method: 'PUT' });
    expect(badPut.status).toBe(404);
  });

  test('the OpenAPI document describes the routes and their components', async () => {
    const doc = await getOk<{
      paths: Record<string, Record<string, { operationId: string }>>;
      components: { schemas: Record<string, unknown> };
    }>(collector.apiUrl, '/api/v1/openapi.json');
    expect(doc.paths['/api/v1/analysis/{kind}']?.post?.operationId).toBe('analyzeTrace');
    expect(doc.paths['/api/v1/traces/{traceId}/baseline']?.put?.operationId).toBe('markBaseline');
    for (const name of [
      'AnalysisRequest',
      'AnalysisResponse',
      'Finding',
      'ErrorPattern',
      'BaselineResponse',
    ]) {
      expect(doc.components.schemas).toHaveProperty(name);
    }
  });

  test('without an analysis LLM configured, refinement is null', async () => {
    const body = await analyzeOk('summary', { traceId: duplicate.traceId, refine: true });
    expect(body.refinement).toBeNull();
  });
});
