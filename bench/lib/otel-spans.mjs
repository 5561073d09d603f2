// The generated GenAI traces (genai-traces.mjs) as the OpenTelemetry SDK hands them to an exporter: ReadableSpans,
// shaped like production agent spans for ingest benchmarks — every span topped up to 15–30 attributes and about
// 2 KB on the wire (ids, request/session/user context, code location, feature flags, …), and 1% carrying an 8 KB
// message history. Deterministic for a seed, like the generator.
import { createRequire } from 'node:module';
import path from 'node:path';
import { createRandom } from './genai-traces.mjs';
import { REPO_ROOT } from './paths.mjs';

/** @typedef {import('./otlp.mjs').BenchResource} BenchResource */
/** @typedef {import('./otlp.mjs').BenchSpan} BenchSpan */
/** @typedef {import('./otlp.mjs').Attrs} Attrs */
/** @typedef {import('@opentelemetry/sdk-trace-base').ReadableSpan} ReadableSpan */

const requireFromRoot = createRequire(path.join(REPO_ROOT, 'package.json'));
const { resourceFromAttributes } = /** @type {typeof import('@opentelemetry/resources')} */ (
  requireFromRoot('@opentelemetry/resources')
);

/** Attribute count of every span: uniform in [MIN_ATTRIBUTES, MAX_ATTRIBUTES]. */
export const MIN_ATTRIBUTES = 15;
export const MAX_ATTRIBUTES = 30;
/** Attribute bytes (keys + values) aimed at per span: about 2 KB with ids, times and framing. */
const MIN_ATTRIBUTE_BYTES = 1500;
const MAX_ATTRIBUTE_BYTES = 2300;
/** Share of spans carrying a large message history, and its size. */
export const LARGE_MESSAGE_RATE = 0.01;
export const LARGE_MESSAGE_BYTES = 8192;

const FLAGS = ['new-planner', 'streaming', 'tool-cache', 'fast-path', 'reranker-v2', 'compact-history'];
const ROUTES = ['/v1/chat', '/v1/agents/run', '/v1/tickets', '/v1/search', '/internal/jobs'];
const WORDS =
  'the customer asked about an order that was delayed in transit and the agent looked it up in the warehouse system before replying with a tracking link and an apology'.split(
    ' ',
  );

/**
 * Extra attributes a real service adds to its spans, in the order they are added (as many as the target count
 * needs). Values depend on the random source only.
 * @type {readonly [string, (r: import('./genai-traces.mjs').Random) => string | number | boolean | string[]][]}
 */
const FILLERS = [
  ['session.id', (r) => `sess_${r.hex8()}${r.hex8()}`],
  ['user.id', (r) => `user_${r.int(1, 50_000)}`],
  ['app.request.id', (r) => `req_${r.hex8()}-${r.hex8()}-${r.hex8()}`],
  ['app.tenant.id', (r) => `tenant_${r.int(1, 400)}`],
  ['code.function.name', (r) => r.pick(['handleMessage', 'runStep', 'callTool', 'planNext', 'respond'])],
  ['code.file.path', (r) => `/srv/app/src/${r.pick(['agent', 'tools', 'llm', 'router'])}/index.ts`],
  ['code.line.number', (r) => r.int(10, 2000)],
  ['thread.id', (r) => r.int(1, 64)],
  ['thread.name', (r) => `worker-${r.int(1, 16)}`],
  ['http.route', (r) => r.pick(ROUTES)],
  ['network.peer.address', (r) => `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`],
  ['network.protocol.version', () => '1.1'],
  ['app.feature_flags', (r) => FLAGS.filter(() => r.chance(0.4))],
  ['app.retry.attempt', (r) => r.int(0, 2)],
  ['app.cache.hit', (r) => r.chance(0.3)],
  ['app.queue.wait_ms', (r) => Math.round(r.float() * 5000) / 100],
  ['app.region', (r) => r.pick(['eu-west-1', 'us-east-1', 'ap-southeast-2'])],
  ['app.build.sha', (r) => `${r.hex8()}${r.hex8()}${r.hex8()}`],
  ['app.experiment', (r) => r.pick(['control', 'variant-a', 'variant-b'])],
  ['app.priority', (r) => r.pick(['low', 'normal', 'high'])],
  ['app.channel', (r) => r.pick(['web', 'slack', 'email', 'api'])],
  ['app.locale', (r) => r.pick(['en-US', 'pt-PT', 'de-DE', 'fr-FR'])],
  ['app.client.version', (r) => `${r.int(1, 5)}.${r.int(0, 20)}.${r.int(0, 9)}`],
  ['app.step.index', (r) => r.int(0, 40)],
  ['app.budget.remaining_usd', (r) => Math.round(r.float() * 1000) / 100],
  ['app.trace.sampled_reason', () => 'always_on'],
  ['app.span.note', () => ''], // sized to reach the byte target (see shapeAttributes)
];

