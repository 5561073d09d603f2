// Shared by the forwarding tests: varied OTLP trace requests (every field OTLP carries), ways to send them to a
// collector, a gRPC OTLP capture target and dead targets.
import { randomBytes } from 'node:crypto';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import protojson from 'protobufjs/ext/protojson.js';
import {
  ExportTraceServiceRequest,
  ExportTraceServiceResponse,
  TRACE_SERVICE_EXPORT_PATH,
} from '../../src/receivers/otlp-proto.js';

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const b64 = (hexId: string) => Buffer.from(hexId, 'hex').toString('base64');

/** protobufjs toObject options that keep every value's type visible (int64 as strings, bytes as base64). */
export const WIRE_VIEW: protobuf.IConversionOptions = { longs: String, bytes: String, enums: Number };

export interface VariedRequest {
  /** ExportTraceServiceRequest in protobufjs fromObject form (ids base64). */
  object: Record<string, unknown>;
  traceIds: string[];
  /** Spans a collector keeps (the request also holds one invalid span, which it must reject). */
  validSpans: number;
}

/**
 * Two resources, scopes with versions and attributes, every span kind, every attribute value type (a double that
 * is a whole number, a 64-bit int beyond 2^53, bytes, nested arrays and maps), events, links, trace state, flags,
 * dropped counts, schema URLs, statuses — and one span with an all-zero span id that OTLP says must be rejected.
 */
export function variedRequest(label: string): VariedRequest {
  const traceIds = [hex(16), hex(16)];
  const now = BigInt(Date.now()) * 1_000_000n;
  const t = (offsetMs: number) => String(now + BigInt(offsetMs) * 1_000_000n + 123n);
  const rootId = hex(8);
  const attrs = [
    { key: 'str', value: { stringValue: `value ${label}` } },
    { key: 'empty', value: { stringValue: '' } },
    { key: 'bool', value: { boolValue: true } },
    { key: 'int', value: { intValue: '42' } },
    { key: 'int.big', value: { intValue: '9007199254740993' } },
    { key: 'int.negative', value: { intValue: '-7' } },
    { key: 'double.whole', value: { doubleValue: 1 } },
    { key: 'double', value: { doubleValue: 3.25 } },
    { key: 'bytes', value: { bytesValue: Buffer.from([0, 1, 2, 254]).toString('base64') } },
    {
      key: 'array',
      value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { doubleValue: 2.5 }] } },
    },
    {
      key: 'map',
      value: {
        kvlistValue: {
          values: [
            { key: 'inner', value: { boolValue: false } },
            { key: 'nested', value: { kvlistValue: { values: [{ key: 'x', value: { intValue: '1' } }] } } },
          ],
        },
      },
    },
  ];
  const span = (overrides: Record<string, unknown>) => ({
    traceId: b64(traceIds[0]!),
    spanId: b64(hex(8)),
    parentSpanId: b64(rootId),
    startTimeUnixNano: t(1),
    endTimeUnixNano: t(20),
    ...overrides,
  });
  const object = {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: `forward-${label}` } },
            { key: 'service.version', value: { stringValue: '1.2.3' } },
            { key: 'host.cores', value: { intValue: '8' } },
          ],
          droppedAttributesCount: 1,
        },
        schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
        scopeSpans: [
          {
            scope: {
              name: 'forward-test',
              version: '0.9.1',
              attributes: [{ key: 'scope.attr', value: { stringValue: 's' } }],
              droppedAttributesCount: 2,
            },
            schemaUrl: 'https://opentelemetry.io/schemas/1.36.0',
            spans: [
              span({
                spanId: b64(rootId),
                parentSpanId: undefined,
                traceState: 'vendor=a,other=b',
                name: `invoke_agent ${label}`,
                kind: 2,
                flags: 0x301,
                startTimeUnixNano: t(0),
                endTimeUnixNano: t(50),
                attributes: attrs,
                droppedAttributesCount: 3,
                events: [
                  {
                    timeUnixNano: t(5),
                    name: 'gen_ai.user.message',
                    attributes: [{ key: 'content', value: { stringValue: 'hello' } }],
                    droppedAttributesCount: 1,
                  },
                  { timeUnixNano: t(6), name: 'exception' },
                ],
                droppedEventsCount: 4,
                links: [
                  {
                    traceId: b64(traceIds[1]!),
                    spanId: b64(hex(8)),
                    traceState: 'k=v',
                    attributes: [{ key: 'link.kind', value: { stringValue: 'handoff' } }],
                    droppedAttributesCount: 1,
                    flags: 0x101,
                  },
                ],
                droppedLinksCount: 5,
                status: { code: 1, message: '' },
              }),
              span({
                name: 'chat gpt-4o-mini',
                kind: 3,
                attributes: [
                  { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                  { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
                  { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
                  { key: 'gen_ai.usage.input_tokens', value: { intValue: '120' } },
                  { key: 'gen_ai.usage.output_tokens', value: { intValue: '30' } },
                  { key: 'gen_ai.request.temperature', value: { doubleValue: 0 } },
                ],
                status: { code: 2, message: 'rate limited' },
              }),
              span({ name: 'internal step', kind: 1 }),
              // All-zero span id: rejected by the collector (partial success), so never forwarded.
              span({ name: 'invalid span', spanId: b64('0000000000000000') }),
            ],
          },
          {
            scope: { name: 'second-scope' },
            spans: [span({ name: 'produce', kind: 4 }), span({ name: 'consume', kind: 5 })],
          },
        ],
      },
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: `other-${label}` } }] },
        scopeSpans: [
          {
            scope: { name: 'other' },
            spans: [
              span({
                traceId: b64(traceIds[1]!),
                parentSpanId: undefined,
                name: 'unspecified kind',
                kind: 0,
              }),
            ],
          },
        ],
      },
    ],
  };
  return { object, traceIds, validSpans: 6 };
}

