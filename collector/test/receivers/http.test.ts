import { request as httpRequest } from 'node:http';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOtlpHttpReceiver, type OtlpReceiver } from '../../src/receivers/index.js';
import { ExportTraceServiceResponse, RetryInfo, RpcStatus } from '../../src/receivers/otlp-proto.js';
import {
  CHILD_SPAN_ID,
  END_NANOS,
  encodeProtobufRequest,
  jsonSpan,
  protoSpan,
  RecordingSink,
  ROOT_SPAN_ID,
  requestWith,
  START_NANOS,
  silentLogger,
  TRACE_ID,
} from './helpers.js';

const MAX_BODY_BYTES = 1024 * 1024;
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

const sink = new RecordingSink();
let receiver: OtlpReceiver;
let baseUrl: string;

beforeAll(async () => {
  receiver = createOtlpHttpReceiver({
    host: '127.0.0.1',
    port: 0,
    sink,
    logger: silentLogger,
    maxBodyBytes: MAX_BODY_BYTES,
  });
  const { port } = await receiver.start();
  baseUrl = `http://127.0.0.1:${port}`;
});
afterAll(() => receiver.stop());
afterEach(() => sink.clear());

function post(
  body: Uint8Array | string,
  headers: Record<string, string>,
  path = '/v1/traces',
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { method: 'POST', body, headers });
}

async function statusOf(response: Response): Promise<{ code: number; message: string; details: unknown[] }> {
  if (response.headers.get('content-type') === PROTOBUF) {
    const status = RpcStatus.decode(new Uint8Array(await response.arrayBuffer()));
    return RpcStatus.toObject(status, { defaults: true }) as {
      code: number;
      message: string;
      details: unknown[];
    };
  }
  return (await response.json()) as { code: number; message: string; details: unknown[] };
}

/** After every kind of failure the receiver must keep taking valid requests. */
async function expectStillServing(): Promise<void> {
  sink.clear();
  const response = await post(encodeProtobufRequest(requestWith([protoSpan()])), {
    'Content-Type': PROTOBUF,
  });
  expect(response.status).toBe(200);
  expect(sink.spans).toHaveLength(1);
}

const validProtobuf = () =>
  encodeProtobufRequest(
    requestWith([
      protoSpan(),
      protoSpan({
        spanId: Buffer.from(CHILD_SPAN_ID, 'hex'),
        parentSpanId: Buffer.from(ROOT_SPAN_ID, 'hex'),
      }),
    ]),
  );
const validJson = () =>
  JSON.stringify(requestWith([jsonSpan(), jsonSpan({ spanId: CHILD_SPAN_ID, parentSpanId: ROOT_SPAN_ID })]));