/** @param {unknown} value */
const valueBytes = (value) =>
  typeof value === 'string'
    ? value.length
    : Array.isArray(value)
      ? value.reduce((n, v) => n + String(v).length + 2, 0)
      : 8;

/** @param {Attrs} attrs */
const attributeBytes = (attrs) =>
  Object.entries(attrs).reduce((n, [key, value]) => n + key.length + valueBytes(value) + 6, 0);

/** @param {import('./genai-traces.mjs').Random} r @param {number} length */
function prose(r, length) {
  let text = '';
  while (text.length < length) text += `${r.pick(WORDS)} `;
  return text.slice(0, length);
}

/**
 * A span's attributes topped up to 15–30 entries and about 2 KB; 1% also carry an 8 KB message history (a chat
 * span's gen_ai.input.messages, else an `app.debug.messages` attribute).
 * @param {Attrs} attrs
 * @param {import('./genai-traces.mjs').Random} r
 * @returns {Attrs}
 */
function shapeAttributes(attrs, r) {
  const out = { ...attrs };
  const count = Math.max(r.int(MIN_ATTRIBUTES, MAX_ATTRIBUTES), Object.keys(out).length);
  for (const [key, make] of FILLERS) {
    if (Object.keys(out).length >= count - 1) break;
    if (key === 'app.span.note' || key in out) continue;
    out[key] = make(r);
  }
  // The last attribute brings the span to its byte target.
  const target = r.int(MIN_ATTRIBUTE_BYTES, MAX_ATTRIBUTE_BYTES);
  const missing = target - attributeBytes(out) - 20;
  if (Object.keys(out).length < count) out['app.span.note'] = prose(r, Math.max(16, missing));
  if (r.chance(LARGE_MESSAGE_RATE)) {
    const history = [];
    while (JSON.stringify(history).length < LARGE_MESSAGE_BYTES - 200) {
      history.push({
        role: r.pick(['user', 'assistant']),
        parts: [{ type: 'text', content: prose(r, 400) }],
      });
    }
    out[typeof out['gen_ai.input.messages'] === 'string' ? 'gen_ai.input.messages' : 'app.debug.messages'] =
      JSON.stringify(history);
  }
  return out;
}

/** @param {bigint} ns @returns {[number, number]} */
const hrTime = (ns) => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];

/**
 * Generator output → ReadableSpans, as the SDK's span processor passes them to `exporter.export()`.
 * @param {BenchResource[]} resources
 * @param {import('./genai-traces.mjs').Random} r the shaping's random source
 * @returns {ReadableSpan[]}
 */
export function toReadableSpans(resources, r) {
  /** @type {ReadableSpan[]} */
  const out = [];
  for (const resource of resources) {
    const otelResource = resourceFromAttributes(resource.attributes);
    const scope = { name: resource.scope, version: '1.0.0' };
    for (const span of resource.spans) {
      const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: 1 };
      const parent = span.parentSpanId
        ? { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: 1 }
        : undefined;
      const start = hrTime(span.startNs);
      const end = hrTime(span.endNs);
      out.push({
        name: span.name,
        // OTLP numbers SpanKind from 1 (internal); the API's enum from 0.
        kind: Math.max(0, span.kind - 1),
        spanContext: () => context,
        parentSpanContext: parent,
        startTime: start,
        endTime: end,
        status: { code: span.status.code, message: span.status.message },
        attributes: shapeAttributes(span.attributes, r),
        links: [],
        events: (span.events ?? []).map((event) => ({
          name: event.name,
          time: hrTime(event.timeNs),
          attributes: event.attributes,
        })),
        duration: hrTime(span.endNs - span.startNs),
        ended: true,
        resource: otelResource,
        instrumentationScope: scope,
        droppedAttributesCount: 0,
        droppedEventsCount: 0,
        droppedLinksCount: 0,
      });
    }
  }
  return out;
}

/**
 * Batches of ReadableSpans for a run: whole traces from the generator, split into export calls of `batch` spans
 * (a BatchSpanProcessor cuts across traces the same way).
 * @param {ReturnType<typeof import('./genai-traces.mjs').createTraceGenerator>} generator
 * @param {import('./genai-traces.mjs').Random} r
 * @param {number} spans
 * @param {number} batch
 * @returns {ReadableSpan[][]}
 */
export function buildExportBatches(generator, r, spans, batch) {
  /** @type {ReadableSpan[]} */
  const all = [];
  while (all.length < spans) {
    const resources = generator.nextBatch(Math.min(batch, spans - all.length));
    if (!resources) break;
    for (const span of toReadableSpans(resources, r)) all.push(span);
  }
  /** @type {ReadableSpan[][]} */
  const batches = [];
  for (let i = 0; i < all.length; i += batch) batches.push(all.slice(i, i + batch));
  return batches;
}

export { createRandom };
