// OTLP logs: received at /v1/logs (protobuf and JSON) and LogsService/Export, forwarded unchanged to
// BEACON_FORWARD_LOGS_ENDPOINT (OTLP/HTTP protobuf, as Loki's /otlp/v1/logs takes it); bad input is refused like
// trace input; without the setting the collector does not take logs at all (404 / UNIMPLEMENTED).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import protojson from 'protobufjs/ext/protojson.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ExportLogsServiceRequest, LOGS_SERVICE_EXPORT_PATH } from '../../src/receivers/otlp-proto.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { type CollectorProcess, spawnCollector } from '../e2e/process.js';
import { eventually, sample, scrape, WIRE_VIEW } from './helpers.js';

/** A tiny OTLP/HTTP logs endpoint (Loki stand-in): keeps each request's content type and decoded body. */
interface LogsTarget {
  url: string;
  requests: { contentType: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

async function startLogsTarget(): Promise<LogsTarget> {
  const requests: LogsTarget['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = ExportLogsServiceRequest.decode(Buffer.concat(chunks));
      requests.push({
        contentType: String(req.headers['content-type']),
        body: ExportLogsServiceRequest.toObject(body, WIRE_VIEW),
      });
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/otlp/v1/logs`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function logsRequest(label: string): Record<string, unknown> {
  const now = String(BigInt(Date.now()) * 1_000_000n);
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [{ key: 'service.name', value: { stringValue: `logs-${label}` } }],
          droppedAttributesCount: 1,
        },
        schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
        scopeLogs: [
          {
            scope: { name: 'app.logger', version: '2.0.0' },
            logRecords: [
              {
                timeUnixNano: now,
                observedTimeUnixNano: now,
                severityNumber: 17,
                severityText: 'ERROR',
                body: { stringValue: `tool call failed (${label})` },
                attributes: [
                  { key: 'retry', value: { intValue: '3' } },
                  { key: 'ratio', value: { doubleValue: 1 } },
                  { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }] } } },
                ],
                droppedAttributesCount: 2,
                flags: 1,
                traceId: randomBytes(16).toString('base64'),
                spanId: randomBytes(8).toString('base64'),
                eventName: 'app.tool.failed',
              },
              {
                timeUnixNano: now,
                body: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } },
              },
            ],
          },
        ],
      },
    ],
  };
}

const encode = (object: Record<string, unknown>) =>
  Buffer.from(ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(object)).finish());
const wireViewOf = (object: Record<string, unknown>) =>
  ExportLogsServiceRequest.toObject(ExportLogsServiceRequest.decode(encode(object)), WIRE_VIEW);

/** OTLP/JSON: ids as hex. */
function encodeJson(object: Record<string, unknown>): string {
  const json = protojson.toJson(ExportLogsServiceRequest, ExportLogsServiceRequest.fromObject(object)) as {
    resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[];
  };
  for (const record of json.resourceLogs[0]!.scopeLogs[0]!.logRecords) {
    for (const key of ['traceId', 'spanId'])
      if (record[key]) record[key] = Buffer.from(String(record[key]), 'base64').toString('hex');
  }
  return JSON.stringify(json);
}

function exportLogsGrpc(address: string, body: Buffer): Promise<grpc.ServiceError | null> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const identity = (bytes: Buffer) => bytes;
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      LOGS_SERVICE_EXPORT_PATH,
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

const postLogs = (baseUrl: string, body: Buffer | string, contentType: string) =>
  fetch(`${baseUrl}/v1/logs`, { method: 'POST', headers: { 'Content-Type': contentType }, body });

let target: LogsTarget;
let collector: TestCollector;
let withoutLogs: CollectorProcess;
let withoutLogsDir: string;

beforeAll(async () => {
  target = await startLogsTarget();
  withoutLogsDir = await mkdtemp(path.join(tmpdir(), 'beacon-no-logs-'));
  [collector, withoutLogs] = await Promise.all([
    startTestCollector({ forwardLogsEndpoint: target.url, maxRequestBytes: String(64 * 1024) }),
    spawnCollector({ BEACON_DATA_DIR: withoutLogsDir }),
  ]);
});
afterAll(async () => {
  await collector?.dispose();
  await target?.close();
  if (withoutLogs) {
    withoutLogs.child.kill('SIGTERM');
    await withoutLogs.exited;
  }
  if (withoutLogsDir) await rm(withoutLogsDir, { recursive: true, force: true });
});

test('logs over HTTP protobuf, HTTP JSON and gRPC are forwarded unchanged as OTLP/HTTP protobuf', async () => {
  const sent = [logsRequest('protobuf'), logsRequest('json'), logsRequest('grpc')];
  const viaProtobuf = await postLogs(collector.httpUrl, encode(sent[0]!), 'application/x-protobuf');
  expect(viaProtobuf.status).toBe(200);
  expect(viaProtobuf.headers.get('content-type')).toBe('application/x-protobuf');
  const viaJson = await postLogs(collector.httpUrl, encodeJson(sent[1]!), 'application/json');
  expect(viaJson.status).toBe(200);
  expect(await viaJson.json()).toEqual({});
  expect(await exportLogsGrpc(`127.0.0.1:${collector.ports.grpc}`, encode(sent[2]!))).toBeNull();

  const expected = sent.flatMap((object) => wireViewOf(object).resourceLogs as unknown[]);
  const received = await eventually('the forwarded logs', () => {
    const all = target.requests.flatMap((request) => (request.body.resourceLogs as unknown[]) ?? []);
    return all.length >= expected.length ? all : undefined;
  });
  expect(received).toEqual(expected);
  expect(new Set(target.requests.map((request) => request.contentType))).toEqual(
    new Set(['application/x-protobuf']),
  );

  const metrics = await scrape(collector.apiUrl);
  expect(sample(metrics, 'beacon_forward_log_records_total{outcome="sent"}')).toBe(6);
  // Logs are not spans: nothing of them reaches the trace tables or span counters.
  expect(sample(metrics, 'beacon_spans_received_total{protocol="http_json"}')).toBe(0);
});

test('bad logs input is refused like trace input: 400 / INVALID_ARGUMENT naming the problem, 413 past the limit', async () => {
  const garbage = await postLogs(
    collector.httpUrl,
    Buffer.from([0xff, 0xff, 0xff]),
    'application/x-protobuf',
  );
  expect(garbage.status).toBe(400);
  const badId = encodeJson(logsRequest('bad')).replace(/"traceId":"[0-9a-f]+"/, '"traceId":"xyz"');
  const badJson = await postLogs(collector.httpUrl, badId, 'application/json');
  expect(badJson.status).toBe(400);
  expect(((await badJson.json()) as { message: string }).message).toContain(
    'resourceLogs[0].scopeLogs[0].logRecords[0].traceId',
  );
  const tooLarge = await postLogs(collector.httpUrl, 'x'.repeat(65 * 1024), 'application/json');
  expect(tooLarge.status).toBe(413);
  const unsupported = await postLogs(collector.httpUrl, 'hello', 'text/plain');
  expect(unsupported.status).toBe(415);

  const grpcError = await exportLogsGrpc(`127.0.0.1:${collector.ports.grpc}`, Buffer.from([0xff, 0xff]));
  expect(grpcError?.code).toBe(grpc.status.INVALID_ARGUMENT);
});

test('without BEACON_FORWARD_LOGS_ENDPOINT: /v1/logs answers 404 with a JSON message, LogsService UNIMPLEMENTED', async () => {
  const response = await postLogs(
    `http://127.0.0.1:${withoutLogs.ports.http}`,
    encodeJson(logsRequest('off')),
    'application/json',
  );
  expect(response.status).toBe(404);
  const body = (await response.json()) as { message: string };
  expect(body.message).toContain('BEACON_FORWARD_LOGS_ENDPOINT');

  const error = await exportLogsGrpc(`127.0.0.1:${withoutLogs.ports.grpc}`, encode(logsRequest('off')));
  expect(error?.code).toBe(grpc.status.UNIMPLEMENTED);

  // No forward metrics appear for forwarding that is not configured.
  const metrics = await scrape(`http://127.0.0.1:${withoutLogs.ports.api}`);
  expect(metrics).not.toContain('beacon_forward_log_records_total');
});
