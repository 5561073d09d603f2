// What the forwarder needs from a protocol: send one encoded Export*ServiceRequest, say whether a failure is worth
// retrying. gRPC (spans → Jaeger/Tempo) and HTTP (logs → Loki) implement it.

export type SendOutcome =
  | { ok: true }
  /** `retryAfterMs`: the server said when to come back (Retry-After / google.rpc.RetryInfo). */
  | { ok: false; retryable: boolean; message: string; retryAfterMs?: number };

export interface ForwardTransport {
  /** Where requests go, without credentials: for log lines. */
  readonly target: string;
  /** Sends one request; never rejects (failures are outcomes). `signal` aborts it (shutdown). */
  send(body: Uint8Array, timeoutMs: number, signal: AbortSignal): Promise<SendOutcome>;
  close(): void;
}
