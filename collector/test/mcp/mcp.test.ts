// Acceptance (issue 9/9, MCP server): the MCP SDK's own client, over stdio (spawning `beacon-collector mcp`) and
// over streamable HTTP (the collector's /mcp), lists Beacon's seven tools and gets correct answers about a known
// dataset — trace ids, counts, tokens and costs computed from what was sent; a key of another tenant sees nothing of
// it (empty lists, errors for its trace); a missing, revoked or ingest-only key gets a clear error. A real collector
// (auth on, two tenants) and a real Prometheus (get_alerts) are started; costs come from a price override file so
// the expected dollars are plain arithmetic.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type PrometheusServer, startPrometheus } from '../../../test/integration/prometheus-server.js';
import { TOOL_NAMES } from '../../src/mcp/tools/index.js';
import { call, postSpans } from '../auth/helpers.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { newTraceId, traceRequest } from '../support/otlp-json.js';
import {
  A_MARKERS,
  A1,
  A1_COST,
  A1_SPANS,
  A2,
  A2_COST,
  A2_SPANS,
  ALERT_RULES,
  B1,
  B1_COST,
  B1_SPANS,
  BUDGET,
  keyFile,
  keys,
  PRICES,
} from './dataset.js';
import { type Alerts, answer, type Costs, callTool, type SpanRow, type TraceRow } from './helpers.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Whether this collector has the budgets API (built alongside this one; check_budget is skipped without it). */
let budgetsApi = false;

let dir: string;
let prometheus: PrometheusServer;
let collector: TestCollector;
const clients: Client[] = [];

