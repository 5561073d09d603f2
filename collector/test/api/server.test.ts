// The API port without storage: the OpenAPI document against the route table, routing, CORS, and the fallback
// handler the standalone UI mounts through.

import { createPricer } from '@beacon/semconv';
import type { ClickHouseClient } from '@clickhouse/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createQueryApi } from '../../src/api/query-api.js';
import { type ApiServer, createApiServer, type FallbackHandler } from '../../src/api/server.js';
import { BudgetService } from '../../src/budgets/service.js';
import { loadConfig } from '../../src/config.js';
import { api } from './helpers.js';

const logger = pino({ level: 'silent' });
// Every route module, with services that are never reached: no test here calls a route that would use them.
const config = loadConfig({}, {});
const sink = { accept: () => ({ accepted: true as const }) };
const unused = async (): Promise<never> => {
  throw new Error('not reached in this test');
};
const { routes } = createQueryApi({
  maxBodyBytes: 1024,
  maxSpansPerTraceView: 20_000,
  ingest: {
    sink,
    decodeOtlpJson: () => ({ spans: [], rejectedSpans: 0, errors: [] }),
    flush: async () => {},
  },
  replay: { settings: config, sink, flush: async () => {}, logger },
  analysis: { pricer: createPricer(), config, callModel: unused, logger },
  budgets: {
    budgets: new BudgetService({
      storageFor: unused,
      knownTenants: async () => [],
      fileBudgets: new Map(),
      intervalMs: 60_000,
      logger,
    }),
  },
  shares: { sharedStorageFor: unused, logger },
});

const servers: ApiServer[] = [];
const fallbackCalls: string[] = [];
const fallback: FallbackHandler = (req, res) => {
  fallbackCalls.push(req.url ?? '');
  if (req.url !== '/' && req.url !== '/traces/abc') return false;
  res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Beacon</title>');
  return true;
};

async function start(options: { corsOrigins?: string[] } = {}): Promise<string> {
  const server = createApiServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    readiness: { notReadyReason: () => null },
    routes,
    fallback,
    // Nothing here reaches storage: a client that fails loudly if it is ever used.
    storageFor: async () => ({
      client: new Proxy({} as ClickHouseClient, {
        get: () => {
          throw new Error('storage must not be used');
        },
      }),
      database: 'beacon',
    }),
    ...options,
  });
  servers.push(server);
  return `http://127.0.0.1:${(await server.start()).port}`;
}

let base: string;
beforeAll(async () => {
  base = await start();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; parameters: { name: string; in: string }[] }>>;
  components: { schemas: Record<string, unknown> };
}

describe('GET /api/v1/openapi.json', () => {
  test('describes exactly the routes of the router, with their parameters', async () => {
    const { status, body: doc } = await api<OpenApiDoc>(base, '/api/v1/openapi.json');
    expect(status).toBe(200);
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of routes) {
      const operation = doc.paths[route.path]![route.method.toLowerCase()]!;
      expect(operation.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
        ...Object.keys(route.pathParams).map((name) => `path:${name}`),
        ...Object.keys(route.query).map((name) => `query:${name}`),
      ]);
    }
    // The routes the brief lists are all there.
    expect(documented).toEqual(
      expect.arrayContaining([
        'GET /api/v1/traces',
        'GET /api/v1/traces/{traceId}',
        'GET /api/v1/traces/{traceId}/graph',
        'GET /api/v1/traces/{traceId}/export',
        'POST /api/v1/traces/import',
        'PUT /api/v1/traces/{traceId}/tags',
        'PUT /api/v1/spans/{traceId}/{spanId}/annotations',
        'GET /api/v1/search',
        'GET /api/v1/stats/summary',
        'GET /api/v1/stats/timeseries',
        'GET /api/v1/openapi.json',
      ]),
    );
    // Every $ref points at a component.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map(
      (m) => m[1]!,
    );
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(doc.components.schemas, ref).toHaveProperty(ref);
  });

  test('HEAD answers like GET without a body', async () => {
    const res = await fetch(`${base}/api/v1/openapi.json`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.text()).toBe('');
  });
});

describe('CORS', () => {
  test('localhost origins (the default) may call the API; other origins get no CORS headers', async () => {
    const preflight = await fetch(`${base}/api/v1/traces/0123456789abcdef0123456789abcdef/tags`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('PUT, OPTIONS');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');

    const get = await api(base, '/api/v1/openapi.json', { headers: { origin: 'http://127.0.0.1:3000' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3000');
    const error = await api(base, '/api/v1/nothing', { headers: { origin: 'http://localhost:3000' } });
    expect(error.status).toBe(404);
    expect(error.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');

    const evil = await fetch(`${base}/api/v1/openapi.json`, { headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const evilPreflight = await fetch(`${base}/api/v1/traces`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('configured origins and "*"', async () => {
    const listed = await start({ corsOrigins: ['https://grafana.example.com'] });
    const ok = await fetch(`${listed}/api/v1/openapi.json`, {
      headers: { origin: 'https://grafana.example.com' },
    });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://grafana.example.com');
    const local = await fetch(`${listed}/api/v1/openapi.json`, {
      headers: { origin: 'http://localhost:5173' },
    });
    expect(local.headers.get('access-control-allow-origin')).toBeNull();

    const any = await start({ corsOrigins: ['*'] });
    const res = await fetch(`${any}/api/v1/openapi.json`, {
      headers: { origin: 'https://anywhere.example' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('fallback (the standalone UI)', () => {
  test('answers paths outside /api and the built-in ones; never sees /api paths', async () => {
    fallbackCalls.length = 0;
    const page = await fetch(`${base}/traces/abc`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Beacon</title>');

    const missing = await api<{ error: { code: string } }>(base, '/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect((await api(base, '/api/v1/nothing')).status).toBe(404);
    expect((await api(base, '/healthz')).body).toEqual({ status: 'ok' });
    expect((await api(base, '/nothing-here', { method: 'POST' })).status).toBe(405);
    expect(fallbackCalls).toEqual(['/traces/abc', '/nothing-here', '/nothing-here']);
  });
});
