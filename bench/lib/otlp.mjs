// OTLP/HTTP trace export for benchmarks: a plain span model → ExportTraceServiceRequest (protobuf, or OTLP/JSON),
// and a sender that keeps a fixed number of requests in flight and retries what the collector refuses (429/503,
// waiting at least its Retry-After) — as a well-behaved OTLP exporter does.
import { createRequire } from 'node:module';
import path from 'node:path';
import { keepAliveAgent, request, sleep } from './http.mjs';
import { COLLECTOR_DIR } from './paths.mjs';

/**
 * @typedef {string | number | boolean | string[]} AttrValue
 * @typedef {Record<string, AttrValue>} Attrs
 * @typedef {object} BenchSpan
 * @property {string} traceId 32 hex chars
 * @property {string} spanId 16 hex chars
 * @property {string} parentSpanId 16 hex chars, '' for a root span
 * @property {string} name
 * @property {number} kind OTLP SpanKind (1 internal, 2 server, 3 client)
 * @property {bigint} startNs
 * @property {bigint} endNs
 * @property {Attrs} attributes
 * @property {{ code: number; message?: string }} status OTLP StatusCode (0 unset, 1 ok, 2 error)
 * @property {{ name: string; timeNs: bigint; attributes: Attrs }[]} [events]
 * @typedef {object} BenchResource
 * @property {Attrs} attributes resource attributes (service.name, ...)
 * @property {string} scope instrumentation scope name
 * @property {BenchSpan[]} spans
 */

// protobufjs is the collector's dependency (and the OTLP .proto files are its): load both from there.
const requireFromCollector = createRequire(path.join(COLLECTOR_DIR, 'package.json'));
const protobuf = requireFromCollector('protobufjs');
const PROTO_DIR = path.join(COLLECTOR_DIR, 'proto');

function loadTypes() {
  const root = new protobuf.Root();
  root.resolvePath = (/** @type {string} */ _origin, /** @type {string} */ target) =>
    path.join(PROTO_DIR, target);
  root.loadSync(['opentelemetry/proto/collector/trace/v1/trace_service.proto']);
  root.resolveAll();
  return {
    Request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    Response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
  };
}
const types = loadTypes();

const UINT32 = 0x1_0000_0000n;

/** @param {bigint} ns */
const fixed64 = (ns) => ({ low: Number(ns % UINT32) | 0, high: Number(ns / UINT32) | 0, unsigned: true });

/** @param {AttrValue} value */
function protoValue(value) {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => ({ stringValue: v })) } };
  return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
}

/** @param {Attrs} attrs */
const protoAttrs = (attrs) =>
  Object.entries(attrs).map(([key, value]) => ({ key, value: protoValue(value) }));

/** @param {BenchResource[]} resources */
export function encodeProtobuf(resources) {
  const message = {
    resourceSpans: resources.map((resource) => ({
      resource: { attributes: protoAttrs(resource.attributes) },
      scopeSpans: [
        {
          scope: { name: resource.scope },
          spans: resource.spans.map((span) => ({
            traceId: Buffer.from(span.traceId, 'hex'),
            spanId: Buffer.from(span.spanId, 'hex'),
            parentSpanId: span.parentSpanId ? Buffer.from(span.parentSpanId, 'hex') : undefined,
            name: span.name,
            kind: span.kind,
            startTimeUnixNano: fixed64(span.startNs),
            endTimeUnixNano: fixed64(span.endNs),
            attributes: protoAttrs(span.attributes),
            events: span.events?.map((event) => ({
              timeUnixNano: fixed64(event.timeNs),
              name: event.name,
              attributes: protoAttrs(event.attributes),
            })),
            status: span.status,
          })),
        },
      ],
    })),
  };
  return Buffer.from(types.Request.encode(message).finish());
}

/** @param {AttrValue} value */
function jsonValue(value) {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => ({ stringValue: v })) } };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/** @param {Attrs} attrs */
const jsonAttrs = (attrs) => Object.entries(attrs).map(([key, value]) => ({ key, value: jsonValue(value) }));

/** @param {BenchResource[]} resources */
export function encodeJson(resources) {
  return Buffer.from(
    JSON.stringify({
      resourceSpans: resources.map((resource) => ({
        resource: { attributes: jsonAttrs(resource.attributes) },
        scopeSpans: [
          {
            scope: { name: resource.scope },
            spans: resource.spans.map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId,
              name: span.name,
              kind: span.kind,
              startTimeUnixNano: String(span.startNs),
              endTimeUnixNano: String(span.endNs),
              attributes: jsonAttrs(span.attributes),
              events: span.events?.map((event) => ({
                timeUnixNano: String(event.timeNs),
                name: event.name,
                attributes: jsonAttrs(event.attributes),
              })),
              status: span.status,
            })),
          },
        ],
      })),
    }),
  );
}

