// Acceptance for the metrics issue, against a real Prometheus server scraping a real collector:
// exact token and cost totals per model over PromQL, a non-zero token burn rate while spans flow, every dashboard
// query runs and returns data, and a client sending 10,000 model names cannot explode cardinality.
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import {
  newSpanId,
  postTracesOk,
  type SpanSpec,
  traceRequest,
} from '../../collector/test/support/otlp-json.js';
import { listClickHouseQueries, listPromQueries } from '../../dashboards/src/queries.js';
import { type PrometheusServer, startPrometheus } from './prometheus-server.js';

const MAX_LABEL_VALUES = 50;
/** Agent runs the rate test sends, one model call each. */
const RATE_RUNS = 25;

interface LlmCall {
  service: string;
  agent: string;
  provider: string;
  model: string;
  input?: number;
  output?: number;
  error?: string;
}

/** The known workload: what each agent run calls. Expected totals are computed from this list. */
const CALLS: LlmCall[] = [
  { service: 'support', agent: 'triage', provider: 'openai', model: 'gpt-4o-mini', input: 1000, output: 200 },
  { service: 'support', agent: 'triage', provider: 'openai', model: 'gpt-4o-mini', input: 500, output: 50 },
  { service: 'support', agent: 'writer', provider: 'openai', model: 'gpt-4o', input: 3000, output: 700 },
  {
    service: 'support',
    agent: 'writer',
    provider: 'openai',
    model: 'gpt-4o',
    input: 10,
    output: 0,
    error: 'rate limited',
  },
  {
    service: 'billing',
    agent: 'auditor',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    input: 2000,
    output: 400,
  },
  // Unknown to the price list: counted as unpriced, never as $0.
  {
    service: 'billing',
    agent: 'auditor',
    provider: 'ollama',
    model: 'my-local-llama',
    input: 100,
    output: 10,
  },
  // Streaming without usage: counted as usage-missing.
  { service: 'billing', agent: 'auditor', provider: 'openai', model: 'gpt-4o-mini' },
];

function agentRun(calls: LlmCall[]): { service: string; spans: SpanSpec[] } {
  const root = newSpanId();
  const first = calls[0]!;
  const spans: SpanSpec[] = [
    {
      name: `invoke_agent ${first.agent}`,
      spanId: root,
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': first.agent },
    },
  ];
  for (const call of calls) {
    const usage: Record<string, number> = {};
    if (call.input !== undefined) usage['gen_ai.usage.input_tokens'] = call.input;
    if (call.output !== undefined) usage['gen_ai.usage.output_tokens'] = call.output;
    spans.push({
      name: `chat ${call.model}`,
      parent: root,
      durationMs: 1500,
      error: call.error,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': call.provider,
        'gen_ai.request.model': call.model,
        ...(call.error ? { 'error.type': '429' } : {}),
        ...usage,
      },
    });
  }
  spans.push(
    {
      name: 'execute_tool search',
      parent: root,
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
    },
    {
      name: 'execute_tool search',
      parent: root,
      error: 'index offline',
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
    },
  );
  return { service: first.service, spans };
}

function byAgent(calls: LlmCall[]): LlmCall[][] {
  const groups = new Map<string, LlmCall[]>();
  for (const call of calls) groups.set(call.agent, [...(groups.get(call.agent) ?? []), call]);
  return [...groups.values()];
}

const sumBy = <K extends string>(calls: LlmCall[], key: (c: LlmCall) => K, value: (c: LlmCall) => number) => {
  const out = new Map<K, number>();
  for (const c of calls) out.set(key(c), (out.get(key(c)) ?? 0) + value(c));
  return out;
};

const asMap = (samples: { metric: Record<string, string>; value: [number, string] }[], label: string) =>
  new Map(samples.map((s) => [s.metric[label] ?? '', Number(s.value[1])]));

let collector: TestCollector;
let prometheus: PrometheusServer;

