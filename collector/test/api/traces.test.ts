// The query API's trace endpoints over the whole pipeline (OTLP/HTTP in → ClickHouse on the embedded engine → API):
// list with every filter and cursor pagination, detail, tags, annotations, bad parameters and injection attempts.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type {
  SpanAnnotationsResponse,
  TraceDetailResponse,
  TraceListResponse,
  TraceSummary,
  TraceTagsResponse,
} from '../../src/contract/index.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { api, expectBadRequest, getOk, INJECTIONS, newSpanId, newTraceId, sendTraces } from './helpers.js';
import { DETAIL, detailSpec, FLEET_SIZE, type FleetTrace, fleet, fleetSpec, ids } from './traces-fixtures.js';

let collector: TestCollector;
let base: string;

async function listAll(query: string): Promise<string[]> {
  const page = await getOk<TraceListResponse>(base, `/api/v1/traces?limit=500${query ? `&${query}` : ''}`);
  expect(page.nextCursor).toBeNull();
  return page.traces.map((t) => t.traceId);
}

beforeAll(async () => {
  collector = await startTestCollector({ maxRequestBytes: String(256 * 1024) });
  base = collector.apiUrl;
  await sendTraces(collector.httpUrl, fleet.map(fleetSpec));
  await collector.writer.flush();
});
afterAll(async () => {
  await collector?.dispose();
});

describe('GET /api/v1/traces', () => {
  test('walks every trace newest first with cursors: no duplicate, no gap, stable under new inserts', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page: TraceListResponse = await getOk(base, `/api/v1/traces?limit=5${query}`);
      expect(page.traces.length).toBeLessThanOrEqual(5);
      seen.push(...page.traces.map((t) => t.traceId));
      cursor = page.nextCursor;
      pages++;
      if (pages === 2) {
        // New traces (newer than everything) arrive while the client pages: they sort before the cursor.
        await sendTraces(
          collector.httpUrl,
          [0, 1, 2].map(() => ({
            service: 'late',
            spans: [{ name: 'late arrival', attributes: { 'gen_ai.operation.name': 'chat' } }],
          })),
        );
        await collector.writer.flush();
      }
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(ids(fleet));

    const all = await getOk<TraceListResponse>(base, '/api/v1/traces?limit=500');
    expect(all.traces).toHaveLength(FLEET_SIZE + 3);
    expect(all.traces.slice(3).map((t) => t.traceId)).toEqual(ids(fleet));
    const starts = all.traces.map((t) => BigInt(t.startTimeUnixNano));
    expect(starts.every((s, i) => i === 0 || s <= starts[i - 1]!)).toBe(true);
  });

  test('a summary carries the roll-up of its spans', async () => {
    const t = fleet[3]!;
    const { traces } = await getOk<TraceListResponse>(base, `/api/v1/traces?service=${t.service}&limit=500`);
    const summary = traces.find((s) => s.traceId === t.traceId)!;
    expect(summary).toMatchObject({
      startTimeUnixNano: String(BigInt(t.startMs) * 1_000_000n),
      rootServiceName: t.service,
      rootSpanName: `invoke_agent ${t.agent}`,
      rootAgent: t.agent,
      agents: [t.agent],
      models: [t.model],
      spanCount: 3,
      errorCount: 0,
      status: 'ok',
      llmCallCount: 1,
      toolCallCount: 1,
      inputTokens: 4000,
      outputTokens: 400,
      unpricedCount: 0,
      usageMissingCount: 0,
      tags: [],
    } satisfies Partial<TraceSummary>);
    expect(summary.durationMs).toBe(t.durationMs);
    expect(summary.costUsd).toBeGreaterThan(0);
  });

  test('filters: service, agent, model, status, q, from/to, minCostUsd, minDurationMs', async () => {
    expect(await listAll('service=support-bot')).toEqual(
      ids(fleet.filter((t) => t.service === 'support-bot')),
    );
    expect(await listAll('agent=researcher')).toEqual(ids(fleet.filter((t) => t.agent === 'researcher')));
    expect(await listAll('model=gpt-4o')).toEqual(ids(fleet.filter((t) => t.model === 'gpt-4o')));
    expect(await listAll('status=error')).toEqual(ids(fleet.filter((t) => t.error)));
    const ok = await listAll('status=ok');
    expect(ok.filter((id) => fleet.some((t) => t.traceId === id))).toEqual(
      ids(fleet.filter((t) => !t.error)),
    );

    // q: case-insensitive, in span names (the tool span), service names, agents, models, or the trace id.
    expect(await listAll('q=WEB_SEARCH')).toEqual(ids(fleet));
    expect(await listAll('q=Research')).toEqual(ids(fleet.filter((t) => t.agent === 'researcher')));
    expect(await listAll('q=port-b')).toEqual(ids(fleet.filter((t) => t.service === 'support-bot')));
    expect(await listAll(`q=${fleet[7]!.traceId.toUpperCase()}`)).toEqual([fleet[7]!.traceId]);

    const at = (t: FleetTrace) => new Date(t.startMs).toISOString();
    expect(await listAll(`from=${at(fleet[10]!)}&to=${at(fleet[4]!)}`)).toEqual(ids(fleet.slice(4, 11)));
    expect(await listAll(`from=${fleet[2]!.startMs}&service=search`)).toEqual(
      ids(fleet.slice(0, 3).filter((t) => t.service === 'search')),
    );
    expect(await listAll(`to=${fleet[20]!.startMs}`)).toEqual(ids(fleet.slice(20)));

    const { traces } = await getOk<TraceListResponse>(base, '/api/v1/traces?limit=500');
    const costs = new Map(traces.map((t) => [t.traceId, t.costUsd ?? 0]));
    const threshold = costs.get(fleet[12]!.traceId)!;
    expect(await listAll(`minCostUsd=${threshold}`)).toEqual(
      ids(fleet.filter((t) => costs.get(t.traceId)! >= threshold)),
    );
    expect(await listAll('minDurationMs=2500')).toEqual(ids(fleet.filter((t) => t.durationMs >= 2500)));
    expect(await listAll('minDurationMs=2500&agent=writer&status=ok')).toEqual(
      ids(fleet.filter((t) => t.durationMs >= 2500 && t.agent === 'writer' && !t.error)),
    );
    expect(await listAll('service=nobody')).toEqual([]);
  });

  test('400 naming the parameter for each bad value', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=1.5', 'limit'],
      ['cursor=not-a-cursor!', 'cursor'],
      [`cursor=${Buffer.from('{"s":"1","t":"nope"}').toString('base64url')}`, 'cursor'],
      ['from=yesterday', 'from'],
      ['from=2026-02-30T00:00:00Z', 'from'],
      ['to=2026-13-01T00:00:00Z', 'to'],
      [`from=${fleet[0]!.startMs}&to=${fleet[5]!.startMs}`, 'from'],
      ['status=maybe', 'status'],
      ['minCostUsd=-1', 'minCostUsd'],
      ['minDurationMs=abc', 'minDurationMs'],
      ['service=a&service=b', 'service'],
      [`q=${'x'.repeat(501)}`, 'q'],
    ];
    for (const [query, parameter] of cases) {
      expectBadRequest(await api(base, `/api/v1/traces?${query}`), parameter);
    }
  });
});