/** The SDK's client talking to `node collector/dist/cli.js mcp` over stdio (no key when `key` is undefined). */
async function stdioClient(key: string | undefined): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--url', collector.apiUrl, ...(key === undefined ? [] : ['--api-key', key])],
    stderr: 'pipe',
  });
  const client = new Client({ name: 'beacon-mcp-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

async function httpClient(key: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${collector.apiUrl}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${key}` } },
  });
  const client = new Client({ name: 'beacon-mcp-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -b)`);
  dir = await mkdtemp(path.join(tmpdir(), 'beacon-mcp-'));
  const rules = path.join(dir, 'alerts.rules.yaml');
  await writeFile(rules, ALERT_RULES);
  const prices = path.join(dir, 'prices.json');
  await writeFile(
    prices,
    JSON.stringify({
      version: 'mcp-test',
      models: Object.entries(PRICES).map(([match, p]) => ({
        provider: 'acme-llm',
        match,
        input_per_mtok: p.input,
        output_per_mtok: p.output,
      })),
    }),
  );
  // Nothing to scrape: the rules alone fire.
  prometheus = await startPrometheus({ targets: ['127.0.0.1:9'], ruleFiles: [rules] });
  collector = await startTestCollector({
    auth: 'on',
    apiKeysFile: keyFile,
    priceOverridesFile: prices,
    prometheusUrl: prometheus.url,
  });
  for (const [service, spans, traceId, key] of [
    ['acme-support', A1_SPANS, A1.traceId, keys.a],
    ['acme-support', A2_SPANS, A2.traceId, keys.a],
    ['globex-billing', B1_SPANS, B1.traceId, keys.b],
  ] as const) {
    const sent = await postSpans(collector.httpUrl, traceRequest(service, [...spans], traceId), key);
    expect(sent.status, sent.text).toBe(200);
  }
  await collector.writer.flush();
  const budget = await call(`${collector.apiUrl}/api/v1/budgets/${BUDGET.name}`, {
    key: keys.aWrite,
    method: 'PUT',
    body: { limit: BUDGET.limit, unit: 'usd', period: 'day' },
  });
  budgetsApi = budget.status !== 404;
  if (budgetsApi) expect(budget.status, budget.text).toBe(200);
  await prometheus.waitFor('ALERTS{alertstate="firing"}', (r) => r.length === 3, 60_000);
}, 180_000);

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => {});
  await collector?.dispose();
  await prometheus?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('stdio: beacon-collector mcp with tenant acme’s key', () => {
  let a: Client;
  beforeAll(async () => {
    a = await stdioClient(keys.a);
  });

  test('lists the seven read-only tools with input schemas', async () => {
    const { tools } = await a.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
      expect(tool.description?.length, tool.name).toBeGreaterThan(80);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
    }
    const getTrace = tools.find((t) => t.name === 'get_trace')!;
    expect(getTrace.inputSchema.required).toEqual(['traceId']);
  });

  test('query_traces: both runs with their counts, tokens and cost; status=error finds the failing one', async () => {
    const { traces, nextCursor } = await answer<{ traces: TraceRow[]; nextCursor: string | null }>(
      a,
      'query_traces',
      { since: '1h' },
    );
    expect(traces.map((t) => t.traceId).sort()).toEqual([A1.traceId, A2.traceId].sort());
    expect(nextCursor).toBeNull();
    const planner = traces.find((t) => t.traceId === A1.traceId)!;
    expect(planner).toMatchObject({
      status: 'error',
      errors: 1,
      spans: 3,
      llmCalls: 1,
      toolCalls: 1,
      inputTokens: 1000,
      outputTokens: 200,
      rootAgent: 'acme_planner',
      service: 'acme-support',
    });
    expect(planner.costUsd).toBeCloseTo(A1_COST, 9);
    expect(traces.find((t) => t.traceId === A2.traceId)!.costUsd).toBeCloseTo(A2_COST, 9);

    const failing = await answer<{ traces: TraceRow[] }>(a, 'query_traces', { status: 'error' });
    expect(failing.traces.map((t) => t.traceId)).toEqual([A1.traceId]);
    const byModel = await answer<{ traces: TraceRow[] }>(a, 'query_traces', { model: 'mcp-large' });
    expect(byModel.traces.map((t) => t.traceId)).toEqual([A2.traceId]);
  });

  test('get_trace: the call tree with status, model, tokens and cost; messages only when asked', async () => {
    const { trace, spans } = await answer<{ trace: TraceRow; spans: SpanRow[] }>(a, 'get_trace', {
      traceId: A1.traceId,
    });
    expect(trace.traceId).toBe(A1.traceId);
    expect(spans.map((s) => s.spanId).sort()).toEqual([A1.root, A1.chat, A1.tool].sort());
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    expect(byId.get(A1.root)!.parentSpanId).toBeUndefined();
    expect(byId.get(A1.chat)).toMatchObject({
      parentSpanId: A1.root,
      operation: 'chat',
      model: 'mcp-small',
      inputTokens: 1000,
      outputTokens: 200,
    });
    expect(byId.get(A1.chat)!.costUsd).toBeCloseTo(A1_COST, 9);
    expect(byId.get(A1.tool)).toMatchObject({ parentSpanId: A1.root, status: 'error', tool: 'acme_lookup' });
    expect(byId.get(A1.tool)!.error).toBe('lookup failed for ACMESECRET');
    expect(JSON.stringify(spans)).not.toContain('quarterly numbers');

    const withMessages = await answer<{ spans: SpanRow[] }>(a, 'get_trace', {
      traceId: A1.traceId,
      includeMessages: true,
    });
    const chatSpan = withMessages.spans.find((s) => s.spanId === A1.chat)!;
    expect(JSON.stringify(chatSpan.inputMessages)).toContain('Summarise the ACMESECRET quarterly numbers');
  });

  test('get_trace of an unknown id, or a malformed one, is a tool error naming the problem', async () => {
    const unknown = await callTool(a, 'get_trace', { traceId: newTraceId() });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/404 not_found: trace [0-9a-f]{32} not found/);
    const malformed = await callTool(a, 'get_trace', { traceId: 'not-a-trace' });
    expect(malformed.isError).toBe(true);
    expect(malformed.text).toContain('traceId');
  });

  test('search_spans finds the prompt text in the right span', async () => {
    const { hits } = await answer<{ hits: { traceId: string; spanId: string; field: string }[] }>(
      a,
      'search_spans',
      { query: 'quarterly numbers' },
    );
    expect(hits).toEqual([
      expect.objectContaining({ traceId: A1.traceId, spanId: A1.chat, field: 'message' }),
    ]);
  });

  test('get_costs: calls, tokens and dollars per model and per agent, totals, and the time series', async () => {
    const byModel = await answer<Costs>(a, 'get_costs', { groupBy: 'model', timeseries: true });
    expect(byModel.groups.map((g) => g.key)).toEqual(['mcp-large', 'mcp-small']);
    expect(byModel.groups[0]).toMatchObject({ calls: 1, inputTokens: 2000, outputTokens: 500 });
    expect(byModel.groups[0]!.costUsd).toBeCloseTo(A2_COST, 9);
    expect(byModel.groups[1]).toMatchObject({ calls: 1, inputTokens: 1000, outputTokens: 200 });
    expect(byModel.groups[1]!.costUsd).toBeCloseTo(A1_COST, 9);
    expect(byModel.totals).toMatchObject({ calls: 2, traces: 2, inputTokens: 3000, outputTokens: 700 });
    expect(byModel.totals.costUsd).toBeCloseTo(A1_COST + A2_COST, 9);
    for (const series of byModel.timeseries!.series) {
      const group = byModel.groups.find((g) => g.key === series.key)!;
      const sum = series.points.reduce((total, p) => total + p.costUsd, 0);
      expect(sum, series.key).toBeCloseTo(group.costUsd, 9);
    }

    const byAgent = await answer<Costs>(a, 'get_costs', { groupBy: 'agent', since: '2h' });
    expect(byAgent.groups.map((g) => [g.key, g.calls])).toEqual([
      ['acme_writer', 1],
      ['acme_planner', 1],
    ]);
  });

  test('analyze_trace: the root cause is the failing tool call', async () => {
    const analysis = await answer<{
      kind: string;
      traceId: string;
      text: string;
      findings: { type: string; spanIds?: string[] }[];
    }>(a, 'analyze_trace', { traceId: A1.traceId });
    expect(analysis.kind).toBe('root-cause');
    expect(analysis.traceId).toBe(A1.traceId);
    const rootCause = analysis.findings.find((f) => f.type === 'root_cause');
    expect(rootCause?.spanIds?.[0]).toBe(A1.tool);
    expect(analysis.text).toContain('acme_lookup');

    const summary = await answer<{ kind: string; text: string }>(a, 'analyze_trace', {
      traceId: A2.traceId,
      kind: 'summary',
    });
    expect(summary.kind).toBe('summary');
    expect(summary.text).toContain('acme_writer');
  });

  test('check_budget: used, remaining and whether a spend fits', async (ctx) => {
    if (!budgetsApi) ctx.skip();
    const used = A1_COST + A2_COST;
    const fits = await answer<Record<string, unknown>>(a, 'check_budget', { name: BUDGET.name, usd: 0.01 });
    expect(fits).toMatchObject({ budget: BUDGET.name, allowed: true, unit: 'usd', limit: BUDGET.limit });
    expect(fits.used as number).toBeCloseTo(used, 9);
    expect(fits.remaining as number).toBeCloseTo(BUDGET.limit - used, 9);
    expect(fits.ratio as number).toBeCloseTo(used / BUDGET.limit, 6);
    expect(Date.parse(fits.periodEnd as string)).toBeGreaterThan(Date.now());
    const over = await answer<{ allowed: boolean }>(a, 'check_budget', { name: BUDGET.name, usd: 0.02 });
    expect(over.allowed).toBe(false);
    const unknown = await callTool(a, 'check_budget', { name: 'no-such-budget' });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain('404');
  });

  test('get_alerts lists budgets past the threshold', async (ctx) => {
    if (!budgetsApi) ctx.skip();
    const ratio = (A1_COST + A2_COST) / BUDGET.limit; // 0.728
    const past = await answer<Alerts>(a, 'get_alerts', { threshold: 0.7 });
    const budgets = past.alerts.filter((x) => x.source === 'budget');
    expect(budgets).toEqual([expect.objectContaining({ name: BUDGET.name, severity: 'info' })]);
    expect(budgets[0]!.ratio).toBeCloseTo(ratio, 4);
    const notYet = await answer<Alerts>(a, 'get_alerts', { threshold: 0.75 });
    expect(notYet.alerts.filter((x) => x.source === 'budget')).toEqual([]);
  });

  test('get_alerts without Prometheus says so (stdio server started without --prometheus-url)', async () => {
    const { alerts, notes } = await answer<Alerts>(a, 'get_alerts');
    expect(alerts.filter((x) => x.source === 'prometheus')).toEqual([]);
    expect(notes.join('\n')).toContain('no Prometheus configured');
  });
});