describe('OTLP/HTTP receiver: success', () => {
  it('accepts a protobuf body and answers with an empty protobuf ExportTraceServiceResponse', async () => {
    const response = await post(validProtobuf(), { 'Content-Type': PROTOBUF });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(PROTOBUF);
    const body = ExportTraceServiceResponse.decode(new Uint8Array(await response.arrayBuffer()));
    expect(ExportTraceServiceResponse.toObject(body)).toEqual({});
    expect(sink.batches).toHaveLength(1);
    expect(sink.batches[0]!.protocol).toBe('http_protobuf');
    expect(sink.spans.map((span) => [span.traceId, span.spanId, span.parentSpanId])).toEqual([
      [TRACE_ID, ROOT_SPAN_ID, ''],
      [TRACE_ID, CHILD_SPAN_ID, ROOT_SPAN_ID],
    ]);
    expect(sink.spans[0]).toMatchObject({
      startTimeUnixNano: START_NANOS,
      endTimeUnixNano: END_NANOS,
      serviceName: 'agent-service',
    });
  });

  it('accepts a JSON body (hex ids, int64 strings) and answers in JSON', async () => {
    const response = await post(validJson(), { 'Content-Type': 'application/json; charset=utf-8' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(JSON_TYPE);
    expect(await response.json()).toEqual({});
    expect(sink.batches[0]!.protocol).toBe('http_json');
    expect(sink.spans[1]).toMatchObject({
      traceId: TRACE_ID,
      spanId: CHILD_SPAN_ID,
      parentSpanId: ROOT_SPAN_ID,
      startTimeUnixNano: START_NANOS,
      endTimeUnixNano: END_NANOS,
    });
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ])('decompresses %s bodies (protobuf and JSON)', async (encoding, compress) => {
    const protobufResponse = await post(compress(validProtobuf()), {
      'Content-Type': PROTOBUF,
      'Content-Encoding': encoding,
    });
    expect(protobufResponse.status).toBe(200);
    const jsonResponse = await post(compress(validJson()), {
      'Content-Type': JSON_TYPE,
      'Content-Encoding': encoding,
    });
    expect(jsonResponse.status).toBe(200);
    expect(sink.spans).toHaveLength(4);
  });

  it('answers an empty request with 200 and calls nothing downstream', async () => {
    const protobufResponse = await post(new Uint8Array(), { 'Content-Type': PROTOBUF });
    expect(protobufResponse.status).toBe(200);
    const jsonResponse = await post('{"resourceSpans":[]}', { 'Content-Type': JSON_TYPE });
    expect(jsonResponse.status).toBe(200);
    expect(await jsonResponse.json()).toEqual({});
    expect(sink.batches).toEqual([]);
  });
});

describe('OTLP/HTTP receiver: partial success', () => {
  const mixed = [
    protoSpan({ name: 'good-1' }),
    protoSpan({ name: 'bad-trace-id', traceId: Buffer.alloc(16) }),
    protoSpan({ name: 'bad-time', startTimeUnixNano: '0' }),
    protoSpan({ name: 'good-2', spanId: Buffer.from(CHILD_SPAN_ID, 'hex') }),
  ];

  it('rejects exactly the invalid spans (protobuf)', async () => {
    const response = await post(encodeProtobufRequest(requestWith(mixed)), { 'Content-Type': PROTOBUF });
    expect(response.status).toBe(200);
    const body = ExportTraceServiceResponse.decode(new Uint8Array(await response.arrayBuffer()));
    expect(ExportTraceServiceResponse.toObject(body, { longs: Number })).toEqual({
      partialSuccess: {
        rejectedSpans: 2,
        errorMessage: 'rejected 2 spans: invalid traceId: all zeros; missing startTimeUnixNano',
      },
    });
    expect(sink.spans.map((span) => span.name)).toEqual(['good-1', 'good-2']);
  });

  it('rejects exactly the invalid spans (JSON)', async () => {
    const spans = [jsonSpan({ name: 'good' }), jsonSpan({ name: 'bad', endTimeUnixNano: '1' })];
    const response = await post(JSON.stringify(requestWith(spans)), { 'Content-Type': JSON_TYPE });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage: 'rejected 1 span: endTimeUnixNano is before startTimeUnixNano',
      },
    });
    expect(sink.spans.map((span) => span.name)).toEqual(['good']);
  });
});

describe('OTLP/HTTP receiver: client errors', () => {
  it('answers 400 with a protobuf google.rpc.Status for garbage protobuf', async () => {
    const response = await post(Buffer.from('definitely not protobuf'), { 'Content-Type': PROTOBUF });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(PROTOBUF);
    const status = await statusOf(response);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/^invalid protobuf ExportTraceServiceRequest: /);
    expect(sink.batches).toEqual([]);
    await expectStillServing();
  });

  it.each([
    ['invalid JSON', '{"resourceSpans": [', /^invalid JSON: /],
    ['a wrong shape', '{"resourceSpans": {"scopeSpans": []}}', /^resourceSpans: expected an array$/],
  ])('answers 400 with a JSON google.rpc.Status for %s', async (_, body, message) => {
    const response = await post(body, { 'Content-Type': JSON_TYPE });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(JSON_TYPE);
    const status = await statusOf(response);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(message);
    await expectStillServing();
  });

  it('answers 400 for a corrupt gzip body', async () => {
    const response = await post(Buffer.from('not gzip'), {
      'Content-Type': JSON_TYPE,
      'Content-Encoding': 'gzip',
    });
    expect(response.status).toBe(400);
    expect((await statusOf(response)).message).toMatch(/^invalid gzip body: /);
    await expectStillServing();
  });

  it('answers 415 for other content types and encodings', async () => {
    const wrongType = await post('spans', { 'Content-Type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect((await statusOf(wrongType)).message).toMatch(/unsupported Content-Type "text\/plain"/);
    const wrongEncoding = await post(validProtobuf(), { 'Content-Type': PROTOBUF, 'Content-Encoding': 'br' });
    expect(wrongEncoding.status).toBe(415);
    expect((await statusOf(wrongEncoding)).message).toMatch(/unsupported Content-Encoding "br"/);
    await expectStillServing();
  });

  it('answers 404 for other paths and 405 (with Allow) for other methods', async () => {
    const notFound = await post(validProtobuf(), { 'Content-Type': PROTOBUF }, '/v1/metrics');
    expect(notFound.status).toBe(404);
    const wrongMethod = await fetch(`${baseUrl}/v1/traces`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST, OPTIONS');
    await wrongMethod.arrayBuffer();
    await expectStillServing();
  });

  it('accepts a query string on /v1/traces', async () => {
    const response = await post(validProtobuf(), { 'Content-Type': PROTOBUF }, '/v1/traces?tenant=a');
    expect(response.status).toBe(200);
  });
});

describe('OTLP/HTTP receiver: size limit', () => {
  it('answers 413 for a body over the limit as sent', async () => {
    const response = await post(Buffer.alloc(MAX_BODY_BYTES + 1), { 'Content-Type': PROTOBUF });
    expect(response.status).toBe(413);
    expect((await statusOf(response)).message).toMatch(/exceeds 1048576 bytes/);
    expect(sink.batches).toEqual([]);
    await expectStillServing();
  });

  it('answers 413 for a chunked body (no Content-Length) over the limit', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        `${baseUrl}/v1/traces`,
        { method: 'POST', headers: { 'Content-Type': PROTOBUF } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024);
      for (let sent = 0; sent <= MAX_BODY_BYTES; sent += chunk.length) request.write(chunk);
      request.end();
    });
    expect(status).toBe(413);
    await expectStillServing();
  });

  it('answers 413 when a small gzip body expands past the limit, without inflating it all', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * MAX_BODY_BYTES)); // 64 MiB of zeros, ~64 KiB on the wire
    expect(bomb.length).toBeLessThan(MAX_BODY_BYTES);
    // Buffers live outside the JS heap: arrayBuffers is where an inflated body would show.
    const buffersBefore = process.memoryUsage().arrayBuffers;
    const response = await post(bomb, { 'Content-Type': PROTOBUF, 'Content-Encoding': 'gzip' });
    expect(response.status).toBe(413);
    expect((await statusOf(response)).message).toMatch(/exceeds 1048576 bytes after decompression/);
    expect(process.memoryUsage().arrayBuffers - buffersBefore).toBeLessThan(16 * MAX_BODY_BYTES);
    expect(sink.batches).toEqual([]);
    await expectStillServing();
  });
});

