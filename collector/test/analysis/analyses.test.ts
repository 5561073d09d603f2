// The deterministic analyses as pure functions over stored-span views of traces with a planted cause.
import { createPricer } from '@beacon/semconv';
import { describe, expect, test } from 'vitest';
import { analyzeAnomalies } from '../../src/analysis/anomalies.js';
import { compareTraces } from '../../src/analysis/compare.js';
import { analyzeCost } from '../../src/analysis/cost.js';
import { analyzeErrorPatternsAcross, analyzeTraceErrorPatterns } from '../../src/analysis/error-patterns.js';
import type { TraceMeasures } from '../../src/analysis/model.js';
import { analyzeRootCause } from '../../src/analysis/root-cause.js';
import { SpanTree } from '../../src/analysis/span-tree.js';
import { summarizeTrace } from '../../src/analysis/summary.js';
import type { ErrorPattern, Finding } from '../../src/contract/index.js';
import {
  contextOverflow,
  duplicatedPrompt,
  handCost,
  PRICES,
  rateLimitRetry,
  type Scenario,
  shortPromptsOnExpensiveModel,
  text,
  toolFailures,
  traceData,
} from './scenarios.js';

const pricer = createPricer();
const round6 = (usd: number) => Math.round(usd * 1e6) / 1e6;
const ofType = (findings: Finding[], type: string) => findings.filter((f) => f.type === type);

describe('root-cause', () => {
  test('a rate-limit retry loop: the first 429 is the root cause, the four identical calls a loop', () => {
    const sc = rateLimitRetry();
    const result = analyzeRootCause(traceData(sc));
    const [cause] = ofType(result.findings, 'root_cause');
    expect(cause).toMatchObject({ category: 'rate_limit', severity: 'warning', traceId: sc.traceId });
    expect(cause!.spanIds[0]).toBe(sc.ids.a1);
    expect(cause!.spanIds).toContain(sc.ids.root);
    const [loop] = ofType(result.findings, 'loop');
    expect(loop).toMatchObject({ category: 'loop' });
    expect(loop!.spanIds).toEqual([sc.ids.a1, sc.ids.a2, sc.ids.a3, sc.ids.a4]);
    expect(loop!.evidence).toMatchObject({ repeats: 4, failed: 3, failureCategory: 'rate_limit' });
    // The agent recovered: the run completed.
    expect(result.text).toMatch(/^The trace completed, but 3 spans failed along the way/);
    expect(result.text).toContain(`[${sc.ids.a1}]`);
  });

  test('a tool failing 3 times: the first failure, fed by the model call that asked for it', () => {
    const sc = toolFailures();
    const result = analyzeRootCause(traceData(sc));
    const [cause] = ofType(result.findings, 'root_cause');
    expect(cause).toMatchObject({ category: 'tool_failure', severity: 'critical' });
    // Culprit, then the chat whose tool call (call_1) invoked it, then the agent.
    expect(cause!.spanIds).toEqual([sc.ids.t1, sc.ids.c1, sc.ids.root]);
    expect(cause!.evidence).toMatchObject({ onCriticalPath: true, propagatedTo: 1, traceFailed: true });
    expect(cause!.detail).toContain(`The model call "chat gpt-4o" [${sc.ids.c1}] asked for this tool call.`);
    const [loop] = ofType(result.findings, 'loop');
    expect(loop!.spanIds).toEqual([sc.ids.t1, sc.ids.t2, sc.ids.t3]);
    expect(result.text).toMatch(/^The trace failed/);
  });

  test('a context overflow after a growing conversation', () => {
    const sc = contextOverflow();
    const result = analyzeRootCause(traceData(sc));
    expect(result.findings).toHaveLength(1);
    const cause = result.findings[0]!;
    expect(cause).toMatchObject({ type: 'root_cause', category: 'context_overflow', id: 'root-cause-1' });
    expect(cause.spanIds).toEqual([sc.ids.c4, sc.ids.c3, sc.ids.root]);
    expect(cause.evidence.propagatedTo).toBe(1);
  });

  test('a trace without errors has no root cause and says it succeeded', () => {
    const result = analyzeRootCause(traceData(duplicatedPrompt()));
    expect(ofType(result.findings, 'root_cause')).toEqual([]);
    expect(result.text).toMatch(/^The trace succeeded/);
  });

  test('the result does not depend on the order the spans are stored in', () => {
    const sc = toolFailures();
    const data = traceData(sc);
    const shuffled = { ...data, spans: [...data.spans].reverse() };
    expect(analyzeRootCause(shuffled)).toEqual(analyzeRootCause(data));
  });
});

