// Acceptance for GET /metrics: a real collector receives a known GenAI workload over OTLP/HTTP JSON, and the scraped
// exposition has exact token, cost and request totals per model, tool calls, cost-coverage counts, the collector's
// health counters (received, rejected by reason, written) and trace-id exemplars in OpenMetrics.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import {
  PROMETHEUS_ACCEPT,
  postTraces,
  type Sample,
  scrape,
  select,
  sumBy,
  total,
  traceRequest,
} from './helpers.js';
import { CALLS, expectedCost, modelOf, sumOf, traces } from './workload.js';

const MAX_REQUEST_BYTES = 64 * 1024;

let collector: TestCollector;
const sent = traces();
let spansSent = 0;

beforeAll(async () => {
  collector = await startTestCollector({ maxRequestBytes: String(MAX_REQUEST_BYTES) });
  for (const t of sent) {
    const res = await postTraces(collector.httpUrl, traceRequest(t.service, t.spans, t.traceId));
    expect(res.status).toBe(200);
    spansSent += t.spans.length;
  }
});
afterAll(async () => {
  await collector?.dispose();
});

describe('GenAI metrics from a known workload', () => {
  let samples: Sample[];
  beforeAll(async () => {
    samples = (await scrape(collector.apiUrl)).samples;
  });

  test('tokens per model and type are exact; the types partition the total; agent spans do not count', () => {
    const tokens = (type: string) =>
      sumBy(samples, 'beacon_genai_tokens_total', 'model', { token_type: type });
    expect(tokens('input')).toEqual(
      sumOf(CALLS, modelOf, (c) => (c.input ?? 0) - (c.cacheRead ?? 0) - (c.cacheWrite ?? 0)),
    );
    expect(tokens('cache_read')).toEqual(sumOf(CALLS, modelOf, (c) => c.cacheRead));
    expect(tokens('cache_write')).toEqual(sumOf(CALLS, modelOf, (c) => c.cacheWrite));
    expect(tokens('output')).toEqual(sumOf(CALLS, modelOf, (c) => (c.output ?? 0) - (c.reasoning ?? 0)));
    expect(tokens('reasoning')).toEqual(sumOf(CALLS, modelOf, (c) => c.reasoning));
    // Token burn over every type is every token once: input (incl. cache) + output (incl. reasoning).
    expect(sumBy(samples, 'beacon_genai_tokens_total', 'model')).toEqual(
      sumOf(CALLS, modelOf, (c) => (c.input ?? 0) + (c.output ?? 0)),
    );
    // Labels: service, agent (inherited from the invoke_agent parent), provider, response-else-request model.
    expect(
      total(samples, 'beacon_genai_tokens_total', {
        service: 'support',
        agent: 'writer',
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        token_type: 'input',
      }),
    ).toBe(3000);
    expect(total(samples, 'beacon_genai_tokens_total', { service: 'billing', agent: '' })).toBe(
      2000 + 400 + 50 + 100 + 10,
    );
  });

  test('cost per model equals genai-prices for that usage; unknown models are unpriced, not free', () => {
    const expected = new Map<string, number>();
    for (const c of CALLS) {
      const cost = expectedCost(c);
      if (cost !== null) expected.set(modelOf(c), (expected.get(modelOf(c)) ?? 0) + cost);
    }
    expect(expected.has('my-local-llama')).toBe(false);
    expect(expected.size).toBeGreaterThanOrEqual(5);
    const got = sumBy(samples, 'beacon_genai_cost_usd_total', 'model');
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [model, cost] of expected) expect(got.get(model)).toBeCloseTo(cost, 12);

    expect(sumBy(samples, 'beacon_genai_unpriced_spans_total', 'model')).toEqual(
      new Map([['my-local-llama', 1]]),
    );
    expect(select(samples, 'beacon_genai_usage_missing_spans_total')).toEqual([
      expect.objectContaining({ labels: { service: 'billing', model: 'gpt-4o-mini' }, value: 1 }),
    ]);
  });

  test('requests by model and status, durations, and tool calls by status', () => {
    const requests = new Map<string, number>();
    for (const s of select(samples, 'beacon_genai_requests_total')) {
      const key = `${s.labels.model}/${s.labels.status}`;
      requests.set(key, (requests.get(key) ?? 0) + s.value);
    }
    expect(requests).toEqual(
      sumOf(
        CALLS,
        (c) => `${modelOf(c)}/${c.error ? 'error' : 'ok'}`,
        () => 1,
      ),
    );

    expect(sumBy(samples, 'beacon_genai_request_duration_seconds_count', 'model')).toEqual(
      sumOf(CALLS, modelOf, () => 1),
    );
    const durations = sumBy(samples, 'beacon_genai_request_duration_seconds_sum', 'model');
    for (const [model, seconds] of sumOf(CALLS, modelOf, (c) => c.durationMs / 1000)) {
      expect(durations.get(model)).toBeCloseTo(seconds, 9);
    }

    const tools = new Map<string, number>();
    for (const s of select(samples, 'beacon_tool_calls_total')) {
      tools.set(`${s.labels.service}/${s.labels.agent}/${s.labels.tool}/${s.labels.status}`, s.value);
    }
    expect(tools).toEqual(
      new Map(
        sent.flatMap((t) => [
          [`${t.service}/${t.agent}/search/ok`, 1],
          [`${t.service}/${t.agent}/search/error`, 1],
        ]),
      ),
    );
  });

  test('OTel GenAI histograms: token usage by type (input incl. cache) and operation duration with error_type', () => {
    const usage = (type: string) =>
      sumBy(samples, 'gen_ai_client_token_usage_sum', 'gen_ai_request_model', { gen_ai_token_type: type });
    expect(usage('input')).toEqual(
      sumOf(
        CALLS,
        (c) => c.requestModel,
        (c) => c.input,
      ),
    );
    // Zero counts are observations too (the failed call reported output 0).
    const outputs = sumBy(samples, 'gen_ai_client_token_usage_count', 'gen_ai_request_model', {
      gen_ai_token_type: 'output',
    });
    expect(outputs).toEqual(
      sumOf(
        CALLS,
        (c) => c.requestModel,
        (c) => (c.output === undefined ? 0 : 1),
      ),
    );
    const buckets = select(samples, 'gen_ai_client_token_usage_bucket', { gen_ai_token_type: 'input' });
    expect(new Set(buckets.map((s) => s.labels.le))).toEqual(
      new Set(
        [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]
          .map(String)
          .concat('+Inf'),
      ),
    );

    const durations = select(samples, 'gen_ai_client_operation_duration_seconds_count');
    expect(durations.reduce((n, s) => n + s.value, 0)).toBe(CALLS.length);
    expect(total(samples, 'gen_ai_client_operation_duration_seconds_count', { error_type: '429' })).toBe(1);
    expect(
      total(samples, 'gen_ai_client_operation_duration_seconds_count', {
        gen_ai_operation_name: 'embeddings',
        gen_ai_provider_name: 'openai',
        gen_ai_request_model: 'text-embedding-3-small',
        error_type: '',
      }),
    ).toBe(1);
    const le = select(samples, 'gen_ai_client_operation_duration_seconds_bucket').map((s) => s.labels.le);
    expect(new Set(le)).toContain('81.92');
    expect(new Set(le)).toContain('0.01');
  });
});

