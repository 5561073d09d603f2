// Sessions and the agent map in a real browser (acceptance of "[9/9]", part 3): a real collector (in-process,
// embedded ClickHouse, a price file for the test model) receives over OTLP/HTTP a three-turn conversation (every
// model call resends the history) and 20 traces of planner → worker_a / worker_b → tools; Chromium (Debian package,
// driven by playwright-core) opens the Sessions page, sees the conversation with its turns and cost, opens its
// transcript (three turns in order, each said once, with the cost the list showed), then opens the Agent map and
// reads the topology and its call counts. Screenshots: test-results/browser/sessions-*.png, agent-map-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AgentMapResponse, SessionListResponse } from '../../collector/src/contract/index.js';
import { newSpanId, sendTraces } from '../../collector/test/api/helpers.js';
import {
  buildAgentRuns,
  buildConversation,
  writeSessionPriceFile,
} from '../../collector/test/api/sessions-fixtures.js';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import {
  launchChromium,
  pollUi as poll,
  prepareBrowserTest,
  recordProblems,
  screenshot,
} from './chromium.js';

const SESSION = `trip-${newSpanId()}`;
const TURNS = [
  { user: 'Find me a flight to Lisbon on Friday.', answer: 'TAP flies at 09:00 for 120 EUR.' },
  { user: 'Book it, and what will the weather be?', answer: 'Booked. Sunny and 24°C on Friday.' },
  { user: 'Thanks! A hotel near the river too?', answer: 'Hotel Ribeira has a room for 95 EUR.' },
];
/** $0.001 per input token, $0.002 per output token: 0.12 + 0.56 + 0.75 = $1.43 for the session. */
const CALLS = [
  [{ input: 100, output: 10 }],
  [
    { input: 200, output: 30 },
    { input: 220, output: 40 },
  ],
  [{ input: 700, output: 25 }],
];
const SESSION_COST = '$1.43';
const RUNS = 20;

let collector: TestCollector;
let browser: Browser;
let page: Page;
let conversationTraceIds: string[];
const problems: string[] = [];
const shot = (name: string) => screenshot(page, name);

beforeAll(async () => {
  prepareBrowserTest();
  collector = await startTestCollector({ priceOverridesFile: writeSessionPriceFile() });
  const now = Date.now();
  const conversation = buildConversation({
    sessionId: SESSION,
    service: 'travel',
    agent: 'concierge',
    // Two hours ago: on the Sessions page (last 24 hours), off the agent map of the last hour.
    startMs: now - 2 * 3_600_000,
    gapMs: 30_000,
    turns: TURNS.map((turn, i) => ({ ...turn, calls: CALLS[i]! })),
  });
  conversationTraceIds = conversation.traceIds;
  const runs = buildAgentRuns({ count: RUNS, startMs: now - 200_000, service: 'research' });
  expect(runs.traces).toHaveLength(RUNS);
  await sendTraces(collector.httpUrl, [...conversation.traces, ...runs.traces]);
  await collector.writer.flush();

  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
  recordProblems(page, problems);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await collector?.dispose();
});

describe('sessions and the agent map in the standalone UI', () => {
  test('the Sessions page lists the conversation with its turns and cost; its transcript shows the three turns in order', async () => {
    await page.goto(`${collector.apiUrl}/sessions`);
    const row = page.getByTestId('session-row').filter({ hasText: SESSION });
    await row.waitFor();
    await shot('sessions-1-list');
    expect(await row.getByTestId('session-turns').textContent()).toBe('3');
    expect(await row.getByTestId('session-cost').textContent()).toBe(SESSION_COST);
    // The page shows what the API answers.
    const listed = (await (await fetch(`${collector.apiUrl}/api/v1/sessions`)).json()) as SessionListResponse;
    expect(listed.sessions.find((s) => s.sessionId === SESSION)?.costUsd).toBeCloseTo(1.43, 9);

    await row.getByRole('link', { name: SESSION }).click();
    await page.getByTestId('session-turn').nth(2).waitFor();
    await shot('sessions-2-transcript');
    expect(page.url()).toBe(`${collector.apiUrl}/sessions/${SESSION}`);
    expect(await page.getByTestId('session-summary').textContent()).toContain(SESSION_COST);

    const turns = page.getByTestId('session-turn');
    expect(await turns.count()).toBe(3);
    for (const [i, turn] of TURNS.entries()) {
      const messages = await turns.nth(i).getByTestId('message').allTextContents();
      // Each turn shows what the user said in it, once, and the answer: no resent history.
      expect(messages).toHaveLength(2);
      expect(messages[0]).toContain(turn.user);
      expect(messages[1]).toContain(turn.answer);
    }
    expect(await turns.getByTestId('turn-cost').allTextContents()).toEqual(['$0.12', '$0.56', '$0.75']);

    // A turn links to its trace.
    await turns
      .nth(1)
      .getByRole('link', { name: /^Trace / })
      .click();
    await page.getByTestId('agent-graph').waitFor();
    expect(page.url()).toBe(`${collector.apiUrl}/traces/${conversationTraceIds[1]}`);
  });

  test('the Agent map shows planner → worker_a / worker_b → tools from 20 traces with the right call counts', async () => {
    await page.goto(`${collector.apiUrl}/agents?range=1h`);
    const graph = page.getByTestId('agent-map-graph');
    await graph.waitFor();
    await shot('agent-map-1');
    expect(await page.getByTestId('agent-map-summary').textContent()).toBe(
      `${RUNS} traces · 3 agents · 2 tools · 4 edges`,
    );

    const edgeCalls = async (source: string, target: string) =>
      Number(await page.getByTestId(`map-edge-${source}->${target}`).getAttribute('data-calls'));
    expect(await edgeCalls('agent:research/planner', 'agent:research/worker_a')).toBe(RUNS);
    expect(await edgeCalls('agent:research/planner', 'agent:research/worker_b')).toBe(RUNS);
    expect(await edgeCalls('agent:research/worker_a', 'tool:research/search')).toBe(2 * RUNS);
    expect(await edgeCalls('agent:research/worker_b', 'tool:research/calculator')).toBe(RUNS);
    const nodeCalls = async (id: string) =>
      Number(await page.getByTestId(`map-node-${id}`).getAttribute('data-calls'));
    expect(await nodeCalls('agent:research/planner')).toBe(RUNS);
    expect(await nodeCalls('tool:research/search')).toBe(2 * RUNS);
    // The label drawn on the edge says the same.
    expect(
      await page.getByTestId('map-edge-agent:research/worker_a->tool:research/search').textContent(),
    ).toMatch(/^40 calls · /);

    // Clicking an edge shows its numbers.
    await page
      .getByTestId('map-edge-agent:research/planner->agent:research/worker_b')
      .locator('text')
      .click();
    const details = page.getByTestId('agent-map-details');
    await poll(() => details.getByTestId('detail-calls').textContent()).toBe(String(RUNS));
    await shot('agent-map-2-edge');

    // The whole map, as the API answers it for the same hour: exactly that topology.
    const map = (await (
      await fetch(`${collector.apiUrl}/api/v1/agents/map?from=${Date.now() - 3_600_000}`)
    ).json()) as AgentMapResponse;
    expect(map.traces).toBe(RUNS);
    expect(map.edges.map((e) => `${e.id}=${e.calls}`).sort()).toEqual([
      'agent:research/planner->agent:research/worker_a=20',
      'agent:research/planner->agent:research/worker_b=20',
      'agent:research/worker_a->tool:research/search=40',
      'agent:research/worker_b->tool:research/calculator=20',
    ]);
    expect(problems).toEqual([]);
  });
});