describe('OTLP/HTTP receiver: refusals', () => {
  it('answers 429 + Retry-After when the queue is full', async () => {
    sink.refuse('queue_full', 3);
    const response = await post(validJson(), { 'Content-Type': JSON_TYPE });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({
      code: 8,
      message: 'export queue is full, retry later',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' }],
    });
    sink.acceptAgain();
    await expectStillServing();
  });

  it('answers 503 + Retry-After when shutting down (protobuf Status with RetryInfo)', async () => {
    sink.refuse('shutting_down', 2.5);
    const response = await post(validProtobuf(), { 'Content-Type': PROTOBUF });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('3');
    const status = RpcStatus.decode(new Uint8Array(await response.arrayBuffer())) as unknown as {
      code: number;
      details: { type_url: string; value: Uint8Array }[];
    };
    expect(status.code).toBe(14);
    expect(status.details[0]!.type_url).toBe('type.googleapis.com/google.rpc.RetryInfo');
    const retryInfo = RetryInfo.toObject(RetryInfo.decode(status.details[0]!.value), { longs: Number });
    expect(retryInfo).toEqual({ retryDelay: { seconds: 2, nanos: 500_000_000 } });
    sink.acceptAgain();
    await expectStillServing();
  });
});

describe('OTLP/HTTP receiver: CORS', () => {
  it('answers preflight requests permissively', async () => {
    const response = await fetch(`${baseUrl}/v1/traces`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-custom',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type,x-custom');
  });

  it('marks cross-origin responses as readable', async () => {
    const response = await post(validJson(), {
      'Content-Type': JSON_TYPE,
      Origin: 'https://app.example.com',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('OTLP/HTTP receiver: stop', () => {
  it('lets an in-flight request finish, then refuses connections', async () => {
    const local = new RecordingSink();
    const server = createOtlpHttpReceiver({
      host: '127.0.0.1',
      port: 0,
      sink: local,
      logger: silentLogger,
      maxBodyBytes: MAX_BODY_BYTES,
    });
    const { port } = await server.start();
    const body = validProtobuf();

    let stopped = false;
    const response = new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/traces',
          method: 'POST',
          headers: { 'Content-Type': PROTOBUF, 'Content-Length': body.length },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.write(body.subarray(0, 10));
      // The rest arrives after stop() was called.
      setTimeout(() => {
        const stopping = server.stop().then(() => {
          stopped = true;
        });
        setTimeout(() => {
          expect(stopped).toBe(false);
          request.end(body.subarray(10));
        }, 100);
        return stopping;
      }, 50);
    });

    expect(await response).toBe(200);
    expect(local.spans).toHaveLength(2);
    await expect.poll(() => stopped).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST' })).rejects.toThrow();
  });
});
