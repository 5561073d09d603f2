// The analyses on a real-size multi-agent run (≈600 spans: an orchestrator and six agents, growing conversations)
// with PLANTED failures — a retried rate limit, five run_python timeouts, a fetch_url 503, one real loop, and the
// critic's context overflow that ended the run — ingested over OTLP through a real collector (embedded ClickHouse).
// What the analyses must say is what the generator's manifest says it planted (acceptance 2 of "[2/7] Real-size
// agent runs").
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AnalysisResponse } from '../../src/contract/index.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import {
  analyzeOk,
  explanations,
  generateAgentRun,
  ingestRuns,
  ofType,
  statedToolCount,
} from './planted-runs.js';

let collector: TestCollector;
const base = generateAgentRun({ seed: 1 });
const again = generateAgentRun({ seed: 1, instance: 1 });
const toolChanged = generateAgentRun({ seed: 1, instance: 2, change: { kind: 'tool', nth: 40 } });
const modelChanged = generateAgentRun({ seed: 1, instance: 3, change: { kind: 'model', nth: 60 } });
const runs = [base, again, toolChanged, modelChanged];
const planted = base.manifest;
const recovered = planted.failures.filter((f) => f.recovered);
const propagatedIds = planted.propagated.map((p) => p.spanId);

const analyze = (kind: string, body: Record<string, unknown>) => analyzeOk(collector, kind, body);
const onBase = (kind: string) => analyze(kind, { traceId: base.traceId });

beforeAll(async () => {
  collector = await startTestCollector();
  await ingestRuns(collector, runs);
});

afterAll(async () => {
  await collector?.dispose();
});

test('the run is the size the issue describes, with its failures where the manifest says', () => {
  expect(planted.spanCount).toBeGreaterThan(550);
  expect(planted.spanCount).toBeLessThan(700);
  expect(base.requests.length).toBeGreaterThanOrEqual(1);
  expect(planted.failures.map((f) => f.kind).sort()).toEqual([
    'context_overflow',
    'http_503',
    'rate_limit',
    'tool_timeout',
    'tool_timeout',
    'tool_timeout',
    'tool_timeout',
    'tool_timeout',
  ]);
  expect(planted.errorSpans).toBe(planted.failures.length + planted.propagated.length);
  expect(planted.equalStarts).toBeGreaterThan(0);
});

describe('summary', () => {
  test("per-tool call and failure counts are the planted ones, from each tool span's own status", async () => {
    const body = await onBase('summary');
    const [summary] = ofType(body, 'summary');
    for (const [tool, counts] of Object.entries(planted.tools)) {
      expect(statedToolCount(body.text, tool), tool).toEqual(counts);
      expect(statedToolCount(String(summary!.evidence.tools), tool), tool).toEqual(counts);
    }
    // query_db was called many times and never failed; the failures were run_python's and fetch_url's.
    expect(planted.tools.query_db!.calls).toBeGreaterThan(10);
    expect(statedToolCount(body.text, 'query_db')!.failed).toBe(0);
    const failedToolCalls = Object.values(planted.tools).reduce((n, t) => n + t.failed, 0);
    expect(summary!.evidence.failedToolCalls).toBe(failedToolCalls);
  });

  test('names the failure that ended the run, and counts each failure once', async () => {
    const body = await onBase('summary');
    const [summary] = ofType(body, 'summary');
    expect(summary).toMatchObject({ category: 'context_overflow', severity: 'critical' });
    expect(summary!.spanIds[0]).toBe(planted.rootCause.spanId);
    expect(body.text).toContain(`[${planted.rootCause.spanId}]`);
    expect(summary!.evidence).toMatchObject({
      failures: planted.failures.length,
      propagatedFailures: planted.propagated.length,
      recoveredFailures: recovered.length,
      outcome: 'failed',
    });
  });
});

