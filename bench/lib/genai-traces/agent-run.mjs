// One generated trace's spans: an agent's model calls, tool calls (with their HTTP or database child spans) and
// sub-agents, drawn from the trace's random source in a fixed order so that a seed always gives the same trace.

import { MODEL_BY_NAME, TOOLS } from './catalog.mjs';

/** @typedef {import('../otlp.mjs').BenchSpan} BenchSpan */
/** @typedef {import('../otlp.mjs').Attrs} Attrs */
/** @typedef {import('./random.mjs').Random} Random */
/** @typedef {import('./catalog.mjs').ModelSpec} ModelSpec */
/** @typedef {import('./catalog.mjs').ToolSpec} ToolSpec */
/** @typedef {import('./catalog.mjs').AgentSpec} AgentSpec */
/** @typedef {import('./catalog.mjs').ServiceSpec} ServiceSpec */

/**
 * What the span builders share while one trace is generated; `budget` is how many spans it may still have.
 * @typedef {object} TraceInProgress
 * @property {Random} r
 * @property {string} traceId
 * @property {string} conversationId
 * @property {ServiceSpec} service
 * @property {BenchSpan[]} spans
 * @property {Set<string>} models
 * @property {number} budget
 */

export const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 };
export const STATUS = { UNSET: 0, ERROR: 2 };
export const MS = 1_000_000n;

const json = (/** @type {unknown} */ value) => JSON.stringify(value);

/**
 * @param {TraceInProgress} trace
 * @param {string} parentSpanId
 * @param {AgentSpec} agent
 * @param {string} task what the agent was asked
 * @param {bigint} at start
 * @param {number} depth
 * @param {ModelSpec} modelSpec
 * @returns {bigint} end of the agent's last child
 */
export function runAgent(trace, parentSpanId, agent, task, at, depth, modelSpec) {
  trace.models.add(modelSpec.model);
  /** @type {unknown[]} */
  const history = [{ role: 'user', parts: [{ type: 'text', content: task }] }];
  let t = at;
  let step = 0;
  while (trace.budget > 0) {
    step += 1;
    // Model call: decides on tool calls, or answers (last step). The entry agent's answer is the trace's last
    // model call; a sub-agent may answer early and leave the rest of the spans to its caller.
    trace.budget -= 1;
    const final = trace.budget === 0 || (depth > 0 && step > 2 && trace.r.chance(0.08));
    // One span stays for the answer.
    const toolCount = final ? 0 : Math.min(trace.budget - 1, trace.r.int(1, 3));
    const callIds = Array.from({ length: toolCount }, () => `call_${trace.r.hex8()}${trace.r.hex8()}`);
    const toolNames = callIds.map(() => trace.r.pick(agent.tools));
    const chatMs = trace.r.duration(1800, 250, 20_000);
    const end = t + BigInt(Math.round(chatMs * 1e6));
    const inputTokens = trace.r.int(400, 2500) + step * trace.r.int(200, 900);
    const outputTokens = final ? trace.r.int(120, 900) : trace.r.int(20, 160);
    /** @type {Attrs} */
    const attrs = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': modelSpec.provider,
      'gen_ai.request.model': modelSpec.model,
      'gen_ai.response.model': modelSpec.model,
      'gen_ai.response.id': `resp_${trace.r.hex8()}${trace.r.hex8()}`,
      'gen_ai.request.temperature': trace.r.pick([0, 0.2, 0.7]),
      'gen_ai.request.max_tokens': trace.r.pick([1024, 2048, 4096]),
      'gen_ai.conversation.id': trace.conversationId,
      'gen_ai.response.finish_reasons': [final ? 'stop' : 'tool_calls'],
      'server.address': modelSpec.host,
      'gen_ai.system_instructions': json([{ type: 'text', content: agent.system }]),
      'gen_ai.input.messages': json(history.slice(-8)),
    };
    // ~1% of calls report no usage (streaming without usage), as some instrumentations do.
    if (!trace.r.chance(0.01)) {
      attrs['gen_ai.usage.input_tokens'] = inputTokens;
      attrs['gen_ai.usage.output_tokens'] = outputTokens;
      if (modelSpec.cache && step > 1)
        attrs['gen_ai.usage.cache_read.input_tokens'] = Math.floor(inputTokens * 0.6);
      if (modelSpec.cacheWrite && step === 1)
        attrs['gen_ai.usage.cache_creation.input_tokens'] = Math.floor(inputTokens * 0.4);
      if (modelSpec.reasoning) attrs['gen_ai.usage.reasoning.output_tokens'] = trace.r.int(50, 1500);
    }
    const output = final
      ? {
          role: 'assistant',
          parts: [{ type: 'text', content: `Done: ${task.slice(0, 80)} — here is what I found and did.` }],
          finish_reason: 'stop',
        }
      : {
          role: 'assistant',
          parts: callIds.map((id, i) => ({
            type: 'tool_call',
            id,
            name: toolNames[i],
            arguments: /** @type {ToolSpec} */ (TOOLS[/** @type {string} */ (toolNames[i])]).args(trace.r),
          })),
          finish_reason: 'tool_call',
        };
    attrs['gen_ai.output.messages'] = json([output]);
    history.push(output);
    trace.spans.push({
      traceId: trace.traceId,
      spanId: trace.r.spanId(),
      parentSpanId,
      name: `chat ${modelSpec.model}`,
      kind: KIND.CLIENT,
      startNs: t,
      endNs: end,
      attributes: attrs,
      status: { code: STATUS.UNSET },
    });
    t = end + BigInt(trace.r.int(1, 30)) * MS;
    if (final) break;

    // A sub-agent instead of tools, now and then.
    const subAgents = trace.service.agents.slice(1);
    if (depth === 0 && subAgents.length > 0 && trace.budget >= 6 && trace.r.chance(0.15)) {
      const sub = trace.r.pick(subAgents);
      const subModel = /** @type {ModelSpec} */ (MODEL_BY_NAME.get(trace.r.weighted(sub.models)));
      const subSpanId = trace.r.spanId();
      const subBudget = Math.min(trace.budget - 2, trace.r.int(4, 10));
      const outer = trace.budget - 1 - subBudget;
      trace.budget = subBudget;
      const subSpan = agentSpan(trace, sub, subModel, subSpanId, parentSpanId, t);
      trace.spans.push(subSpan);
      const task2 = `Sub-task from ${agent.name}: ${task}`;
      const subEnd = runAgent(trace, subSpanId, sub, task2, t + MS, depth + 1, subModel);
      subSpan.endNs = subEnd + MS;
      t = subSpan.endNs + MS;
      trace.budget += outer;
      history.push({
        role: 'user',
        parts: [{ type: 'text', content: `${sub.name} finished its sub-task.` }],
      });
      continue;
    }

    // Tool calls, one after the other; some make an HTTP or database call.
    for (let i = 0; i < toolCount && trace.budget > 1; i++) {
      const tool = /** @type {ToolSpec} */ (TOOLS[/** @type {string} */ (toolNames[i])]);
      const toolSpanId = trace.r.spanId();
      const toolMs = trace.r.duration(250, 5, 8000);
      const toolEnd = t + BigInt(Math.round(toolMs * 1e6));
      const result = tool.result(trace.r);
      trace.budget -= 1;
      trace.spans.push({
        traceId: trace.traceId,
        spanId: toolSpanId,
        parentSpanId,
        name: `execute_tool ${tool.name}`,
        kind: KIND.INTERNAL,
        startNs: t,
        endNs: toolEnd,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': tool.name,
          'gen_ai.tool.type': 'function',
          'gen_ai.tool.call.id': /** @type {string} */ (callIds[i]),
          'gen_ai.tool.call.arguments': json(tool.args(trace.r)),
          'gen_ai.tool.call.result': json(result),
        },
        status: { code: STATUS.UNSET },
      });
      if (tool.child && trace.budget > 1 && trace.r.chance(0.6)) {
        trace.budget -= 1;
        trace.spans.push(childSpan(trace, tool, toolSpanId, t + MS, toolEnd - MS));
      }
      history.push({
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: callIds[i], response: result }],
      });
      t = toolEnd + BigInt(trace.r.int(1, 20)) * MS;
    }
  }
  return t;
}