/** The request as a collector keeps it: the invalid span taken out. */
export function withoutInvalidSpans(object: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(object) as {
    resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[];
  };
  for (const resourceSpans of copy.resourceSpans)
    for (const scopeSpans of resourceSpans.scopeSpans)
      scopeSpans.spans = scopeSpans.spans.filter((span) => span.name !== 'invalid span');
  return copy;
}

export function encodeProtobuf(object: Record<string, unknown>): Buffer {
  return Buffer.from(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(object)).finish());
}

/** OTLP/JSON: ProtoJSON with trace and span ids as hex, as OTLP specifies. */
export function encodeJson(object: Record<string, unknown>): string {
  const json = protojson.toJson(ExportTraceServiceRequest, ExportTraceServiceRequest.fromObject(object)) as {
    resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
  };
  const toHex = (value: unknown) => Buffer.from(String(value), 'base64').toString('hex');
  for (const resourceSpans of json.resourceSpans)
    for (const scopeSpans of resourceSpans.scopeSpans)
      for (const span of scopeSpans.spans) {
        for (const key of ['traceId', 'spanId', 'parentSpanId']) if (span[key]) span[key] = toHex(span[key]);
        for (const link of (span.links ?? []) as Record<string, unknown>[]) {
          link.traceId = toHex(link.traceId);
          link.spanId = toHex(link.spanId);
        }
      }
  return JSON.stringify(json);
}

/** The wire view of ExportTraceServiceRequest bytes: what the tests compare. */
export function wireView(bytes: Uint8Array): Record<string, unknown> {
  return ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), WIRE_VIEW);
}

export function wireViewOf(object: Record<string, unknown>): Record<string, unknown> {
  return wireView(encodeProtobuf(object));
}

const identity = (bytes: Uint8Array) => Buffer.from(bytes);

/** Sends ExportTraceServiceRequest bytes over OTLP/gRPC; resolves with the error, if any. */
export function sendGrpc(address: string, body: Buffer): Promise<grpc.ServiceError | null> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      TRACE_SERVICE_EXPORT_PATH,
      identity,
      identity,
      body,
      { deadline: Date.now() + 10_000 },
      (error) => {
        client.close();
        resolve(error);
      },
    );
  });
}

export async function sendHttp(baseUrl: string, body: Buffer | string): Promise<Response> {
  const json = typeof body === 'string';
  return fetch(`${baseUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' },
    body,
  });
}

/** A gRPC OTLP trace receiver that keeps the raw bytes of every request, and can be told to fail. */
export interface GrpcCapture {
  port: number;
  requests: Buffer[];
  /** null = answer success; else fail every call with this code. */
  failWith: grpc.status | null;
  close(): Promise<void>;
}

export async function startGrpcCapture(port = 0): Promise<GrpcCapture> {
  const server = new grpc.Server();
  const capture: GrpcCapture = {
    port: 0,
    requests: [],
    failWith: null,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
  server.addService(
    {
      Export: {
        path: TRACE_SERVICE_EXPORT_PATH,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        if (capture.failWith !== null) {
          callback({ code: capture.failWith, details: 'told to fail' });
          return;
        }
        capture.requests.push(call.request);
        callback(null, Buffer.from(ExportTraceServiceResponse.encode({}).finish()));
      },
    },
  );
  capture.port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return capture;
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts TCP connections and never answers (not even the HTTP/2 handshake). */
export async function startBlackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The value of one sample in a Prometheus text exposition, e.g. `beacon_forward_spans_total{outcome="sent"}`. */
export function sample(exposition: string, series: string): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

export async function scrape(apiUrl: string): Promise<string> {
  const response = await fetch(`${apiUrl}/metrics`);
  return response.text();
}