describe('critical path', () => {
  test('sequential steps are on it; a side branch that finished early is not', () => {
    const sc = duplicatedPrompt();
    const { spans } = traceData(sc);
    // A parallel branch under the root that ends before c2 starts but overlaps c1.
    const side = {
      ...spans[1]!,
      spanId: 'aaaaaaaaaaaaaaaa',
      startTimeUnixNano: spans[1]!.startTimeUnixNano,
      durationMs: 50,
    };
    const tree = new SpanTree([...spans, side]);
    const path = tree.criticalPath();
    expect([...path].sort()).toEqual([sc.ids.root, sc.ids.c1, sc.ids.c2].sort());
  });
});

describe('cost', () => {
  test('a duplicated prompt: savings = the cost of the repeat, by the published gpt-4o prices', () => {
    const sc = duplicatedPrompt();
    const result = analyzeCost(traceData(sc), pricer);
    // 1200 input × $2.50/M + 300 output × $10/M = $0.006 for the second, identical call.
    const expected = round6((1200 * PRICES['gpt-4o'].input + 300 * PRICES['gpt-4o'].output) / 1e6);
    expect(expected).toBe(0.006);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      id: 'cost-1',
      type: 'repeated_prompt',
      spanIds: [sc.ids.c1, sc.ids.c2],
      estimatedSavingsUsd: expected,
    });
    expect(result.totalEstimatedSavingsUsd).toBe(expected);
    expect(result.text).toContain('$0.006');
  });

  test('an expensive model on short prompts: savings = its cost minus gpt-4o-mini for the same usage', () => {
    const sc = shortPromptsOnExpensiveModel();
    const result = analyzeCost(traceData(sc), pricer);
    const saving = (input: number, output: number) =>
      handCost('gpt-4o', input, output) - handCost('gpt-4o-mini', input, output);
    const expected = round6(saving(400, 100) + saving(300, 50));
    expect(expected).toBe(0.003055);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      type: 'expensive_model',
      spanIds: [sc.ids.c1, sc.ids.c2],
      estimatedSavingsUsd: expected,
      evidence: { model: 'gpt-4o', cheaperModel: 'gpt-4o-mini', calls: 2 },
    });
    expect(result.totalEstimatedSavingsUsd).toBe(expected);
  });

  test('context growth: half the tokens beyond the first call, at the input price', () => {
    const sc = contextOverflow();
    const result = analyzeCost(traceData(sc), pricer);
    const [growth] = ofType(result.findings, 'context_growth');
    // Later calls carry (3500 − 1000) + (9000 − 1000) = 10500 tokens beyond the first; half at $2.50/M.
    const expected = round6((0.5 * 10_500 * PRICES['gpt-4o'].input) / 1e6);
    expect(growth).toMatchObject({
      spanIds: [sc.ids.c1, sc.ids.c2, sc.ids.c3],
      estimatedSavingsUsd: expected,
      evidence: { firstInputTokens: 1000, lastInputTokens: 9000, excessInputTokens: 10_500 },
    });
    // The failed call (no answer, no usage) is not a cost finding's concern.
    expect(result.findings.flatMap((f) => f.spanIds)).not.toContain(sc.ids.c4);
    const sum = result.findings.reduce((n, f) => n + (f.estimatedSavingsUsd ?? 0), 0);
    expect(result.totalEstimatedSavingsUsd).toBe(round6(sum));
  });

  test('a cacheable prefix: prefix tokens × (input − cache-read price)', () => {
    const sc = shortPromptsOnExpensiveModel();
    const data = traceData(sc);
    const system = [{ type: 'text', content: 'Policy: '.repeat(1500) }];
    const messages = [
      [text('user', 'Classify: "I love it"')],
      [text('user', 'Classify: "Broken on arrival"')],
    ];
    const spans = data.spans.map((s) => {
      const i = [sc.ids.c1, sc.ids.c2].indexOf(s.spanId);
      if (i < 0) return s;
      const usage = { ...s.genai!.usage, inputTokens: 3000, outputTokens: 100 };
      const costUsd = handCost('gpt-4o', 3000, 100);
      return {
        ...s,
        genai: { ...s.genai!, systemInstructions: system, inputMessages: messages[i]!, usage, costUsd },
      };
    });
    const result = analyzeCost({ ...data, spans }, pricer);
    expect(result.findings.map((f) => f.type)).toEqual(['cacheable_prefix']);
    // The documented estimate: the second call's input tokens × the shared part's share of its prompt characters.
    const shared = JSON.stringify({ system }).length;
    const prefixTokens = Math.round((3000 * shared) / (shared + JSON.stringify(messages[1]![0]).length));
    const expected = round6((prefixTokens * (PRICES['gpt-4o'].input - PRICES['gpt-4o'].cachedInput)) / 1e6);
    expect(result.findings[0]).toMatchObject({
      spanIds: [sc.ids.c1, sc.ids.c2],
      estimatedSavingsUsd: expected,
      evidence: { estimatedPrefixTokens: prefixTokens },
    });
  });

  test('a clean trace has no findings and zero savings', () => {
    const sc = rateLimitRetry();
    const result = analyzeCost(traceData(sc), pricer);
    expect(result.findings).toEqual([]);
    expect(result.totalEstimatedSavingsUsd).toBe(0);
    expect(result.text).toMatch(/No savings found/);
  });
});

