// A real-size multi-agent run with PLANTED, known failures, as OTLP/JSON ExportTraceServiceRequest bodies and a
// manifest saying what was planted where (README.md). Deterministic for a seed: the same seed and size always
// give the same run — the same spans, names, attributes and relative times; `instance` changes only the trace and
// span ids (two instances of a seed are two runs of the same script), `change` exactly one step.

import { createRandom } from '../genai-traces/random.mjs';
import { encodeJson } from '../otlp.mjs';
import { ERRORS, FINAL_AGENT, FIRST_PASS, ORCHESTRATOR, REPEATED } from './catalog.mjs';
import { ordinaryModel, runInvocation } from './invocation.mjs';
import { planInvocation } from './plan.mjs';
import { agentSpan, chatSpan, fail, MS, nsOf, STATUS } from './spans.mjs';

/** @typedef {import('../otlp.mjs').BenchSpan} BenchSpan */
/** @typedef {import('../otlp.mjs').Attrs} Attrs */
/** @typedef {import('./invocation.mjs').RunState} RunState */

/** @typedef {import('./types.mjs').AgentRunOptions} AgentRunOptions */
/** @typedef {import('./types.mjs').AgentRun} AgentRun */
/** @typedef {import('./types.mjs').AgentRunManifest} AgentRunManifest */
/** @typedef {import('./types.mjs').PlantedFailure} PlantedFailure */

const SERVICE = 'research-assistant';
const TARGETS = { small: 600, large: 10_000 };
/** Spans the final critic invocation and the root's last steps take: the budget stops the sequence before it. */
const FINAL_RESERVE = 25;
/** Messages of the orchestrator's conversation sent with each call: the task, then the latest ones. */
const ORCHESTRATOR_WINDOW = 60;

/** FNV-1a of a text: seeds the id source from (seed, instance). */
function hash32(/** @type {string} */ text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The orchestrator's turn before an invocation: a model call that hands the task over (a tool call named after
 * the agent), then the invocation.
 * @param {RunState} run @param {{ spanId: string }} root @param {unknown[]} history @param {string} agent
 * @param {string} task @param {bigint} t @param {boolean} first
 */
function delegate(run, root, history, agent, task, t, first) {
  const callId = `call_${run.r.hex8()}${run.r.hex8()}`;
  const output = {
    role: 'assistant',
    parts: [
      { type: 'text', content: `Next, the ${agent}: ${task}` },
      { type: 'tool_call', id: callId, name: `transfer_to_${agent}`, arguments: { task } },
    ],
    finish_reason: 'tool_call',
  };
  const input = [history[0], ...history.slice(1).slice(-ORCHESTRATOR_WINDOW)];
  const start = first ? t : t + 3n * MS;
  const end = start + nsOf(run.r.duration(1100, 300, 6000));
  const model = ordinaryModel(run, ORCHESTRATOR);
  const chat = chatSpan(run, {
    agent: ORCHESTRATOR,
    model,
    parentSpanId: root.spanId,
    start,
    end,
    input,
    output,
  });
  if (model !== ORCHESTRATOR.model)
    run.manifest.changed = { kind: 'model', spanId: chat.spanId, from: ORCHESTRATOR.model, to: model };
  history.push(output);
  return { callId, end };
}

/** @param {RunState} run @param {number} target @returns {{ root: BenchSpan; sequence: string[] }} */
function runOrchestrator(run, target) {
  const root = agentSpan(run, ORCHESTRATOR, '', 0n);
  /** @type {unknown[]} */
  const history = [
    {
      role: 'user',
      parts: [{ type: 'text', content: 'Write a market report on home electrification in 2025.' }],
    },
  ];
  const sequence = [];
  const occurrences = new Map();
  let t = 0n;
  for (let i = 0; ; i++) {
    const inFirstPass = i < FIRST_PASS.length;
    const final = !inFirstPass && run.spans.length + FINAL_RESERVE >= target;
    const agent = final
      ? FINAL_AGENT
      : inFirstPass
        ? FIRST_PASS[i]
        : REPEATED[(i - FIRST_PASS.length) % REPEATED.length];
    const name = /** @type {string} */ (agent);
    const occurrence = (occurrences.get(name) ?? 0) + 1;
    occurrences.set(name, occurrence);
    const plan = planInvocation(run.r, name, occurrence, final);
    const handOver = delegate(run, root, history, name, plan.task, t, i === 0);
    const ran = runInvocation(run, plan, root.spanId, handOver.end + nsOf(run.r.int(1, 20)), i % 2 === 0);
    sequence.push(name);
    history.push({
      role: 'tool',
      parts: [{ type: 'tool_call_response', id: handOver.callId, response: ran.answer }],
    });
    t = ran.span.endNs;
    if (final) {
      root.endNs = t + 15n * MS;
      fail(root, ERRORS.runStopped);
      return { root, sequence };
    }
  }
}

