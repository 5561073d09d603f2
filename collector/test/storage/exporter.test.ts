// The ClickHouse exporter end to end on the embedded engine: spans written by the writer, read back with the
// contrib exporter's column names (otel_traces). Beacon's GenAI facts, content-addressed messages and the per-trace
// roll-up: exporter-genai, exporter-messages and exporter-summaries.test.ts.
import { describe, expect, test } from 'vitest';
import { toTraceRow } from '../../src/exporters/clickhouse/index.js';
import { DEFAULT_TENANT } from '../../src/model.js';
import { describeExactlyOnce, useExporterStore } from './exporter-setup.js';
import { makeFacts, makeSpan, T0, traceId } from './helpers.js';

const store = useExporterStore();

describe('otel_traces', () => {
  test('spans read back with only the contrib exporter column names, values as the contrib exporter writes them', async () => {
    const trace = traceId();
    const root = makeSpan({
      traceId: trace,
      name: 'GET /weather',
      kind: 2,
      traceState: 'vendor=1',
      startTimeUnixNano: T0,
      endTimeUnixNano: T0 + 2_500_000_001n,
      resource: { 'service.name': 'weather-api', 'host.arch': 'amd64', 'process.pid': 4242 },
      serviceName: 'weather-api',
      attributes: {
        'http.method': 'GET',
        'http.status_code': 200,
        ratio: 0.2,
        big: 1e21,
        tiny: 1.5e-7,
        'retry.enabled': true,
        tags: ['a', 1, true, null],
        nested: { z: 1, a: 'x<y&z', m: { k: [1.5] } },
        empty: null,
        __proto__: 'own key',
      },
      events: [
        { timeUnixNano: T0 + 1n, name: 'start', attributes: { step: 1 } },
        { timeUnixNano: T0 + 999_999_999n, name: 'exception', attributes: { 'exception.type': 'Timeout' } },
      ],
      links: [
        {
          traceId: 'a'.repeat(32),
          spanId: 'b'.repeat(16),
          traceState: 'k=v',
          attributes: { 'link.kind': 'follows' },
        },
      ],
    });
    const child = makeSpan({
      traceId: trace,
      parentSpanId: root.spanId,
      name: 'chat gpt-4o-mini',
      kind: 3,
      statusCode: 2,
      statusMessage: 'upstream timed out',
      startTimeUnixNano: T0 + 10n,
      endTimeUnixNano: T0 + 10n,
      scopeName: '',
      scopeVersion: '',
    });
    const unset = makeSpan({
      traceId: trace,
      parentSpanId: root.spanId,
      kind: 0,
      statusCode: 1,
      startTimeUnixNano: T0 + 20n,
    });
    await store.write([root, child, unset]);

    const rows = await store.db.query<Record<string, unknown>>(
      `SELECT toString(Timestamp) AS Time, toString(toUnixTimestamp64Nano(Timestamp)) AS Nanos, TraceId, SpanId,
              ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes, ScopeName, ScopeVersion,
              SpanAttributes, SpanAttributes['http.status_code'] AS Status, toString(Duration) AS Duration, StatusCode,
              StatusMessage, Events.Name AS EventNames,
              arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS EventNanos,
              Events.Attributes AS EventAttributes, Links.TraceId AS LinkTraceIds, Links.SpanId AS LinkSpanIds,
              Links.TraceState AS LinkTraceStates, Links.Attributes AS LinkAttributes
       FROM otel_traces WHERE TraceId = {trace:String} ORDER BY Timestamp`,
      { trace },
    );
    expect(rows).toHaveLength(3);
    const [r, c, u] = rows as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    expect(r).toEqual({
      Time: '2026-01-02 03:04:05.123456789',
      Nanos: T0.toString(),
      TraceId: trace,
      SpanId: root.spanId,
      ParentSpanId: '',
      TraceState: 'vendor=1',
      SpanName: 'GET /weather',
      SpanKind: 'Server',
      ServiceName: 'weather-api',
      ResourceAttributes: { 'service.name': 'weather-api', 'host.arch': 'amd64', 'process.pid': '4242' },
      ScopeName: 'scope',
      ScopeVersion: '1.0.0',
      SpanAttributes: {
        'http.method': 'GET',
        'http.status_code': '200',
        ratio: '0.2',
        big: '1e+21',
        tiny: '1.5e-7',
        'retry.enabled': 'true',
        tags: '["a",1,true,null]',
        nested: '{"a":"x\\u003cy\\u0026z","m":{"k":[1.5]},"z":1}',
        empty: '',
        __proto__: 'own key',
      },
      Status: '200',
      Duration: '2500000001',
      StatusCode: 'Unset',
      StatusMessage: '',
      EventNames: ['start', 'exception'],
      EventNanos: [(T0 + 1n).toString(), (T0 + 999_999_999n).toString()],
      EventAttributes: [{ step: '1' }, { 'exception.type': 'Timeout' }],
      LinkTraceIds: ['a'.repeat(32)],
      LinkSpanIds: ['b'.repeat(16)],
      LinkTraceStates: ['k=v'],
      LinkAttributes: [{ 'link.kind': 'follows' }],
    });
    expect(c).toMatchObject({
      ParentSpanId: root.spanId,
      SpanKind: 'Client',
      StatusCode: 'Error',
      StatusMessage: 'upstream timed out',
      Duration: '0',
      ScopeName: '',
      Nanos: (T0 + 10n).toString(),
      EventNames: [],
      LinkTraceIds: [],
    });
    expect(u).toMatchObject({ SpanKind: 'Unspecified', StatusCode: 'Ok' });
  });

  test('otel_traces_trace_id_ts holds Start/End of the trace (second precision, as the contrib view computes them)', async () => {
    const trace = traceId();
    await store.write(
      [makeSpan({ traceId: trace, startTimeUnixNano: T0 })],
      [makeSpan({ traceId: trace, startTimeUnixNano: T0 + 7_000_000_000n })],
    );
    const rows = await store.db.query<{ Start: string; End: string }>(
      `SELECT toString(min(Start)) AS Start, toString(max(End)) AS End FROM otel_traces_trace_id_ts
       WHERE TraceId = {trace:String} GROUP BY TraceId`,
      { trace },
    );
    expect(rows).toEqual([{ Start: '2026-01-02 03:04:05', End: '2026-01-02 03:04:12' }]);
  });
});

