// Realistic GenAI agent traces, deterministic for a seed: an `invoke_agent` root, model calls (`chat <model>`) with
// tokens, cache and reasoning usage and OTel-shaped messages (gen_ai.input.messages / output.messages /
// system_instructions as JSON), tool calls (`execute_tool <tool>`) some with an HTTP or database child span,
// sub-agents, ~5% of traces with an error (span status, error.type, exception event). Spread over 8 services,
// 13 agents, 10 models of 5 providers (one unpriced), 24 tools. Traces come out in start-time order across the
// time window, as a live system would send them.
//
// The span model is bench/lib/otlp.mjs's BenchSpan; the generator also keeps what a benchmark needs to ask
// questions about the data: counts per service/agent/model, error traces, and a sample of trace ids with their span
// counts.

/** @typedef {import('./otlp.mjs').BenchSpan} BenchSpan */
/** @typedef {import('./otlp.mjs').BenchResource} BenchResource */
/** @typedef {import('./otlp.mjs').Attrs} Attrs */

const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 };
const STATUS = { UNSET: 0, ERROR: 2 };
const MS = 1_000_000n;

/** sfc32: small, fast, good enough for synthetic data, and the same sequence for the same seed everywhere. */
export function createRandom(seed = 1) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  const float = () => next() / 0x1_0000_0000;
  const hex8 = () => next().toString(16).padStart(8, '0');
  return {
    float,
    /** Integer in [min, max]. */
    int: (/** @type {number} */ min, /** @type {number} */ max) =>
      min + Math.floor(float() * (max - min + 1)),
    chance: (/** @type {number} */ p) => float() < p,
    /** @template T @param {readonly T[]} items @returns {T} */
    pick: (items) => /** @type {any} */ (items[Math.floor(float() * items.length)]),
    /** @template T @param {readonly (readonly [T, number])[]} weighted @returns {T} */
    weighted(weighted) {
      const total = weighted.reduce((sum, [, w]) => sum + w, 0);
      let x = float() * total;
      for (const [item, w] of weighted) {
        x -= w;
        if (x < 0) return item;
      }
      return /** @type {any} */ (weighted[weighted.length - 1])[0];
    },
    /** Log-normal-ish duration in ms around `median`, within [min, max]. */
    duration(/** @type {number} */ median, /** @type {number} */ min, /** @type {number} */ max) {
      const u = Math.max(float(), 1e-9);
      const v = float();
      const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return Math.min(max, Math.max(min, median * Math.exp(0.6 * normal)));
    },
    traceId: () => hex8() + hex8() + hex8() + hex8(),
    spanId: () => hex8() + hex8(),
    hex8,
  };
}

/** @typedef {ReturnType<typeof createRandom>} Random */

/**
 * @typedef {object} ModelSpec
 * @property {string} model
 * @property {string} provider gen_ai.provider.name
 * @property {string} host server.address
 * @property {boolean} [cache] reports cache-read input tokens
 * @property {boolean} [cacheWrite] reports cache-creation input tokens (Anthropic)
 * @property {boolean} [reasoning] reports reasoning output tokens
 */

/** @type {readonly ModelSpec[]} */
export const MODELS = [
  { model: 'gpt-4o', provider: 'openai', host: 'api.openai.com', cache: true },
  { model: 'gpt-4o-mini', provider: 'openai', host: 'api.openai.com', cache: true },
  { model: 'gpt-4.1', provider: 'openai', host: 'api.openai.com', cache: true },
  { model: 'o3-mini', provider: 'openai', host: 'api.openai.com', reasoning: true },
  {
    model: 'claude-sonnet-4-20250514',
    provider: 'anthropic',
    host: 'api.anthropic.com',
    cache: true,
    cacheWrite: true,
  },
  { model: 'claude-3-5-haiku-20241022', provider: 'anthropic', host: 'api.anthropic.com', cache: true },
  {
    model: 'gemini-2.5-pro',
    provider: 'gcp.gemini',
    host: 'generativelanguage.googleapis.com',
    reasoning: true,
  },
  { model: 'gemini-2.0-flash', provider: 'gcp.gemini', host: 'generativelanguage.googleapis.com' },
  { model: 'mistral-large-latest', provider: 'mistral_ai', host: 'api.mistral.ai' },
  // Self-hosted: no public price, so its calls are Unpriced (cost NULL), as in real deployments.
  { model: 'llama3.1:70b', provider: 'ollama', host: 'ollama.internal' },
];
const MODEL_BY_NAME = new Map(MODELS.map((m) => [m.model, m]));

