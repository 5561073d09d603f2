// OTLP/gRPC receiver on @grpc/grpc-js: opentelemetry.proto.collector.trace.v1.TraceService/Export, and
// opentelemetry.proto.collector.logs.v1.LogsService/Export when logs are forwarded (else grpc-js answers UNIMPLEMENTED).
import * as grpc from '@grpc/grpc-js';
import { API_KEY_HEADER, type AuthOutcome, authDisabled, credentialFrom } from '../auth/index.js';
import type { SpanRejectReason } from '../model.js';
import { type DecodedTraceRequest, DecodeError, type DecodeLimits } from './decode.js';
import { type DecodedLogsRequest, decodeLogsProtobuf } from './decode-logs.js';
import { decodeTracesProtobufRequest } from './decode-protobuf.js';
import {
  ExportLogsServiceResponse,
  ExportTraceServiceResponse,
  LOGS_SERVICE_EXPORT_PATH,
  TRACE_SERVICE_EXPORT_PATH,
} from './otlp-proto.js';
import {
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  type LogSink,
  type OtlpReceiver,
  type OtlpReceiverOptions,
  teeAccepted,
} from './receiver.js';
import { encodeRpcStatus, exportResponse, rpcStatus } from './responses.js';

export interface OtlpGrpcReceiverOptions extends OtlpReceiverOptions {
  /**
   * Largest request message accepted after decompression. grpc-js answers RESOURCE_EXHAUSTED beyond it before the
   * service sees the call, so such requests do not reach onRejected.
   */
  maxMessageBytes: number;
}

/** The heap was above the memory limiter's soft limit when the request arrived: it was not decoded. */
const REFUSED_FOR_MEMORY = Symbol('refused for memory');

/** A request as the service's deserializer leaves it: decoded, the reason it could not be, or not decoded at all. */
type DecodedRequest = DecodedTraceRequest | DecodeError | typeof REFUSED_FOR_MEMORY;

/**
 * Decoding happens in requestDeserialize, but a failure is returned rather than thrown: grpc-js turns deserializer
 * exceptions into INTERNAL with a hidden message, and OTLP wants INVALID_ARGUMENT with the reason.
 */
