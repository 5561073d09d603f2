// What each agent invocation does, turn by turn, before any span exists: how many model calls, which tools each
// asks for, and the PLANTED events — drawn from the run's random source in a fixed order, so a seed always plans
// the same run. The planted events sit in the first pass of the invocation sequence (catalog.mjs), so the 600- and
// the 10,000-span runs carry the same ones:
//   researcher #1  turn 2   the model call is rate-limited (429), retried with the same input, and succeeds
//   coder #1       turn 2   run_python times out; the runtime retries it with the same arguments: it succeeds
//   coder #2       turns 2–4 run_python times out three times, with new code each time; turn 5's run succeeds
//   coder #3       turn 3   run_python times out; retried with the same arguments: it succeeds
//   researcher #3  turn 3   fetch_url answers HTTP 503; the agent goes on with other sources (no retry)
//   researcher #4  turns 2–4 web_search with the SAME arguments three times in a row: the one real loop
//   critic (last)  last turn the model call overflows the context window: the critic fails, and with it the run

import { AGENTS } from './catalog.mjs';

/** @typedef {import('../genai-traces/random.mjs').Random} Random */
/** @typedef {import('./catalog.mjs').AgentSpec} AgentSpec */

/**
 * @typedef {object} ToolCallPlan
 * @property {string} tool
 * @property {'timeout' | 'unavailable'} [fault] the call fails this way
 * @property {boolean} [retry] after the fault the runtime makes the same call again, which succeeds
 * @property {'loop'} [planted] part of the planted loop: the arguments of the loop's first call, every time
 *
 * @typedef {object} TurnPlan
 * @property {ToolCallPlan[]} tools what the model call asks for; none: the agent's answer
 * @property {'rate_limit' | 'context_overflow'} [fault] the model call fails (rate_limit: retried, succeeds)
 *
 * @typedef {object} InvocationPlan
 * @property {AgentSpec} agent
 * @property {number} occurrence 1 for the agent's first invocation, …
 * @property {string} task what the orchestrator asks
 * @property {TurnPlan[]} turns
 */

const TASKS = {
  planner: ['Plan the market report on home electrification: sections, sources, owners.'],
  researcher: [
    'Find recent figures on heat pump sales in the EU and the US.',
    'Collect grid-scale battery deployments by country since 2020.',
    'Find what residential solar costs per watt in 2024, by region.',
    'Summarize subsidies for heat pumps in the UK and the Nordics.',
    'Find the top vendors of EV charging networks and their market shares.',
  ],
  coder: [
    'Clean data/raw.csv: drop duplicates, normalize region names, write data/clean.csv.',
    'Compute yearly installed capacity per region from data/clean.csv.',
    'Fit a growth trend per segment and print the 2030 projection.',
  ],
  analyst: [
    'Query installed capacity per region and year from the warehouse.',
    'Compare growth rates of heat pumps and residential solar by region.',
  ],
  critic: ['Review report/draft.md for unsupported claims and wrong numbers.'],
  writer: [
    'Write the executive summary from notes/sources.md and the numbers.',
    'Write the regional sections with one figure each.',
  ],
};

/** @param {string} agent @param {number} occurrence */
export function taskOf(agent, occurrence) {
  const tasks = /** @type {string[]} */ (TASKS[/** @type {keyof typeof TASKS} */ (agent)]);
  const task = /** @type {string} */ (tasks[(occurrence - 1) % tasks.length]);
  return occurrence > tasks.length ? `${task} (round ${Math.ceil(occurrence / tasks.length)})` : task;
}

/**
 * Ordinary turns: 1 tool call (mostly) or 2, the last turn the answer.
 * @param {Random} r @param {AgentSpec} agent
 * @returns {TurnPlan[]}
 */
function ordinaryTurns(r, agent) {
  const count = r.int(agent.turns[0], agent.turns[1]);
  return Array.from({ length: count }, (_, i) =>
    i === count - 1
      ? { tools: [] }
      : { tools: Array.from({ length: r.chance(0.15) ? 2 : 1 }, () => ({ tool: r.pick(agent.tools) })) },
  );
}

const one = (/** @type {ToolCallPlan} */ call) => ({ tools: [call] });

/**
 * The planted events of an invocation, applied over its ordinary turns (turn numbers are 1-based).
 * @param {TurnPlan[]} turns @param {string} agent @param {number} occurrence @param {boolean} final
 */
function plant(turns, agent, occurrence, final) {
  const set = (/** @type {number} */ turn, /** @type {TurnPlan} */ plan) => {
    turns[turn - 1] = plan;
  };
  if (agent === 'researcher' && occurrence === 1)
    set(2, { .../** @type {TurnPlan} */ (turns[1]), fault: 'rate_limit' });
  if (agent === 'coder' && occurrence === 1)
    set(2, one({ tool: 'run_python', fault: 'timeout', retry: true }));
  if (agent === 'coder' && occurrence === 2) {
    for (const turn of [2, 3, 4]) set(turn, one({ tool: 'run_python', fault: 'timeout' }));
    set(5, one({ tool: 'run_python' }));
  }
  if (agent === 'coder' && occurrence === 3)
    set(3, one({ tool: 'run_python', fault: 'timeout', retry: true }));
  if (agent === 'researcher' && occurrence === 3) {
    set(3, one({ tool: 'fetch_url', fault: 'unavailable' }));
    set(4, one({ tool: 'web_search' }));
  }
  if (agent === 'researcher' && occurrence === 4)
    for (const turn of [2, 3, 4]) set(turn, one({ tool: 'web_search', planted: 'loop' }));
  if (final) {
    // The critic reads every section (long tool results: the context grows) and then overflows it.
    turns.length = 0;
    for (let i = 0; i < 7; i++) turns.push(one({ tool: 'read_file' }));
    turns.push({ tools: [], fault: 'context_overflow' });
  }
}

/**
 * The plan of one invocation; `final` is the critic's last review, which ends the run.
 * @param {Random} r @param {string} agentName @param {number} occurrence @param {boolean} final
 * @returns {InvocationPlan}
 */
export function planInvocation(r, agentName, occurrence, final) {
  const agent = /** @type {AgentSpec} */ (AGENTS[agentName]);
  const turns = ordinaryTurns(r, agent);
  plant(turns, agentName, occurrence, final);
  return { agent, occurrence, task: taskOf(agentName, occurrence), turns };
}
