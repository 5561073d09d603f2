// What a generated multi-agent run is made of: the orchestrator and its six agents (model, instructions, tools,
// how many model calls one invocation makes), the tools with their arguments and results, the order the agents
// are invoked in, and the planted errors worded as the providers and tool runtimes word them.
//
// Every argument carries the call's number within its tool (`n`), so no two calls of a tool are identical unless a
// planted retry or loop makes them so: the analyses' loop definition must see repeated-but-different calls.

/** @typedef {import('../genai-traces/random.mjs').Random} Random */

/**
 * @typedef {object} AgentSpec
 * @property {string} name gen_ai.agent.name
 * @property {string} model
 * @property {string} provider gen_ai.provider.name
 * @property {string} system the agent's instructions (gen_ai.system_instructions)
 * @property {readonly string[]} tools the tools its model calls choose from
 * @property {readonly [number, number]} turns model calls per invocation (min, max)
 */

/** @type {AgentSpec} */
export const ORCHESTRATOR = {
  name: 'orchestrator',
  model: 'gpt-4.1',
  provider: 'openai',
  system:
    'You coordinate a team of agents (planner, researcher, coder, analyst, critic, writer) to produce a market ' +
    'report. Delegate one task at a time, read the result, and decide what comes next.',
  tools: [],
  turns: [1, 1],
};

/** @type {Record<string, AgentSpec>} */
export const AGENTS = {
  planner: {
    name: 'planner',
    model: 'o3-mini',
    provider: 'openai',
    system: 'You break a research request into concrete, ordered tasks with owners and acceptance criteria.',
    tools: ['read_file', 'write_file'],
    turns: [6, 8],
  },
  researcher: {
    name: 'researcher',
    model: 'gpt-4o-mini',
    provider: 'openai',
    system:
      'You research questions on the web. Search, read the most relevant sources, and answer with citations. ' +
      'Never invent a source.',
    tools: ['web_search', 'fetch_url', 'web_search', 'fetch_url', 'read_file'],
    turns: [10, 12],
  },
  coder: {
    name: 'coder',
    model: 'claude-sonnet-4-20250514',
    provider: 'anthropic',
    system:
      'You write and run Python to clean and transform data. Keep scripts short; print what you computed.',
    tools: ['run_python', 'run_python', 'read_file', 'write_file'],
    turns: [10, 12],
  },
  analyst: {
    name: 'analyst',
    model: 'gpt-4o',
    provider: 'openai',
    system:
      'You answer quantitative questions from the analytics warehouse with SQL and summarize the numbers.',
    tools: ['query_db', 'query_db', 'plot_chart', 'read_file'],
    turns: [7, 9],
  },
  critic: {
    name: 'critic',
    model: 'gpt-4o',
    provider: 'openai',
    system:
      'You review drafts for unsupported claims, wrong numbers and missing sources. Read every section before ' +
      'you judge it, and list each problem with the sentence it is in.',
    tools: ['read_file'],
    turns: [8, 10],
  },
  writer: {
    name: 'writer',
    model: 'claude-3-5-haiku-20241022',
    provider: 'anthropic',
    system: 'You write clear report sections from research notes and numbers, in plain English.',
    tools: ['read_file', 'write_file'],
    turns: [8, 10],
  },
};

/**
 * The invocation sequence: who the orchestrator hands work to, in order. The first pass always runs whole (the
 * planted failures live in it); a larger run repeats REPEATED before the final critic, whose context overflow
 * ends the run.
 */
export const FIRST_PASS = [
  'planner',
  'researcher',
  'researcher',
  'analyst',
  'coder',
  'researcher',
  'analyst',
  'coder',
  'critic',
  'writer',
  'researcher',
  'analyst',
  'coder',
  'researcher',
  'critic',
  'writer',
  'analyst',
  'researcher',
  'coder',
  'writer',
  'researcher',
];
export const REPEATED = FIRST_PASS.slice(1);
export const FINAL_AGENT = 'critic';

const TOPICS = [
  'heat pump adoption',
  'grid-scale batteries',
  'residential solar',
  'EV charging networks',
  'green hydrogen',
  'offshore wind',
  'district heating',
  'smart thermostats',
];
const ASPECTS = [
  'market size',
  'growth rate',
  'pricing',
  'regulation',
  'top vendors',
  'subsidies',
  'forecasts',
];
const REGIONS = ['EU', 'US', 'UK', 'Nordics', 'Japan', 'Australia'];
const FILES = ['notes/plan.md', 'notes/sources.md', 'data/clean.csv', 'report/draft.md', 'report/figures.md'];

/** A distinct value for call n of a list-drawn argument: cycles the list, then numbers the rounds. */
const nth = (/** @type {readonly string[]} */ items, /** @type {number} */ n) =>
  `${items[n % items.length]}${n >= items.length ? ` (${Math.floor(n / items.length) + 1})` : ''}`;