describe('exposition formats', () => {
  test('OpenMetrics when the scraper asks for it (as Prometheus does), with trace-id exemplars', async () => {
    const om = await scrape(collector.apiUrl, PROMETHEUS_ACCEPT);
    expect(om.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(om.text.endsWith('# EOF\n')).toBe(true);
    expect(om.families).toContainEqual(
      expect.objectContaining({ name: 'beacon_genai_tokens', type: 'counter' }),
    );

    const triage = sent.find((t) => t.agent === 'triage')!;
    const triageCalls = new Set(
      triage.spans.filter((s) => s.name.startsWith('chat')).map((s) => s.spanId ?? ''),
    );
    const withExemplar = (name: string, match: Record<string, string>) => {
      const found = select(om.samples, name, match).filter((s) => s.exemplar);
      expect(found.length, `${name} exemplar`).toBeGreaterThan(0);
      return found.at(-1)!.exemplar!;
    };
    const match = { service: 'support', agent: 'triage', model: 'gpt-4o-mini' };
    for (const [name, labels] of [
      ['beacon_genai_requests_total', { ...match, status: 'ok' }],
      ['beacon_genai_tokens_total', { ...match, token_type: 'input' }],
      ['beacon_genai_cost_usd_total', match],
      ['beacon_genai_request_duration_seconds_bucket', match],
      ['gen_ai_client_operation_duration_seconds_bucket', { gen_ai_request_model: 'gpt-4o-mini' }],
    ] as const) {
      const exemplar = withExemplar(name, labels);
      if (name !== 'gen_ai_client_operation_duration_seconds_bucket') {
        expect(exemplar.labels.trace_id).toBe(triage.traceId);
        expect(triageCalls).toContain(exemplar.labels.span_id);
      }
      expect(exemplar.labels.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(exemplar.labels.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(exemplar.timestamp).toBeGreaterThan(0);
    }
    const requestExemplar = withExemplar('beacon_genai_requests_total', { ...match, status: 'ok' });
    expect(requestExemplar.value).toBe(1);
  });

  test('classic text format otherwise: same values, counters named *_total, no exemplars', async () => {
    const om = await scrape(collector.apiUrl, PROMETHEUS_ACCEPT);
    const classic = await scrape(collector.apiUrl);
    expect(classic.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(classic.text).not.toContain(' # {');
    expect(classic.families).toContainEqual(
      expect.objectContaining({ name: 'beacon_genai_tokens_total', type: 'counter' }),
    );
    expect(classic.families).toContainEqual(
      expect.objectContaining({ name: 'process_cpu_seconds_total', type: 'counter' }),
    );
    const values = (samples: Sample[]) =>
      samples
        .filter((s) => s.name.startsWith('beacon_genai') || s.name.startsWith('gen_ai'))
        .map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`)
        .sort();
    expect(values(classic.samples)).toEqual(values(om.samples));

    for (const accept of ['*/*', 'text/plain', 'text/html,application/xhtml+xml,*/*;q=0.8']) {
      expect((await scrape(collector.apiUrl, accept)).contentType).toMatch(/^text\/plain/);
    }
    expect((await scrape(collector.apiUrl, 'application/openmetrics-text')).contentType).toMatch(
      /^application\/openmetrics-text/,
    );
  });

  test('/metrics keeps the API conventions: HEAD works, other methods get the JSON 405', async () => {
    const head = await fetch(`${collector.apiUrl}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const post = await fetch(`${collector.apiUrl}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
  });
});

describe('collector health', () => {
  test('received, written, queue, write errors, dropped, build info and process metrics', async () => {
    await collector.writer.flush();
    const { samples } = await scrape(collector.apiUrl);
    expect(sumBy(samples, 'beacon_spans_received_total', 'protocol')).toEqual(
      new Map([
        ['grpc', 0],
        ['http_protobuf', 0],
        ['http_json', total(samples, 'beacon_spans_received_total', { protocol: 'http_json' })],
      ]),
    );
    const received = total(samples, 'beacon_spans_received_total');
    expect(received).toBeGreaterThanOrEqual(spansSent);
    expect(total(samples, 'beacon_spans_written_total')).toBe(received);
    expect(total(samples, 'beacon_export_queue_spans')).toBe(0);
    expect(total(samples, 'beacon_clickhouse_write_errors_total')).toBe(0);
    expect(total(samples, 'beacon_spans_dropped_total')).toBe(0);

    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(select(samples, 'beacon_build_info')).toEqual([
      expect.objectContaining({ labels: { version: pkg.version }, value: 1 }),
    ]);
    expect(
      select(samples, 'process_resident_memory_bytes').length +
        select(samples, 'nodejs_heap_size_used_bytes').length,
    ).toBeGreaterThan(0);
    expect(select(samples, 'process_cpu_seconds_total')).toHaveLength(1);
  });

  test('rejected spans by reason: malformed, partially invalid, too large, unsupported media type', async () => {
    const before = (await scrape(collector.apiUrl)).samples;
    const rejected = (samples: Sample[]) => sumBy(samples, 'beacon_spans_rejected_total', 'reason');

    // Malformed: JSON that does not parse, and garbage over gRPC.
    expect((await postTraces(collector.httpUrl, '{"resourceSpans": [')).status).toBe(400);
    const client = new grpc.Client(`127.0.0.1:${collector.ports.grpc}`, grpc.credentials.createInsecure());
    const code = await new Promise<number>((resolve) => {
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]),
        (err) => resolve(err?.code ?? grpc.status.OK),
      );
    });
    client.close();
    expect(code).toBe(grpc.status.INVALID_ARGUMENT);

    // Partially invalid: 2 of 3 spans are kept, one is rejected individually.
    const partial = await postTraces(
      collector.httpUrl,
      traceRequest('support', [
        { name: 'ok-1', attributes: {} },
        { name: 'bad id', spanId: 'zz', attributes: {} },
        { name: 'ok-2', attributes: {} },
      ]),
    );
    expect(partial.status).toBe(200);
    expect(Number(JSON.parse(partial.text).partialSuccess.rejectedSpans)).toBe(1);

    // Too large: as declared, and a gzip bomb that only grows past the limit when decompressed.
    const big = traceRequest('support', [{ name: 'x'.repeat(MAX_REQUEST_BYTES * 2), attributes: {} }]);
    expect((await postTraces(collector.httpUrl, big)).status).toBe(413);
    const bomb = await fetch(`${collector.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(Buffer.alloc(MAX_REQUEST_BYTES * 4, 0x20)),
    });
    expect(bomb.status).toBe(413);

    // Unsupported media type: content type, and content encoding.
    expect((await postTraces(collector.httpUrl, 'hello', 'text/plain')).status).toBe(415);
    const brotli = await fetch(`${collector.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
      body: 'x',
    });
    expect(brotli.status).toBe(415);

    const after = (await scrape(collector.apiUrl)).samples;
    const delta = new Map(
      [...rejected(after)].map(([reason, n]) => [reason, n - (rejected(before).get(reason) ?? 0)]),
    );
    expect(delta).toEqual(
      new Map([
        ['invalid_span', 1],
        ['malformed_request', 2],
        ['too_large', 2],
        ['unsupported_media_type', 2],
        // Auth is off here: every reason is exported from the start, these stay 0.
        ['unauthorized', 0],
        ['rate_limited', 0],
        ['queue_full', 0],
        ['shutting_down', 0],
      ]),
    );
    expect(
      total(after, 'beacon_spans_received_total', { protocol: 'http_json' }) -
        total(before, 'beacon_spans_received_total', { protocol: 'http_json' }),
    ).toBe(2);
  });
});
