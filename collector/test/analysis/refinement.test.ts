// With an analysis LLM configured (openai:gpt-4o-mini at the local mock provider), analyses carry a refinement
// that was asked for with the findings and their span ids; the findings themselves do not change.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AnalysisResponse } from '../../src/contract/index.js';
import { api, sendTraces } from '../api/helpers.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { type MockLlm, startMockLlm } from '../fixtures/mock-llm.js';
import { toOtlpTrace, toolFailures } from './scenarios.js';

const API_KEY = 'sk-analysis-test-0123456789';
let collector: TestCollector;
let llm: MockLlm;
const tools = toolFailures();

async function analyzeOk(kind: string, body: unknown): Promise<AnalysisResponse> {
  const answer = await api<AnalysisResponse>(collector.apiUrl, `/api/v1/analysis/${kind}`, {
    method: 'POST',
    json: body,
  });
  if (answer.status !== 200) throw new Error(`analysis ${kind} answered ${answer.status}: ${answer.text}`);
  return answer.body;
}

beforeAll(async () => {
  llm = await startMockLlm();
  collector = await startTestCollector({
    analysisLlm: 'openai:gpt-4o-mini',
    openaiBaseUrl: llm.url,
    openaiApiKey: API_KEY,
  });
  await sendTraces(collector.httpUrl, [toOtlpTrace(tools)]);
  await collector.writer.flush();
});

afterAll(async () => {
  await collector?.dispose();
  await llm?.close().catch(() => {});
});

test('the LLM rewrites the text, asked with the findings and their span ids; the findings stay the same', async () => {
  const refined = await analyzeOk('root-cause', { traceId: tools.traceId });
  expect(refined.refinement).toMatchObject({ model: 'gpt-4o-mini' });
  expect(refined.refinement!.text).toMatch(/^Mock answer to: /);

  expect(llm.requests).toHaveLength(1);
  const request = llm.requests[0]!;
  expect(request.path).toBe('/v1/chat/completions');
  expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
  const sent = JSON.stringify(request.body);
  expect((request.body as { model: string }).model).toBe('gpt-4o-mini');
  for (const spanId of [tools.ids.t1, tools.ids.c1, tools.ids.t2, tools.ids.t3])
    expect(sent).toContain(spanId);
  expect(sent).toContain('square brackets');
  expect(sent).not.toContain(API_KEY);

  const plain = await analyzeOk('root-cause', { traceId: tools.traceId, refine: false });
  expect(plain.refinement).toBeNull();
  expect(llm.requests).toHaveLength(1);
  expect(plain.findings).toEqual(refined.findings);
  expect(plain.text).toBe(refined.text);
});

test('every kind can be refined; error-patterns across traces too', async () => {
  const cost = await analyzeOk('cost', { traceId: tools.traceId });
  expect(cost.refinement?.text).toBeTruthy();
  const patterns = await analyzeOk('error-patterns', {});
  expect(patterns.refinement?.text).toBeTruthy();
  expect(JSON.stringify(llm.requests.at(-1)!.body)).toContain('across traces');
});

test('when the LLM cannot be reached, refinement is null and the rest of the answer unchanged', async () => {
  const before = await analyzeOk('summary', { traceId: tools.traceId, refine: false });
  await llm.close();
  const after = await analyzeOk('summary', { traceId: tools.traceId });
  expect(after.refinement).toBeNull();
  expect(after).toEqual(before);
});
