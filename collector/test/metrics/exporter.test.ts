// Unit tests for the metrics pieces: the label guard, Accept negotiation, one set of metrics in two formats, the
// pipeline's fan-out (only accepted batches are recorded, once), and the receivers' onRejected hook.
import { createPricer } from '@beacon/semconv';
import { afterEach, describe, expect, test } from 'vitest';
import {
  LabelGuard,
  OTHER_LABEL_VALUE,
  PrometheusExporter,
  prefersOpenMetrics,
} from '../../src/exporters/prometheus/index.js';
import type { DecodedSpan, EnrichedSpan, SpanRejectReason } from '../../src/model.js';
import { DEFAULT_TENANT } from '../../src/model.js';
import { createPipeline } from '../../src/processors/pipeline.js';
import { createOtlpHttpReceiver, type OtlpReceiver } from '../../src/receivers/index.js';
import { jsonSpan, RecordingSink, requestWith, silentLogger } from '../receivers/helpers.js';
import { makeCost, makeFacts, makeSpan } from '../support/spans.js';
import { PROMETHEUS_ACCEPT, parseExposition, total } from './helpers.js';

describe('LabelGuard', () => {
  test('keeps the first max-1 values, folds the rest into other and counts each fold', () => {
    const folds: string[] = [];
    const guard = new LabelGuard(3, (label) => folds.push(label));
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map((v) => guard.value('model', v))).toEqual([
      'a',
      'b',
      OTHER_LABEL_VALUE,
      'a',
      OTHER_LABEL_VALUE,
      'b',
    ]);
    expect(folds).toEqual(['model', 'model']);
    // Labels are bounded independently; the empty value and "other" itself never take a slot.
    expect(guard.value('agent', 'c')).toBe('c');
    expect(guard.value('agent', '')).toBe('');
    expect(guard.value('agent', OTHER_LABEL_VALUE)).toBe(OTHER_LABEL_VALUE);
    expect(guard.keptCount('agent')).toBe(1);
  });

  test('folds values too long to keep', () => {
    const guard = new LabelGuard(100, () => {});
    expect(guard.value('model', 'x'.repeat(10_000))).toBe(OTHER_LABEL_VALUE);
    expect(guard.keptCount('model')).toBe(0);
  });
});

describe('Accept negotiation', () => {
  test.each([
    [PROMETHEUS_ACCEPT, true],
    // Prometheus 3
    [
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
      true,
    ],
    ['application/openmetrics-text', true],
    ['text/plain;version=0.0.4;q=0.9,application/openmetrics-text;version=1.0.0;q=0.5', false],
    ['application/openmetrics-text;version=0.0.1', false],
    ['application/openmetrics-text;q=0', false],
    ['*/*', false],
    ['text/html,application/xhtml+xml,*/*;q=0.8', false],
    [undefined, false],
    ['', false],
  ])('%s → OpenMetrics %s', (accept, openMetrics) => {
    expect(prefersOpenMetrics(accept)).toBe(openMetrics);
  });
});

function modelCall(overrides: Partial<EnrichedSpan> = {}): EnrichedSpan {
  return makeSpan({
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    name: 'chat m',
    kind: 3,
    startTimeUnixNano: 1_764_000_000_000_000_000n,
    endTimeUnixNano: 1_764_000_002_500_000_000n,
    resource: {},
    scopeName: '',
    scopeVersion: '',
    genai: makeFacts({
      requestModel: 'm',
      responseModel: null,
      usage: {
        inputTokens: 10,
        outputTokens: 5,
        cacheReadTokens: null,
        cacheWriteTokens: null,
        reasoningTokens: null,
      },
    }),
    cost: makeCost({
      costUsd: 0.25,
      inputCostUsd: 0.2,
      outputCostUsd: 0.05,
      priceSource: 'override',
      priceEntry: 'openai/m',
      priceDataVersion: 'override:1',
    }),
    agentName: 'planner',
    ...overrides,
  });
}

function exporter(maxLabelValues = 200) {
  const stats = { queueDepth: 7, spansWritten: 11, writeErrors: 2, spansDropped: 1 };
  const received = { grpc: 1, http_protobuf: 2, http_json: 3 };
  const metrics = new PrometheusExporter({
    maxLabelValues,
    version: '9.9.9',
    spansReceived: () => received,
    writer: { stats },
  });
  return { metrics, stats, received };
}