describe('root cause', () => {
  test('the context overflow that ended the critic and the run, not the first failure in time', async () => {
    const body = await onBase('root-cause');
    const causes = ofType(body, 'root_cause');
    expect(causes).toHaveLength(1);
    const [cause] = causes;
    expect(cause).toMatchObject({ category: 'context_overflow', severity: 'critical' });
    expect(cause!.spanIds[0]).toBe(planted.rootCause.spanId);
    expect(cause!.evidence).toMatchObject({ propagatedTo: planted.propagated.length, traceFailed: true });
    for (const spanId of propagatedIds) expect(cause!.detail).toContain(`[${spanId}]`);
    // The first failure in time was the rate limit, which was retried and succeeded.
    const first = planted.failures[0]!;
    expect(first).toMatchObject({ kind: 'rate_limit', recovered: true });
    expect(cause!.spanIds[0]).not.toBe(first.spanId);
    expect(body.text.indexOf(`[${planted.rootCause.spanId}]`)).toBeGreaterThanOrEqual(0);
  });

  test('lists the recovered failures separately: the retried rate limit, the timeouts, the 503', async () => {
    const body = await onBase('root-cause');
    const listed = ofType(body, 'recovered_failure');
    const ids = listed.flatMap((f) => f.spanIds);
    expect([...ids].sort()).toEqual(recovered.map((f) => f.spanId).sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const finding of listed) expect(finding.severity).not.toBe('critical');
    const holding = (spanId: string) => listed.find((f) => f.spanIds.includes(spanId))!;
    const rateLimit = recovered.find((f) => f.kind === 'rate_limit')!;
    expect(holding(rateLimit.spanId).category).toBe('rate_limit');
    const timeouts = recovered.filter((f) => f.kind === 'tool_timeout');
    expect(holding(timeouts[0]!.spanId).spanIds.sort()).toEqual(timeouts.map((f) => f.spanId).sort());
    expect(holding(timeouts[0]!.spanId).evidence.failures).toBe(planted.tools.run_python!.failed);
    const unavailable = recovered.find((f) => f.kind === 'http_503')!;
    expect(holding(unavailable.spanId).spanIds).toEqual([unavailable.spanId]);
    // Recovered failures are named apart from the root cause in the text too.
    expect(body.text).toMatch(/Recovered failures/);
  });
});

describe('loops', () => {
  test('the planted loop is a warning of its own; repeated calls with different arguments are not', async () => {
    const [loop] = planted.loops;
    const queryDb = base.spans.filter((s) => s.attributes['gen_ai.tool.name'] === 'query_db');
    for (const kind of ['root-cause', 'error-patterns', 'summary']) {
      const body = await onBase(kind);
      const loops = ofType(body, 'loop');
      expect(loops, kind).toHaveLength(kind === 'summary' ? 0 : 1);
      for (const finding of loops) {
        expect(finding).toMatchObject({ category: 'loop', severity: 'warning' });
        expect(finding.spanIds).toEqual(loop!.spanIds);
        // The definition is stated, so a reader knows why query_db's many calls are not one.
        expect(finding.detail).toMatch(/identical/);
        expect(finding.detail).toMatch(/different arguments/);
      }
      const flagged = body.findings.filter((f) => f.category === 'loop').flatMap((f) => f.spanIds);
      for (const span of queryDb) expect(flagged).not.toContain(span.spanId);
    }
  });

  test('loops are not failures: not in failure counts or totals', async () => {
    const patterns = await onBase('error-patterns');
    const failurePatterns = patterns.patterns.filter((p) => p.category !== 'loop');
    expect(failurePatterns.reduce((n, p) => n + p.spanCount, 0)).toBe(planted.failures.length);
    expect(patterns.text).toMatch(new RegExp(`^${planted.failures.length} failures in `));
    const summary = ofType(await onBase('summary'), 'summary')[0]!;
    expect(summary.evidence.failures).toBe(planted.failures.length);
  });
});

describe('error patterns', () => {
  test('one failure per cause: the critic and the root, failed because a child failed, are not patterns', async () => {
    const body = await onBase('error-patterns');
    for (const finding of body.findings)
      for (const spanId of propagatedIds) expect(finding.spanIds).not.toContain(spanId);
    for (const pattern of body.patterns) expect(propagatedIds).not.toContain(pattern.example.spanId);
    const timeouts = body.findings.find((f) =>
      f.spanIds.includes(recovered.find((r) => r.kind === 'tool_timeout')!.spanId),
    )!;
    expect(timeouts.spanIds).toHaveLength(planted.tools.run_python!.failed);
  });

  test("across traces: each run's failures once, loops apart as warnings", async () => {
    const body = await analyze('error-patterns', {});
    const failures = body.patterns.filter((p) => p.category !== 'loop');
    const expected = runs.reduce((n, run) => n + run.manifest.failures.length, 0);
    expect(failures.reduce((n, p) => n + p.spanCount, 0)).toBe(expected);
    expect(body.text).toMatch(new RegExp(`^${expected} failures in `));
    for (const finding of body.findings.filter((f) => f.category === 'loop'))
      expect(finding).toMatchObject({ type: 'loop', severity: 'warning' });
    const allPropagated = runs.flatMap((run) => run.manifest.propagated.map((p) => p.spanId));
    for (const pattern of body.patterns) expect(allPropagated).not.toContain(pattern.example.spanId);
  });
});

