// The replayer: sends ExportTraceServiceRequests serialized before the run, as the SDK's exporters would send them
// (the SDK's own ProtobufTraceSerializer; gRPC unary TraceService/Export, or HTTP POST application/x-protobuf), so
// that the load generator does not take the collector's CPU: the SDK exporters serialize while they send, on the same
// two cores (quick run, gRPC: 3,390 spans/s stored with the SDK client, 4,216 with this one). The real exporters stay
// the `sdk` client.
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from '../lib/paths.mjs';

const requireFromRoot = createRequire(path.join(REPO_ROOT, 'package.json'));
const grpc = requireFromRoot('@grpc/grpc-js');
const { ProtobufTraceSerializer } = requireFromRoot('@opentelemetry/otlp-transformer');

/** @typedef {import('@opentelemetry/sdk-trace-base').ReadableSpan} ReadableSpan */

/** Each batch's request bytes, serialized once, before any timing (preEncode). */
const encoded = new WeakMap();

/**
 * Serializes every batch now, so the run only sends bytes.
 * @param {ReadableSpan[][]} batches
 */
export function preEncode(batches) {
  for (const batch of batches) {
    if (encoded.has(batch)) continue;
    const bytes = /** @type {Uint8Array} */ (ProtobufTraceSerializer.serializeRequest(batch));
    encoded.set(batch, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
}

const EXPORT_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const identity = (/** @type {Buffer} */ bytes) => bytes;

/**
 * An exporter-shaped sender of pre-encoded batches: export(batch, done) with the SDK's result codes (0 = stored,
 * 1 = failed; the caller retries).
 * @param {'grpc' | 'http'} protocol
 * @param {import('../lib/collector.mjs').CollectorHandle} collector
 */
export function createReplayer(protocol, collector) {
  const bytesOf = (/** @type {ReadableSpan[]} */ batch) => {
    const bytes = encoded.get(batch);
    if (!bytes) throw new Error('replayer: batch was not pre-encoded (preEncode)');
    return bytes;
  };
  if (protocol === 'grpc') {
    const client = new grpc.Client(`127.0.0.1:${collector.ports.grpc}`, grpc.credentials.createInsecure());
    return {
      /** @param {ReadableSpan[]} batch @param {(result: { code: number; error?: Error }) => void} done */
      export(batch, done) {
        client.makeUnaryRequest(
          EXPORT_METHOD,
          identity,
          identity,
          bytesOf(batch),
          { deadline: Date.now() + 30_000 },
          (/** @type {Error | null} */ err) => done(err ? { code: 1, error: err } : { code: 0 }),
        );
      },
      async shutdown() {
        client.close();
      },
    };
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const url = new URL(`${collector.otlpHttpUrl}/v1/traces`);
  return {
    /** @param {ReadableSpan[]} batch @param {(result: { code: number; error?: Error }) => void} done */
    export(batch, done) {
      const body = bytesOf(batch);
      const request = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
          timeout: 30_000,
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            done(
              response.statusCode === 200
                ? { code: 0 }
                : { code: 1, error: new Error(`HTTP ${response.statusCode}`) },
            ),
          );
        },
      );
      request.on('error', (error) => done({ code: 1, error }));
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.end(body);
    },
    async shutdown() {
      agent.destroy();
    },
  };
}