describe('stdio: another tenant’s key sees nothing of acme', () => {
  let b: Client;
  beforeAll(async () => {
    b = await stdioClient(keys.b);
  });

  test('lists, searches and costs only its own run', async () => {
    const list = await callTool(b, 'query_traces', { since: '1h', limit: 100 });
    expect((list.json.traces as TraceRow[]).map((t) => t.traceId)).toEqual([B1.traceId]);
    const search = await callTool(b, 'search_spans', { query: 'ACMESECRET' });
    expect(search.json.hits).toEqual([]);
    const costs = await answer<Costs>(b, 'get_costs', { groupBy: 'agent' });
    expect(costs.groups.map((g) => g.key)).toEqual(['globex_agent']);
    expect(costs.totals).toMatchObject({ calls: 1, traces: 1, inputTokens: 500, outputTokens: 100 });
    expect(costs.totals.costUsd).toBeCloseTo(B1_COST, 9);
    for (const answerText of [list.text, search.text, JSON.stringify(costs)]) {
      for (const marker of A_MARKERS) expect(answerText).not.toContain(marker);
    }
  });

  test("acme's trace does not exist for it: get_trace and analyze_trace are errors", async () => {
    for (const [tool, args] of [
      ['get_trace', { traceId: A1.traceId }],
      ['analyze_trace', { traceId: A1.traceId }],
      ['analyze_trace', { traceId: A2.traceId, kind: 'cost' }],
      ...(budgetsApi ? ([['check_budget', { name: BUDGET.name }]] as const) : []),
    ] as const) {
      const result = await callTool(b, tool, args);
      expect(result.isError, `${tool} ${result.text}`).toBe(true);
      expect(result.text).toContain('404');
      // A 404 may echo what was asked (the id, the name): nothing else of acme's.
      for (const marker of A_MARKERS.filter((m) => !JSON.stringify(args).includes(m)))
        expect(result.text).not.toContain(marker);
    }
    const { alerts } = await answer<Alerts>(b, 'get_alerts', { threshold: 0 });
    expect(alerts).toEqual([]);
  });
});