describe('anomalies', () => {
  const history = (n: number, measure: (i: number) => Partial<TraceMeasures> = () => ({})): TraceMeasures[] =>
    Array.from({ length: n }, (_, i) => ({
      traceId: `${i}`.padStart(32, '0'),
      startTimeUnixNano: String(1_000 + i),
      durationMs: 1000 + i * 10,
      costUsd: 0.001 + i * 0.0001,
      inputTokens: 1000 + i * 10,
      outputTokens: 100,
      llmCallCount: 2,
      ...measure(i),
    }));

  test('a cost and token spike is flagged with its evidence and the spans behind it', () => {
    const sc = duplicatedPrompt();
    const data = traceData(sc);
    const result = analyzeAnomalies(data, history(6));
    const [cost] = ofType(result.findings, 'cost_spike');
    const costs = history(6).map((t) => t.costUsd!);
    expect(cost!.evidence).toMatchObject({ value: data.summary.costUsd, referenceTraces: 6 });
    expect(cost!.evidence.median).toBeCloseTo((costs[2]! + costs[3]!) / 2, 12);
    expect(cost!.evidence.ratio).toBeGreaterThan(5);
    expect(cost!.spanIds.sort()).toEqual([sc.ids.c1, sc.ids.c2].sort());
    expect(ofType(result.findings, 'token_spike')).toHaveLength(1);
    // Duration: 2000 ms > 1.5 × 1025 and > 1025 + 3 × max(MAD 15, floor 102.5).
    expect(ofType(result.findings, 'duration_spike')).toHaveLength(1);
    expect(ofType(result.findings, 'llm_call_spike')).toEqual([]);
  });

  test('zero-variance history: the MAD floor (10% of the median) keeps small changes quiet', () => {
    const data = traceData(duplicatedPrompt());
    const steady = history(8, () => ({
      costUsd: data.summary.costUsd! / 1.2,
      durationMs: data.summary.durationMs,
      inputTokens: data.summary.inputTokens,
      outputTokens: data.summary.outputTokens,
      llmCallCount: data.summary.llmCallCount,
    }));
    expect(analyzeAnomalies(data, steady).findings).toEqual([]);
  });

  test('fewer than 5 earlier traces: one info finding, not enough history', () => {
    const result = analyzeAnomalies(traceData(duplicatedPrompt()), history(4));
    expect(result.findings).toEqual([
      expect.objectContaining({
        type: 'not_enough_history',
        severity: 'info',
        evidence: { referenceTraces: 4, needed: 5 },
      }),
    ]);
  });
});