const { traceId, linkedTraceId, root, chat, messages } = DETAIL;
/** The detailed trace goes in once, before the first test below: after the list tests, which count the fleet only. */
let detailSent: Promise<void> | undefined;
function sendDetailTrace(): Promise<void> {
  detailSent ??= (async () => {
    await sendTraces(collector.httpUrl, [detailSpec()]);
    await collector.writer.flush();
  })();
  return detailSent;
}

describe('GET /api/v1/traces/{traceId}', () => {
  beforeAll(sendDetailTrace);

  test('the summary and every span, ordered by start, with GenAI facts and resolved messages', async () => {
    const detail = await getOk<TraceDetailResponse>(base, `/api/v1/traces/${traceId}`);
    expect(detail.trace).toMatchObject({ traceId, spanCount: 2, rootSpanName: 'POST /ask', rootAgent: null });
    expect(detail.spans.map((s) => s.spanId)).toEqual([root, chat]);
    const [rootSpan, chatSpan] = detail.spans;
    expect(rootSpan).toMatchObject({
      traceId,
      parentSpanId: '',
      kind: 'Server',
      serviceName: 'detail-svc',
      scopeName: 'beacon-api-test',
      scopeVersion: '2.3.4',
      traceState: 'vendor=abc',
      durationMs: 900,
      statusCode: 'Unset',
      genai: null,
      annotations: [],
      resourceAttributes: { 'service.name': 'detail-svc', 'deployment.environment': 'test' },
      links: [{ traceId: linkedTraceId, attributes: { 'link.kind': 'follows' }, traceState: '' }],
    });
    expect(chatSpan).toMatchObject({
      parentSpanId: root,
      kind: 'Client',
      durationMs: 700.5,
      attributes: { 'gen_ai.usage.input_tokens': '1200', 'gen_ai.request.temperature': '0.2' },
      events: [{ name: 'gen_ai.content.chunk', attributes: { index: '1' } }],
    });
    expect(BigInt(chatSpan!.startTimeUnixNano) - BigInt(rootSpan!.startTimeUnixNano)).toBe(100_000_000n);
    expect(chatSpan!.genai).toMatchObject({
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      usage: { inputTokens: 1200, outputTokens: 300, cacheReadTokens: null },
      unpriced: false,
      usageMissing: false,
      inputMessages: messages,
      outputMessages: [],
    });
    expect(chatSpan!.genai!.costUsd).toBeGreaterThan(0);
    expect(detail.trace.costUsd).toBeCloseTo(chatSpan!.genai!.costUsd!, 12);
  });

  test('404 for an unknown trace, 400 for a malformed id', async () => {
    const unknown = await api<{ error: { code: string } }>(base, `/api/v1/traces/${newTraceId()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expectBadRequest(await api(base, '/api/v1/traces/xyz'), 'traceId');
    expect((await api(base, `/api/v1/traces/${newTraceId()}/graph`)).status).toBe(404);
    expect((await api(base, `/api/v1/traces/${newTraceId()}/export`)).status).toBe(404);
  });
});

describe('PUT /api/v1/traces/{traceId}/tags', () => {
  beforeAll(sendDetailTrace);

  test('tags: PUT replaces the set, detail and list return it, the tag filter finds it', async () => {
    const put = await api<TraceTagsResponse>(base, `/api/v1/traces/${traceId}/tags`, {
      method: 'PUT',
      json: { tags: [' needs-review ', 'prod', 'needs-review', 'o\'brien "quoted"'] },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ traceId, tags: ['needs-review', 'prod', 'o\'brien "quoted"'] });
    expect((await getOk<TraceDetailResponse>(base, `/api/v1/traces/${traceId}`)).trace.tags).toEqual(
      put.body.tags,
    );
    expect(await listAll('tag=prod')).toEqual([traceId]);
    expect(await listAll(`tag=${encodeURIComponent('o\'brien "quoted"')}`)).toEqual([traceId]);
    expect(await listAll('q=REVIEW')).toEqual([traceId]);

    const again = await api<TraceTagsResponse>(base, `/api/v1/traces/${traceId}/tags`, {
      method: 'PUT',
      json: { tags: ['resolved'] },
    });
    expect(again.body.tags).toEqual(['resolved']);
    expect(await listAll('tag=prod')).toEqual([]);
    const { traces } = await getOk<TraceListResponse>(base, '/api/v1/traces?tag=resolved');
    expect(traces.map((t) => [t.traceId, t.tags])).toEqual([[traceId, ['resolved']]]);

    const unknown = await api(base, `/api/v1/traces/${newTraceId()}/tags`, {
      method: 'PUT',
      json: { tags: [] },
    });
    expect(unknown.status).toBe(404);
    expectBadRequest(
      await api(base, `/api/v1/traces/${traceId}/tags`, { method: 'PUT', json: { tags: 'x' } }),
      'tags',
    );
    expectBadRequest(
      await api(base, `/api/v1/traces/${traceId}/tags`, { method: 'PUT', json: { tags: ['ok', 7] } }),
      'tags[1]',
    );
    expectBadRequest(
      await api(base, `/api/v1/traces/${traceId}/tags`, {
        method: 'PUT',
        body: '{"tags": [',
        headers: { 'content-type': 'application/json' },
      }),
      'body',
    );
    const wrongType = await api(base, `/api/v1/traces/${traceId}/tags`, {
      method: 'PUT',
      body: 'tags=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrongType.status).toBe(415);
    const tooLarge = await api(base, `/api/v1/traces/${traceId}/tags`, {
      method: 'PUT',
      json: { tags: ['x'], padding: 'y'.repeat(300 * 1024) },
    });
    expect(tooLarge.status).toBe(413);
    // Without Content-Length (chunked), the limit holds while reading, and the 413 still arrives.
    const chunk = new TextEncoder().encode(`{"tags":["x"],"padding":"${'y'.repeat(64 * 1024)}`);
    const streamed = await fetch(`${base}/api/v1/traces/${traceId}/tags`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(chunk);
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await getOk<TraceDetailResponse>(base, `/api/v1/traces/${traceId}`)).trace.tags).toEqual([
      'resolved',
    ]);
  });
});

describe('PUT /api/v1/spans/{traceId}/{spanId}/annotations', () => {
  beforeAll(sendDetailTrace);

  test('annotations: PUT replaces the list, kept annotations keep id and createdAt', async () => {
    const path = `/api/v1/spans/${traceId}/${chat}/annotations`;
    const first = await api<SpanAnnotationsResponse>(base, path, {
      method: 'PUT',
      json: { annotations: [{ text: 'Hallucinated the capital?', author: 'ana' }, { text: 'fine' }] },
    });
    expect(first.status).toBe(200);
    expect(first.body.annotations.map((a) => [a.text, a.author])).toEqual([
      ['Hallucinated the capital?', 'ana'],
      ['fine', null],
    ]);
    const [kept] = first.body.annotations;

    const second = await api<SpanAnnotationsResponse>(base, path, {
      method: 'PUT',
      json: {
        annotations: [{ text: 'Hallucinated the capital?', author: 'ana' }, { text: 'checked: correct' }],
      },
    });
    expect(second.body.annotations[0]).toEqual(kept);
    expect(second.body.annotations[1]!.id).not.toBe(first.body.annotations[1]!.id);

    const detail = await getOk<TraceDetailResponse>(base, `/api/v1/traces/${traceId}`);
    expect(detail.spans.find((s) => s.spanId === chat)!.annotations).toEqual(second.body.annotations);
    expect(detail.spans.find((s) => s.spanId === root)!.annotations).toEqual([]);

    const edited = await api<SpanAnnotationsResponse>(base, path, {
      method: 'PUT',
      json: { annotations: [{ id: kept!.id, text: 'Edited text', author: 'ana' }] },
    });
    expect(edited.body.annotations).toEqual([{ ...kept, text: 'Edited text' }]);

    expect(
      (
        await api(base, `/api/v1/spans/${traceId}/${newSpanId()}/annotations`, {
          method: 'PUT',
          json: { annotations: [] },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api(base, `/api/v1/spans/${newTraceId()}/${chat}/annotations`, {
          method: 'PUT',
          json: { annotations: [] },
        })
      ).status,
    ).toBe(404);
    expectBadRequest(
      await api(base, path, { method: 'PUT', json: { annotations: [{ text: '' }] } }),
      'annotations[0].text',
    );
    expectBadRequest(await api(base, path, { method: 'PUT', json: { notes: [] } }), 'annotations');
    expectBadRequest(
      await api(base, `/api/v1/spans/${traceId}/nothex/annotations`, {
        method: 'PUT',
        json: { annotations: [] },
      }),
      'spanId',
    );
  });
});

describe('routing', () => {
  test('unknown API paths are JSON 404s, wrong methods 405 with Allow', async () => {
    const missing = await api<{ error: { code: string } }>(base, '/api/v1/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const wrong = await api(base, '/api/v1/traces', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    // /traces/import exists (POST only): GET on it is a 405, not a lookup of a trace called "import".
    const importGet = await api(base, '/api/v1/traces/import');
    expect(importGet.status).toBe(405);
    expect(importGet.headers.get('allow')).toBe('POST');
  });
});

describe('SQL injection attempts are inert', () => {
  test('in every filter: a 400 or an empty answer, never an error or other data', async () => {
    const stringParams = ['service', 'agent', 'model', 'q', 'tag'];
    for (const payload of INJECTIONS) {
      for (const name of stringParams) {
        const answer = await api<TraceListResponse>(
          base,
          `/api/v1/traces?${name}=${encodeURIComponent(payload)}`,
        );
        expect(answer.status, `${name}=${payload}`).toBe(200);
        expect(answer.body.traces, `${name}=${payload}`).toEqual([]);
      }
      for (const name of ['status', 'from', 'to', 'cursor', 'limit', 'minCostUsd', 'minDurationMs']) {
        expectBadRequest(await api(base, `/api/v1/traces?${name}=${encodeURIComponent(payload)}`), name);
      }
      expectBadRequest(await api(base, `/api/v1/traces/${encodeURIComponent(payload)}`), 'traceId');
      const search = await api<{ hits: unknown[] }>(base, `/api/v1/search?q=${encodeURIComponent(payload)}`);
      expect(search.status, `search q=${payload}`).toBe(200);
      expect(search.body.hits).toEqual([]);
      expectBadRequest(
        await api(base, `/api/v1/stats/summary?groupBy=${encodeURIComponent(payload)}`),
        'groupBy',
      );
      expectBadRequest(
        await api(base, `/api/v1/traces/${fleet[0]!.traceId}/export?format=${encodeURIComponent(payload)}`),
        'format',
      );
    }
    // Values are stored and read back verbatim, and every table is intact.
    const tags = await api<TraceTagsResponse>(base, `/api/v1/traces/${fleet[1]!.traceId}/tags`, {
      method: 'PUT',
      json: { tags: INJECTIONS.map((p) => p.replaceAll(/[\n\t]/g, ' ')) },
    });
    expect(tags.status).toBe(200);
    const detail = await getOk<TraceDetailResponse>(base, `/api/v1/traces/${fleet[1]!.traceId}`);
    expect(detail.trace.tags).toEqual(tags.body.tags);
    expect(await listAll(`tag=${encodeURIComponent("' OR 1=1 --")}`)).toEqual([fleet[1]!.traceId]);
    const { traces } = await getOk<TraceListResponse>(base, '/api/v1/traces?limit=500');
    expect(traces.length).toBeGreaterThanOrEqual(FLEET_SIZE);
  });
});
