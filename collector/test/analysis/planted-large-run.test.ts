// The analyses on the 10,000-span run (the same planted failures as the 600-span one, in a run 16 times longer:
// hundreds of invocations, thousands of repeated-but-different tool calls), ingested through a real collector
// in requests of ≤ 2,000 spans: the counts, the root cause, the loop and the step alignment hold at that size.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { analyzeOk, generateAgentRun, ingestRuns, ofType, statedToolCount } from './planted-runs.js';

let collector: TestCollector;
const run = generateAgentRun({ seed: 2, size: 'large' });
const again = generateAgentRun({ seed: 2, size: 'large', instance: 1 });
const planted = run.manifest;

const onRun = (kind: string) => analyzeOk(collector, kind, { traceId: run.traceId });

beforeAll(async () => {
  collector = await startTestCollector();
  await ingestRuns(collector, [run, again]);
}, 180_000);

afterAll(async () => {
  await collector?.dispose();
});

test('10,000 spans in requests of at most 2,000', () => {
  expect(planted.spanCount).toBeGreaterThanOrEqual(9_500);
  expect(run.requests.length).toBeGreaterThanOrEqual(5);
  for (const body of run.requests) {
    const spans = (
      JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }
    ).resourceSpans
      .flatMap((r) => r.scopeSpans)
      .flatMap((s) => s.spans);
    expect(spans.length).toBeLessThanOrEqual(2_000);
  }
});

test('summary: every per-tool count is the planted one; each failure counted once', async () => {
  const body = await onRun('summary');
  for (const [tool, counts] of Object.entries(planted.tools))
    expect(statedToolCount(body.text, tool), tool).toEqual(counts);
  expect(ofType(body, 'summary')[0]!.evidence).toMatchObject({
    failures: planted.failures.length,
    propagatedFailures: planted.propagated.length,
    spans: planted.spanCount,
  });
});

test('root cause: the context overflow; everything else recovered; the one loop a warning', async () => {
  const body = await onRun('root-cause');
  const [cause] = ofType(body, 'root_cause');
  expect(cause!.spanIds[0]).toBe(planted.rootCause.spanId);
  expect(cause!.category).toBe('context_overflow');
  const recovered = ofType(body, 'recovered_failure').flatMap((f) => f.spanIds);
  expect(recovered.sort()).toEqual(
    planted.failures
      .filter((f) => f.recovered)
      .map((f) => f.spanId)
      .sort(),
  );
  expect(ofType(body, 'loop').map((f) => f.spanIds)).toEqual(planted.loops.map((l) => l.spanIds));
});

test('two 10,000-span runs of the same seed compare as identical', async () => {
  const body = await analyzeOk(collector, 'compare', {
    traceId: again.traceId,
    baselineTraceId: run.traceId,
  });
  expect(body.findings).toEqual([]);
  expect(body.text).toContain(`the same ${planted.spanCount} steps`);
});