beforeAll(async () => {
  collector = await startTestCollector({ metricsMaxLabelValues: String(MAX_LABEL_VALUES) });
  prometheus = await startPrometheus({ targets: [`127.0.0.1:${collector.ports.api}`] });
  await prometheus.waitFor('up{job="beacon-collector"}', (r) => r[0]?.value[1] === '1');
  for (const run of byAgent(CALLS)) {
    const { service, spans } = agentRun(run);
    await postTracesOk(collector.httpUrl, traceRequest(service, spans));
  }
  // One malformed request, so the rejected-spans series exists.
  await fetch(`${collector.httpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{',
  });
});

afterAll(async () => {
  await prometheus?.close();
  await collector?.dispose();
});

describe('Prometheus scraping a collector that received a known workload', () => {
  test('token totals per model and type are exact', async () => {
    const priced = CALLS.filter((c) => c.input !== undefined);
    const input = sumBy(
      priced,
      (c) => c.model,
      (c) => c.input!,
    );
    const output = sumBy(
      priced,
      (c) => c.model,
      (c) => c.output!,
    );
    const got = await prometheus.waitFor(
      'sum by (model) (beacon_genai_tokens_total{token_type="input"})',
      (r) => r.reduce((n, s) => n + Number(s.value[1]), 0) === [...input.values()].reduce((a, b) => a + b),
    );
    expect(asMap(got, 'model')).toEqual(input);
    expect(
      asMap(
        await prometheus.query('sum by (model) (beacon_genai_tokens_total{token_type="output"})'),
        'model',
      ),
    ).toEqual(output);
  });

  test('cost totals per model equal genai-prices for that usage; unknown models are unpriced, not free', async () => {
    const expected = new Map<string, number>();
    for (const c of CALLS) {
      if (c.input === undefined) continue;
      const price = calcPrice({ input_tokens: c.input, output_tokens: c.output }, c.model, {
        providerId: c.provider,
      });
      if (price) expected.set(c.model, (expected.get(c.model) ?? 0) + price.total_price);
    }
    expect(expected.has('my-local-llama')).toBe(false);
    const got = asMap(await prometheus.query('sum by (model) (beacon_genai_cost_usd_total)'), 'model');
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [model, cost] of expected) expect(got.get(model)).toBeCloseTo(cost, 10);

    const unpriced = await prometheus.query('sum by (model) (beacon_genai_unpriced_spans_total)');
    expect(asMap(unpriced, 'model')).toEqual(new Map([['my-local-llama', 1]]));
    const missing = await prometheus.query('sum by (model) (beacon_genai_usage_missing_spans_total)');
    expect(asMap(missing, 'model')).toEqual(new Map([['gpt-4o-mini', 1]]));
  });

  test('requests by status, tool calls and the OTel GenAI histograms agree with the workload', async () => {
    const requests = await prometheus.query('sum by (model, status) (beacon_genai_requests_total)');
    const key = (m: Record<string, string>) => `${m.model}/${m.status}`;
    const expected = sumBy(
      CALLS,
      (c) => `${c.model}/${c.error ? 'error' : 'ok'}`,
      () => 1,
    );
    expect(new Map(requests.map((s) => [key(s.metric), Number(s.value[1])]))).toEqual(expected);

    const tools = await prometheus.query('sum by (tool, status) (beacon_tool_calls_total)');
    const runs = byAgent(CALLS).length;
    expect(new Map(tools.map((s) => [`${s.metric.tool}/${s.metric.status}`, Number(s.value[1])]))).toEqual(
      new Map([
        ['search/ok', runs],
        ['search/error', runs],
      ]),
    );

    const inputTokens = await prometheus.query(
      'sum(gen_ai_client_token_usage_sum{gen_ai_token_type="input"})',
    );
    const totalInput = CALLS.reduce((n, c) => n + (c.input ?? 0), 0);
    expect(Number(inputTokens[0]?.value[1])).toBe(totalInput);
    const durations = await prometheus.query('sum(gen_ai_client_operation_duration_seconds_count)');
    expect(Number(durations[0]?.value[1])).toBe(CALLS.length);
  });

  test('rate() on token burn is non-zero while spans flow', async () => {
    const sending = (async () => {
      for (let i = 0; i < RATE_RUNS; i++) {
        const { service, spans } = agentRun([CALLS[0]!]);
        await postTracesOk(collector.httpUrl, traceRequest(service, spans));
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const burn = await prometheus.waitFor(
      'sum by (model) (rate(beacon_genai_tokens_total{model="gpt-4o-mini"}[5s]))',
      (r) => Number(r[0]?.value[1] ?? 0) > 0,
    );
    expect(Number(burn[0]!.value[1])).toBeGreaterThan(0);
    await sending;
  });

  test('a client sending 10,000 model names leaves at most the configured number of series per label', async () => {
    const models = Array.from({ length: 10_000 }, (_, i) => `junk-model-${i}`);
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
      await postTracesOk(collector.httpUrl, traceRequest('junk', spans));
    }
    // Wait until Prometheus has scraped every request: the workload, the rate test's runs and the 10,000 junk calls.
    const total = CALLS.length + RATE_RUNS + models.length;
    await prometheus.waitFor(
      'sum(beacon_genai_requests_total)',
      (r) => Number(r[0]?.value[1] ?? 0) === total,
    );
    const models_ = await prometheus.query('count(count by (model) (beacon_genai_requests_total))');
    expect(Number(models_[0]!.value[1])).toBeLessThanOrEqual(MAX_LABEL_VALUES);
    const other = await prometheus.query('sum(beacon_genai_requests_total{model="other"})');
    expect(Number(other[0]!.value[1])).toBeGreaterThan(10_000 - MAX_LABEL_VALUES);
    for (const metric of [
      'gen_ai_client_token_usage_count',
      'beacon_genai_tokens_total',
      'beacon_genai_unpriced_spans_total',
    ]) {
      const series = await prometheus.query(`count(count by (model, gen_ai_request_model) (${metric}))`);
      expect(Number(series[0]?.value[1] ?? 0)).toBeLessThanOrEqual(MAX_LABEL_VALUES);
    }
  });

  test('every dashboard panel query runs against this Prometheus and returns data', async () => {
    // Every template variable set to "All"; Grafana's $__rate_interval etc. replaced by concrete ranges.
    const queries = listPromQueries();
    expect(queries.length).toBeGreaterThan(10);
    const empty: string[] = [];
    for (const q of queries) {
      const result = await prometheus.query(q.promql);
      if (result.length === 0) empty.push(`${q.dashboard} / ${q.panel}: ${q.promql}`);
    }
    expect(empty).toEqual([]);
  });

  test('every dashboard panel query on ClickHouse (cost per trace, tool latency) runs and returns rows', async () => {
    const queries = listClickHouseQueries(collector.config.clickhouseDatabase);
    expect(queries.length).toBeGreaterThan(0);
    const empty: string[] = [];
    for (const q of queries) {
      const rows = await collector.query(q.sql);
      if (rows.length === 0) empty.push(`${q.dashboard} / ${q.panel}:\n${q.sql}`);
    }
    expect(empty).toEqual([]);
  });
});
