// beacon_guard_triggered_total{service,agent,guard}: one count per beacon.guard.triggered span event (the event
// @beacon/sdk's AgentGuard records), on GenAI spans or not, under the agent the span runs under; the guard label is
// bounded like every client-supplied label.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { newSpanId, newTraceId, postTraces, type Sample, scrape, select, total } from './helpers.js';

/** Most label values, `other` included: three guard names kept, the rest folded. */
const CAP = 4;

let collector: TestCollector;
let samples: Sample[];

interface EventSpec {
  name: string;
  guard?: string;
}

interface SpanSpec {
  name: string;
  spanId: string;
  parent?: string;
  attributes: Record<string, string>;
  events: EventSpec[];
}

function stringAttributes(attributes: Record<string, string>) {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } }));
}

function request(service: string, spans: SpanSpec[]): string {
  const traceId = newTraceId();
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: stringAttributes({ 'service.name': service }) },
        scopeSpans: [
          {
            scope: { name: '@beacon/sdk' },
            spans: spans.map((s) => ({
              traceId,
              spanId: s.spanId,
              parentSpanId: s.parent ?? '',
              name: s.name,
              kind: 1,
              startTimeUnixNano: String(now),
              endTimeUnixNano: String(now + 5_000_000n),
              attributes: stringAttributes(s.attributes),
              events: s.events.map((e) => ({
                timeUnixNano: String(now + 1_000_000n),
                name: e.name,
                attributes: [
                  ...(e.guard === undefined ? [] : stringAttributes({ 'beacon.guard.name': e.guard })),
                  { key: 'beacon.guard.limit', value: { intValue: '3' } },
                ],
              })),
              status: { code: 2, message: 'stopped by guard' },
            })),
          },
        ],
      },
    ],
  });
}

beforeAll(async () => {
  collector = await startTestCollector({ metricsMaxLabelValues: String(CAP) });
  const planner = newSpanId();
  const tool = newSpanId();
  const plain = newSpanId();
  const runs: [string, SpanSpec[]][] = [
    [
      'support',
      [
        {
          name: 'invoke_agent planner',
          spanId: planner,
          attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
          events: [{ name: 'beacon.guard.triggered', guard: 'token_budget' }],
        },
        {
          // Loop: the event is on the tool span, counted under the agent it runs under.
          name: 'execute_tool search',
          spanId: tool,
          parent: planner,
          attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
          events: [{ name: 'beacon.guard.triggered', guard: 'loop' }, { name: 'exception' }],
        },
        {
          // Not a GenAI span at all: still counted.
          name: 'handle request',
          spanId: plain,
          attributes: {},
          events: [{ name: 'beacon.guard.triggered', guard: 'timeout' }],
        },
      ],
    ],
    [
      'support',
      [
        {
          name: 'execute_tool search',
          spanId: newSpanId(),
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': 'search',
            'gen_ai.agent.name': 'planner',
          },
          events: [{ name: 'beacon.guard.triggered', guard: 'loop' }],
        },
      ],
    ],
    [
      // Guard names past the label cap are folded into `other`.
      'billing',
      [
        {
          name: 'invoke_agent biller',
          spanId: newSpanId(),
          attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'biller' },
          events: [
            { name: 'beacon.guard.triggered', guard: 'cost_budget' },
            { name: 'beacon.guard.triggered', guard: 'custom_guard' },
          ],
        },
      ],
    ],
  ];
  for (const [service, spans] of runs) {
    const res = await postTraces(collector.httpUrl, request(service, spans));
    expect(res.status).toBe(200);
  }
  await collector.writer.flush();
  samples = (await scrape(collector.apiUrl)).samples;
}, 120_000);

afterAll(async () => {
  await collector?.dispose();
});

const guards = (match: Record<string, string>) => total(samples, 'beacon_guard_triggered_total', match);

test('each beacon.guard.triggered event counts once, by service, agent and guard', () => {
  expect(guards({ service: 'support', agent: 'planner', guard: 'loop' })).toBe(2);
  expect(guards({ service: 'support', agent: 'planner', guard: 'token_budget' })).toBe(1);
  // A non-GenAI root span: no agent.
  expect(guards({ service: 'support', agent: '', guard: 'timeout' })).toBe(1);
  expect(guards({ service: 'billing', agent: 'biller', guard: 'other' })).toBe(2);
  // Other events (exception) are not guard triggers.
  expect(guards({})).toBe(6);
});

test('the guard label keeps at most BEACON_METRICS_MAX_LABEL_VALUES values, `other` included', () => {
  const values = new Set(select(samples, 'beacon_guard_triggered_total').map((s) => s.labels.guard));
  expect([...values].sort()).toEqual(['loop', 'other', 'timeout', 'token_budget']);
  expect(total(samples, 'beacon_metric_label_values_folded_total', { label: 'guard' })).toBe(2);
});

test('beacon_guard_triggered_total is a documented counter', async () => {
  const { families } = await scrape(collector.apiUrl);
  const family = families.find((f) => f.name === 'beacon_guard_triggered_total');
  expect(family?.type).toBe('counter');
  expect(family?.help).toContain('beacon.guard.triggered');
});
