// Acceptance (issue 7/9, point 3): with BEACON_AUTH=on, tenant A's key never lists, reads, searches or exports tenant
// B's data, on every endpoint of the query API (the list of endpoints comes from the OpenAPI document, so a new route
// without a case here fails this test); a missing, wrong or revoked key gets 401, a key without the scope 403; and SQL
// injection attempts in every parameter are inert. Tenant B ingests over gRPC (key in the call metadata), tenant A over
// OTLP/HTTP, and B also writes a span into a trace id A uses — which A must never see, nor B see A's spans of it.
// Modules of the API add their operations' cases (and the data they aim at) in ./cases (see isolation.ts).
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { type MockLlm, startMockLlm } from '../fixtures/mock-llm.js';
import { newSpanId, newTraceId, type SpanSpec, traceRequest } from '../support/otlp-json.js';
import { type Answer, call, grpcExport, postSpans, writeKeys } from './helpers.js';
import type { CrossTenantCase, IsolationCases, IsolationWorld, TenantTrace } from './isolation.js';

const A_SECRET = 'ACMESECRET';
const B_SECRET = 'GLOBEXSECRET';

const { file, keys } = writeKeys({
  a: { tenant: 'acme', scopes: ['ingest', 'read', 'write'] },
  b: { tenant: 'globex', scopes: ['ingest', 'read', 'write'] },
  aRead: { tenant: 'acme', scopes: ['read'] },
  aIngest: { tenant: 'acme', scopes: ['ingest'] },
  aRevoked: { tenant: 'acme', scopes: ['ingest', 'read', 'write'], revoked: true },
});
const WRONG_KEY = 'bk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function tenantTrace(service: string, agent: string, secret: string): TenantTrace {
  return {
    traceId: newTraceId(),
    rootSpan: newSpanId(),
    chatSpan: newSpanId(),
    toolSpan: newSpanId(),
    service,
    agent,
    secret,
  };
}

function spansOf(t: TenantTrace): SpanSpec[] {
  const message = (text: string) =>
    JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: text }] }]);
  return [
    {
      name: `invoke_agent ${t.agent}`,
      spanId: t.rootSpan,
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': t.agent },
      durationMs: 900,
    },
    {
      name: 'chat gpt-4o-mini',
      spanId: t.chatSpan,
      parent: t.rootSpan,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.agent.name': t.agent,
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 30,
        'gen_ai.input.messages': message(`Summarise the ${t.secret} quarterly numbers`),
      },
    },
    {
      name: `execute_tool ${t.agent}_lookup`,
      spanId: t.toolSpan,
      parent: t.rootSpan,
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': `${t.agent}_lookup` },
      error: `lookup failed for ${t.secret}`,
    },
  ];
}

const A = tenantTrace('acme-support', 'acme_planner', A_SECRET);
const B = tenantTrace('globex-billing', 'globex_agent', B_SECRET);
/** A trace id both tenants write to: A's span and B's intruder span. */
const SHARED_TRACE = newTraceId();
const sharedSpanA = newSpanId();
const intruderSpan = newSpanId();
const A_MARKERS = [A.traceId, A.rootSpan, A.chatSpan, A.toolSpan, sharedSpanA, A.service, A.agent, A_SECRET];

let mock: MockLlm;
let collector: TestCollector;
let api: string;
let promptVersionA: string;
let promptKeyA: string;
const window = () => `from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`;

/** True when the answer shows anything of tenant A that the request did not carry itself (a 404 names its id). */
const leaksA = (answer: Answer) =>
  A_MARKERS.some(
    (marker) => answer.text.includes(marker) && !decodeURIComponent(answer.sent).includes(marker),
  );

