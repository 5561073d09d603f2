// Acceptance 2 of "[7/9] Reliability and security": thousands of random and mutated OTLP bodies (protobuf and JSON,
// over HTTP and gRPC), interleaved with valid traffic. The collector keeps serving, answers every bad body with a
// client error (never 5xx, never a hang), and stores every span of the valid traffic exactly once.
// Reproduce a failure with BEACON_FUZZ_SEED=<seed printed at the start>; BEACON_FUZZ_BODIES changes the count.
import { randomInt } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import protojson from 'protobufjs/ext/protojson.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ExportTraceServiceRequest, TRACE_SERVICE_EXPORT_PATH } from '../../src/receivers/otlp-proto.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';

const SEED = Number(process.env.BEACON_FUZZ_SEED ?? randomInt(2 ** 31));
const BAD_BODIES = Number(process.env.BEACON_FUZZ_BODIES ?? 4000);
/** One valid request after this many bad ones. */
const VALID_EVERY = 8;
const CONCURRENCY = 8;
/** An answer slower than this counts as a hang. */
const ANSWER_TIMEOUT_MS = 10_000;
const MAX_REQUEST_BYTES = 256 * 1024;

/**
 * mulberry32: a seeded PRNG, so a failing run can be replayed from its seed (Math.random cannot be seeded and no
 * property-testing library is a dependency of this repo).
 */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))),
    hex: (bytes: number) => Array.from({ length: bytes * 2 }, () => '0123456789abcdef'[int(16)]).join(''),
  };
}
type Rng = ReturnType<typeof prng>;
const rng = prng(SEED);

let collector: TestCollector;
let grpcClient: grpc.Client;
beforeAll(async () => {
  console.log(`fuzz seed ${SEED}: rerun with BEACON_FUZZ_SEED=${SEED}`);
  collector = await startTestCollector({
    maxRequestBytes: String(MAX_REQUEST_BYTES),
    maxSpansPerRequest: '500',
  });
  grpcClient = new grpc.Client(`127.0.0.1:${collector.ports.grpc}`, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  });
});
afterAll(async () => {
  grpcClient?.close();
  await collector?.dispose();
});

// --- Valid requests -------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function anyValue(r: Rng, depth = 0): Json {
  switch (r.int(depth > 2 ? 4 : 6)) {
    case 0:
      return {
        stringValue: r.pick(['hello', '', 'ünïcødé ✓', '{"role":"user","content":"hi"}', 'x'.repeat(300)]),
      };
    case 1:
      return { intValue: String(r.int(2 ** 31) - 2 ** 30) };
    case 2:
      return { doubleValue: r.int(10_000) / 7 };
    case 3:
      return { boolValue: r.int(2) === 1 };
    case 4:
      return { arrayValue: { values: Array.from({ length: r.int(4) }, () => anyValue(r, depth + 1)) } };
    default:
      return {
        kvlistValue: {
          values: Array.from({ length: r.int(4) }, (_, i) => ({
            key: `k${i}`,
            value: anyValue(r, depth + 1),
          })),
        },
      };
  }
}

const attributes = (r: Rng, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    key: r.pick(['gen_ai.operation.name', 'app.x', `a.${i}`]),
    value: anyValue(r),
  }));

/** An OTLP/JSON request (hex ids) with GenAI-looking spans, events and links, timestamps now. */
function validRequest(r: Rng, spanCount: number): { json: Json; traceId: string; spanIds: string[] } {
  const traceId = r.hex(16);
  const now = BigInt(Date.now()) * 1_000_000n;
  const spanIds: string[] = [];
  const spans = Array.from({ length: spanCount }, (_, i) => {
    const spanId = r.hex(8);
    spanIds.push(spanId);
    return {
      traceId,
      spanId,
      parentSpanId: i === 0 ? '' : spanIds[0],
      name: r.pick(['chat gpt-4o-mini', 'execute_tool search', 'invoke_agent planner', 'db query']),
      kind: r.int(6),
      startTimeUnixNano: String(now),
      endTimeUnixNano: String(now + BigInt(r.int(1_000_000_000))),
      attributes: [
        { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
        ...attributes(r, r.int(6)),
      ],
      events: Array.from({ length: r.int(3) }, () => ({
        timeUnixNano: String(now),
        name: 'gen_ai.content.prompt',
        attributes: attributes(r, 2),
      })),
      links: r.int(4) === 0 ? [{ traceId: r.hex(16), spanId: r.hex(8), attributes: attributes(r, 1) }] : [],
      status: { code: r.int(3), message: r.int(2) ? 'boom' : '' },
    };
  });
  const json = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] },
        scopeSpans: [{ scope: { name: 'fuzz', version: '1' }, spans }],
      },
    ],
  };
  return { json, traceId, spanIds };
}