function deserializeRequest(
  bytes: Buffer,
  limits: DecodeLimits | undefined,
  memoryLimiter: OtlpReceiverOptions['memoryLimiter'],
): DecodedRequest {
  // grpc-js has read the message already, but decoding it would allocate several times its size.
  if (memoryLimiter?.refusesRequest()) return REFUSED_FOR_MEMORY;
  try {
    return decodeTracesProtobufRequest(bytes, limits);
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
}

function deserializeLogsRequest(bytes: Buffer): DecodedLogsRequest | DecodeError {
  try {
    return decodeLogsProtobuf(bytes);
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
}

const logsServiceDefinition: grpc.ServiceDefinition = {
  Export: {
    path: LOGS_SERVICE_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: () => {
      throw new Error('the OTLP logs receiver only serves Export');
    },
    requestDeserialize: deserializeLogsRequest,
    responseSerialize: (response: object) =>
      Buffer.from(ExportLogsServiceResponse.encode(ExportLogsServiceResponse.fromObject(response)).finish()),
    responseDeserialize: (bytes: Buffer) => ExportLogsServiceResponse.decode(bytes),
    originalName: 'export',
  },
};

const traceServiceDefinition = (
  limits: DecodeLimits | undefined,
  memoryLimiter: OtlpReceiverOptions['memoryLimiter'],
): grpc.ServiceDefinition => ({
  Export: {
    path: TRACE_SERVICE_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: () => {
      throw new Error('the OTLP trace receiver only serves Export');
    },
    requestDeserialize: (bytes: Buffer) => deserializeRequest(bytes, limits, memoryLimiter),
    responseSerialize: (response: object) =>
      Buffer.from(
        ExportTraceServiceResponse.encode(ExportTraceServiceResponse.fromObject(response)).finish(),
      ),
    responseDeserialize: (bytes: Buffer) => ExportTraceServiceResponse.decode(bytes),
    originalName: 'export',
  },
});

/** `code` carrying google.rpc.RetryInfo in grpc-status-details-bin: OTLP's "retry after this delay". */
function retryable(code: grpc.status, message: string, retryAfterSeconds: number): grpc.ServerErrorResponse {
  const metadata = new grpc.Metadata();
  const status = rpcStatus(code, message, retryAfterSeconds);
  metadata.set('grpc-status-details-bin', encodeRpcStatus(status, 'protobuf'));
  return Object.assign(new Error(message), { code, details: message, metadata });
}

function unavailable(message: string, retryAfterSeconds: number): grpc.ServerErrorResponse {
  return retryable(grpc.status.UNAVAILABLE, message, retryAfterSeconds);
}

/** The gRPC status for a refused key: UNAUTHENTICATED, PERMISSION_DENIED, or RESOURCE_EXHAUSTED with RetryInfo. */
function authError(
  outcome: Extract<AuthOutcome, { ok: false }>,
): grpc.ServerErrorResponse | grpc.StatusObject {
  if (outcome.reason === 'rate_limited')
    return retryable(grpc.status.RESOURCE_EXHAUSTED, outcome.message, outcome.retryAfterSeconds);
  const code = outcome.reason === 'forbidden' ? grpc.status.PERMISSION_DENIED : grpc.status.UNAUTHENTICATED;
  return { code, details: outcome.message, metadata: new grpc.Metadata() };
}

/** The API key in a call's metadata (`authorization: Bearer …` or `x-beacon-api-key`). */
function credentialOf(metadata: grpc.Metadata): string | undefined {
  const text = (name: string) => {
    const value = metadata.get(name)[0];
    return typeof value === 'string' ? value : undefined;
  };
  return credentialFrom(text('authorization'), text(API_KEY_HEADER));
}

function formatAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function createOtlpGrpcReceiver(options: OtlpGrpcReceiverOptions): OtlpReceiver {
  const { sink, logger } = options;
  const rejected = (count: number, reason: SpanRejectReason) => options.onRejected?.(count, reason);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const server = new grpc.Server({ 'grpc.max_receive_message_length': options.maxMessageBytes });
  const authenticator = options.authenticator ?? authDisabled;
  let started = false;

  /** The call's tenant, or null once the call was answered with the auth error. */
  async function tenantOf(
    call: grpc.ServerUnaryCall<unknown, object>,
    callback: grpc.sendUnaryData<object>,
    countRejected: (reason: SpanRejectReason) => void,
  ): Promise<string | null> {
    const auth = await authenticator.authorize(credentialOf(call.metadata), 'ingest');
    if (auth.ok) return auth.principal.tenant;
    countRejected(auth.reason === 'rate_limited' ? 'rate_limited' : 'unauthorized');
    logger.debug({ reason: auth.reason }, 'OTLP/gRPC call refused by auth');
    callback(authError(auth));
    return null;
  }

  const exportTraces: grpc.handleUnaryCall<DecodedRequest, object> = (call, callback) => {
    // Auth comes first, even before a malformed request's INVALID_ARGUMENT: nobody learns anything without a key.
    tenantOf(call, callback, (reason) => rejected(1, reason)).then(
      (tenant) => {
        if (tenant !== null) exportTracesOf(tenant, call.request, callback);
      },
      (err: unknown) => {
        logger.error({ err }, 'OTLP/gRPC auth failed');
        callback({ code: grpc.status.INTERNAL, details: 'internal error' });
      },
    );
  };

  const exportTracesOf = (
    tenant: string,
    decoded: DecodedRequest,
    callback: grpc.sendUnaryData<object>,
  ): void => {
    if (decoded === REFUSED_FOR_MEMORY) {
      rejected(1, 'queue_full');
      callback(unavailable('collector memory is near its limit, retry later', 1));
      return;
    }
    if (decoded instanceof DecodeError) {
      rejected(1, 'malformed_request');
      logger.debug({ error: decoded.message }, 'malformed OTLP/gRPC request');
      callback({ code: grpc.status.INVALID_ARGUMENT, details: decoded.message });
      return;
    }
    const request = decoded.result;
    if (request.spans.length > 0) {
      const outcome = sink.accept(request.spans, 'grpc', tenant);
      if (!outcome.accepted) {
        rejected(request.spans.length, outcome.reason);
        logger.debug({ spans: request.spans.length, reason: outcome.reason }, 'OTLP/gRPC batch refused');
        const message =
          outcome.reason === 'queue_full'
            ? 'export queue is full, retry later'
            : 'collector is shutting down, retry later';
        callback(unavailable(message, outcome.retryAfterSeconds));
        return;
      }
    }
    if (request.rejectedSpans > 0) {
      rejected(request.rejectedSpans, 'invalid_span');
      logger.debug(
        { rejectedSpans: request.rejectedSpans, errors: request.errors },
        'rejected invalid spans',
      );
    }
    teeAccepted(options, decoded);
    callback(null, exportResponse(request));
  };

  server.addService(traceServiceDefinition(options.decodeLimits, options.memoryLimiter), {
    Export: exportTraces,
  });
  if (options.logs) server.addService(logsServiceDefinition, { Export: exportLogsTo(options.logs) });

  function exportLogsTo(sink: LogSink): grpc.handleUnaryCall<DecodedLogsRequest | DecodeError, object> {
    const exportLogsOf = (
      decoded: DecodedLogsRequest | DecodeError,
      callback: grpc.sendUnaryData<object>,
    ) => {
      if (decoded instanceof DecodeError) {
        logger.debug({ error: decoded.message }, 'malformed OTLP/gRPC logs request');
        callback({ code: grpc.status.INVALID_ARGUMENT, details: decoded.message });
        return;
      }
      if (decoded.logRecords > 0)
        sink.accept({ protobuf: decoded.protobuf(), logRecords: decoded.logRecords, protocol: 'grpc' });
      callback(null, {});
    };
    return (call, callback) => {
      // Log records are no spans: an auth refusal here is not counted in beacon_spans_rejected_total.
      tenantOf(call, callback, () => {}).then(
        (tenant) => {
          if (tenant !== null) exportLogsOf(call.request, callback);
        },
        (err: unknown) => {
          logger.error({ err }, 'OTLP/gRPC auth failed');
          callback({ code: grpc.status.INTERNAL, details: 'internal error' });
        },
      );
    };
  }

  return {
    start() {
      return new Promise((resolve, reject) => {
        const address = formatAddress(options.host, options.port);
        server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => {
          if (err) {
            reject(err);
            return;
          }
          started = true;
          logger.debug({ host: options.host, port }, 'OTLP/gRPC receiver listening');
          resolve({ port });
        });
      });
    },

    stop() {
      if (!started) return Promise.resolve();
      started = false;
      return new Promise<void>((resolve) => {
        const deadline = setTimeout(() => {
          logger.warn(
            { timeoutMs: shutdownTimeoutMs },
            'OTLP/gRPC calls still in flight at shutdown: cancelling them',
          );
          server.forceShutdown();
          resolve();
        }, shutdownTimeoutMs);
        deadline.unref();
        server.tryShutdown(() => {
          clearTimeout(deadline);
          resolve();
        });
      });
    },
  };
}