beforeAll(async () => {
  mock = await startMockLlm();
  collector = await startTestCollector({
    auth: 'on',
    apiKeysFile: file,
    openaiBaseUrl: mock.url,
    openaiApiKey: 'sk-test-isolation',
    // The injection sweep sends hundreds of requests per second with B's key; rate limits are tested elsewhere.
    authRateLimit: '100000',
  });
  api = `${collector.apiUrl}/api/v1`;

  const a = await postSpans(collector.httpUrl, traceRequest(A.service, spansOf(A), A.traceId), keys.a);
  expect(a.status).toBe(200);
  const shared = traceRequest(
    A.service,
    [{ name: 'acme shared', spanId: sharedSpanA, attributes: {} }],
    SHARED_TRACE,
  );
  expect((await postSpans(collector.httpUrl, shared, keys.a)).status).toBe(200);
  const b = await grpcExport(collector.ports.grpc, traceRequest(B.service, spansOf(B), B.traceId), {
    'x-beacon-api-key': keys.b,
  });
  expect(b).toBeNull();
  const intruder = await grpcExport(
    collector.ports.grpc,
    traceRequest(
      B.service,
      [{ name: `intruder ${B_SECRET}`, spanId: intruderSpan, attributes: {} }],
      SHARED_TRACE,
    ),
    { authorization: `Bearer ${keys.b}` },
  );
  expect(intruder).toBeNull();
  await collector.writer.flush();

  // A prompt version of A's (a replay against the mock provider), for the prompt-version routes.
  const replay = await call(`${api}/replay`, {
    key: keys.a,
    method: 'POST',
    body: { traceId: A.traceId, spanId: A.chatSpan, label: `acme ${A_SECRET}` },
  });
  expect(replay.status, replay.text).toBe(200);
  const result = JSON.parse(replay.text) as { version: { id: string; promptKey: string } };
  promptVersionA = result.version.id;
  promptKeyA = result.version.promptKey;
  await call(`${api}/traces/${A.traceId}/tags`, { key: keys.a, method: 'PUT', body: { tags: ['acme-tag'] } });

  world = {
    collector,
    api,
    keys: { a: keys.a, b: keys.b, aRead: keys.aRead, aIngest: keys.aIngest },
    A,
    B,
    aMarkers: A_MARKERS,
    window,
  };
  for (const provider of providers) await provider.setup?.(world);
  for (const provider of providers) {
    for (const [operationId, testCase] of Object.entries(provider.cases(world))) {
      if (operationId in crossTenant) throw new Error(`two cases for ${operationId}`);
      crossTenant[operationId] = testCase;
    }
    Object.assign(validPathValues, provider.pathValues?.(world));
  }
}, 120_000);

afterAll(async () => {
  await collector?.dispose();
  await mock?.close();
});

/**
 * Every operation of the API as tenant B aimed at tenant A's data: what B gets must show nothing of A. Keyed by the
 * OpenAPI operationId; `ok` = statuses that are a correct answer for B.
 */
const coreCases: IsolationCases = {
  cases: () => ({
    listTraces: { run: (key) => call(`${api}/traces?${window()}&limit=200`, { key }), ok: [200] },
    getTrace: { run: (key) => call(`${api}/traces/${A.traceId}`, { key }), ok: [404] },
    getTraceGraph: { run: (key) => call(`${api}/traces/${A.traceId}/graph`, { key }), ok: [404] },
    getTraceSpan: {
      run: (key) => call(`${api}/traces/${A.traceId}/spans/${A.chatSpan}`, { key }),
      ok: [404],
    },
    exportTrace: { run: (key) => call(`${api}/traces/${A.traceId}/export?format=otlp`, { key }), ok: [404] },
    importTraces: {
      // B can only import into B: an export of its own trace, re-imported (already stored: nothing new).
      run: async (key) => {
        const exported = await call(`${api}/traces/${B.traceId}/export?format=json`, { key });
        return call(`${api}/traces/import`, { key, method: 'POST', body: exported.text });
      },
      ok: [200],
    },
    putTraceTags: {
      run: (key) => call(`${api}/traces/${A.traceId}/tags`, { key, method: 'PUT', body: { tags: ['x'] } }),
      ok: [404],
    },
    putSpanAnnotations: {
      run: (key) =>
        call(`${api}/spans/${A.traceId}/${A.chatSpan}/annotations`, {
          key,
          method: 'PUT',
          body: { annotations: [{ text: 'from globex', author: 'b' }] },
        }),
      ok: [404],
    },
    search: { run: (key) => call(`${api}/search?q=${A_SECRET}&${window()}`, { key }), ok: [200] },
    statsSummary: {
      run: (key) => call(`${api}/stats/summary?groupBy=service&${window()}`, { key }),
      ok: [200],
    },
    statsTimeseries: {
      run: (key) => call(`${api}/stats/timeseries?groupBy=agent&${window()}`, { key }),
      ok: [200],
    },
    openapi: { run: (key) => call(`${api}/openapi.json`, { key }), ok: [200] },
    replay: {
      run: (key) =>
        call(`${api}/replay`, { key, method: 'POST', body: { traceId: A.traceId, spanId: A.chatSpan } }),
      ok: [404],
    },
    listPromptVersions: {
      run: (key) => call(`${api}/prompts/versions?promptKey=${encodeURIComponent(promptKeyA)}`, { key }),
      ok: [200],
    },
    getPromptVersion: { run: (key) => call(`${api}/prompts/versions/${promptVersionA}`, { key }), ok: [404] },
    restorePromptVersion: {
      run: (key) => call(`${api}/prompts/versions/${promptVersionA}/restore`, { key, method: 'POST' }),
      ok: [404],
    },
    analyzeTrace: {
      run: (key) => call(`${api}/analysis/root-cause`, { key, method: 'POST', body: { traceId: A.traceId } }),
      ok: [404],
    },
    markBaseline: {
      run: (key) => call(`${api}/traces/${A.traceId}/baseline`, { key, method: 'PUT' }),
      ok: [404],
    },
  }),
};

