// Realistic GenAI agent traces, deterministic for a seed: an `invoke_agent` root, model calls (`chat <model>`) with
// tokens, cache and reasoning usage and OTel-shaped messages (gen_ai.input.messages / output.messages /
// system_instructions as JSON), tool calls (`execute_tool <tool>`) some with an HTTP or database child span,
// sub-agents, ~5% of traces with an error (span status, error.type, exception event). Spread over 8 services,
// 13 agents, 10 models of 5 providers (one unpriced), 24 tools. Traces come out in start-time order across the
// time window, as a live system would send them.
//
// The span model is bench/lib/otlp.mjs's BenchSpan; the generator also keeps what a benchmark needs to ask
// questions about the data: counts per service/agent/model, error traces, and a sample of trace ids with their span
// counts. The span builders are in genai-traces/agent-run.mjs, what they draw from in genai-traces/catalog.mjs.

/** @typedef {import('./otlp.mjs').BenchSpan} BenchSpan */
/** @typedef {import('./otlp.mjs').BenchResource} BenchResource */
/** @typedef {import('./otlp.mjs').Attrs} Attrs */
/** @typedef {import('./genai-traces/random.mjs').Random} Random */
/** @typedef {import('./genai-traces/catalog.mjs').AgentSpec} AgentSpec */
/** @typedef {import('./genai-traces/catalog.mjs').ModelSpec} ModelSpec */

import { agentSpan, MS, runAgent, STATUS } from './genai-traces/agent-run.mjs';
import { ERRORS, MODEL_BY_NAME, SERVICES } from './genai-traces/catalog.mjs';
import { createRandom } from './genai-traces/random.mjs';

export { AGENTS, MODELS, SEARCH_TERMS, SERVICES } from './genai-traces/catalog.mjs';
export { createRandom } from './genai-traces/random.mjs';

/**
 * @typedef {object} GeneratedTrace
 * @property {string} traceId
 * @property {string} service
 * @property {BenchSpan[]} spans
 * @property {boolean} error
 */

/**
 * @param {{ seed?: number; totalSpans: number; windowStartNs: bigint; windowEndNs: bigint; minSpans?: number;
 *   maxSpans?: number; errorRate?: number; sampleSize?: number }} options
 */