/**
 * @typedef {object} ToolSpec
 * @property {string} name
 * @property {(r: Random) => Record<string, unknown>} args
 * @property {(r: Random) => unknown} result
 * @property {'http' | 'db'} [child] a nested client span the tool makes
 */

const CITIES = ['Lisbon', 'Tokyo', 'Nairobi', 'Montreal', 'Berlin', 'Singapore', 'Austin', 'Reykjavik'];
const PRODUCTS = [
  'standing desk',
  'noise-cancelling headphones',
  'espresso machine',
  'trail shoes',
  'e-reader',
];
const TOPICS = [
  'vector databases',
  'battery recycling',
  'kubernetes autoscaling',
  'carbon accounting',
  'RAG evals',
];
const FILES = ['src/server.ts', 'src/auth/session.ts', 'lib/parser.py', 'cmd/main.go', 'README.md'];

/** @type {Record<string, ToolSpec>} */
const TOOLS = {
  lookup_order: {
    name: 'lookup_order',
    args: (r) => ({ order_id: `A-${r.int(100000, 999999)}` }),
    result: (r) => ({ status: r.pick(['shipped', 'delayed', 'delivered']), eta_days: r.int(0, 9) }),
    child: 'db',
  },
  refund_order: {
    name: 'refund_order',
    args: (r) => ({ order_id: `A-${r.int(100000, 999999)}`, amount_usd: r.int(5, 900) }),
    result: (r) => ({ refund_id: `R-${r.hex8()}`, state: 'pending' }),
    child: 'http',
  },
  create_ticket: {
    name: 'create_ticket',
    args: (r) => ({ priority: r.pick(['low', 'normal', 'high']), summary: 'customer escalation' }),
    result: (r) => ({ ticket: `SUP-${r.int(1000, 99999)}` }),
    child: 'http',
  },
  search_kb: {
    name: 'search_kb',
    args: (r) => ({
      query: r.pick(['return policy', 'warranty', 'parental leave', 'expense limits', 'vpn setup']),
    }),
    result: (r) => ({ hits: r.int(0, 12) }),
    child: 'http',
  },
  web_search: {
    name: 'web_search',
    args: (r) => ({ q: `${r.pick(TOPICS)} ${r.int(2023, 2026)}` }),
    result: (r) => ({ results: r.int(3, 10) }),
    child: 'http',
  },
  fetch_url: {
    name: 'fetch_url',
    args: (r) => ({ url: `https://example.org/articles/${r.hex8()}` }),
    result: (r) => ({ bytes: r.int(2000, 90000) }),
    child: 'http',
  },
  vector_search: {
    name: 'vector_search',
    args: (r) => ({ collection: 'docs', k: r.pick([4, 8, 16]) }),
    result: (r) => ({ matches: r.int(1, 16) }),
    child: 'db',
  },
  read_file: {
    name: 'read_file',
    args: (r) => ({ path: r.pick(FILES) }),
    result: (r) => ({ lines: r.int(20, 900) }),
  },
  write_file: {
    name: 'write_file',
    args: (r) => ({ path: r.pick(FILES), bytes: r.int(100, 9000) }),
    result: () => ({ ok: true }),
  },
  run_tests: {
    name: 'run_tests',
    args: (r) => ({ pattern: r.pick(['auth', 'parser', 'flaky test suite', 'e2e']) }),
    result: (r) => ({ passed: r.int(10, 400), failed: r.int(0, 3) }),
  },
  grep_repo: {
    name: 'grep_repo',
    args: (r) => ({ pattern: r.pick(['TODO', 'deprecated', 'session.refresh', 'retry']) }),
    result: (r) => ({ matches: r.int(0, 40) }),
  },
  crm_lookup: {
    name: 'crm_lookup',
    args: (r) => ({ account: `ACME-${r.int(100, 999)}` }),
    result: (r) => ({ tier: r.pick(['smb', 'mid-market', 'enterprise']), arr_usd: r.int(1, 900) * 1000 }),
    child: 'http',
  },
  send_email: {
    name: 'send_email',
    args: (r) => ({
      to: `${r.hex8()}@example.com`,
      template: r.pick(['follow_up', 'invoice', 'refund_confirmation']),
    }),
    result: () => ({ queued: true }),
    child: 'http',
  },
  calendar_lookup: {
    name: 'calendar_lookup',
    args: (r) => ({ days: r.int(1, 14) }),
    result: (r) => ({ free_slots: r.int(0, 20) }),
    child: 'http',
  },
  sql_query: {
    name: 'sql_query',
    args: (r) => ({
      sql: `SELECT region, sum(revenue) FROM sales WHERE quarter = 'Q${r.int(1, 4)}' GROUP BY region`,
    }),
    result: (r) => ({ rows: r.int(1, 50) }),
    child: 'db',
  },
  make_chart: {
    name: 'make_chart',
    args: (r) => ({ kind: r.pick(['bar', 'line', 'pie']) }),
    result: (r) => ({ chart_id: r.hex8() }),
  },
  search_flights: {
    name: 'search_flights',
    args: (r) => ({ from: r.pick(CITIES), to: r.pick(CITIES), date: `2026-${r.int(1, 12)}-${r.int(1, 28)}` }),
    result: (r) => ({ offers: r.int(0, 30), cheapest_usd: r.int(90, 1400) }),
    child: 'http',
  },
  search_hotels: {
    name: 'search_hotels',
    args: (r) => ({ city: r.pick(CITIES), nights: r.int(1, 9) }),
    result: (r) => ({ offers: r.int(0, 60) }),
    child: 'http',
  },
  get_weather: {
    name: 'get_weather',
    args: (r) => ({ city: r.pick(CITIES) }),
    result: (r) => ({ temp_c: r.int(-10, 38), conditions: r.pick(['sunny', 'rain', 'cloudy', 'snow']) }),
    child: 'http',
  },
  book_trip: {
    name: 'book_trip',
    args: (r) => ({ offer_id: r.hex8() }),
    result: (r) => ({ confirmation: r.hex8().toUpperCase() }),
    child: 'http',
  },
  lookup_invoice: {
    name: 'lookup_invoice',
    args: (r) => ({ invoice: `INV-${r.int(10000, 99999)}` }),
    result: (r) => ({ amount_usd: r.int(10, 5000), paid: r.chance(0.7) }),
    child: 'db',
  },
  lookup_policy: {
    name: 'lookup_policy',
    args: (r) => ({ topic: r.pick(['pto', 'parental leave', 'relocation', 'equipment']) }),
    result: () => ({ found: true }),
    child: 'db',
  },
  summarize_doc: {
    name: 'summarize_doc',
    args: (r) => ({ doc: `doc-${r.hex8()}`, max_words: r.pick([100, 200, 400]) }),
    result: () => ({ ok: true }),
  },
  translate: {
    name: 'translate',
    args: (r) => ({ target: r.pick(['de', 'fr', 'ja', 'pt', 'sw']) }),
    result: () => ({ ok: true }),
    child: 'http',
  },
};

