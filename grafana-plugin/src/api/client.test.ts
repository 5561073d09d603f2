import type { BackendSrv, BackendSrvRequest } from '@grafana/runtime';
import { Observable, of, throwError } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { apiPath, BeaconApiError } from './client';
import { createFetchClient } from './fetchClient';
import { createProxyClient, createProxyStream } from './proxyClient';

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
      // The detail with each message once (sharedMessages.ts fills the spans back).
      'http://collector:4320/api/v1/traces/ab%2Fcd?messages=shared',
      'http://collector:4320/api/v1/traces/abcd/graph',
      'http://collector:4320/api/v1/search?q=refund',
    ]);
    expect((fetch.mock.calls[0]![1]!.headers as Record<string, string>).authorization).toBe('Bearer k1');
  });

  it('fills each span back with its messages from the shared list, the same objects for the same message', async () => {
    const system = { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] };
    const question = { role: 'user', parts: [{ type: 'text', content: 'Weather in Oslo?' }] };
    const answer = { role: 'assistant', parts: [{ type: 'text', content: 'Rain.' }] };
    const genai = (input: number[], output: number[]) => ({
      operation: 'chat',
      systemInstructions: [],
      inputMessages: [],
      outputMessages: [],
      messageRefs: { system: [0], input, output },
    });
    const body = {
      trace: { traceId: 't' },
      truncated: null,
      messages: [system, question, answer],
      spans: [
        { spanId: 'a', genai: genai([1], [2]) },
        { spanId: 'b', genai: genai([1, 2], []) },
        { spanId: 'c', genai: null },
      ],
    };
    const fetch = vi.fn<typeof globalThis.fetch>(async () => jsonResponse(200, body));
    const detail = await createFetchClient({ baseUrl: '', fetch }).getTrace('t');
    const [a, b, c] = detail.spans;
    expect(a!.genai).toMatchObject({
      systemInstructions: system.parts,
      inputMessages: [question],
      outputMessages: [answer],
    });
    expect(b!.genai!.inputMessages).toEqual([question, answer]);
    expect(b!.genai!.inputMessages[0]).toBe(a!.genai!.inputMessages[0]);
    expect(a!.genai).not.toHaveProperty('messageRefs');
    expect(c!.genai).toBeNull();
    expect(detail).not.toHaveProperty('messages');
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

/** A text/event-stream body that arrives in the given chunks (split anywhere, even inside a line). */
function sseResponse(chunks: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

const RESULT = {
  original: { output: 'old' },
  replay: { output: 'new text' },
  diff: [
    { op: 'delete', text: 'old' },
    { op: 'insert', text: 'new text' },
  ],
  version: { id: 'v1' },
};

describe('writes and streaming', () => {
  it('POSTs and PUTs JSON bodies to the replay, prompt-version, analysis and baseline endpoints', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => jsonResponse(200, {}));
    const client = createFetchClient({ baseUrl: 'http://c:4320', fetch });
    await client.replay({ traceId: 't', spanId: 's', model: 'gpt-4o-mini', apiKey: 'sk-1' });
    await client.listPromptVersions({ traceId: 't', spanId: 's' });
    await client.getPromptVersion('v/1');
    await client.restorePromptVersion('v1');
    await client.analyze('root-cause', { traceId: 't' });
    await client.analyze('error-patterns', { from: '1', to: '2' });
    await client.markBaseline('t');
    const calls = fetch.mock.calls.map(([url, init]) => [
      init?.method ?? 'GET',
      url,
      init?.body === undefined ? undefined : JSON.parse(String(init.body)),
    ]);
    expect(calls).toEqual([
      [
        'POST',
        'http://c:4320/api/v1/replay',
        { traceId: 't', spanId: 's', model: 'gpt-4o-mini', apiKey: 'sk-1', stream: false },
      ],
      ['GET', 'http://c:4320/api/v1/prompts/versions?traceId=t&spanId=s', undefined],
      ['GET', 'http://c:4320/api/v1/prompts/versions/v%2F1', undefined],
      ['POST', 'http://c:4320/api/v1/prompts/versions/v1/restore', {}],
      ['POST', 'http://c:4320/api/v1/analysis/root-cause', { traceId: 't' }],
      ['POST', 'http://c:4320/api/v1/analysis/error-patterns', { from: '1', to: '2' }],
      ['PUT', 'http://c:4320/api/v1/traces/t/baseline', {}],
    ]);
    expect((fetch.mock.calls[0]![1]!.headers as Record<string, string>)['content-type']).toBe(
      'application/json',
    );
  });

  it('reads the replay stream: deltas as they come, then the result', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () =>
      sseResponse([
        ': comment\n\nevent: delta\ndata: {"text":"new "}\n',
        '\nevent: del',
        'ta\r\ndata: {"text":"text"}\r\n\r\n',
        `event: result\ndata: ${JSON.stringify(RESULT)}\n\n`,
      ]),
    );
    const client = createFetchClient({ baseUrl: '', fetch });
    const deltas: string[] = [];
    const result = await client.replayStream(
      { traceId: 't', spanId: 's', system: 'Be brief.' },
      { onDelta: (t) => deltas.push(t) },
    );
    expect(deltas).toEqual(['new ', 'text']);
    expect(result).toEqual(RESULT);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/v1/replay');
    expect(JSON.parse(String(init!.body))).toEqual({
      traceId: 't',
      spanId: 's',
      system: 'Be brief.',
      stream: true,
    });
    expect((init!.headers as Record<string, string>).accept).toBe('text/event-stream');
  });

  it("turns the stream's error event, a cut-off stream and an early HTTP error into BeaconApiError", async () => {
    const fetch = vi
      .fn<typeof globalThis.fetch>()
      .mockResolvedValueOnce(
        sseResponse([
          'event: delta\ndata: {"text":"par"}\n\n',
          'event: error\ndata: {"error":{"code":"provider_error","message":"429 from OpenAI"}}\n\n',
        ]),
      )
      .mockResolvedValueOnce(sseResponse(['event: delta\ndata: {"text":"par"}\n\n']))
      .mockResolvedValueOnce(
        jsonResponse(400, { error: { code: 'bad_request', message: 'messages[0].role is required' } }),
      );
    const client = createFetchClient({ baseUrl: '', fetch });
    const deltas: string[] = [];
    const onDelta = (t: string) => deltas.push(t);
    await expect(client.replayStream({ traceId: 't', spanId: 's' }, { onDelta })).rejects.toMatchObject({
      name: 'BeaconApiError',
      code: 'provider_error',
      message: '429 from OpenAI',
    });
    expect(deltas).toEqual(['par']);
    await expect(client.replayStream({ traceId: 't', spanId: 's' }, { onDelta })).rejects.toMatchObject({
      code: 'bad_stream',
    });
    await expect(client.replayStream({ traceId: 't', spanId: 's' }, { onDelta })).rejects.toMatchObject({
      status: 400,
      message: 'messages[0].role is required',
    });
  });

  it('takes a plain JSON answer to a streaming request as one piece', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => jsonResponse(200, RESULT));
    const deltas: string[] = [];
    const result = await createFetchClient({ baseUrl: '', fetch }).replayStream(
      { traceId: 't', spanId: 's' },
      { onDelta: (t) => deltas.push(t) },
    );
    expect(result).toEqual(RESULT);
    expect(deltas).toEqual(['new text']);
  });

  it('inside Grafana: writes go through BackendSrv, the stream through the proxy route with fetch', async () => {
    const requests: BackendSrvRequest[] = [];
    const backend = {
      fetch: (req: BackendSrvRequest) => {
        requests.push(req);
        return of({ data: { traceId: 't', baselineKey: 'svc/root' }, status: 200 });
      },
    } as unknown as BackendSrv;
    const streamFetch = vi.fn<typeof globalThis.fetch>(async () =>
      sseResponse([`event: result\ndata: ${JSON.stringify(RESULT)}\n\n`]),
    );
    const client = createProxyClient(
      () => backend,
      'beacon-agents-app',
      createProxyStream('beacon-agents-app', { appSubUrl: '/grafana', orgId: 3, fetch: streamFetch }),
    );
    await client.markBaseline('t');
    await client.analyze('summary', { traceId: 't' });
    expect(requests.map((r) => [r.method, r.url, r.data])).toEqual([
      ['PUT', 'api/plugin-proxy/beacon-agents-app/collector/api/v1/traces/t/baseline', {}],
      ['POST', 'api/plugin-proxy/beacon-agents-app/collector/api/v1/analysis/summary', { traceId: 't' }],
    ]);

    await expect(client.replayStream({ traceId: 't', spanId: 's' }, { onDelta: () => {} })).resolves.toEqual(
      RESULT,
    );
    const [url, init] = streamFetch.mock.calls[0]!;
    expect(url).toBe('/grafana/api/plugin-proxy/beacon-agents-app/collector/api/v1/replay');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin' });
    expect((init!.headers as Record<string, string>)['X-Grafana-Org-Id']).toBe('3');
  });
});
