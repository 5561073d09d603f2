// OTLP/gRPC export of already-encoded requests on @grpc/grpc-js. Not @opentelemetry/otlp-grpc-exporter-base: that
// exporter serializes SDK ReadableSpans, so forwarding through it would rebuild spans from Beacon's decoded model
// and lose what "unchanged" promises (attribute value types, dropped counts, flags, schema URLs, unknown fields).
// Here the bytes the receivers took go on the wire as they are: the (de)serializers are the identity.
import * as grpc from '@grpc/grpc-js';
import type { ForwardTransport, SendOutcome } from './transport.js';

/** OTLP's default gRPC port, for an endpoint URL without one. */
const OTLP_GRPC_PORT = 4317;

/** OTLP/gRPC: the codes a client retries (RESOURCE_EXHAUSTED only when the server sent RetryInfo). */
const RETRYABLE_CODES = new Set<number>([
  grpc.status.CANCELLED,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.ABORTED,
  grpc.status.OUT_OF_RANGE,
  grpc.status.UNAVAILABLE,
  grpc.status.DATA_LOSS,
]);

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // grpc-js waits up to 120 s between reconnects by default; a forward target that comes back should get its
  // backlog within the forwarder's own retry cadence.
  'grpc.max_reconnect_backoff_ms': 10_000,
  'grpc.initial_reconnect_backoff_ms': 500,
};

const identity = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function isRetryable(error: grpc.ServiceError): boolean {
  if (RETRYABLE_CODES.has(error.code)) return true;
  return (
    error.code === grpc.status.RESOURCE_EXHAUSTED &&
    (error.metadata?.get('grpc-status-details-bin').length ?? 0) > 0
  );
}

/** `method` is the full gRPC path, e.g. /opentelemetry.proto.collector.trace.v1.TraceService/Export. */
export function createGrpcTransport(endpoint: string, method: string): ForwardTransport {
  const url = new URL(endpoint);
  const secure = url.protocol === 'https:';
  const address = url.port ? url.host : `${url.host}:${OTLP_GRPC_PORT}`;
  const credentials = secure ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
  const client = new grpc.Client(address, credentials, CHANNEL_OPTIONS);
  const target = `${secure ? 'https' : 'http'}://${address}`;

  return {
    target,
    send(body, timeoutMs, signal) {
      return new Promise<SendOutcome>((resolve) => {
        const call = client.makeUnaryRequest<Uint8Array, Buffer>(
          method,
          identity,
          (response: Buffer) => response,
          body,
          new grpc.Metadata(),
          { deadline: Date.now() + timeoutMs },
          (error) => {
            signal.removeEventListener('abort', cancel);
            if (!error) resolve({ ok: true });
            else {
              const name = grpc.status[error.code] ?? String(error.code);
              resolve({ ok: false, retryable: isRetryable(error), message: `${name}: ${error.details}` });
            }
          },
        );
        const cancel = () => call.cancel();
        signal.addEventListener('abort', cancel, { once: true });
      });
    },
    close() {
      client.close();
    },
  };
}
