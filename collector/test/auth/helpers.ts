// Shared by the auth tests: a key file written with the product's own key generator, and requests that carry a key.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { type ApiKeyRecord, generateApiKey, type Scope, writeKeyFile } from '../../src/auth/index.js';
import { ExportTraceServiceRequest } from '../../src/receivers/otlp-proto.js';

export interface KeySpec {
  tenant: string;
  scopes: Scope[];
  revoked?: boolean;
  rateLimitPerSecond?: number;
}

/** Writes a key file holding one key per spec; returns the file and the keys (the only place they exist). */
export function writeKeys<K extends string>(
  specs: Record<K, KeySpec>,
): { file: string; keys: Record<K, string> } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'beacon-keys-')), 'api-keys.json');
  const keys = {} as Record<K, string>;
  const records: ApiKeyRecord[] = [];
  for (const [name, spec] of Object.entries(specs) as [K, KeySpec][]) {
    const { id, key, hash } = generateApiKey();
    keys[name] = key;
    records.push({
      id,
      name,
      tenant: spec.tenant,
      scopes: spec.scopes,
      hash,
      createdAt: new Date().toISOString(),
      revokedAt: spec.revoked ? new Date().toISOString() : null,
      rateLimitPerSecond: spec.rateLimitPerSecond ?? null,
    });
  }
  writeKeyFile(file, { version: 1, keys: records });
  return { file, keys };
}

export interface Answer {
  status: number;
  text: string;
  headers: Headers;
  /** The request's URL and body: what an answer may echo without leaking anything. */
  sent: string;
}

/** One HTTP request with an optional key (as Bearer, or as x-beacon-api-key when `header` says so). */
export async function call(
  url: string,
  options: { key?: string; method?: string; body?: unknown; header?: 'bearer' | 'x-beacon-api-key' } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.key !== undefined) {
    if (options.header === 'x-beacon-api-key') headers['x-beacon-api-key'] = options.key;
    else headers.authorization = `Bearer ${options.key}`;
  }
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const res = await fetch(url, { method: options.method ?? 'GET', headers, body });
  return { status: res.status, text: await res.text(), headers: res.headers, sent: `${url} ${body ?? ''}` };
}

/** OTLP/HTTP JSON export with a key. */
export function postSpans(httpUrl: string, body: string, key?: string): Promise<Answer> {
  return call(`${httpUrl}/v1/traces`, { method: 'POST', body, key });
}

/** The OTLP/JSON request as protobuf bytes (ids from hex to bytes), for the gRPC receiver. */
export function toProtobuf(otlpJson: string): Uint8Array {
  const json = otlpJson.replace(/"(traceId|spanId|parentSpanId)":"([0-9a-f]*)"/g, (_, k, hex) => {
    return `"${k}":"${Buffer.from(hex, 'hex').toString('base64')}"`;
  });
  return ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(JSON.parse(json))).finish();
}

/** OTLP/gRPC Export with the key in the call metadata; resolves with the status error or null for OK. */
export async function grpcExport(
  grpcPort: number,
  otlpJson: string,
  metadata: Record<string, string> = {},
): Promise<grpc.ServiceError | null> {
  const client = new grpc.Client(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  for (const [name, value] of Object.entries(metadata)) md.set(name, value);
  try {
    return await new Promise((resolve) => {
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(toProtobuf(otlpJson)),
        md,
        (err) => resolve(err),
      );
    });
  } finally {
    client.close();
  }
}