describe('otel_traces at the edges', () => {
  test('nanosecond instants survive at the edges of DateTime64(9), and never fail a batch', async () => {
    const early = 1_000_000_009n; // 1970-01-01 00:00:01.000000009: fewer than ten digits of Unix seconds
    const latest = 2n ** 63n - 1n; // 2262-04-11 23:47:16.854775807
    const spans = [
      makeSpan({ startTimeUnixNano: early, endTimeUnixNano: early + 5n }),
      makeSpan({ startTimeUnixNano: latest + 100n, endTimeUnixNano: latest + 200n }),
    ];
    // The rows exactly as the writer sends them, into a table without TTL (these instants are outside retention).
    await store.db.command(
      'CREATE TABLE edges (Timestamp DateTime64(9), Duration UInt64, Events Nested(Timestamp DateTime64(9))) ENGINE = Memory',
    );
    await store.db.storage.client.insert({
      table: 'edges',
      values: spans.map((span) => {
        const row = toTraceRow({
          ...span,
          events: [{ timeUnixNano: span.startTimeUnixNano + 1n, name: 'e', attributes: {} }],
        });
        return {
          Timestamp: row.Timestamp,
          Duration: row.Duration,
          'Events.Timestamp': row['Events.Timestamp'],
        };
      }),
      format: 'JSONEachRow',
    });
    const rows = await store.db.query<{ Nanos: string; Duration: string; Event: string }>(
      `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS Nanos, toString(Duration) AS Duration,
              toString(toUnixTimestamp64Nano(Events.Timestamp[1])) AS Event FROM edges ORDER BY Timestamp`,
    );
    // Past 2262-04-11 the instants are clamped to DateTime64(9)'s limit, and so is the duration between them.
    expect(rows).toEqual([
      { Nanos: early.toString(), Duration: '5', Event: (early + 1n).toString() },
      { Nanos: latest.toString(), Duration: '0', Event: latest.toString() },
    ]);

    // Through the writer (and the materialized views computing End = Timestamp + Duration): stored, no error.
    const before = store.writer.stats;
    expect(store.writer.enqueue({ tenant: DEFAULT_TENANT, spans: spans })).toBe(true);
    await store.writer.flush();
    expect(store.writer.stats.spansWritten - before.spansWritten).toBe(2);
    expect(store.writer.stats.writeErrors).toBe(before.writeErrors);
  });

  test('lone UTF-16 surrogates (possible in OTLP/JSON) are stored as U+FFFD instead of failing the batch', async () => {
    const trace = traceId();
    const span = makeSpan({
      traceId: trace,
      name: 'bad \ud800 name',
      attributes: { 'key\udfff': 'value \ud83d', ok: 'emoji \ud83d\ude00' },
      genai: makeFacts({
        requestModel: 'model-\udc00',
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'hi \ud800' }] }],
      }),
    });
    const errors = store.writer.stats.writeErrors;
    await store.write([span]);
    expect(store.writer.stats.writeErrors).toBe(errors);
    const [row] = await store.db.query<{
      SpanName: string;
      SpanAttributes: Record<string, string>;
      RequestModel: string;
    }>(
      `SELECT SpanName, SpanAttributes, (SELECT any(RequestModel) FROM beacon_genai_spans WHERE TraceId = {trace:String}) AS RequestModel
       FROM otel_traces WHERE TraceId = {trace:String}`,
      { trace },
    );
    expect(row).toEqual({
      SpanName: 'bad \ufffd name',
      SpanAttributes: { 'key\ufffd': 'value \ufffd', ok: 'emoji \ud83d\ude00' },
      RequestModel: 'model-\ufffd',
    });
  });
});

describeExactlyOnce(store);