const CASES_DIR = new URL('./cases/', import.meta.url);
/** Every module's cases: the core API's above, and each file in ./cases. */
const providers: IsolationCases[] = [
  coreCases,
  ...(await Promise.all(
    (existsSync(CASES_DIR) ? readdirSync(CASES_DIR) : [])
      .filter((file) => file.endsWith('.ts'))
      .sort()
      .map(async (file) => (await import(`./cases/${file}`)).default as IsolationCases),
  )),
];
const crossTenant: Record<string, CrossTenantCase> = {};
const validPathValues: Record<string, string> = {};
let world: IsolationWorld;

interface OpenApiOperation {
  operationId: string;
  security: unknown[];
  'x-beacon-scope'?: 'read' | 'write';
  parameters: { name: string; in: 'path' | 'query' }[];
}

async function operations(): Promise<{ method: string; path: string; op: OpenApiOperation }[]> {
  const doc = JSON.parse((await call(`${api}/openapi.json`)).text) as {
    paths: Record<string, Record<string, OpenApiOperation>>;
  };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

describe('tenant isolation', () => {
  test('every operation of the API has a cross-tenant case here', async () => {
    const ids = (await operations()).map((o) => o.op.operationId).sort();
    expect(Object.keys(crossTenant).sort()).toEqual(ids);
  });

  test('every operation: tenant B sees nothing of tenant A', async () => {
    for (const [operationId, testCase] of Object.entries(crossTenant)) {
      const answer = await testCase.run(keys.b);
      expect.soft(testCase.ok, `${operationId}: ${answer.status} ${answer.text}`).toContain(answer.status);
      expect.soft(leaksA(answer), `${operationId} leaks: ${answer.text}`).toBe(false);
    }
  });

  test("A's reads show A's data, never B's (including B's span written into a trace id A uses)", async () => {
    const spanIds = async (traceId: string, key: string) => {
      const answer = await call(`${api}/traces/${traceId}`, { key });
      return (JSON.parse(answer.text) as { spans: { spanId: string }[] }).spans.map((s) => s.spanId).sort();
    };
    expect(await spanIds(A.traceId, keys.aRead)).toEqual([A.rootSpan, A.chatSpan, A.toolSpan].sort());
    expect(await spanIds(SHARED_TRACE, keys.aRead)).toEqual([sharedSpanA]);
    expect(await spanIds(SHARED_TRACE, keys.b)).toEqual([intruderSpan]);

    const list = await call(`${api}/traces?${window()}&limit=200`, { key: keys.aRead });
    expect(list.text).toContain(A.traceId);
    expect(list.text).not.toContain(B.traceId);
    expect(list.text).not.toContain(B.service);

    const hits = await call(`${api}/search?q=${B_SECRET}&${window()}`, { key: keys.aRead });
    expect(hits.status).toBe(200);
    expect(hits.text).not.toContain(B_SECRET);
    expect((await call(`${api}/search?q=${A_SECRET}&${window()}`, { key: keys.aRead })).text).toContain(
      A.chatSpan,
    );

    const stats = JSON.parse(
      (await call(`${api}/stats/summary?groupBy=service&${window()}`, { key: keys.aRead })).text,
    ) as { groups: { key: string; calls: number }[] };
    // A's service and A's replay (stored as service beacon-replay, in A's tenant), nothing of B's.
    expect(stats.groups.map((g) => g.key).sort()).toEqual([A.service, 'beacon-replay']);

    const versions = await call(`${api}/prompts/versions?promptKey=${encodeURIComponent(promptKeyA)}`, {
      key: keys.aRead,
    });
    expect(versions.text).toContain(promptVersionA);

    // A's tag as A stored it; B's attempt on A's trace changed nothing.
    const listed = (await call(`${api}/traces?${window()}&limit=200`, { key: keys.a })).text;
    expect(listed).toContain('acme-tag');
    expect(listed).not.toContain('"x"');
  });

  test('error patterns across traces and exports stay within the tenant', async () => {
    const patterns = await call(`${api}/analysis/error-patterns`, { key: keys.b, method: 'POST', body: {} });
    expect(patterns.status, patterns.text).toBe(200);
    expect(patterns.text).toContain(B_SECRET);
    expect(leaksA(patterns)).toBe(false);
    for (const format of ['json', 'otlp', 'csv']) {
      const own = await call(`${api}/traces/${B.traceId}/export?format=${format}`, { key: keys.b });
      expect(own.status).toBe(200);
      expect(own.text).toContain(B_SECRET);
      const other = await call(`${api}/traces/${B.traceId}/export?format=${format}`, { key: keys.a });
      expect(other.status).toBe(404);
    }
  });

  test("the data is stored in the tenant's own database", async () => {
    const rows = await collector.query<{ database: string; n: number }>(
      `SELECT _database AS database, toFloat64(count()) AS n FROM merge(REGEXP('^beacon'), '^otel_traces$')
       WHERE TraceId IN {ids:Array(String)} GROUP BY database ORDER BY database`,
      { ids: [A.traceId, B.traceId] },
    );
    expect(rows).toEqual([
      { database: 'beacon__acme', n: 3 },
      { database: 'beacon__globex', n: 3 },
    ]);
  });
});

describe('keys and scopes', () => {
  test('no key, a wrong key and a revoked key get 401 on every non-public operation; ingest too', async () => {
    for (const { method, path, op } of await operations()) {
      const url = `${collector.apiUrl}${path
        .replace(/\{traceId\}/g, A.traceId)
        .replace(/\{spanId\}/g, A.chatSpan)
        .replace(/\{\w+\}/g, 'x')}`;
      for (const key of [undefined, WRONG_KEY, 'not-a-key', keys.aRevoked]) {
        const answer = await call(url, { key, method, body: method === 'GET' ? undefined : {} });
        if (op.security.length === 0) {
          expect(answer.status, `${op.operationId} is public`).not.toBe(401);
          continue;
        }
        expect(answer.status, `${op.operationId} with ${key ?? 'no key'}`).toBe(401);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(leaksA(answer)).toBe(false);
      }
    }
    const body = traceRequest(A.service, [{ name: 'x', attributes: {} }]);
    for (const key of [undefined, WRONG_KEY, keys.aRevoked]) {
      expect((await postSpans(collector.httpUrl, body, key)).status).toBe(401);
      const grpcError = await grpcExport(collector.ports.grpc, body, key ? { 'x-beacon-api-key': key } : {});
      expect(grpcError?.code).toBe(16); // UNAUTHENTICATED
    }
  });

  test('a read-only key reads but cannot write or ingest; an ingest key ingests but cannot read', async () => {
    for (const { method, path, op } of await operations()) {
      if (!op['x-beacon-scope']) continue;
      const url = `${collector.apiUrl}${path
        .replace(/\{traceId\}/g, A.traceId)
        .replace(/\{spanId\}/g, A.chatSpan)
        .replace(/\{\w+\}/g, 'x')}`;
      const asRead = await call(url, { key: keys.aRead, method, body: method === 'GET' ? undefined : {} });
      if (op['x-beacon-scope'] === 'write') expect(asRead.status, op.operationId).toBe(403);
      else expect([200, 400, 404], op.operationId).toContain(asRead.status);
      const asIngest = await call(url, {
        key: keys.aIngest,
        method,
        body: method === 'GET' ? undefined : {},
      });
      expect(asIngest.status, op.operationId).toBe(403);
    }
    const body = traceRequest(A.service, [{ name: 'from the read key', attributes: {} }]);
    expect((await postSpans(collector.httpUrl, body, keys.aRead)).status).toBe(403);
    expect((await grpcExport(collector.ports.grpc, body, { 'x-beacon-api-key': keys.aRead }))?.code).toBe(7);
    expect((await postSpans(collector.httpUrl, body, keys.aIngest)).status).toBe(200);
  });
});

describe('SQL injection', () => {
  const PAYLOADS = [
    "' OR '1'='1",
    "x' OR 1=1 --",
    "') UNION ALL SELECT TraceId FROM beacon__acme.otel_traces --",
    '1; DROP TABLE otel_traces',
    "acme-support' OR ServiceName != '",
    '{q:String}',
    "\\' OR 1=1 #",
    `${A.traceId}' OR '1'='1`,
  ];

  test("every parameter of every GET operation: answered 200/400/404, never 5xx, and never A's data to B", async () => {
    let requests = 0;
    for (const { method, path, op } of await operations()) {
      if (method !== 'GET') continue;
      const valid: Record<string, string> = {
        traceId: B.traceId,
        spanId: B.chatSpan,
        versionId: promptVersionA,
        ...validPathValues,
      };
      for (const param of op.parameters) {
        for (const payload of PAYLOADS) {
          let url = path.replace(/\{(\w+)\}/g, (_, name: string) =>
            encodeURIComponent(name === param.name ? payload : (valid[name] ?? 'x')),
          );
          if (param.in === 'query') url += `?${param.name}=${encodeURIComponent(payload)}`;
          const answer = await call(`${collector.apiUrl}${url}`, { key: keys.b });
          requests++;
          expect([200, 400, 404], `${op.operationId} ${param.name}=${payload}: ${answer.text}`).toContain(
            answer.status,
          );
          expect(leaksA(answer), `${op.operationId} ${param.name}=${payload}`).toBe(false);
        }
      }
    }
    expect(requests).toBeGreaterThan(50);
  });

  test('injection in bodies is stored and read back as text, and nothing was dropped or widened', async () => {
    const tag = "x'); DROP TABLE beacon_trace_tags; --";
    const put = await call(`${api}/traces/${B.traceId}/tags`, {
      key: keys.b,
      method: 'PUT',
      body: { tags: [tag] },
    });
    expect(put.status, put.text).toBe(200);
    const annotation = "' OR 1=1; DROP TABLE otel_traces --";
    const annotated = await call(`${api}/spans/${B.traceId}/${B.chatSpan}/annotations`, {
      key: keys.b,
      method: 'PUT',
      body: { annotations: [{ text: annotation, author: "admin'--" }] },
    });
    expect(annotated.status, annotated.text).toBe(200);
    const detail = await call(`${api}/traces/${B.traceId}`, { key: keys.b });
    expect(detail.text).toContain(JSON.stringify(annotation).slice(1, -1));
    const listed = await call(`${api}/traces?${window()}&limit=200`, { key: keys.b });
    expect(listed.text).toContain(JSON.stringify(tag).slice(1, -1));

    for (const traceId of ["' OR 1=1 --", `${A.traceId}' OR '1'='1`]) {
      const analysis = await call(`${api}/analysis/root-cause`, {
        key: keys.b,
        method: 'POST',
        body: { traceId },
      });
      expect(analysis.status).toBe(400);
    }

    // A's trace is whole, B's tables are all there.
    const a = JSON.parse((await call(`${api}/traces/${A.traceId}`, { key: keys.a })).text) as {
      spans: unknown[];
    };
    expect(a.spans).toHaveLength(3);
    const tables = await collector.query<{ name: string }>(
      "SELECT name FROM system.tables WHERE database = 'beacon__globex' AND name IN ('otel_traces', 'beacon_trace_tags')",
    );
    expect(tables).toHaveLength(2);
  });
});
