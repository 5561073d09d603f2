// Failures and loop warnings as ingest stores them and the trace list and Error patterns read them, on the generated
// multi-agent run (bench/lib/agent-run, ≈600 spans) with its PLANTED failures: 8 failures that start somewhere
// (a retried rate limit, five run_python timeouts, a fetch_url 503, the critic's context overflow), 2 spans that
// fail only because a child did (the critic's invocation, the root), and one real loop (web_search with identical
// arguments three times) among many tools called repeatedly with different arguments. Issue 17: loops are a
// warning of their own, and each failure is counted once, where it started.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type AnalysisResponse,
  FINDING_TYPES,
  type TraceDetailResponse,
  type TraceListResponse,
} from '../../src/contract/index.js';
import { failurePatterns, type QueryContext } from '../../src/storage/queries/index.js';
import { TABLES } from '../../src/storage/tables.js';
import { analyzeOk, generateAgentRun, ingestRuns } from '../analysis/planted-runs.js';
import { getOk } from '../api/helpers.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { postTracesOk } from '../support/otlp-json.js';

let collector: TestCollector;
let ctx: QueryContext;
const run = generateAgentRun({ seed: 1 });
const planted = run.manifest;
// The same run exported as an SDK does it: small batches, children before their parents (a parent ends, and is
// exported, after its children) — so a parent's failure arrives batches after the failure it propagates.
const batched = generateAgentRun({ seed: 1, instance: 7, maxSpansPerRequest: 40 });

beforeAll(async () => {
  collector = await startTestCollector();
  ctx = { client: collector.storage.client, database: collector.config.clickhouseDatabase };
  await ingestRuns(collector, [run]);
  for (const body of [...batched.requests].reverse()) await postTracesOk(collector.httpUrl, body);
  await collector.writer.flush();
});

afterAll(async () => {
  await collector?.dispose();
});

const detail = (traceId: string) => getOk<TraceDetailResponse>(collector.apiUrl, `/api/v1/traces/${traceId}`);

const failureRows = (traceId: string) =>
  collector.query<{ SpanId: string; Category: string }>(
    `SELECT SpanId, toString(Category) AS Category FROM ${TABLES.spanFailures} WHERE TraceId = {traceId:String}`,
    { traceId },
  );

const loopMarks = (traceId: string) =>
  collector.query<{ SpanId: string; LoopRepeats: number }>(
    `SELECT SpanId, LoopRepeats FROM ${TABLES.genaiSpans}
     WHERE TraceId = {traceId:String} AND LoopRepeats > 0 ORDER BY Timestamp`,
    { traceId },
  );

/** The whole stored range of the run (it ended a minute ago). */
function runRange(): { fromNs: bigint; toNs: bigint } {
  const toNs = BigInt(Date.now()) * 1_000_000n;
  return { fromNs: toNs - BigInt(Math.ceil(planted.durationMs + 600_000)) * 1_000_000n, toNs };
}

describe('one failure per cause', () => {
  test("the trace's failure count is the planted failures; the spans they propagated to are counted apart", async () => {
    for (const r of [run, batched]) {
      const rows = await failureRows(r.traceId);
      // Every failing span keeps its row (what it says is still there to read), none of them a loop.
      expect(rows).toHaveLength(r.manifest.errorSpans);
      expect(rows.map((row) => row.Category)).not.toContain('loop');
      const { trace } = await detail(r.traceId);
      expect(trace.failureCount).toBe(r.manifest.failures.length);
      expect(trace.propagatedFailureCount).toBe(r.manifest.propagated.length);
      expect(trace.failureCount + trace.propagatedFailureCount).toBe(trace.errorCount);
    }
  });

  test("the trace's failure tags are its causes' categories: no 'other' for the agent a failure propagated to", async () => {
    const { trace } = await detail(run.traceId);
    // rate limit, tool timeouts, the 503 and the overflow: categorised by semconv's rules, whatever their names.
    expect(trace.failureCategories).toContain('rate_limit');
    expect(trace.failureCategories).toContain('context_overflow');
    expect(trace.failureCategories).toContain('timeout');
    expect(trace.failureCategories).not.toContain('loop');
    // The critic's invocation and the root failed only because the overflow did: they add no category of their own.
    const causes = (await failureRows(run.traceId)).filter(
      (row) => !planted.propagated.some((p) => p.spanId === row.SpanId),
    );
    expect(trace.failureCategories).toEqual([...new Set(causes.map((c) => c.Category))].sort());
    const propagatedOnly = (await failureRows(run.traceId))
      .filter((row) => planted.propagated.some((p) => p.spanId === row.SpanId))
      .map((row) => row.Category)
      .filter((category) => !causes.some((c) => c.Category === category));
    for (const category of propagatedOnly) expect(trace.failureCategories).not.toContain(category);
  });
});

