// Acceptance: a client sending 10,000 distinct model names cannot explode /metrics. Every label keeps at most
// BEACON_METRICS_MAX_LABEL_VALUES values, `other` included: the first ones seen, everything later folded into `other`
// and counted in beacon_metric_label_values_folded_total.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { postTraces, type Sample, type SpanSpec, scrape, select, total, traceRequest } from './helpers.js';

const CAP = 50;
const MODELS = 10_000;
/** `other` takes one of the CAP values. */
const KEPT = CAP - 1;

let collector: TestCollector;
let samples: Sample[];

beforeAll(async () => {
  collector = await startTestCollector({ metricsMaxLabelValues: String(CAP) });
  const models = Array.from({ length: MODELS }, (_, i) => `junk-model-${i}`);
  for (let i = 0; i < models.length; i += 1000) {
    const spans: SpanSpec[] = models.slice(i, i + 1000).map((model) => ({
      name: `chat ${model}`,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': model,
        'gen_ai.usage.input_tokens': 1,
        'gen_ai.usage.output_tokens': 1,
      },
    }));
    const res = await postTraces(collector.httpUrl, traceRequest('junk', spans));
    expect(res.status).toBe(200);
  }
  samples = (await scrape(collector.apiUrl)).samples;
}, 120_000);
afterAll(async () => {
  await collector?.dispose();
});

const distinct = (name: string, label: string) =>
  new Set(
    select(samples, name)
      .map((s) => s.labels[label])
      .filter((v) => v !== undefined),
  );

test('every metric has at most the configured number of values per model label, `other` included', () => {
  const byLabel: [string, string][] = [
    ['beacon_genai_requests_total', 'model'],
    ['beacon_genai_tokens_total', 'model'],
    ['beacon_genai_unpriced_spans_total', 'model'],
    ['beacon_genai_request_duration_seconds_count', 'model'],
    ['gen_ai_client_token_usage_count', 'gen_ai_request_model'],
    ['gen_ai_client_operation_duration_seconds_count', 'gen_ai_request_model'],
  ];
  for (const [name, label] of byLabel) {
    const values = distinct(name, label);
    expect(values.size, name).toBe(CAP);
    expect(values, name).toContain('other');
  }
  // The first values seen are the ones kept: deterministic.
  expect(distinct('beacon_genai_requests_total', 'model')).toEqual(
    new Set([...Array.from({ length: KEPT }, (_, i) => `junk-model-${i}`), 'other']),
  );
});

test('the rest land in `other`, and the folds are counted per label', () => {
  expect(total(samples, 'beacon_genai_requests_total')).toBe(MODELS);
  expect(total(samples, 'beacon_genai_requests_total', { model: 'other' })).toBe(MODELS - KEPT);
  expect(total(samples, 'beacon_genai_tokens_total', { model: 'other', token_type: 'input' })).toBe(
    MODELS - KEPT,
  );
  expect(total(samples, 'beacon_genai_unpriced_spans_total', { model: 'other' })).toBe(MODELS - KEPT);
  expect(
    total(samples, 'gen_ai_client_token_usage_count', {
      gen_ai_request_model: 'other',
      gen_ai_token_type: 'input',
    }),
  ).toBe(MODELS - KEPT);

  const folded = (label: string) => total(samples, 'beacon_metric_label_values_folded_total', { label });
  expect(folded('model')).toBe(MODELS - KEPT);
  expect(folded('gen_ai_request_model')).toBe(MODELS - KEPT);
  for (const label of ['service', 'agent', 'provider', 'gen_ai_provider_name', 'gen_ai_operation_name']) {
    expect(folded(label), label).toBe(0);
  }
});

test('the exposition stays small', async () => {
  const { text } = await scrape(collector.apiUrl);
  expect(select(samples, 'beacon_genai_requests_total').length).toBe(CAP);
  expect(text.length).toBeLessThan(2_000_000);
});
