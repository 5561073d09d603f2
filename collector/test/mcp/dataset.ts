// The MCP test's dataset: two tenants' API keys, three agent runs with known tokens (acme: a failing planner run
// and a writer run; globex: one run), the prices that make their costs plain arithmetic, the Prometheus alert rules
// and acme's budget.
import { writeKeys } from '../auth/helpers.js';
import { newSpanId, newTraceId, type SpanSpec } from '../support/otlp-json.js';

export const { file: keyFile, keys } = writeKeys({
  a: { tenant: 'acme', scopes: ['ingest', 'read'] },
  b: { tenant: 'globex', scopes: ['ingest', 'read'] },
  aIngestOnly: { tenant: 'acme', scopes: ['ingest'] },
  /** Only to define the test's budget: the MCP tools never need more than read. */
  aWrite: { tenant: 'acme', scopes: ['write'] },
  aRevoked: { tenant: 'acme', scopes: ['read'], revoked: true },
});

// Prices per million tokens, from the override file below.
export const PRICES = {
  'mcp-small': { input: 1, output: 2 },
  'mcp-large': { input: 10, output: 30 },
} as const;
const cost = (model: keyof typeof PRICES, input: number, output: number) =>
  (input * PRICES[model].input + output * PRICES[model].output) / 1e6;

const message = (text: string) =>
  JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: text }] }]);
const chat = (model: keyof typeof PRICES, agent: string, input: number, output: number, prompt: string) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'acme-llm',
  'gen_ai.request.model': model,
  'gen_ai.agent.name': agent,
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  'gen_ai.input.messages': message(prompt),
});

/** Tenant acme: a failing planner run (its tool call fails) and a successful writer run. */
export const A1 = { traceId: newTraceId(), root: newSpanId(), chat: newSpanId(), tool: newSpanId() };
export const A2 = { traceId: newTraceId(), root: newSpanId(), chat: newSpanId() };
/** Tenant globex: one run. */
export const B1 = { traceId: newTraceId(), root: newSpanId(), chat: newSpanId() };

export const A1_SPANS: SpanSpec[] = [
  {
    name: 'invoke_agent acme_planner',
    spanId: A1.root,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'acme_planner' },
    durationMs: 900,
  },
  {
    name: 'chat mcp-small',
    spanId: A1.chat,
    parent: A1.root,
    attributes: chat('mcp-small', 'acme_planner', 1000, 200, 'Summarise the ACMESECRET quarterly numbers'),
    durationMs: 400,
  },
  {
    name: 'execute_tool acme_lookup',
    spanId: A1.tool,
    parent: A1.root,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'acme_lookup' },
    error: 'lookup failed for ACMESECRET',
    durationMs: 50,
  },
];
export const A2_SPANS: SpanSpec[] = [
  {
    name: 'invoke_agent acme_writer',
    spanId: A2.root,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'acme_writer' },
    durationMs: 1500,
  },
  {
    name: 'chat mcp-large',
    spanId: A2.chat,
    parent: A2.root,
    attributes: chat('mcp-large', 'acme_writer', 2000, 500, 'Write the launch note'),
    durationMs: 1200,
  },
];
export const B1_SPANS: SpanSpec[] = [
  {
    name: 'invoke_agent globex_agent',
    spanId: B1.root,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'globex_agent' },
    durationMs: 700,
  },
  {
    name: 'chat mcp-small',
    spanId: B1.chat,
    parent: B1.root,
    attributes: chat('mcp-small', 'globex_agent', 500, 100, 'Reconcile the GLOBEXSECRET invoices'),
    durationMs: 300,
  },
];
export const A1_COST = cost('mcp-small', 1000, 200);
export const A2_COST = cost('mcp-large', 2000, 500);
export const B1_COST = cost('mcp-small', 500, 100);
/** Everything of acme that globex must never be shown. */
export const A_MARKERS = [
  A1.traceId,
  A2.traceId,
  A1.root,
  A1.chat,
  A1.tool,
  'ACMESECRET',
  'acme_planner',
  'acme-support',
];

/** Prometheus alert rules firing at once: one per tenant and one of the operator's (no tenant label). */
export const ALERT_RULES = `groups:
  - name: mcp-test
    rules:
      - alert: AcmeTokenBurn
        expr: vector(1)
        labels: { tenant: acme, severity: warning }
        annotations: { summary: acme burns tokens fast }
      - alert: GlobexErrors
        expr: vector(1)
        labels: { tenant: globex, severity: critical }
        annotations: { summary: globex agent failing }
      - alert: CollectorQueueFull
        expr: vector(1)
        labels: { severity: critical }
        annotations: { summary: export queue full }
`;

/** acme's daily USD budget: both acme runs count against it. */
export const BUDGET = { name: 'acme-daily', limit: 0.05 };
