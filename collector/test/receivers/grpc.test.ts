import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOtlpGrpcReceiver, type OtlpReceiver } from '../../src/receivers/index.js';
import {
  ExportTraceServiceResponse,
  RetryInfo,
  RpcStatus,
  TRACE_SERVICE_EXPORT_PATH,
} from '../../src/receivers/otlp-proto.js';
import {
  CHILD_SPAN_ID,
  END_NANOS,
  encodeProtobufRequest,
  protoSpan,
  RecordingSink,
  ROOT_SPAN_ID,
  requestWith,
  START_NANOS,
  silentLogger,
  TRACE_ID,
} from './helpers.js';

const MAX_MESSAGE_BYTES = 256 * 1024;

const sink = new RecordingSink();
let receiver: OtlpReceiver;
let address: string;
const clients: grpc.Client[] = [];

beforeAll(async () => {
  receiver = createOtlpGrpcReceiver({
    host: '127.0.0.1',
    port: 0,
    sink,
    logger: silentLogger,
    maxMessageBytes: MAX_MESSAGE_BYTES,
  });
  const { port } = await receiver.start();
  expect(port).toBeGreaterThan(0);
  address = `127.0.0.1:${port}`;
});
afterAll(async () => {
  for (const client of clients) client.close();
  await receiver.stop();
});
afterEach(() => sink.clear());

function client(options: grpc.ClientOptions = {}): grpc.Client {
  const created = new grpc.Client(address, grpc.credentials.createInsecure(), options);
  clients.push(created);
  return created;
}

interface ExportOutcome {
  error: grpc.ServiceError | null;
  response: Record<string, unknown> | undefined;
}

/** Sends raw bytes to TraceService/Export, as any OTLP gRPC exporter would. */
function exportBytes(via: grpc.Client, body: Buffer): Promise<ExportOutcome> {
  return new Promise((resolve) => {
    via.makeUnaryRequest(
      TRACE_SERVICE_EXPORT_PATH,
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => bytes,
      body,
      (error, response) => {
        const decoded = response
          ? ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(response), {
              longs: Number,
            })
          : undefined;
        resolve({ error: error ?? null, response: decoded });
      },
    );
  });
}

async function expectStillServing(): Promise<void> {
  sink.clear();
  const { error } = await exportBytes(client(), encodeProtobufRequest(requestWith([protoSpan()])));
  expect(error).toBeNull();
  expect(sink.spans).toHaveLength(1);
}

const twoSpans = () =>
  encodeProtobufRequest(
    requestWith([
      protoSpan(),
      protoSpan({
        spanId: Buffer.from(CHILD_SPAN_ID, 'hex'),
        parentSpanId: Buffer.from(ROOT_SPAN_ID, 'hex'),
      }),
    ]),
  );

describe('OTLP/gRPC receiver', () => {
  it('accepts an export and answers with an empty ExportTraceServiceResponse', async () => {
    const { error, response } = await exportBytes(client(), twoSpans());
    expect(error).toBeNull();
    expect(response).toEqual({});
    expect(sink.batches.map((batch) => batch.protocol)).toEqual(['grpc']);
    expect(sink.spans.map((span) => [span.traceId, span.spanId, span.parentSpanId])).toEqual([
      [TRACE_ID, ROOT_SPAN_ID, ''],
      [TRACE_ID, CHILD_SPAN_ID, ROOT_SPAN_ID],
    ]);
    expect(sink.spans[1]).toMatchObject({ startTimeUnixNano: START_NANOS, endTimeUnixNano: END_NANOS });
  });

  it('accepts gzip-compressed requests', async () => {
    const gzipClient = client({ 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip });
    const { error } = await exportBytes(gzipClient, twoSpans());
    expect(error).toBeNull();
    expect(sink.spans).toHaveLength(2);
  });

  it('applies the size limit after decompression', async () => {
    const gzipClient = client({ 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip });
    const huge = 'a'.repeat(2 * MAX_MESSAGE_BYTES); // compresses to a few KiB
    const request = requestWith([protoSpan({ attributes: [{ key: 'big', value: { stringValue: huge } }] })]);
    const { error } = await exportBytes(gzipClient, encodeProtobufRequest(request));
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(sink.batches).toEqual([]);
    await expectStillServing();
  });

  it('answers an empty request with OK', async () => {
    const { error, response } = await exportBytes(client(), Buffer.alloc(0));
    expect(error).toBeNull();
    expect(response).toEqual({});
    expect(sink.batches).toEqual([]);
  });

  it('answers INVALID_ARGUMENT with the reason for garbage bytes', async () => {
    const { error } = await exportBytes(client(), Buffer.from('this is not an ExportTraceServiceRequest'));
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/^invalid protobuf ExportTraceServiceRequest: /);
    expect(sink.batches).toEqual([]);
    await expectStillServing();
  });

  it('answers OK with partial_success naming exactly the rejected spans', async () => {
    const request = requestWith([
      protoSpan({ name: 'good' }),
      protoSpan({ name: 'bad', spanId: Buffer.alloc(5, 1) }),
      protoSpan({ name: 'backwards', endTimeUnixNano: '1' }),
    ]);
    const { error, response } = await exportBytes(client(), encodeProtobufRequest(request));
    expect(error).toBeNull();
    expect(response).toEqual({
      partialSuccess: {
        rejectedSpans: 2,
        errorMessage:
          'rejected 2 spans: invalid spanId: expected 8 bytes, got 5; endTimeUnixNano is before startTimeUnixNano',
      },
    });
    expect(sink.spans.map((span) => span.name)).toEqual(['good']);
  });

  it.each(['queue_full', 'shutting_down'] as const)(
    'answers UNAVAILABLE with RetryInfo in grpc-status-details-bin when the sink refuses (%s)',
    async (reason) => {
      sink.refuse(reason, 7);
      const { error } = await exportBytes(client(), twoSpans());
      expect(error?.code).toBe(grpc.status.UNAVAILABLE);
      const [detailsBin] = error!.metadata.get('grpc-status-details-bin');
      expect(Buffer.isBuffer(detailsBin)).toBe(true);
      const status = RpcStatus.decode(detailsBin as Buffer) as unknown as {
        code: number;
        message: string;
        details: { type_url: string; value: Uint8Array }[];
      };
      expect(status.code).toBe(grpc.status.UNAVAILABLE);
      expect(status.message).toBe(error!.details);
      expect(status.details.map((detail) => detail.type_url)).toEqual([
        'type.googleapis.com/google.rpc.RetryInfo',
      ]);
      const retryInfo = RetryInfo.toObject(RetryInfo.decode(status.details[0]!.value), { longs: Number });
      expect(retryInfo).toEqual({ retryDelay: { seconds: 7 } });
      sink.acceptAgain();
      await expectStillServing();
    },
  );

  it('stops gracefully and can be stopped twice', async () => {
    const local = createOtlpGrpcReceiver({
      host: '127.0.0.1',
      port: 0,
      sink,
      logger: silentLogger,
      maxMessageBytes: MAX_MESSAGE_BYTES,
    });
    const { port } = await local.start();
    const localClient = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    expect((await exportBytes(localClient, twoSpans())).error).toBeNull();
    await local.stop();
    await local.stop();
    const { error } = await exportBytes(localClient, twoSpans());
    expect(error?.code).toBe(grpc.status.UNAVAILABLE);
    localClient.close();
  });
});