/** OTLP/JSON → protobuf bytes: ids rewritten from hex to base64 (ProtoJSON's bytes), then encoded by protobufjs. */
function toProtobuf(json: Json): Buffer {
  const text = JSON.stringify(json).replace(
    /"(traceId|spanId|parentSpanId)":"([0-9a-f]*)"/g,
    (_, key: string, hex: string) => `"${key}":"${Buffer.from(hex, 'hex').toString('base64')}"`,
  );
  const message = protojson.fromJson(ExportTraceServiceRequest, JSON.parse(text));
  return Buffer.from(ExportTraceServiceRequest.encode(message).finish());
}

// --- Mutations ------------------------------------------------------------------------------------------------

type Wire = 'http_json' | 'http_protobuf' | 'grpc';

/** A varint longer than 64 bits can hold. */
const HUGE_VARINT = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);

function nestedProtobufValue(depth: number): Buffer {
  // AnyValue.array_value(5) → ArrayValue.values(1) → AnyValue ..., wrapped depth times.
  const field = (number: number, inner: Buffer) =>
    Buffer.concat([Buffer.from([(number << 3) | 2]), varint(inner.length), inner]);
  let value = field(1, Buffer.from('x'));
  for (let i = 0; i < depth; i++) value = field(5, field(1, value));
  return value;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

const BYTE_MUTATIONS: Record<string, (r: Rng, body: Buffer) => Buffer> = {
  bitFlips(r, body) {
    const out = Buffer.from(body);
    for (let i = 0, n = 1 + r.int(8); i < n && out.length > 0; i++) out[r.int(out.length)]! ^= 1 << r.int(8);
    return out;
  },
  truncate: (r, body) => body.subarray(0, r.int(body.length)),
  duplicateRange(r, body) {
    const start = r.int(body.length);
    const end = Math.min(body.length, start + 1 + r.int(64));
    const at = r.int(body.length);
    return Buffer.concat([body.subarray(0, at), body.subarray(start, end), body.subarray(at)]);
  },
  hugeVarint(r, body) {
    const at = r.int(body.length);
    return Buffer.concat([body.subarray(0, at), HUGE_VARINT, body.subarray(at)]);
  },
  wrongWireType(r, body) {
    const out = Buffer.from(body);
    if (out.length > 0) {
      const at = r.int(out.length);
      out[at] = (out[at]! & ~0x07) | r.pick([1, 3, 4, 5, 6, 7]);
    }
    return out;
  },
  randomBytes: (r) => r.bytes(r.int(512)),
  hugeLength: (r) =>
    Buffer.concat([Buffer.from([0x0a]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), r.bytes(16)]),
  deepNesting(r) {
    const kv = Buffer.concat([
      Buffer.from([0x0a, 0x01, 0x6b, 0x12]),
      lengthPrefixed(nestedProtobufValue(50 + r.int(2000))),
    ]);
    // ExportTraceServiceRequest.resource_spans(1) → ResourceSpans.scope_spans(2) → ScopeSpans.spans(2) → Span.attributes(9)
    return wrap(1, wrap(2, wrap(2, wrap(9, kv))));
  },
};

function lengthPrefixed(inner: Buffer): Buffer {
  return Buffer.concat([varint(inner.length), inner]);
}

function wrap(field: number, inner: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(field << 3) | 2]), lengthPrefixed(inner)]);
}

const WRONG_VALUES: readonly unknown[] = [
  null,
  true,
  -1,
  1e308,
  '',
  'not hex',
  '99999999999999999999999999999',
  [],
  [null],
  {},
  { stringValue: { nested: true } },
  '__proto__',
];