/**
 * @typedef {object} AgentSpec
 * @property {string} name
 * @property {readonly (readonly [string, number])[]} models model name, weight
 * @property {readonly string[]} tools
 * @property {string} system system instructions
 * @typedef {object} ServiceSpec
 * @property {string} name
 * @property {number} weight share of traces
 * @property {string} language
 * @property {readonly AgentSpec[]} agents the first is the entry agent; the others are its sub-agents
 * @property {readonly ((r: Random) => string)[]} asks user requests
 */

/** @type {readonly ServiceSpec[]} */
export const SERVICES = [
  {
    name: 'support-bot',
    weight: 30,
    language: 'nodejs',
    agents: [
      {
        name: 'triage-agent',
        models: [
          ['gpt-4o-mini', 6],
          ['claude-3-5-haiku-20241022', 3],
          ['gpt-4o', 1],
        ],
        tools: ['lookup_order', 'search_kb', 'create_ticket'],
        system: 'You are a customer support triage agent for an online store. Be concise and polite.',
      },
      {
        name: 'refund-agent',
        models: [
          ['gpt-4o', 3],
          ['claude-sonnet-4-20250514', 1],
        ],
        tools: ['lookup_order', 'refund_order', 'send_email'],
        system:
          'You process refunds. Never refund more than the order total; confirm with the customer first.',
      },
    ],
    asks: [
      (r) =>
        `Where is my order A-${r.int(100000, 999999)}? It was supposed to arrive ${r.pick(['Monday', 'yesterday', 'last week'])}.`,
      (r) => `I want a refund for the ${r.pick(PRODUCTS)} I bought, it arrived broken.`,
      (r) => `Can I change the delivery address of order A-${r.int(100000, 999999)} to ${r.pick(CITIES)}?`,
      () => 'My invoice shows a double charge, please fix it.',
    ],
  },
  {
    name: 'research-assistant',
    weight: 15,
    language: 'python',
    agents: [
      {
        name: 'researcher',
        models: [
          ['gpt-4.1', 3],
          ['gemini-2.5-pro', 3],
          ['claude-sonnet-4-20250514', 2],
        ],
        tools: ['web_search', 'fetch_url', 'vector_search'],
        system: 'You are a research assistant. Cite every source you use.',
      },
      {
        name: 'summarizer',
        models: [
          ['gemini-2.0-flash', 3],
          ['gpt-4o-mini', 2],
        ],
        tools: ['summarize_doc'],
        system: 'Summarize documents faithfully; keep numbers exact.',
      },
    ],
    asks: [
      (r) => `Write a one-page brief on ${r.pick(TOPICS)} with the latest numbers.`,
      (r) => `Compare three papers about ${r.pick(TOPICS)} and list their disagreements.`,
    ],
  },
  {
    name: 'code-assistant',
    weight: 15,
    language: 'nodejs',
    agents: [
      {
        name: 'coder',
        models: [
          ['claude-sonnet-4-20250514', 5],
          ['gpt-4.1', 3],
          ['o3-mini', 2],
        ],
        tools: ['read_file', 'write_file', 'grep_repo', 'run_tests'],
        system: 'You are a senior engineer. Make the smallest change that fixes the issue and run the tests.',
      },
      {
        name: 'reviewer',
        models: [
          ['o3-mini', 2],
          ['gpt-4o', 1],
        ],
        tools: ['read_file', 'grep_repo'],
        system: 'Review the diff for bugs, missing tests and security problems.',
      },
    ],
    asks: [
      (r) => `Fix the flaky test in ${r.pick(FILES)}; it fails about once in ten runs.`,
      (r) => `Add retry with backoff to the HTTP client in ${r.pick(FILES)}.`,
      () => 'Why does session.refresh throw after the token expires?',
    ],
  },
  {
    name: 'sales-copilot',
    weight: 10,
    language: 'python',
    agents: [
      {
        name: 'lead-qualifier',
        models: [
          ['gpt-4o', 2],
          ['mistral-large-latest', 2],
        ],
        tools: ['crm_lookup', 'send_email', 'calendar_lookup'],
        system: 'Qualify inbound leads and book a call with an account executive when they fit.',
      },
    ],
    asks: [
      (r) => `New lead from ACME-${r.int(100, 999)} asking about enterprise pricing. Qualify and follow up.`,
      () => 'Draft a follow-up to the prospect who went quiet after the demo.',
    ],
  },
  {
    name: 'data-analyst',
    weight: 10,
    language: 'python',
    agents: [
      {
        name: 'sql-analyst',
        models: [
          ['gpt-4.1', 2],
          ['llama3.1:70b', 2],
          ['gemini-2.5-pro', 1],
        ],
        tools: ['sql_query', 'make_chart'],
        system: 'Answer questions about the sales warehouse with SQL. Show the query you ran.',
      },
    ],
    asks: [
      (r) => `What was revenue by region in Q${r.int(1, 4)}, and how does it compare to last year?`,
      () => 'Which product line has the highest churn? Chart it.',
    ],
  },
  {
    name: 'travel-planner',
    weight: 8,
    language: 'nodejs',
    agents: [
      {
        name: 'planner',
        models: [
          ['gemini-2.0-flash', 3],
          ['gpt-4o-mini', 2],
        ],
        tools: ['search_flights', 'search_hotels', 'get_weather'],
        system: 'Plan trips within the budget the user gives. Prefer direct flights.',
      },
      {
        name: 'booking-agent',
        models: [['gpt-4o', 1]],
        tools: ['book_trip', 'send_email'],
        system: 'Book exactly what the user approved and send the confirmation.',
      },
    ],
    asks: [
      (r) =>
        `Plan a ${r.int(2, 9)}-day trip from ${r.pick(CITIES)} to ${r.pick(CITIES)} under $${r.int(8, 40) * 100}.`,
      (r) => `What is the weather in ${r.pick(CITIES)} next week, and should I pack a coat?`,
    ],
  },
  {
    name: 'hr-helpdesk',
    weight: 7,
    language: 'java',
    agents: [
      {
        name: 'hr-agent',
        models: [
          ['mistral-large-latest', 2],
          ['llama3.1:70b', 1],
          ['claude-3-5-haiku-20241022', 1],
        ],
        tools: ['lookup_policy', 'search_kb', 'create_ticket', 'translate'],
        system: 'Answer HR policy questions from the handbook only. Escalate anything about pay.',
      },
    ],
    asks: [
      () => 'How many days of parental leave do I get, and how do I request them?',
      (r) => `Can I expense a ${r.pick(PRODUCTS)} for my home office?`,
    ],
  },
  {
    name: 'billing-agent',
    weight: 5,
    language: 'go',
    agents: [
      {
        name: 'billing-agent',
        models: [
          ['gpt-4o-mini', 3],
          ['claude-3-5-haiku-20241022', 1],
        ],
        tools: ['lookup_invoice', 'refund_order', 'send_email'],
        system: 'Resolve billing questions. Refunds over $500 need a human.',
      },
    ],
    asks: [
      (r) => `Invoice INV-${r.int(10000, 99999)} looks wrong, I was charged twice.`,
      () => 'Please send me all invoices from last quarter.',
    ],
  },
];

