// One agent invocation as spans: turn after turn a model call (whose input is the whole conversation so far, so it
// grows) and the tool calls it asked for, then the agent's answer — with the planted events of its plan (plan.mjs)
// recorded in the run's manifest as they are made.

import { ERRORS, REPLACEMENT_MODEL, REPLACEMENT_TOOL, TOOLS } from './catalog.mjs';
import { agentSpan, chatSpan, clientSpan, fail, json, MS, nsOf, toolSpan } from './spans.mjs';

/** @typedef {import('../otlp.mjs').BenchSpan} BenchSpan */
/** @typedef {import('../genai-traces/random.mjs').Random} Random */
/** @typedef {import('./catalog.mjs').AgentSpec} AgentSpec */
/** @typedef {import('./catalog.mjs').ToolSpec} ToolSpec */
/** @typedef {import('./plan.mjs').InvocationPlan} InvocationPlan */
/** @typedef {import('./plan.mjs').TurnPlan} TurnPlan */
/** @typedef {import('./plan.mjs').ToolCallPlan} ToolCallPlan */
/** @typedef {import('./types.mjs').PlantedFailure} PlantedFailure */
/** @typedef {import('./types.mjs').AgentRunManifest} AgentRunManifest */

/**
 * @typedef {import('./spans.mjs').RunInProgress & {
 *   side: Random;
 *   calls: Map<string, number>;
 *   ordinary: { tools: number; models: number };
 *   change: { kind: 'tool' | 'model'; nth: number } | null;
 *   manifest: Pick<AgentRunManifest, 'failures' | 'loops'> & { changed: { kind: 'tool' | 'model'; spanId: string;
 *     from: string; to: string } | null };
 * }} RunState
 */

/** Median, min and max duration of each tool's calls, ms. */
const TOOL_MS = /** @type {Record<string, [number, number, number]>} */ ({
  web_search: [700, 200, 3000],
  fetch_url: [900, 150, 6000],
  read_file: [30, 5, 200],
  write_file: [40, 5, 300],
  run_python: [2500, 400, 12_000],
  query_db: [350, 20, 4000],
  plot_chart: [800, 200, 3000],
});
const TIMEOUT_MS = 30_000;

const text = (/** @type {string} */ content) => ({ type: 'text', content });

/**
 * @typedef {object} PlannedCall
 * @property {ToolCallPlan} plan
 * @property {string} tool the tool called (REPLACEMENT_TOOL for the changed step)
 * @property {string} callId
 * @property {number} n the call's number within its tool
 * @property {string} args
 */

/** The tool calls a turn asks for, numbered, with their arguments. @param {RunState} run @param {TurnPlan} turn */
function planCalls(run, turn, /** @type {{ loopArgs: string | null; loopN: number }} */ loop) {
  return turn.tools.map((plan) => {
    const spec = /** @type {ToolSpec} */ (TOOLS[plan.tool]);
    const callId = `call_${run.r.hex8()}${run.r.hex8()}`;
    if (plan.planted === 'loop' && loop.loopArgs !== null)
      return { plan, tool: plan.tool, callId, n: loop.loopN, args: loop.loopArgs };
    const n = run.calls.get(plan.tool) ?? 0;
    run.calls.set(plan.tool, n + 1);
    const args = json(spec.args(run.r, n));
    if (plan.planted === 'loop') Object.assign(loop, { loopArgs: args, loopN: n });
    if (plan.fault || plan.planted) return { plan, tool: plan.tool, callId, n, args };
    run.ordinary.tools += 1;
    if (run.change?.kind === 'tool' && run.change.nth === run.ordinary.tools) {
      // The changed step: another tool, its arguments from a side source so the rest of the run stays the same.
      const replaced = json({ query: `documentation for ${run.side.hex8()}` });
      return { plan, tool: REPLACEMENT_TOOL, callId, n, args: replaced, changedFrom: plan.tool };
    }
    return { plan, tool: plan.tool, callId, n, args };
  });
}

/**
 * The model of an ordinary call, or the replacement for the changed step.
 * @param {RunState} run @param {AgentSpec} agent
 */
export function ordinaryModel(run, agent) {
  run.ordinary.models += 1;
  return run.change?.kind === 'model' && run.change.nth === run.ordinary.models
    ? REPLACEMENT_MODEL
    : agent.model;
}

/**
 * Runs a tool call (and the runtime's retry of a failed one): its spans, what it answered.
 * @param {RunState} run @param {PlannedCall & { changedFrom?: string }} call @param {string} parentSpanId
 * @param {bigint} start @param {{ agent: string; agentSpanId: string }} who
 * @returns {{ end: bigint; response: string; span: BenchSpan }}
 */
function runTool(run, call, parentSpanId, start, who) {
  const spec = TOOLS[call.plan.tool];
  const [median, min, max] = TOOL_MS[call.plan.tool] ?? [300, 20, 3000];
  const fault = call.plan.fault;
  const ms =
    fault === 'timeout' ? TIMEOUT_MS : fault === 'unavailable' ? 350 : run.r.duration(median, min, max);
  const end = start + nsOf(ms);
  const result = fault ? null : /** @type {ToolSpec} */ (spec).result(run.r, call.n);
  const span = toolSpan(run, {
    tool: call.tool,
    callId: call.callId,
    args: call.args,
    result,
    parentSpanId,
    start,
    end,
  });
  if (call.changedFrom)
    run.manifest.changed = { kind: 'tool', spanId: span.spanId, from: call.changedFrom, to: call.tool };
  if (!fault) {
    if (spec?.child) clientSpan(run, spec.child, span, call.n);
    return { end, response: /** @type {string} */ (result), span };
  }
  const error = fault === 'timeout' ? ERRORS.timeout : ERRORS.unavailable;
  fail(span, error);
  /** @type {PlantedFailure} */
  const planted = {
    kind: fault === 'timeout' ? 'tool_timeout' : 'http_503',
    spanId: span.spanId,
    spanName: span.name,
    tool: call.tool,
    agent: who.agent,
    agentSpanId: who.agentSpanId,
    recovered: true,
    retriedBy: null,
  };
  run.manifest.failures.push(planted);
  if (!call.plan.retry) return { end, response: error.message, span };
  // The runtime's retry: the same call (id and arguments), which succeeds this time.
  const again = runTool(run, { ...call, plan: { tool: call.plan.tool } }, parentSpanId, end + 200n * MS, who);
  planted.retriedBy = again.span.spanId;
  return again;
}