describe('error-patterns', () => {
  test("one trace's failures grouped by category and signature, loops as their own pattern", () => {
    const sc = toolFailures();
    const result = analyzeTraceErrorPatterns(traceData(sc));
    const tools = result.findings.find((f) => f.category === 'tool_failure')!;
    expect(tools.type).toBe('error_pattern');
    expect(tools.spanIds).toEqual([sc.ids.t1, sc.ids.t2, sc.ids.t3]);
    expect(tools.evidence.spanCount).toBe(3);
    expect(result.findings.find((f) => f.category === 'loop')!.spanIds).toEqual([
      sc.ids.t1,
      sc.ids.t2,
      sc.ids.t3,
    ]);
    const pattern = result.patterns.find((p) => p.category === 'tool_failure')!;
    expect(pattern).toMatchObject({ spanCount: 3, traceCount: 1, traceIds: [sc.traceId] });
    expect(pattern.example).toMatchObject({ spanId: sc.ids.t3, message: expect.stringContaining('refused') });
  });

  test('patterns across traces become one finding each, on the example trace', () => {
    const pattern: ErrorPattern = {
      category: 'rate_limit',
      signature: 'Rate limit reached for <model>',
      spanCount: 12,
      traceCount: 4,
      traceIds: ['a'.repeat(32)],
      example: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), spanName: 'chat gpt-4o', message: '429' },
      firstSeen: '1',
      lastSeen: '2',
    };
    const result = analyzeErrorPatternsAcross([pattern], { fromNs: 0n, toNs: 86_400n * 1_000_000_000n });
    expect(result.findings).toEqual([
      expect.objectContaining({
        id: 'error-patterns-1',
        category: 'rate_limit',
        severity: 'critical',
        traceId: 'a'.repeat(32),
        spanIds: ['b'.repeat(16)],
      }),
    ]);
    expect(result.patterns).toEqual([pattern]);
    expect(result.text).toContain('12 failures in 1 pattern');
  });
});

describe('summary', () => {
  test('says which agent did what, with counts, tools and the outcome', () => {
    const sc = toolFailures();
    const result = summarizeTrace(traceData(sc));
    expect(result.text).toContain('Agent research-bot');
    expect(result.text).toContain('3 model calls (gpt-4o ×3)');
    expect(result.text).toContain('2700 input and 120 output tokens');
    expect(result.text).toContain('3 tools: web_search ×3 (3 failed)');
    expect(result.text).toContain('The trace failed');
    expect(result.findings[0]).toMatchObject({
      type: 'summary',
      category: 'tool_failure',
      severity: 'critical',
    });
    expect(result.findings[0]!.spanIds[0]).toBe(sc.ids.t1);
    expect(summarizeTrace(traceData(sc))).toEqual(result);
  });
});

describe('compare', () => {
  test('names the regressions, the model and tool changes and the new failures', () => {
    const base: Scenario = duplicatedPrompt();
    const baseline = traceData(base);
    // The baseline made one call: drop the repeat.
    const trimmed = { ...baseline, spans: baseline.spans.filter((s) => s.spanId !== base.ids.c2) };
    trimmed.summary = {
      ...baseline.summary,
      costUsd: handCost('gpt-4o', 1200, 300),
      llmCallCount: 1,
      inputTokens: 1200,
      outputTokens: 300,
    };
    const sc = toolFailures();
    const result = compareTraces(traceData(sc), trimmed);
    const types = result.findings.map((f) => f.type);
    expect(types).toEqual(
      expect.arrayContaining(['llm_call_regression', 'tool_call_regression', 'tool_change', 'new_error']),
    );
    const calls = result.findings.find((f) => f.type === 'llm_call_regression')!;
    expect(calls.evidence).toMatchObject({ value: 3, baseline: 1, ratio: 3 });
    const fresh = result.findings.find((f) => f.type === 'new_error' && f.category === 'tool_failure')!;
    expect(fresh).toMatchObject({ spanIds: [sc.ids.t1, sc.ids.t2, sc.ids.t3] });
    expect(result.text).toContain(`Compared with baseline ${base.traceId}`);
  });

  test('the same trace against itself: no regression', () => {
    const data = traceData(duplicatedPrompt());
    const result = compareTraces(data, data);
    expect(result.findings).toEqual([]);
    expect(result.text).toContain('No regression');
  });
});