describe('PrometheusExporter', () => {
  test('health metrics are read from their sources at scrape time', async () => {
    const { metrics, stats, received } = exporter();
    stats.spansWritten = 42;
    received.http_json = 40;
    const { samples } = parseExposition((await metrics.scrape(undefined)).body);
    expect(total(samples, 'beacon_spans_written_total')).toBe(42);
    expect(total(samples, 'beacon_spans_received_total', { protocol: 'http_json' })).toBe(40);
    expect(total(samples, 'beacon_export_queue_spans')).toBe(7);
    expect(total(samples, 'beacon_clickhouse_write_errors_total')).toBe(2);
    expect(total(samples, 'beacon_spans_dropped_total')).toBe(1);
    expect(total(samples, 'beacon_build_info', { version: '9.9.9' })).toBe(1);
    metrics.recordRejected(3, 'queue_full');
    metrics.recordRejected(0, 'too_large');
    const after = parseExposition((await metrics.scrape(undefined)).body).samples;
    expect(total(after, 'beacon_spans_rejected_total', { reason: 'queue_full' })).toBe(3);
    expect(total(after, 'beacon_spans_rejected_total', { reason: 'too_large' })).toBe(0);
  });

  test('both formats, in any order, from the same metric objects', async () => {
    const { metrics } = exporter();
    metrics.export([modelCall()]);
    for (let i = 0; i < 2; i++) {
      const om = await metrics.scrape(PROMETHEUS_ACCEPT);
      expect(om.body).toContain('# TYPE beacon_genai_cost_usd counter');
      expect(om.body).toMatch(
        /beacon_genai_cost_usd_total\{service="svc",agent="planner",provider="openai",model="m"\} 0.25 # \{trace_id="a{32}",span_id="b{16}"\} 0.25 /,
      );
      const classic = await metrics.scrape(undefined);
      expect(classic.body).toContain('# TYPE beacon_genai_cost_usd_total counter');
      expect(classic.body).toContain(
        'beacon_genai_cost_usd_total{service="svc",agent="planner",provider="openai",model="m"} 0.25\n',
      );
      expect(classic.body).not.toContain('# {');
    }
    // Concurrent scrapes of both formats do not disturb each other.
    const [om, classic] = await Promise.all([metrics.scrape(PROMETHEUS_ACCEPT), metrics.scrape('*/*')]);
    expect(om.body).toContain('beacon_genai_requests_total{');
    expect(classic.body).toContain('# TYPE beacon_genai_requests_total counter');
  });

  test('a zero-cost priced call is counted without an exemplar; label values are escaped', async () => {
    const { metrics } = exporter();
    const free = modelCall({ cost: { ...modelCall().cost!, costUsd: 0 } });
    free.genai!.requestModel = 'we"ird\\model\nname';
    metrics.export([free]);
    const om = (await metrics.scrape(PROMETHEUS_ACCEPT)).body;
    const { samples } = parseExposition(om);
    const cost = samples.filter((s) => s.name === 'beacon_genai_cost_usd_total');
    expect(cost).toEqual([
      {
        name: 'beacon_genai_cost_usd_total',
        labels: expect.objectContaining({ model: 'we"ird\\model\nname' }),
        value: 0,
      },
    ]);
  });

  test('a span that breaks recording is logged and skipped; the rest of the batch is recorded', async () => {
    const errors: unknown[] = [];
    const logger = { error: (obj: unknown) => errors.push(obj) } as never;
    const metrics = new PrometheusExporter({
      maxLabelValues: 10,
      version: '1',
      spansReceived: () => ({ grpc: 0, http_protobuf: 0, http_json: 0 }),
      writer: { stats: { queueDepth: 0, spansWritten: 0, writeErrors: 0, spansDropped: 0 } },
      logger,
    });
    // An exemplar label set longer than OpenMetrics allows makes prom-client throw.
    metrics.export([modelCall({ traceId: 'f'.repeat(200) }), modelCall()]);
    expect(errors).toHaveLength(1);
    const { samples } = parseExposition((await metrics.scrape(undefined)).body);
    expect(total(samples, 'beacon_genai_requests_total')).toBeGreaterThanOrEqual(1);
  });
});

describe('pipeline fan-out', () => {
  const decoded = (): DecodedSpan => {
    const { genai: _g, cost: _c, agentName: _a, ...span } = modelCall();
    return { ...span, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' } };
  };

  test('fan-out exporters see only batches the storage exporter accepted, each once', () => {
    let accept = false;
    const seen: number[] = [];
    const pipeline = createPipeline({
      pricer: createPricer(),
      exporter: { enqueue: () => accept },
      fanOut: [{ export: (spans) => seen.push(spans.length) }],
    });
    expect(pipeline.accept([decoded(), decoded()], 'http_json', DEFAULT_TENANT).accepted).toBe(false);
    expect(seen).toEqual([]);
    accept = true;
    expect(pipeline.accept([decoded(), decoded()], 'http_json', DEFAULT_TENANT).accepted).toBe(true);
    expect(seen).toEqual([2]);
    pipeline.beginShutdown();
    expect(pipeline.accept([decoded()], 'grpc', DEFAULT_TENANT).accepted).toBe(false);
    expect(seen).toEqual([2]);
  });

  test('a throwing fan-out exporter does not refuse the batch', () => {
    const errors: unknown[] = [];
    const pipeline = createPipeline({
      pricer: createPricer(),
      exporter: { enqueue: () => true },
      fanOut: [
        {
          export: () => {
            throw new Error('boom');
          },
        },
      ],
      onFanOutError: (err) => errors.push(err),
    });
    expect(pipeline.accept([decoded()], 'http_json', DEFAULT_TENANT).accepted).toBe(true);
    expect(errors).toHaveLength(1);
    expect(pipeline.stats.received.http_json).toBe(1);
  });
});

describe('receivers report refused batches through onRejected', () => {
  let receiver: OtlpReceiver | undefined;
  afterEach(async () => {
    await receiver?.stop();
  });

  test('HTTP: a refused batch counts its spans under the refusal reason', async () => {
    const sink = new RecordingSink();
    const rejected: [number, SpanRejectReason][] = [];
    receiver = createOtlpHttpReceiver({
      host: '127.0.0.1',
      port: 0,
      sink,
      logger: silentLogger,
      maxBodyBytes: 1024 * 1024,
      onRejected: (count, reason) => rejected.push([count, reason]),
    });
    const { port } = await receiver.start();
    const post = () =>
      fetch(`http://127.0.0.1:${port}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(requestWith([jsonSpan(), jsonSpan({ spanId: 'eee19b7ec3c1b175' })])),
      });
    sink.refuse('queue_full', 1);
    expect((await post()).status).toBe(429);
    sink.refuse('shutting_down', 1);
    expect((await post()).status).toBe(503);
    sink.acceptAgain();
    expect((await post()).status).toBe(200);
    expect(rejected).toEqual([
      [2, 'queue_full'],
      [2, 'shutting_down'],
    ]);
  });
});