/**
 * The model's reasoning and the tool calls it asks for, or its answer.
 * @param {Random} r @param {InvocationPlan} plan @param {PlannedCall[]} calls
 */
function modelOutput(r, plan, calls) {
  const topic = plan.task.replace(/\.$/, '').toLowerCase();
  if (calls.length === 0) {
    const facts = Array.from(
      { length: 3 },
      () =>
        `${r.pick(['Sales', 'Capacity', 'Prices'])} ${r.pick(['rose', 'fell'])} ${r.int(3, 45)}% (${r.int(2021, 2025)}).`,
    );
    return { role: 'assistant', parts: [text(`Done: ${topic}. ${facts.join(' ')}`)], finish_reason: 'stop' };
  }
  const why = `To ${topic}, I next need ${calls.map((c) => c.tool).join(' and ')} (step ${r.int(1, 99)} of my plan).`;
  return {
    role: 'assistant',
    parts: [
      text(why),
      ...calls.map((c) => ({ type: 'tool_call', id: c.callId, name: c.tool, arguments: JSON.parse(c.args) })),
    ],
    finish_reason: 'tool_call',
  };
}

/**
 * Runs one invocation from `start`; with `equalStart`, its first model call starts at the same instant as the
 * agent span (as many SDKs record it).
 * @param {RunState} run @param {InvocationPlan} plan @param {string} parentSpanId @param {bigint} start
 * @param {boolean} equalStart
 * @returns {{ span: BenchSpan; answer: string; failed: PlantedFailure | null }}
 */
export function runInvocation(run, plan, parentSpanId, start, equalStart) {
  const { agent } = plan;
  const span = agentSpan(run, agent, parentSpanId, start);
  const who = { agent: agent.name, agentSpanId: span.spanId };
  /** @type {unknown[]} */
  const history = [{ role: 'user', parts: [text(plan.task)] }];
  const loop = {
    loopArgs: /** @type {string | null} */ (null),
    loopN: 0,
    spanIds: /** @type {string[]} */ ([]),
  };
  let t = equalStart ? start : start + 2n * MS;
  let answer = '';
  for (const turn of plan.turns) {
    const input = [...history];
    if (turn.fault) {
      const model = agent.model;
      const failed = chatSpan(run, {
        agent,
        model,
        parentSpanId: span.spanId,
        start: t,
        end: t + nsOf(turn.fault === 'rate_limit' ? 140 : 900),
        input,
        output: null,
      });
      fail(failed, turn.fault === 'rate_limit' ? ERRORS.rateLimit : ERRORS.contextOverflow);
      const recovered = turn.fault === 'rate_limit';
      run.manifest.failures.push({
        kind: turn.fault,
        spanId: failed.spanId,
        spanName: failed.name,
        tool: null,
        ...who,
        recovered,
        retriedBy: null,
      });
      t = failed.endNs + (recovered ? 270n : 5n) * MS;
      if (!recovered) {
        span.endNs = t;
        fail(span, ERRORS.criticFailed);
        return {
          span,
          answer: ERRORS.criticFailed.message,
          failed: /** @type {PlantedFailure} */ (run.manifest.failures.at(-1)),
        };
      }
    }
    const calls = planCalls(run, turn, loop);
    const output = modelOutput(run.r, plan, calls);
    const model = turn.fault ? agent.model : ordinaryModel(run, agent);
    const end = t + nsOf(run.r.duration(1100, 300, 9000));
    const chat = chatSpan(run, { agent, model, parentSpanId: span.spanId, start: t, end, input, output });
    if (model !== agent.model)
      run.manifest.changed = { kind: 'model', spanId: chat.spanId, from: agent.model, to: model };
    if (turn.fault === 'rate_limit')
      /** @type {PlantedFailure} */ (run.manifest.failures.at(-1)).retriedBy = chat.spanId;
    history.push(output);
    t = end + nsOf(run.r.int(2, 40));
    if (calls.length === 0) {
      answer = /** @type {{ content: string }} */ (output.parts[0]).content;
      break;
    }
    const responses = [];
    for (const call of calls) {
      const ran = runTool(run, call, span.spanId, t, who);
      if (call.plan.planted === 'loop') loop.spanIds.push(ran.span.spanId);
      responses.push({ type: 'tool_call_response', id: call.callId, response: ran.response });
      t = ran.end + nsOf(run.r.int(2, 30));
    }
    history.push({ role: 'tool', parts: responses });
  }
  if (loop.spanIds.length > 0)
    run.manifest.loops.push({
      spanIds: loop.spanIds,
      parentSpanId: span.spanId,
      tool: 'web_search',
      arguments: /** @type {string} */ (loop.loopArgs),
    });
  span.endNs = t;
  return { span, answer, failed: null };
}
