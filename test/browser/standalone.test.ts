// The standalone UI in a real browser: a real collector (in-process, embedded ClickHouse) serves the built UI at `/`
// and the query API; a multi-agent trace arrives over OTLP/HTTP; Chromium (Debian package, driven by
// playwright-core) lists it, searches, opens it, reads an LLM call's prompt and completion, steps through time and
// opens the timeline. Screenshots of every step: test-results/browser/*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TraceGraphResponse, TraceListResponse } from '../../collector/src/contract/index.js';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import { postTracesOk, traceRequest } from '../../collector/test/support/otlp-json.js';
import { type BuiltTrace, buildAgentTrace, PLANNER_COMPLETION, PLANNER_PROMPT } from './agent-trace.js';
import {
  launchChromium,
  pollUi as poll,
  prepareBrowserTest,
  recordProblems,
  screenshot,
} from './chromium.js';

let collector: TestCollector;
let browser: Browser;
let page: Page;
let trace: BuiltTrace;
/** What went wrong in the page: uncaught errors, failed API calls. */
const problems: string[] = [];

const shot = (name: string) => screenshot(page, name);

async function api<T>(pathAndQuery: string): Promise<T> {
  const res = await fetch(`${collector.apiUrl}${pathAndQuery}`);
  if (!res.ok) throw new Error(`GET ${pathAndQuery} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  prepareBrowserTest();

  collector = await startTestCollector();
  trace = buildAgentTrace();
  await postTracesOk(collector.httpUrl, trace.body);
  // An unrelated trace, so that searching has something to leave out.
  await postTracesOk(
    collector.httpUrl,
    traceRequest('weather-bot', [
      {
        name: 'chat gpt-4o-mini',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 50,
          'gen_ai.usage.output_tokens': 12,
          'gen_ai.input.messages': JSON.stringify([
            { role: 'user', parts: [{ type: 'text', content: 'Weather in Oslo?' }] },
          ]),
        },
      },
    ]),
  );
  await collector.writer.flush();
  const listed = await api<TraceListResponse>('/api/v1/traces');
  expect(listed.traces.map((t) => t.traceId)).toContain(trace.traceId);

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  recordProblems(page, problems);
});

afterAll(async () => {
  await browser?.close();
  await collector?.dispose();
});

describe('standalone UI', () => {
  test('serves the app, its assets and the icons from the API port', async () => {
    const index = await fetch(`${collector.apiUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    const html = await index.text();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeTruthy();
    const js = await fetch(`${collector.apiUrl}${script}`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const icon = await fetch(`${collector.apiUrl}/public/build/img/icons/unicons/search.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    // Client-side routes get the app; unknown API paths stay JSON errors.
    expect(
      (await fetch(`${collector.apiUrl}/traces/${trace.traceId}`)).headers.get('content-type'),
    ).toContain('text/html');
    const missing = await fetch(`${collector.apiUrl}/api/v1/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
  });

  test('lists, searches, opens a trace, shows an LLM call, travels in time, shows the timeline', async () => {
    // The trace list at `/`.
    await page.goto(`${collector.apiUrl}/`);
    await page.waitForURL(/\/traces$/);
    const rows = page.getByTestId('trace-row');
    await poll(() => rows.count()).toBe(2);
    const planner = rows.filter({ hasText: 'invoke_agent planner' });
    await planner.waitFor();
    expect(await planner.textContent()).toContain('travel-assistant');
    // Icons are real SVGs fetched from the collector (not empty placeholders).
    await page.locator('button:has-text("Apply") svg').first().waitFor();
    await shot('1-traces');

    // Search: only the travel trace ran a `booker` agent (a sub-agent, not the root).
    await page.getByPlaceholder('text in names, attributes, messages').fill('booker');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/[?&]q=booker/);
    await poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('invoke_agent planner');
    await shot('2-search');

    // Open it: summary and the agent graph.
    await rows.first().getByRole('link', { name: 'invoke_agent planner' }).click();
    await page.waitForURL(new RegExp(`/traces/${trace.traceId}`));
    const graph = page.getByTestId('agent-graph');
    await graph.waitFor();
    // Every node of the API's graph is drawn: agents, LLM calls and tools.
    const apiGraph = await api<TraceGraphResponse>(`/api/v1/traces/${trace.traceId}/graph`);
    expect(new Set(apiGraph.nodes.map((n) => n.kind))).toEqual(new Set(['agent', 'llm', 'tool']));
    const nodes = graph.locator('[data-testid^="graph-node-"]');
    await poll(() => nodes.count()).toBe(apiGraph.nodes.length);
    const allNodes = apiGraph.nodes.length;
    expect(await page.getByTestId('trace-stats').textContent()).toContain('planner');
    await shot('3-trace-graph');

    // Click the planner's first LLM call in the graph: the span detail shows its prompt and completion.
    const llmNode = apiGraph.nodes.find((n) => n.spanIds.includes(trace.spanIds.plannerLlm!));
    expect(llmNode?.kind).toBe('llm');
    const llmNodeView = page.getByTestId(`graph-node-${llmNode!.id}`);
    expect(await llmNodeView.getAttribute('data-kind')).toBe('llm');
    await llmNodeView.click();
    await page.waitForURL(new RegExp(`/traces/${trace.traceId}/${trace.spanIds.plannerLlm}`));
    const detail = page.getByTestId('span-detail');
    await detail.waitFor();
    const user = detail.locator('[data-testid="message"][data-role="user"]');
    await user.filter({ hasText: PLANNER_PROMPT }).waitFor();
    await detail
      .locator('[data-testid="message"][data-role="assistant"]')
      .filter({ hasText: PLANNER_COMPLETION })
      .waitFor();
    expect(await detail.textContent()).toContain('gpt-4o');
    await shot('4-llm-span-detail');

    // Time travel: ArrowLeft steps back through the spans (fewer nodes drawn), ArrowRight forward again.
    const slider = page.getByRole('slider', { name: /Time travel/ });
    const position = page.getByTestId('time-travel-position');
    await poll(() => position.textContent()).toBe(`Step ${trace.spanCount} / ${trace.spanCount}`);
    await slider.focus();
    for (let i = 0; i < 6; i++) await slider.press('ArrowLeft');
    await poll(() => position.textContent()).toBe(`Step ${trace.spanCount - 6} / ${trace.spanCount}`);
    await poll(() => nodes.count()).toBeLessThan(allNodes);
    const fewer = await nodes.count();
    expect(fewer).toBeGreaterThan(0);
    await shot('5-time-travel-back');
    await slider.press('ArrowRight');
    await slider.press('ArrowRight');
    await poll(() => position.textContent()).toBe(`Step ${trace.spanCount - 4} / ${trace.spanCount}`);
    await poll(() => nodes.count()).toBeGreaterThan(fewer);
    await shot('6-time-travel-forward');

    // The waterfall: one row per span, the failed booking marked.
    await page.getByRole('tab', { name: 'Timeline' }).click();
    const waterfall = page.getByTestId('waterfall');
    await waterfall.waitFor();
    await poll(() => waterfall.getByTestId('waterfall-row').count()).toBe(trace.spanCount);
    await waterfall.getByTestId(`span-bar-${trace.spanIds.book}`).click();
    await detail.filter({ hasText: 'book_hotel' }).waitFor();
    await shot('7-waterfall');

    expect(problems).toEqual([]);
  });
});