describe('stdio: keys that may not read', () => {
  test.each([
    ['no key', undefined, /401 unauthorized: an API key is required.*--api-key or BEACON_API_KEY/],
    ['a revoked key', keys.aRevoked, /401 unauthorized: unknown or revoked API key/],
    ['an ingest-only key', keys.aIngestOnly, /403 forbidden: API key \S+ lacks the read scope/],
  ])('%s: every tool answers a clear error', async (_, key, message) => {
    const client = await stdioClient(key);
    // The handshake and the tool list need no key; the data does.
    expect((await client.listTools()).tools).toHaveLength(TOOL_NAMES.length);
    for (const [tool, args] of [
      ['query_traces', {}],
      ['get_trace', { traceId: A1.traceId }],
      ['get_costs', {}],
    ] as const) {
      const result = await callTool(client, tool, args);
      expect(result.isError, tool).toBe(true);
      expect(result.text).toMatch(message);
      for (const marker of A_MARKERS) expect(result.text).not.toContain(marker);
    }
  });
});

test('stdio: a collector that does not answer is a clear tool error', async () => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--url', 'http://127.0.0.1:9', '--api-key', keys.a],
    stderr: 'pipe',
  });
  const client = new Client({ name: 'beacon-mcp-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  const result = await callTool(client, 'query_traces');
  expect(result.isError).toBe(true);
  expect(result.text).toContain('Beacon collector at http://127.0.0.1:9 did not answer');
});

describe('streamable HTTP: POST /mcp on the API port', () => {
  test('without a key: 401 before any MCP exchange', async () => {
    const res = await fetch(`${collector.apiUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'API key is required',
    );

    const client = new Client({ name: 'beacon-mcp-test', version: '1.0.0' });
    await expect(
      client.connect(new StreamableHTTPClientTransport(new URL(`${collector.apiUrl}/mcp`))),
    ).rejects.toThrow(/401|API key/);
  });

  test("lists the tools and answers with the caller's tenant only", async () => {
    const a = await httpClient(keys.a);
    expect((await a.listTools()).tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
    const listA = await answer<{ traces: TraceRow[] }>(a, 'query_traces', {});
    expect(listA.traces.map((t) => t.traceId).sort()).toEqual([A1.traceId, A2.traceId].sort());

    const b = await httpClient(keys.b);
    const listB = await callTool(b, 'query_traces', {});
    expect((listB.json.traces as TraceRow[]).map((t) => t.traceId)).toEqual([B1.traceId]);
    expect((await callTool(b, 'get_trace', { traceId: A1.traceId })).isError).toBe(true);
  });

  test("get_alerts: Prometheus' firing alerts of the caller's tenant only", async () => {
    const a = await httpClient(keys.a);
    const { alerts } = await answer<Alerts>(a, 'get_alerts');
    expect(alerts.filter((x) => x.source === 'prometheus')).toEqual([
      expect.objectContaining({
        name: 'AcmeTokenBurn',
        severity: 'warning',
        state: 'firing',
        summary: 'acme burns tokens fast',
      }),
    ]);
    const b = await httpClient(keys.b);
    const forB = await answer<Alerts>(b, 'get_alerts');
    expect(forB.alerts.filter((x) => x.source === 'prometheus').map((x) => x.name)).toEqual(['GlobexErrors']);
  });

  test('GET and DELETE: 405, the endpoint is stateless', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${collector.apiUrl}/mcp`, {
        method,
        headers: { authorization: `Bearer ${keys.a}`, accept: 'text/event-stream' },
      });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
  });
});
