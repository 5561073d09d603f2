// The spans of a generated run, with the OTel GenAI attributes bench/lib/genai-traces and the browser test's
// agent trace write: invoke_agent, chat <model> (messages as gen_ai.input.messages / output.messages JSON) and
// execute_tool <tool> spans, HTTP and database client spans under tools, and errors as instrumentations record
// them (status ERROR, error.type, an exception event).

/** @typedef {import('../otlp.mjs').BenchSpan} BenchSpan */
/** @typedef {import('../otlp.mjs').Attrs} Attrs */
/** @typedef {import('../genai-traces/random.mjs').Random} Random */
/** @typedef {import('./catalog.mjs').AgentSpec} AgentSpec */

export const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 };
export const STATUS = { UNSET: 0, ERROR: 2 };
export const MS = 1_000_000n;

const HOSTS = /** @type {Record<string, string>} */ ({
  openai: 'api.openai.com',
  anthropic: 'api.anthropic.com',
});

/** @param {number} ms @returns {bigint} nanoseconds, to the microsecond */
export const nsOf = (ms) => BigInt(Math.round(ms * 1000)) * 1000n;
export const json = (/** @type {unknown} */ value) => JSON.stringify(value);

/**
 * What the builders share while one run is generated.
 * @typedef {object} RunInProgress
 * @property {Random} r the structure: what happens, how long it takes (the same for every instance of a seed)
 * @property {Random} ids span ids (per instance)
 * @property {string} traceId
 * @property {string} conversationId
 * @property {BenchSpan[]} spans in the order they start: parent before child
 */

/**
 * @param {RunInProgress} run
 * @param {{ name: string; parentSpanId: string; kind: number; start: bigint; end: bigint; attributes: Attrs }} span
 * @returns {BenchSpan}
 */
function push(run, span) {
  const out = {
    traceId: run.traceId,
    spanId: run.ids.spanId(),
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: span.kind,
    startNs: span.start,
    endNs: span.end,
    attributes: span.attributes,
    status: { code: STATUS.UNSET },
  };
  run.spans.push(out);
  return out;
}

/**
 * An agent invocation; its end is set when its last child has ended.
 * @param {RunInProgress} run @param {AgentSpec} agent @param {string} parentSpanId @param {bigint} start
 */
export function agentSpan(run, agent, parentSpanId, start) {
  return push(run, {
    name: `invoke_agent ${agent.name}`,
    parentSpanId,
    kind: parentSpanId ? KIND.INTERNAL : KIND.SERVER,
    start,
    end: start,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': agent.name,
      'gen_ai.agent.id': `agt_${agent.name}`,
      'gen_ai.provider.name': agent.provider,
      'gen_ai.request.model': agent.model,
      'gen_ai.conversation.id': run.conversationId,
    },
  });
}

/**
 * @typedef {object} ChatCall
 * @property {AgentSpec} agent
 * @property {string} model
 * @property {string} parentSpanId
 * @property {bigint} start
 * @property {bigint} end
 * @property {unknown[]} input the conversation so far (gen_ai.input.messages)
 * @property {{ role: string; parts: unknown[]; finish_reason: string } | null} output null: the call failed
 */

/** Tokens as a tokenizer would roughly count them: 4 characters each. */
const tokens = (/** @type {string} */ text) => Math.ceil(text.length / 4);

/** A model call; a failed one (output null) reports no usage and no response. @param {RunInProgress} run @param {ChatCall} call */
export function chatSpan(run, call) {
  const system = json([{ type: 'text', content: call.agent.system }]);
  const input = json(call.input);
  /** @type {Attrs} */
  const attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': call.agent.provider,
    'gen_ai.request.model': call.model,
    'gen_ai.agent.name': call.agent.name,
    'gen_ai.conversation.id': run.conversationId,
    'gen_ai.request.temperature': 0.2,
    'gen_ai.request.max_tokens': 4096,
    'server.address': HOSTS[call.agent.provider] ?? 'api.example.com',
    'gen_ai.system_instructions': system,
    'gen_ai.input.messages': input,
  };
  if (call.output) {
    const output = json([call.output]);
    Object.assign(attributes, {
      'gen_ai.response.model': call.model,
      'gen_ai.response.id': `resp_${run.r.hex8()}${run.r.hex8()}`,
      'gen_ai.response.finish_reasons': [call.output.finish_reason === 'stop' ? 'stop' : 'tool_calls'],
      'gen_ai.output.messages': output,
      'gen_ai.usage.input_tokens': tokens(system) + tokens(input),
      'gen_ai.usage.output_tokens': tokens(output),
    });
  }
  return push(run, {
    name: `chat ${call.model}`,
    parentSpanId: call.parentSpanId,
    kind: KIND.CLIENT,
    start: call.start,
    end: call.end,
    attributes,
  });
}

/**
 * A tool call; `result` null: it failed (see fail()).
 * @param {RunInProgress} run
 * @param {{ tool: string; callId: string; args: string; result: string | null; parentSpanId: string; start: bigint;
 *   end: bigint }} call
 */
export function toolSpan(run, call) {
  return push(run, {
    name: `execute_tool ${call.tool}`,
    parentSpanId: call.parentSpanId,
    kind: KIND.INTERNAL,
    start: call.start,
    end: call.end,
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': call.tool,
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.id': call.callId,
      'gen_ai.tool.call.arguments': call.args,
      ...(call.result === null ? {} : { 'gen_ai.tool.call.result': call.result }),
    },
  });
}

/**
 * The HTTP request or database query a tool makes, starting with it (an equal start time, as instrumentations
 * often record) or just after.
 * @param {RunInProgress} run @param {'http' | 'db'} child @param {BenchSpan} tool @param {number} n the call number
 */
export function clientSpan(run, child, tool, n) {
  const start = child === 'http' ? tool.startNs : tool.startNs + MS;
  const end = tool.endNs - MS > start ? tool.endNs - MS : start + MS;
  /** @type {Attrs} */
  const attributes =
    child === 'http'
      ? {
          'http.request.method': 'GET',
          'url.full': `https://research.example.com/${n}/1`,
          'server.address': 'research.example.com',
          'http.response.status_code': 200,
        }
      : {
          'db.system.name': 'postgresql',
          'db.namespace': 'analytics',
          'db.operation.name': 'SELECT',
          'db.query.text':
            'SELECT region, sum(installed_mw) FROM installations WHERE region = $1 GROUP BY region',
          'server.address': 'warehouse.internal',
        };
  return push(run, {
    name: child === 'http' ? 'GET' : 'SELECT analytics',
    parentSpanId: tool.spanId,
    kind: KIND.CLIENT,
    start,
    end,
    attributes,
  });
}

/** Marks a span failed as instrumentations do. @param {BenchSpan} span @param {{ type: string; message: string }} error */
export function fail(span, error) {
  span.status = { code: STATUS.ERROR, message: error.message };
  span.attributes['error.type'] = error.type;
  span.events = [
    {
      name: 'exception',
      timeNs: span.endNs,
      attributes: { 'exception.type': error.type, 'exception.message': error.message },
    },
  ];
}