describe('loops are warnings', () => {
  test('only the planted loop is marked, every call of it; the tools called with different arguments are not', async () => {
    const [loop] = planted.loops;
    expect(planted.loops).toHaveLength(1);
    const marks = await loopMarks(run.traceId);
    expect(marks.map((m) => m.SpanId)).toEqual(loop!.spanIds);
    expect(marks.map((m) => Number(m.LoopRepeats))).toEqual(loop!.spanIds.map(() => loop!.spanIds.length));
    // query_db, run_python, … are called many times each, with different arguments: no loop.
    expect(planted.tools.query_db!.calls).toBeGreaterThan(3);
  });

  test('a loop is no failure, no error, no failure tag; the trace list counts it as a warning', async () => {
    const { trace } = await detail(run.traceId);
    expect(trace.loopCallCount).toBe(planted.loops[0]!.spanIds.length);
    const loopSpans = new Set(planted.loops[0]!.spanIds);
    expect((await failureRows(run.traceId)).filter((row) => loopSpans.has(row.SpanId))).toEqual([]);
    expect(trace.errorCount).toBe(planted.errorSpans);
    const page = await getOk<TraceListResponse>(collector.apiUrl, '/api/v1/traces?failure=loop&limit=500');
    expect(page.traces.map((t) => t.traceId)).toContain(run.traceId);
  });
});

describe('error patterns across traces', () => {
  test('the planted rate limit and context overflow are patterns; no failure counted twice; the loop apart', async () => {
    const patterns = (await failurePatterns(ctx, { ...runRange(), traceId: run.traceId, limit: 50 })).filter(
      (p) => p.category !== 'loop',
    );
    expect(patterns.map((p) => p.category)).toEqual(
      expect.arrayContaining(['rate_limit', 'context_overflow']),
    );
    // The causes only: the sum of the failure patterns is the planted failures, the propagated ones left out.
    expect(patterns.reduce((n, p) => n + p.spanCount, 0)).toBe(planted.failures.length);
    const examples = patterns.map((p) => p.example.spanId);
    for (const p of planted.propagated) expect(examples).not.toContain(p.spanId);
  });

  test('POST /analysis/error-patterns across traces: failures first, then the loop as a warning only', async () => {
    const range = runRange();
    const body: AnalysisResponse = await analyzeOk(collector, 'error-patterns', {
      from: String(range.fromNs / 1_000_000n),
      to: String(range.toNs / 1_000_000n),
    });
    const failures = body.patterns.filter((p) => p.category !== 'loop');
    const loops = body.patterns.filter((p) => p.category === 'loop');
    expect(failures.map((p) => p.category)).toEqual(
      expect.arrayContaining(['rate_limit', 'context_overflow']),
    );
    // Both runs (one sent whole, one in reversed batches): each failure counted once per run.
    expect(failures.reduce((n, p) => n + p.spanCount, 0)).toBe(2 * planted.failures.length);
    expect(loops.map((p) => p.signature)).toEqual([`repeated call: execute_tool ${planted.loops[0]!.tool}`]);
    expect(body.patterns.indexOf(loops[0]!)).toBe(failures.length);
    const loopFindings = body.findings.filter((f) => f.type === 'loop');
    expect(loopFindings.map((f) => f.severity)).toEqual(['warning']);
    expect(body.text).toMatch(/Warnings \(loops, not failures\)/);
  });

  test('every finding the analyses answer on the run has a type the OpenAPI document lists', async () => {
    const doc = await getOk<{
      components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> };
    }>(collector.apiUrl, '/api/v1/openapi.json');
    const listed = doc.components.schemas.Finding!.properties.type!.enum;
    expect(listed).toEqual([...FINDING_TYPES]);
    const seen = new Set<string>();
    for (const kind of ['root-cause', 'cost', 'anomalies', 'error-patterns', 'summary']) {
      const body = await analyzeOk(collector, kind, { traceId: run.traceId });
      for (const f of body.findings) seen.add(f.type);
    }
    const compared = await analyzeOk(collector, 'compare', {
      traceId: batched.traceId,
      baselineTraceId: run.traceId,
    });
    for (const f of compared.findings) seen.add(f.type);
    expect([...seen].filter((type) => !listed!.includes(type))).toEqual([]);
    expect(seen).toContain('root_cause');
    expect(seen).toContain('loop');
  });
});