export function createTraceGenerator(options) {
  const {
    seed = 1,
    totalSpans,
    windowStartNs,
    windowEndNs,
    minSpans = 20,
    maxSpans = 60,
    errorRate = 0.05,
    sampleSize = 5000,
  } = options;
  const r = createRandom(seed);
  const serviceWeights = SERVICES.map((s) => /** @type {const} */ ([s, s.weight]));
  const windowNs = windowEndNs - windowStartNs;
  const avgSpans = (minSpans + maxSpans) / 2;
  /** Mean gap between trace starts, so the spans fill the window evenly. */
  const gapNs = (windowNs * BigInt(Math.round(avgSpans))) / BigInt(Math.max(1, totalSpans));
  /** Recent conversations per service: about half of the traces continue one (multi-turn sessions). */
  const conversations = new Map(SERVICES.map((s) => [s.name, /** @type {string[]} */ ([])]));

  let emitted = 0;
  let traces = 0;
  const stats = {
    traces: 0,
    spans: 0,
    errorTraces: 0,
    chatSpans: 0,
    toolSpans: 0,
    byService: /** @type {Record<string, number>} */ ({}),
    byRootAgent: /** @type {Record<string, number>} */ ({}),
    /** Traces calling each model at least once. */
    byModel: /** @type {Record<string, number>} */ ({}),
  };
  /** Reservoir sample of traces: id → span count and whether it has an error. */
  const sample = /** @type {{ traceId: string; spans: number; error: boolean; service: string }[]} */ ([]);

  /** @returns {GeneratedTrace | null} */
  function nextTrace() {
    const remaining = totalSpans - emitted;
    if (remaining <= 0) return null;
    let size = r.int(minSpans, maxSpans);
    // The last trace takes the rest; a remainder too small for a trace of its own goes to this one.
    if (remaining - size < minSpans) size = remaining;

    const service = r.weighted(serviceWeights);
    const entry = /** @type {AgentSpec} */ (service.agents[0]);
    const traceId = r.traceId();
    const error = r.chance(errorRate);
    const recent = /** @type {string[]} */ (conversations.get(service.name));
    /** @type {string} */
    let conversationId;
    if (recent.length > 0 && r.chance(0.5)) conversationId = r.pick(recent);
    else {
      conversationId = `conv_${r.hex8()}${r.hex8()}`;
      recent.push(conversationId);
      if (recent.length > 50) recent.shift();
    }
    const progress = windowStartNs + (windowNs * BigInt(emitted)) / BigInt(totalSpans);
    const startNs = progress + BigInt(Math.floor(r.float() * Number(gapNs)));

    /** @type {BenchSpan[]} */
    const spans = [];
    /** @type {Set<string>} */
    const models = new Set();
    const ask = r.pick(service.asks)(r);
    /** @type {import('./genai-traces/agent-run.mjs').TraceInProgress} */
    const trace = { r, traceId, conversationId, service, spans, models, budget: size - 1 };

    const rootSpanId = r.spanId();
    const entryModel = /** @type {ModelSpec} */ (MODEL_BY_NAME.get(r.weighted(entry.models)));
    const root = agentSpan(trace, entry, entryModel, rootSpanId, '', startNs);
    spans.push(root);
    const end = runAgent(trace, rootSpanId, entry, ask, startNs + BigInt(r.int(1, 15)) * MS, 0, entryModel);
    root.endNs = end + BigInt(r.int(1, 10)) * MS;

    if (error) {
      const candidates = spans.filter(
        (s) => s.name.startsWith('chat ') || s.name.startsWith('execute_tool '),
      );
      const prefix = (/** @type {string} */ on) => (on === 'tool' ? 'execute_tool ' : 'chat ');
      const failure = r.pick(ERRORS.filter((e) => candidates.some((s) => s.name.startsWith(prefix(e.on)))));
      const victim = r.pick(candidates.filter((s) => s.name.startsWith(prefix(failure.on))));
      victim.status = { code: STATUS.ERROR, message: failure.message };
      victim.attributes['error.type'] = failure.type;
      victim.events = [
        {
          name: 'exception',
          timeNs: victim.endNs,
          attributes: { 'exception.type': failure.type, 'exception.message': failure.message },
        },
      ];
      root.status = { code: STATUS.ERROR, message: `${failure.type}: ${failure.message}` };
      root.attributes['error.type'] = failure.type;
    }

    emitted += spans.length;
    traces += 1;
    stats.traces = traces;
    stats.spans = emitted;
    if (error) stats.errorTraces += 1;
    for (const s of spans) {
      if (s.name.startsWith('chat ')) stats.chatSpans += 1;
      else if (s.name.startsWith('execute_tool ')) stats.toolSpans += 1;
    }
    stats.byService[service.name] = (stats.byService[service.name] ?? 0) + 1;
    stats.byRootAgent[entry.name] = (stats.byRootAgent[entry.name] ?? 0) + 1;
    for (const m of models) stats.byModel[m] = (stats.byModel[m] ?? 0) + 1;

    // Reservoir sampling (algorithm R) over all traces.
    const item = { traceId, spans: spans.length, error, service: service.name };
    if (sample.length < sampleSize) sample.push(item);
    else {
      const j = Math.floor(r.float() * traces);
      if (j < sampleSize) sample[j] = item;
    }
    return { traceId, service: service.name, spans, error };
  }

  /** Resource attributes per service (stable across traces). */
  const resources = new Map(
    SERVICES.map((s) => [
      s.name,
      {
        'service.name': s.name,
        'service.version': '1.4.2',
        'deployment.environment.name': 'production',
        'telemetry.sdk.name': 'opentelemetry',
        'telemetry.sdk.language': s.language,
        'host.name': `${s.name}-7d9f8b-${s.name.length % 3}`,
      },
    ]),
  );

  /**
   * Whole traces until at least `spans` spans (or the end), grouped per service as OTLP resources.
   * @param {number} spans
   * @returns {BenchResource[] | null}
   */
  function nextBatch(spans) {
    /** @type {Map<string, BenchSpan[]>} */
    const byService = new Map();
    let count = 0;
    while (count < spans) {
      const trace = nextTrace();
      if (!trace) break;
      count += trace.spans.length;
      const list = byService.get(trace.service);
      if (list) list.push(...trace.spans);
      else byService.set(trace.service, trace.spans);
    }
    if (count === 0) return null;
    return [...byService].map(([service, list]) => ({
      attributes: /** @type {Attrs} */ (resources.get(service)),
      scope: 'beacon-bench',
      spans: list,
    }));
  }

  return {
    nextTrace,
    nextBatch,
    stats,
    sample,
    get emitted() {
      return emitted;
    },
  };
}