/** Every (object, key) in a JSON value, for picking a random place to break. */
function slots(
  value: unknown,
  out: [Json | unknown[], string | number][] = [],
): [Json | unknown[], string | number][] {
  if (Array.isArray(value))
    value.forEach((item, i) => {
      out.push([value, i]);
      slots(item, out);
    });
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      out.push([value as Json, key]);
      slots(item, out);
    }
  return out;
}

const JSON_MUTATIONS: Record<string, (r: Rng, json: Json) => string | Buffer> = {
  wrongType(r, json) {
    const copy = structuredClone(json);
    for (let i = 0, n = 1 + r.int(3); i < n; i++) {
      const [owner, key] = r.pick(slots(copy));
      // A copy: assigning the shared value itself let a later pick write it into itself (a cycle).
      (owner as Record<string | number, unknown>)[key] = structuredClone(r.pick(WRONG_VALUES));
    }
    return JSON.stringify(copy);
  },
  deepNesting(r, json) {
    // Built as text: JSON.stringify itself recurses, and would overflow in this process first.
    const copy = structuredClone(json);
    // Mostly an attribute's value, where a decoder walks nested values; else anywhere.
    const values = slots(copy).filter(([, k]) => k === 'value');
    const [owner, key] = r.int(4) && values.length > 0 ? r.pick(values) : r.pick(slots(copy));
    (owner as Record<string | number, unknown>)[key] = 'DEEP';
    const depth = r.pick([8, 40, 100, 5000, 200_000]);
    const shapes = [
      () => `${'['.repeat(depth)}${']'.repeat(depth)}`,
      () => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
      // AnyValue kvlists inside kvlists: the shape decoders recurse into.
      () =>
        `${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth)}{"stringValue":"x"}${'}]}}'.repeat(depth)}`,
    ];
    return JSON.stringify(copy).replace('"DEEP"', r.pick(shapes)());
  },
  duplicateKeys(r, json) {
    const text = JSON.stringify(json);
    const key = r.pick([
      '"spans":[]',
      '"traceId":"zz"',
      '"resourceSpans":{}',
      '"attributes":7',
      '"kind":"LOUD"',
    ]);
    return text.replace(/\{/g, (m) => (r.int(4) === 0 ? `${m}${key},` : m));
  },
  textBytes: (r, json) =>
    BYTE_MUTATIONS[r.pick(['bitFlips', 'truncate', 'duplicateRange'])]!(r, Buffer.from(JSON.stringify(json))),
  notAnObject: (r) =>
    r.pick(['[]', '"text"', '42', 'null', 'true', '{', '{"resourceSpans":', '\u0000\u0001']),
  hugeNumbers: (_r, json) =>
    JSON.stringify(json).replace(/"startTimeUnixNano":"\d+"/g, '"startTimeUnixNano":1e400'),
  tooManySpans(r) {
    const { json } = validRequest(r, 1);
    const spans = (json.resourceSpans as Json[])[0]!.scopeSpans as Json[];
    const span = (spans[0]!.spans as Json[])[0]!;
    spans[0]!.spans = Array.from({ length: 501 }, () => span);
    return JSON.stringify(json);
  },
};

// --- Sending ----------------------------------------------------------------------------------------------------

interface Answer {
  /** HTTP status, or for gRPC the status code (0 = OK). */
  code: number;
  detail: string;
}

async function sendHttp(body: string | Buffer, contentType: string): Promise<Answer> {
  const res = await fetch(`${collector.httpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
  });
  return { code: res.status, detail: (await res.text()).slice(0, 200) };
}

function sendGrpc(body: Buffer): Promise<Answer> {
  return new Promise((resolve) => {
    grpcClient.makeUnaryRequest(
      TRACE_SERVICE_EXPORT_PATH,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      { deadline: Date.now() + ANSWER_TIMEOUT_MS },
      (err) => resolve({ code: err?.code ?? grpc.status.OK, detail: err?.details ?? '' }),
    );
  });
}

function send(wire: Wire, body: string | Buffer): Promise<Answer> {
  if (wire === 'grpc') return sendGrpc(Buffer.from(body));
  return sendHttp(body, wire === 'http_json' ? 'application/json' : 'application/x-protobuf');
}

/** A client error: the body was refused as bad, or (a mutation that stayed valid) accepted. Never a server error. */
function isClientAnswer(wire: Wire, code: number): boolean {
  if (wire === 'grpc')
    return (
      code === grpc.status.OK ||
      code === grpc.status.INVALID_ARGUMENT ||
      code === grpc.status.RESOURCE_EXHAUSTED
    );
  return code === 200 || (code >= 400 && code < 500 && code !== 408);
}

function badBody(r: Rng, seedRequest: Json): { wire: Wire; mutation: string; body: string | Buffer } {
  const wire = r.pick<Wire>(['http_json', 'http_protobuf', 'grpc']);
  if (wire === 'http_json') {
    const mutation = r.pick(Object.keys(JSON_MUTATIONS));
    return { wire, mutation, body: JSON_MUTATIONS[mutation]!(r, seedRequest) };
  }
  const mutation = r.pick(Object.keys(BYTE_MUTATIONS));
  return { wire, mutation, body: BYTE_MUTATIONS[mutation]!(r, toProtobuf(seedRequest)) };
}

test(`fuzz: ${BAD_BODIES} bad bodies leave the collector serving, answering 4xx, losing no valid span`, {
  timeout: 120_000,
}, async () => {
  // Bodies to mutate: their spans may be stored when a mutation leaves them valid, so their trace ids are never
  // those of the valid traffic counted below.
  const templates = Array.from({ length: 20 }, () => validRequest(rng, 1 + rng.int(5)).json);
  const problems: string[] = [];
  const validSpans = new Map<string, string>(); // spanId → traceId
  let validSent = 0;

  const jobs: (() => Promise<void>)[] = [];
  for (let i = 0; i < BAD_BODIES; i++) {
    const bad = badBody(rng, rng.pick(templates));
    jobs.push(async () => {
      try {
        const answer = await send(bad.wire, bad.body);
        if (!isClientAnswer(bad.wire, answer.code))
          problems.push(`${bad.wire} ${bad.mutation}: answered ${answer.code} ${answer.detail}`);
      } catch (err) {
        problems.push(`${bad.wire} ${bad.mutation}: no answer (${(err as Error).message})`);
      }
    });
    if (i % VALID_EVERY === 0) {
      const valid = validRequest(rng, 1 + rng.int(10));
      const wire = rng.pick<Wire>(['http_json', 'http_protobuf', 'grpc']);
      const body = wire === 'http_json' ? JSON.stringify(valid.json) : toProtobuf(valid.json);
      jobs.push(async () => {
        validSent++;
        const answer = await send(wire, body).catch((err: Error) => ({ code: -1, detail: err.message }));
        if (answer.code !== (wire === 'grpc' ? grpc.status.OK : 200)) {
          problems.push(`valid ${wire} request refused: ${answer.code} ${answer.detail}`);
          return;
        }
        for (const spanId of valid.spanIds) validSpans.set(spanId, valid.traceId);
      });
    }
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );

  const context = `seed ${SEED} (BEACON_FUZZ_SEED=${SEED})`;
  expect(problems.slice(0, 10), `${problems.length} problems, ${context}`).toEqual([]);

  // Still serving: health, and the valid spans are all stored, each once.
  const health = await fetch(`${collector.apiUrl}/healthz`);
  expect(health.status, context).toBe(200);
  const traceIds = [...new Set(validSpans.values())];
  const rows = await collector.query<{ SpanId: string; n: string }>(
    'SELECT SpanId, count() AS n FROM otel_traces WHERE TraceId IN {t:Array(String)} GROUP BY SpanId',
    { t: traceIds },
  );
  const stored = new Map(rows.map((row) => [row.SpanId, Number(row.n)]));
  const missing = [...validSpans.keys()].filter((id) => !stored.has(id));
  const duplicated = [...stored].filter(([, n]) => n !== 1);
  expect(validSent, context).toBeGreaterThan(BAD_BODIES / VALID_EVERY - 1);
  expect(missing, `valid spans not stored, ${context}`).toEqual([]);
  expect(duplicated, `valid spans stored more than once, ${context}`).toEqual([]);
  expect(stored.size, context).toBe(validSpans.size);
});
