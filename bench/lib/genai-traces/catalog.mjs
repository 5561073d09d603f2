// What the generated traces are made of: models (with their providers and usage traits), tools (with their
// arguments and results), services with their agents and the questions users ask them, and the errors planted.

/** @typedef {import('./random.mjs').Random} Random */

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
export const MODEL_BY_NAME = new Map(MODELS.map((m) => [m.model, m]));

/**
 * @typedef {object} ToolSpec
 * @property {string} name
 * @property {(r: Random) => Record<string, unknown>} args
 * @property {(r: Random) => unknown} result
 * @property {'http' | 'db'} [child] a nested client span the tool makes
 */

export const CITIES = [
  'Lisbon',
  'Tokyo',
  'Nairobi',
  'Montreal',
  'Berlin',
  'Singapore',
  'Austin',
  'Reykjavik',
];
export const PRODUCTS = [
  'standing desk',
  'noise-cancelling headphones',
  'espresso machine',
  'trail shoes',
  'e-reader',
];
export const TOPICS = [
  'vector databases',
  'battery recycling',
  'kubernetes autoscaling',
  'carbon accounting',
  'RAG evals',
];
export const FILES = ['src/server.ts', 'src/auth/session.ts', 'lib/parser.py', 'cmd/main.go', 'README.md'];

/** @type {Record<string, ToolSpec>} */
export const TOOLS = {
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

export const ERRORS = [
  { on: 'tool', type: 'TimeoutError', message: 'tool call timed out after 30000 ms' },
  { on: 'tool', type: 'HTTPError', message: 'upstream answered 502 Bad Gateway' },
  { on: 'tool', type: 'ValidationError', message: 'argument order_id does not match ^A-\\d{6}$' },
  { on: 'chat', type: 'RateLimitError', message: '429 Too Many Requests: rate limit reached for requests' },
  { on: 'chat', type: 'APIConnectionError', message: 'connection reset by peer' },
];

/** @param {unknown} value */