const sentence = (/** @type {Random} */ r, /** @type {string} */ topic) =>
  `${topic} ${r.pick(['grew', 'fell', 'held steady', 'doubled'])} by ${r.int(2, 60)}% in ${r.int(2019, 2025)} ` +
  `according to ${r.pick(['the IEA', 'BloombergNEF', 'Eurostat', 'the EIA', 'a trade association'])}.`;

/**
 * @typedef {object} ToolSpec
 * @property {string} name
 * @property {(r: Random, n: number) => Record<string, unknown>} args the arguments of the tool's call number n
 * @property {(r: Random, n: number) => string} result what the call returned (gen_ai.tool.call.result)
 * @property {'http' | 'db'} [child] the client span the tool makes (an HTTP request, a database query)
 */

/** @type {Record<string, ToolSpec>} */
export const TOOLS = {
  web_search: {
    name: 'web_search',
    args: (_r, n) => ({
      query: `${nth(TOPICS, n)} ${ASPECTS[Math.floor(n / TOPICS.length) % ASPECTS.length]}`,
    }),
    result: (r, n) =>
      JSON.stringify(
        [1, 2, 3].map((i) => ({
          title: `${nth(TOPICS, n)}: ${r.pick(ASPECTS)} report ${i}`,
          url: `https://research.example.com/${n}/${i}`,
          snippet: sentence(r, nth(TOPICS, n)),
        })),
      ),
    child: 'http',
  },
  fetch_url: {
    name: 'fetch_url',
    args: (_r, n) => ({ url: `https://research.example.com/${n}/1`, max_chars: 4000 }),
    result: (r, n) => Array.from({ length: 6 }, () => sentence(r, nth(TOPICS, n))).join(' '),
    child: 'http',
  },
  read_file: {
    name: 'read_file',
    args: (_r, n) => ({ path: FILES[n % FILES.length], offset: n * 40, lines: 40 }),
    result: (r, n) => Array.from({ length: 5 }, () => sentence(r, nth(TOPICS, n))).join('\n'),
  },
  write_file: {
    name: 'write_file',
    args: (r, n) => ({
      path: FILES[n % FILES.length],
      content: `## Section ${n + 1}\n${sentence(r, nth(TOPICS, n))}`,
      append: true,
    }),
    result: (r) => `wrote ${r.int(80, 4000)} bytes`,
  },
  run_python: {
    name: 'run_python',
    args: (r, n) => ({
      code:
        `import pandas as pd\ndf = pd.read_csv("data/clean.csv")\n` +
        `print(df[df.region == "${nth(REGIONS, n)}"].groupby("year")["${r.pick(['mw', 'units', 'usd'])}"].sum())`,
    }),
    result: (r) =>
      JSON.stringify({
        stdout: `year\n2023    ${r.int(100, 9000)}\n2024    ${r.int(100, 9000)}`,
        exit_code: 0,
      }),
  },
  query_db: {
    name: 'query_db',
    args: (_r, n) => ({
      sql:
        `SELECT region, sum(installed_mw) FROM installations WHERE region = '${REGIONS[n % REGIONS.length]}' ` +
        `AND year = ${2018 + (n % 7)} AND segment_id = ${n} GROUP BY region`,
    }),
    result: (r) =>
      JSON.stringify({ rows: [[r.pick(REGIONS), r.int(100, 90_000)]], elapsed_ms: r.int(3, 900) }),
    child: 'db',
  },
  plot_chart: {
    name: 'plot_chart',
    args: (r, n) => ({
      kind: r.pick(['bar', 'line']),
      series: nth(TOPICS, n),
      file: `figures/chart_${n}.png`,
    }),
    result: (_r, n) => `figures/chart_${n}.png`,
  },
};

/** The tool a changed step calls instead (compare tests): used nowhere else, so the change is one step. */
export const REPLACEMENT_TOOL = 'search_docs';
/** The model a changed step calls instead. */
export const REPLACEMENT_MODEL = 'gpt-4.1-mini';

/** The planted errors, worded as the OpenAI SDK, a Python sandbox and an HTTP client report them. */
export const ERRORS = {
  rateLimit: {
    type: 'RateLimitError',
    message:
      'Error code: 429 - Rate limit reached for gpt-4o-mini in organization org-bench on tokens per min (TPM): ' +
      'Limit 200000, Used 199100, Requested 2412. Please try again in 270ms.',
  },
  timeout: { type: 'TimeoutError', message: 'TimeoutError: run_python timed out after 30 s (sandbox limit)' },
  unavailable: { type: '503', message: 'HTTP 503 Service Unavailable from research.example.com' },
  contextOverflow: {
    type: 'BadRequestError',
    message:
      "Error code: 400 - This model's maximum context length is 128000 tokens. However, your messages resulted " +
      'in 131517 tokens. Please reduce the length of the messages. (context_length_exceeded)',
  },
  criticFailed: {
    type: 'BadRequestError',
    message: 'critic could not finish the review: context_length_exceeded',
  },
  runStopped: { type: 'AgentError', message: 'orchestrator stopped: agent critic failed' },
};