/**
 * Whole spans per request: at most maxSpans, and halved until the body fits maxBytes.
 * @param {BenchSpan[]} spans @param {Attrs} resource @param {number} maxSpans @param {number} maxBytes
 */
function requestsOf(spans, resource, maxSpans, maxBytes) {
  /** @type {string[]} */
  const out = [];
  const encode = (/** @type {BenchSpan[]} */ part) => {
    const body = encodeJson([
      { attributes: resource, scope: 'beacon-bench-agent-run', spans: part },
    ]).toString('utf8');
    if (Buffer.byteLength(body) <= maxBytes || part.length === 1) out.push(body);
    else {
      const half = Math.ceil(part.length / 2);
      encode(part.slice(0, half));
      encode(part.slice(half));
    }
  };
  for (let i = 0; i < spans.length; i += maxSpans) encode(spans.slice(i, i + maxSpans));
  return out;
}

/** @param {AgentRunOptions} [options] @returns {AgentRun} */
export function generateAgentRun(options = {}) {
  const { seed = 1, size = 'small', instance = 0, change, maxSpansPerRequest = 2000 } = options;
  const maxRequestBytes = options.maxRequestBytes ?? 8 * 1024 * 1024;
  const target = typeof size === 'number' ? size : TARGETS[size];
  const ids = createRandom(hash32(`${seed}/${instance}`));
  /** @type {RunState} */
  const run = {
    r: createRandom(seed),
    ids,
    side: createRandom(hash32(`${seed}/change`)),
    traceId: ids.traceId(),
    conversationId: `conv_${ids.hex8()}${ids.hex8()}`,
    spans: [],
    calls: new Map(),
    ordinary: { tools: 0, models: 0 },
    change: change ?? null,
    manifest: { failures: [], loops: [], changed: null },
  };
  const { root, sequence } = runOrchestrator(run, target);
  const durationNs = root.endNs - root.startNs;
  const startNs = options.startNs ?? BigInt(Date.now()) * MS - durationNs - 60_000n * MS;
  for (const span of run.spans) {
    span.startNs += startNs;
    span.endNs += startNs;
    for (const event of span.events ?? []) event.timeNs += startNs;
  }
  const resource = {
    'service.name': SERVICE,
    'service.version': '2.3.0',
    'deployment.environment.name': 'production',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.language': 'python',
  };
  return {
    traceId: run.traceId,
    spans: run.spans,
    resource,
    requests: requestsOf(run.spans, resource, maxSpansPerRequest, maxRequestBytes),
    manifest: manifestOf(run, root, sequence),
  };
}

/** @param {RunState} run @param {BenchSpan} root @param {string[]} sequence @returns {AgentRunManifest} */
function manifestOf(run, root, sequence) {
  /** @type {Record<string, { calls: number; failed: number }>} */
  const tools = {};
  const byId = new Map(run.spans.map((s) => [s.spanId, s]));
  let equalStarts = 0;
  for (const span of run.spans) {
    const parent = byId.get(span.parentSpanId);
    if (parent && parent.startNs === span.startNs) equalStarts += 1;
    const tool = span.attributes['gen_ai.tool.name'];
    if (typeof tool !== 'string') continue;
    const entry = tools[tool] ?? { calls: 0, failed: 0 };
    tools[tool] = entry;
    entry.calls += 1;
    if (span.status.code === STATUS.ERROR) entry.failed += 1;
  }
  const failures = run.manifest.failures;
  const rootCause = /** @type {PlantedFailure} */ (failures.find((f) => !f.recovered));
  const critic = /** @type {BenchSpan} */ (byId.get(rootCause.agentSpanId));
  const changed = run.manifest.changed;
  return {
    traceId: run.traceId,
    service: SERVICE,
    rootSpanId: root.spanId,
    spanCount: run.spans.length,
    durationMs: Number(root.endNs - root.startNs) / 1e6,
    llmCalls: run.spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat').length,
    toolCalls: run.spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool').length,
    errorSpans: run.spans.filter((s) => s.status.code === STATUS.ERROR).length,
    invocationSequence: sequence,
    tools,
    failures,
    rootCause,
    propagated: [
      { spanId: critic.spanId, spanName: critic.name, from: rootCause.spanId },
      { spanId: root.spanId, spanName: root.name, from: critic.spanId },
    ],
    loops: run.manifest.loops,
    equalStarts,
    changed: changed && { ...changed, step: run.spans.findIndex((s) => s.spanId === changed.spanId) + 1 },
  };
}