describe('compare', () => {
  const divergence = (body: AnalysisResponse) => ofType(body, 'step_divergence');

  test('two runs of the same seed compare as identical, both ways', async () => {
    for (const [trace, baseline] of [
      [again, base],
      [base, again],
    ] as const) {
      const body = await analyze('compare', { traceId: trace.traceId, baselineTraceId: baseline.traceId });
      expect(body.findings).toEqual([]);
      expect(body.text).toContain(`the same ${planted.spanCount} steps`);
    }
  });

  test('runs that differ at one planted step diverge exactly there', async () => {
    for (const variant of [toolChanged, modelChanged]) {
      const changed = variant.manifest.changed!;
      const body = await analyze('compare', { traceId: variant.traceId, baselineTraceId: base.traceId });
      const found = divergence(body);
      expect(found, changed.kind).toHaveLength(1);
      expect(found[0]!.spanIds[0]).toBe(changed.spanId);
      expect(found[0]!.evidence).toMatchObject({
        step: changed.step,
        baselineStep: changed.step,
        baselineSpanId: base.spans[changed.step - 1]!.spanId,
        changed: 1,
        added: 0,
        removed: 0,
      });
      expect(found[0]!.detail).toContain(changed.to);
      expect(found[0]!.detail).toContain(changed.from);
    }
  });

  test('asked for the alignment, it answers both runs step by step, edited only at the planted step', async () => {
    const plain = await analyze('compare', { traceId: again.traceId, baselineTraceId: base.traceId });
    expect(plain.alignment).toBeUndefined();

    const same = (
      await analyze('compare', {
        traceId: again.traceId,
        baselineTraceId: base.traceId,
        alignment: true,
      })
    ).alignment!;
    expect(same.edits).toEqual([]);
    expect(same.steps).toHaveLength(planted.spanCount);
    expect(same.steps.map((s) => [s.label, s.depth])).toEqual(
      same.baselineSteps.map((s) => [s.label, s.depth]),
    );
    expect(same.baselineSteps.map((s) => s.spanId)).toEqual(base.spans.map((s) => s.spanId));
    expect([same.baselineTrace.traceId, same.trace.traceId]).toEqual([base.traceId, again.traceId]);
    // What each call answered comes along, the same in both runs; the failures with their message.
    expect(same.steps.map((s) => s.output)).toEqual(same.baselineSteps.map((s) => s.output));
    const calls = same.steps.filter((s) => /^(tool|model call) /.test(s.label));
    expect(calls.length).toBe(planted.llmCalls + planted.toolCalls);
    expect(calls.every((s) => typeof s.output === 'string')).toBe(true);
    expect(same.steps.filter((s) => s.error !== null)).toHaveLength(planted.errorSpans);

    const changed = toolChanged.manifest.changed!;
    const body = await analyze('compare', {
      traceId: toolChanged.traceId,
      baselineTraceId: base.traceId,
      alignment: true,
    });
    const alignment = body.alignment!;
    const at = changed.step - 1;
    expect(alignment).toMatchObject({
      exact: true,
      edits: [{ kind: 'changed', step: at, baselineStep: at }],
    });
    expect(alignment.steps[at]!.spanId).toBe(changed.spanId);
    expect(alignment.steps[at]!.label).toContain(changed.to);
    expect(alignment.baselineSteps[at]!.label).toContain(changed.from);
    // What the findings say is the same with or without the alignment.
    const without = await analyze('compare', { traceId: toolChanged.traceId, baselineTraceId: base.traceId });
    expect(body.findings).toEqual(without.findings);
  });
});

test('no explanation shows markdown backticks', async () => {
  const answers = [
    ...(await Promise.all(
      ['summary', 'root-cause', 'error-patterns', 'cost', 'anomalies'].map((kind) => onBase(kind)),
    )),
    await analyze('compare', { traceId: toolChanged.traceId, baselineTraceId: base.traceId }),
  ];
  for (const body of answers)
    for (const text of explanations(body)) expect(text, body.kind).not.toContain('`');
});