export const AGENTS = SERVICES.flatMap((s) => s.agents.map((a) => a.name));

/** Words of the generated text with very different frequencies, for full-text search benchmarks. */
export const SEARCH_TERMS = ['refund', 'invoice', 'Lisbon', 'flaky', 'parental leave', 'TimeoutError'];

const ERRORS = [
  { on: 'tool', type: 'TimeoutError', message: 'tool call timed out after 30000 ms' },
  { on: 'tool', type: 'HTTPError', message: 'upstream answered 502 Bad Gateway' },
  { on: 'tool', type: 'ValidationError', message: 'argument order_id does not match ^A-\\d{6}$' },
  { on: 'chat', type: 'RateLimitError', message: '429 Too Many Requests: rate limit reached for requests' },
  { on: 'chat', type: 'APIConnectionError', message: 'connection reset by peer' },
];

/** @param {unknown} value */
const json = (value) => JSON.stringify(value);

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
    let budget = size - 1;
    const ask = r.pick(service.asks)(r);

    /**
     * @param {string} parentSpanId
     * @param {AgentSpec} agent
     * @param {string} task what the agent was asked
     * @param {bigint} at start
     * @param {number} depth
     * @param {ModelSpec} modelSpec
     * @returns {bigint} end of the agent's last child
     */
    function runAgent(parentSpanId, agent, task, at, depth, modelSpec) {
      models.add(modelSpec.model);
      /** @type {unknown[]} */
      const history = [{ role: 'user', parts: [{ type: 'text', content: task }] }];
      let t = at;
      let step = 0;
      while (budget > 0) {
        step += 1;
        // Model call: decides on tool calls, or answers (last step). The entry agent's answer is the trace's last
        // model call; a sub-agent may answer early and leave the rest of the spans to its caller.
        budget -= 1;
        const final = budget === 0 || (depth > 0 && step > 2 && r.chance(0.08));
        // One span stays for the answer.
        const toolCount = final ? 0 : Math.min(budget - 1, r.int(1, 3));
        const callIds = Array.from({ length: toolCount }, () => `call_${r.hex8()}${r.hex8()}`);
        const toolNames = callIds.map(() => r.pick(agent.tools));
        const chatMs = r.duration(1800, 250, 20_000);
        const end = t + BigInt(Math.round(chatMs * 1e6));
        const inputTokens = r.int(400, 2500) + step * r.int(200, 900);
        const outputTokens = final ? r.int(120, 900) : r.int(20, 160);
        /** @type {Attrs} */
        const attrs = {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': modelSpec.provider,
          'gen_ai.request.model': modelSpec.model,
          'gen_ai.response.model': modelSpec.model,
          'gen_ai.response.id': `resp_${r.hex8()}${r.hex8()}`,
          'gen_ai.request.temperature': r.pick([0, 0.2, 0.7]),
          'gen_ai.request.max_tokens': r.pick([1024, 2048, 4096]),
          'gen_ai.conversation.id': conversationId,
          'gen_ai.response.finish_reasons': [final ? 'stop' : 'tool_calls'],
          'server.address': modelSpec.host,
          'gen_ai.system_instructions': json([{ type: 'text', content: agent.system }]),
          'gen_ai.input.messages': json(history.slice(-8)),
        };
        // ~1% of calls report no usage (streaming without usage), as some instrumentations do.
        if (!r.chance(0.01)) {
          attrs['gen_ai.usage.input_tokens'] = inputTokens;
          attrs['gen_ai.usage.output_tokens'] = outputTokens;
          if (modelSpec.cache && step > 1)
            attrs['gen_ai.usage.cache_read.input_tokens'] = Math.floor(inputTokens * 0.6);
          if (modelSpec.cacheWrite && step === 1)
            attrs['gen_ai.usage.cache_creation.input_tokens'] = Math.floor(inputTokens * 0.4);
          if (modelSpec.reasoning) attrs['gen_ai.usage.reasoning.output_tokens'] = r.int(50, 1500);
        }
        const output = final
          ? {
              role: 'assistant',
              parts: [
                { type: 'text', content: `Done: ${task.slice(0, 80)} — here is what I found and did.` },
              ],
              finish_reason: 'stop',
            }
          : {
              role: 'assistant',
              parts: callIds.map((id, i) => ({
                type: 'tool_call',
                id,
                name: toolNames[i],
                arguments: /** @type {ToolSpec} */ (TOOLS[/** @type {string} */ (toolNames[i])]).args(r),
              })),
              finish_reason: 'tool_call',
            };
        attrs['gen_ai.output.messages'] = json([output]);
        history.push(output);
        spans.push({
          traceId,
          spanId: r.spanId(),
          parentSpanId,
          name: `chat ${modelSpec.model}`,
          kind: KIND.CLIENT,
          startNs: t,
          endNs: end,
          attributes: attrs,
          status: { code: STATUS.UNSET },
        });
        t = end + BigInt(r.int(1, 30)) * MS;
        if (final) break;

        // A sub-agent instead of tools, now and then.
        const subAgents = service.agents.slice(1);
        if (depth === 0 && subAgents.length > 0 && budget >= 6 && r.chance(0.15)) {
          const sub = r.pick(subAgents);
          const subModel = /** @type {ModelSpec} */ (MODEL_BY_NAME.get(r.weighted(sub.models)));
          const subSpanId = r.spanId();
          const subBudget = Math.min(budget - 2, r.int(4, 10));
          const outer = budget - 1 - subBudget;
          budget = subBudget;
          const subSpan = agentSpan(sub, subModel, subSpanId, parentSpanId, t);
          spans.push(subSpan);
          const task2 = `Sub-task from ${agent.name}: ${task}`;
          const subEnd = runAgent(subSpanId, sub, task2, t + MS, depth + 1, subModel);
          subSpan.endNs = subEnd + MS;
          t = subSpan.endNs + MS;
          budget += outer;
          history.push({
            role: 'user',
            parts: [{ type: 'text', content: `${sub.name} finished its sub-task.` }],
          });
          continue;
        }

        // Tool calls, one after the other; some make an HTTP or database call.
        for (let i = 0; i < toolCount && budget > 1; i++) {
          const tool = /** @type {ToolSpec} */ (TOOLS[/** @type {string} */ (toolNames[i])]);
          const toolSpanId = r.spanId();
          const toolMs = r.duration(250, 5, 8000);
          const toolEnd = t + BigInt(Math.round(toolMs * 1e6));
          const result = tool.result(r);
          budget -= 1;
          spans.push({
            traceId,
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
              'gen_ai.tool.call.arguments': json(tool.args(r)),
              'gen_ai.tool.call.result': json(result),
            },
            status: { code: STATUS.UNSET },
          });
          if (tool.child && budget > 1 && r.chance(0.6)) {
            budget -= 1;
            spans.push(childSpan(tool, toolSpanId, t + MS, toolEnd - MS));
          }
          history.push({
            role: 'tool',
            parts: [{ type: 'tool_call_response', id: callIds[i], response: result }],
          });
          t = toolEnd + BigInt(r.int(1, 20)) * MS;
        }
      }
      return t;
    }

    /**
     * @param {AgentSpec} agent
     * @param {ModelSpec} modelSpec
     * @param {string} spanId
     * @param {string} parentSpanId
     * @param {bigint} at
     * @returns {BenchSpan}
     */
    function agentSpan(agent, modelSpec, spanId, parentSpanId, at) {
      return {
        traceId,
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
          'gen_ai.conversation.id': conversationId,
        },
        status: { code: STATUS.UNSET },
      };
    }

    /**
     * @param {ToolSpec} tool
     * @param {string} parentSpanId
     * @param {bigint} start
     * @param {bigint} end
     * @returns {BenchSpan}
     */
    function childSpan(tool, parentSpanId, start, end) {
      const base = { traceId, spanId: r.spanId(), parentSpanId, kind: KIND.CLIENT, startNs: start };
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
      const method = r.pick(['GET', 'POST']);
      return {
        ...base,
        name: method,
        endNs,
        attributes: {
          'http.request.method': method,
          'url.full': `https://api.internal/${tool.name.replace('_', '/')}/${r.hex8()}`,
          'server.address': 'api.internal',
          'http.response.status_code': 200,
        },
        status: { code: STATUS.UNSET },
      };
    }

    const rootSpanId = r.spanId();
    const entryModel = /** @type {ModelSpec} */ (MODEL_BY_NAME.get(r.weighted(entry.models)));
    const root = agentSpan(entry, entryModel, rootSpanId, '', startNs);
    spans.push(root);
    const end = runAgent(rootSpanId, entry, ask, startNs + BigInt(r.int(1, 15)) * MS, 0, entryModel);
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