export const ENCODINGS = {
  protobuf: { contentType: 'application/x-protobuf', encode: encodeProtobuf },
  json: { contentType: 'application/json', encode: encodeJson },
};

/**
 * Spans the collector refused inside a 200 answer (OTLP partial success).
 * @param {Buffer} body
 * @param {'protobuf' | 'json'} encoding
 */
function rejectedSpansOf(body, encoding) {
  if (body.length === 0) return 0;
  if (encoding === 'json')
    return Number(JSON.parse(body.toString('utf8'))?.partialSuccess?.rejectedSpans ?? 0);
  const response = /** @type {{ partialSuccess?: { rejectedSpans?: unknown } }} */ (
    types.Response.decode(body)
  );
  return Number(response.partialSuccess?.rejectedSpans ?? 0);
}

/** Retry-After in seconds (the collector sends delta-seconds) → ms; missing or unreadable → null. */
function retryAfterMs(/** @type {string | string[] | undefined} */ header) {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** @param {BenchResource[]} resources */
export const countSpans = (resources) => resources.reduce((n, r) => n + r.spans.length, 0);

/**
 * @param {{ url: string; encoding: 'protobuf' | 'json'; concurrency: number; maxAttempts?: number }} options
 */
export function createOtlpSender({ url, encoding, concurrency, maxAttempts = 50 }) {
  const agent = keepAliveAgent(concurrency);
  const { contentType, encode } = ENCODINGS[encoding];
  const endpoint = `${url.replace(/\/$/, '')}/v1/traces`;
  const stats = {
    requests: 0,
    /** Requests answered 200. */
    accepted: 0,
    acceptedSpans: 0,
    /** Spans refused inside a 200 (partial success): a generator bug if ever > 0. */
    rejectedSpans: 0,
    retried429: 0,
    retried503: 0,
    retriedNetwork: 0,
    bytes: 0,
    /** ms per successful request, send → answer (retries not included). */
    latenciesMs: /** @type {number[]} */ ([]),
  };
  /** @type {Set<Promise<void>>} */
  const inFlight = new Set();
  /** @type {unknown} */
  let failure = null;

  /** @param {Buffer} body @param {number} spanCount */
  async function post(body, spanCount) {
    let backoffMs = 100;
    for (let attempt = 1; ; attempt++) {
      stats.requests += 1;
      const started = performance.now();
      let res;
      try {
        res = await request(endpoint, {
          method: 'POST',
          headers: { 'content-type': contentType, 'content-length': body.length },
          body,
          agent,
        });
      } catch (err) {
        if (attempt >= maxAttempts) throw err;
        stats.retriedNetwork += 1;
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5000);
        continue;
      }
      if (res.status === 200) {
        stats.latenciesMs.push(performance.now() - started);
        stats.accepted += 1;
        stats.bytes += body.length;
        const rejected = rejectedSpansOf(res.body, encoding);
        stats.rejectedSpans += rejected;
        stats.acceptedSpans += spanCount - rejected;
        return;
      }
      if ((res.status === 429 || res.status === 503) && attempt < maxAttempts) {
        if (res.status === 429) stats.retried429 += 1;
        else stats.retried503 += 1;
        // At least what the collector asked for; a growing floor with jitter when it asked for 0.
        const floor = backoffMs * (0.5 + Math.random() / 2);
        await sleep(Math.max(retryAfterMs(res.headers['retry-after']) ?? 0, floor));
        backoffMs = Math.min(backoffMs * 2, 5000);
        continue;
      }
      throw new Error(`OTLP export answered ${res.status}: ${res.body.toString('utf8').slice(0, 500)}`);
    }
  }

  return {
    stats,
    /** Encodes a request body in this sender's encoding (to encode ahead of time, for submitBody). */
    encode,
    /**
     * Encodes and sends `resources` once fewer than `concurrency` requests are in flight; resolves when sending
     * has started (not when it is answered). Throws the first failure of an earlier request.
     * @param {BenchResource[]} resources
     */
    async submit(resources) {
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (failure) throw failure;
      await this.submitBody(encode(resources), countSpans(resources));
    },
    /**
     * Like submit, for a body encoded beforehand.
     * @param {Buffer} body
     * @param {number} spanCount
     */
    async submitBody(body, spanCount) {
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (failure) throw failure;
      const task = post(body, spanCount).then(
        () => {
          inFlight.delete(task);
        },
        (err) => {
          inFlight.delete(task);
          failure ??= err;
        },
      );
      inFlight.add(task);
    },
    /** Waits for every request in flight; throws the first failure. */
    async drain() {
      while (inFlight.size > 0) await Promise.race(inFlight);
      if (failure) throw failure;
      agent.destroy();
    },
  };
}
