import type { BackendSrv, BackendSrvRequest } from '@grafana/runtime';
import { Observable, of, throwError } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { apiPath, BeaconApiError } from './client';
import { createFetchClient } from './fetchClient';
import { createProxyClient } from './proxyClient';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('apiPath', () => {
  it('leaves out empty parameters and encodes the rest', () => {
    expect(
      apiPath('/traces', { service: 'a b', agent: '', model: undefined, minCostUsd: 0.5, limit: Number.NaN }),
    ).toBe('/api/v1/traces?service=a+b&minCostUsd=0.5');
    expect(apiPath('/traces')).toBe('/api/v1/traces');
  });
});

describe('fetch client', () => {
  it('GETs the collector API under the base URL with the API key', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () =>
      jsonResponse(200, { traces: [], nextCursor: null }),
    );
    const client = createFetchClient({ baseUrl: 'http://collector:4320/', apiKey: 'k1', fetch });
    await client.listTraces({ status: 'error', cursor: 'c/2', limit: 10 });
    await client.getTrace('ab/cd');
    await client.getTraceGraph('abcd');
    await client.search({ q: 'refund' });
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([
      'http://collector:4320/api/v1/traces?status=error&cursor=c%2F2&limit=10',
      'http://collector:4320/api/v1/traces/ab%2Fcd',
      'http://collector:4320/api/v1/traces/abcd/graph',
      'http://collector:4320/api/v1/search?q=refund',
    ]);
    expect((fetch.mock.calls[0]![1]!.headers as Record<string, string>).authorization).toBe('Bearer k1');
  });

  it("turns the collector's error body, other failures and network errors into BeaconApiError", async () => {
    const fetch = vi
      .fn<typeof globalThis.fetch>()
      .mockResolvedValueOnce(
        jsonResponse(400, { error: { code: 'bad_request', message: 'limit must be 1..500' } }),
      )
      .mockResolvedValueOnce(new Response('upstream down', { status: 502, statusText: 'Bad Gateway' }))
      .mockRejectedValueOnce(new TypeError('fetch failed'));
    const client = createFetchClient({ baseUrl: '', fetch });
    await expect(client.listTraces({ limit: 0 })).rejects.toMatchObject({
      name: 'BeaconApiError',
      status: 400,
      code: 'bad_request',
      message: 'limit must be 1..500',
    });
    await expect(client.getTrace('x')).rejects.toMatchObject({ status: 502, message: 'upstream down' });
    const err = await client.getTrace('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BeaconApiError);
    expect(err).toMatchObject({ status: 0, code: 'network' });
    expect((err as Error).message).toContain('Cannot reach the Beacon collector at this origin');
  });
});

describe('plugin-proxy client', () => {
  it("calls the app's proxy route through Grafana's backend service", async () => {
    const requests: BackendSrvRequest[] = [];
    const backend = {
      fetch: (req: BackendSrvRequest) => {
        requests.push(req);
        return of({ data: { traces: [], nextCursor: null }, status: 200 });
      },
    } as unknown as BackendSrv;
    const client = createProxyClient(() => backend);
    await expect(client.listTraces({ agent: 'planner' })).resolves.toEqual({ traces: [], nextCursor: null });
    expect(requests[0]).toMatchObject({
      url: 'api/plugin-proxy/beacon-agents-app/collector/api/v1/traces?agent=planner',
      method: 'GET',
      showErrorAlert: false,
    });
  });

  it('maps FetchError to BeaconApiError and cancels on abort', async () => {
    const failing = {
      fetch: () =>
        throwError(() => ({
          status: 404,
          statusText: 'Not Found',
          data: { error: { code: 'not_found', message: 'no such trace' } },
        })),
    } as unknown as BackendSrv;
    await expect(createProxyClient(() => failing).getTrace('t')).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'no such trace',
    });

    let unsubscribed = false;
    const hanging = {
      fetch: () =>
        new Observable(() => () => {
          unsubscribed = true;
        }),
    } as unknown as BackendSrv;
    const controller = new AbortController();
    const pending = createProxyClient(() => hanging).getTrace('t', { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeDefined();
    expect(unsubscribed).toBe(true);
  });
});