/**
 * @param {TraceInProgress} trace
 * @param {AgentSpec} agent
 * @param {ModelSpec} modelSpec
 * @param {string} spanId
 * @param {string} parentSpanId
 * @param {bigint} at
 * @returns {BenchSpan}
 */
export function agentSpan(trace, agent, modelSpec, spanId, parentSpanId, at) {
  return {
    traceId: trace.traceId,
    spanId,
    parentSpanId,
    name: `invoke_agent ${agent.name}`,
    kind: parentSpanId ? KIND.INTERNAL : KIND.SERVER,
    startNs: at,
    endNs: at,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': agent.name,
      'gen_ai.agent.id': `agt_${agent.name}`,
      'gen_ai.provider.name': modelSpec.provider,
      'gen_ai.request.model': modelSpec.model,
      'gen_ai.conversation.id': trace.conversationId,
    },
    status: { code: STATUS.UNSET },
  };
}

/**
 * @param {TraceInProgress} trace
 * @param {ToolSpec} tool
 * @param {string} parentSpanId
 * @param {bigint} start
 * @param {bigint} end
 * @returns {BenchSpan}
 */
export function childSpan(trace, tool, parentSpanId, start, end) {
  const base = {
    traceId: trace.traceId,
    spanId: trace.r.spanId(),
    parentSpanId,
    kind: KIND.CLIENT,
    startNs: start,
  };
  const endNs = end > start ? end : start + MS;
  if (tool.child === 'db') {
    return {
      ...base,
      name: 'SELECT app',
      endNs,
      attributes: {
        'db.system.name': 'postgresql',
        'db.namespace': 'app',
        'db.operation.name': 'SELECT',
        'db.query.text': 'SELECT * FROM records WHERE id = $1',
        'server.address': 'db.internal',
        'server.port': 5432,
      },
      status: { code: STATUS.UNSET },
    };
  }
  const method = trace.r.pick(['GET', 'POST']);
  return {
    ...base,
    name: method,
    endNs,
    attributes: {
      'http.request.method': method,
      'url.full': `https://api.internal/${tool.name.replace('_', '/')}/${trace.r.hex8()}`,
      'server.address': 'api.internal',
      'http.response.status_code': 200,
    },
    status: { code: STATUS.UNSET },
  };
}
