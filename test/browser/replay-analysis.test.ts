// Replay and AI analysis in a real browser (acceptance 3 of "[4/9] Replay and AI analysis"): a real collector
// (in-process, embedded ClickHouse) whose OpenAI provider is the local mock LLM; a multi-agent trace whose hotel
// booking tool fails after an LLM call arrives over OTLP/HTTP; Chromium (Debian package, driven by playwright-core)
// opens it, runs Root cause and sees the failed span highlighted in the agent graph and the waterfall, then opens
// the planner's LLM call, edits its prompt in the Monaco editor, replays it against the mock provider with the
// answer streaming in, and sees the word diff. Screenshots: test-results/browser/replay-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type {
  AnalysisResponse,
  PromptVersionListResponse,
  TraceGraphResponse,
} from '../../collector/src/contract/index.js';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import { type MockLlm, startMockLlm } from '../../collector/test/fixtures/mock-llm.js';
import { postTracesOk } from '../../collector/test/support/otlp-json.js';
import { type BuiltTrace, buildAgentTrace, PLANNER_COMPLETION, PLANNER_PROMPT } from './agent-trace.js';
import { launchChromium, pollUi, prepareBrowserTest, recordProblems, screenshot } from './chromium.js';

/** The collector's configured OpenAI key: the mock must receive it, the browser must never see it. */
const PROVIDER_KEY = 'sk-beacon-browser-test-0123456789';
const EDITED_PROMPT = 'Plan a 2-day trip to Porto in June for two people, budget 900 EUR.';

let collector: TestCollector;
let mock: MockLlm;
let browser: Browser;
let page: Page;
let trace: BuiltTrace;
/** What went wrong in the page: uncaught errors, failed requests. */
const problems: string[] = [];
/** Everything the page fetched or received, to check the provider key never reaches the browser. */
const seenByBrowser: string[] = [];

// Analysis and replay go through the collector and the mock provider: longer than the UI's usual wait.
const poll = <T>(read: () => Promise<T>) => pollUi(read, 20_000);
const shot = (name: string) => screenshot(page, name);

async function api<T>(pathAndQuery: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${collector.apiUrl}${pathAndQuery}`, init);
  if (!res.ok) throw new Error(`${pathAndQuery} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  prepareBrowserTest();

  mock = await startMockLlm();
  collector = await startTestCollector({ openaiBaseUrl: mock.url, openaiApiKey: PROVIDER_KEY });
  trace = buildAgentTrace('travel-replay');
  await postTracesOk(collector.httpUrl, trace.body);
  await collector.writer.flush();

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1100 } });
  // The replay test pastes the edited prompt into Monaco.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: collector.apiUrl });
  page = await context.newPage();
  recordProblems(page, problems);
  page.on('request', (req) => seenByBrowser.push(`${req.url()} ${req.postData() ?? ''}`));
  page.on('response', async (res) => {
    if (res.url().includes('/api/v1/')) seenByBrowser.push(await res.text().catch(() => ''));
  });
});

afterAll(async () => {
  await browser?.close();
  await collector?.dispose();
  await mock?.close();
});

describe('analysis in the standalone UI', () => {
  test('root cause highlights the failed booking in the graph and the waterfall', async () => {
    await page.goto(`${collector.apiUrl}/traces/${trace.traceId}`);
    const graph = page.getByTestId('agent-graph');
    await graph.waitFor();
    const apiGraph = await api<TraceGraphResponse>(`/api/v1/traces/${trace.traceId}/graph`);
    const nodeOf = (spanId: string) => apiGraph.nodes.find((n) => n.spanIds.includes(spanId))!;
    const bookNode = page.getByTestId(`graph-node-${nodeOf(trace.spanIds.book!).id}`);
    await bookNode.waitFor();
    expect(await bookNode.getAttribute('data-highlighted')).toBe('false');

    await page.getByTestId('analyze-menu').click();
    await page.getByTestId('analyze-root-cause').click();
    const results = page.getByTestId('analysis-results');
    const culprit = results.locator('[data-testid="finding"][aria-pressed="true"]');
    await culprit.waitFor({ timeout: 20_000 });
    expect(await culprit.textContent()).toContain('book_hotel');

    // The finding's first span is the failed tool call: highlighted, marked, and selected.
    await poll(() => bookNode.getAttribute('data-highlighted')).toBe('true');
    await bookNode.getByTestId('finding-marker').waitFor();
    await page.waitForURL(new RegExp(`/traces/${trace.traceId}/${trace.spanIds.book}`));
    await page.getByTestId('span-detail').filter({ hasText: 'No rooms left in Baixa' }).waitFor();
    // A span with nothing to do with the failure stays plain.
    const unrelated = page.getByTestId(`graph-node-${nodeOf(trace.spanIds.search!).id}`);
    expect(await unrelated.getAttribute('data-highlighted')).toBe('false');
    await shot('replay-1-root-cause-graph');

    // The same span in the waterfall.
    await page.getByRole('tab', { name: 'Timeline' }).click();
    const row = page.locator(`[data-testid="waterfall-row"][data-span-id="${trace.spanIds.book}"]`);
    await poll(() => row.getAttribute('data-highlighted')).toBe('true');
    expect(await page.getByTestId(`span-bar-${trace.spanIds.book}`).getAttribute('data-highlighted')).toBe(
      'true',
    );
    expect(
      await page
        .locator(`[data-testid="waterfall-row"][data-span-id="${trace.spanIds.search}"]`)
        .getAttribute('data-highlighted'),
    ).toBe('false');
    await shot('replay-2-root-cause-waterfall');

    // What the UI showed is what the API answers.
    const answer = await api<AnalysisResponse>('/api/v1/analysis/root-cause', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ traceId: trace.traceId }),
    });
    expect(answer.findings[0]?.spanIds[0]).toBe(trace.spanIds.book);
  });
});

describe('replay in the standalone UI', () => {
  test('replays an LLM call with an edited prompt against the mock provider and shows the diff', {
    timeout: 120_000,
  }, async () => {
    await page.goto(`${collector.apiUrl}/traces/${trace.traceId}/${trace.spanIds.plannerLlm}`);
    const detail = page.getByTestId('span-detail');
    await detail.filter({ hasText: PLANNER_PROMPT }).waitFor();
    await detail.getByRole('button', { name: 'Replay' }).click();
    const panel = page.getByTestId('replay-panel');
    await panel.waitFor();

    // Monaco renders (bundled, no CDN) with the span's messages in it.
    const messages = panel.getByRole('region', { name: 'Messages' });
    // The editor itself (role="code"): Monaco may also have mounted its rename widget, another .monaco-editor.
    const editor = messages.locator('.monaco-editor[role="code"]');
    await editor.waitFor({ timeout: 20_000 });
    // (Monaco draws only the lines in view, with non-breaking spaces.)
    const shown = async () => (await messages.locator('.view-lines').textContent())?.replace(/\s+/g, ' ');
    await poll(shown).toContain('You are a travel planner.');
    await panel.getByTestId('token-count').waitFor();
    const before = Number(await panel.getByTestId('token-count').getAttribute('data-tokens'));
    expect(before).toBeGreaterThan(10);
    await shot('replay-3-editor');

    // Edit the conversation the way people do: select everything in the editor and paste the new one (typing
    // would get Monaco's auto-closed brackets and auto-indent).
    const edited = JSON.stringify(
      [
        { role: 'system', content: 'You are a travel planner. Delegate research and booking.' },
        { role: 'user', content: EDITED_PROMPT },
      ],
      null,
      2,
    );
    // (A string: the tests' TypeScript has no DOM types; this runs in the page.)
    await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(edited)})`);
    await editor.locator('.view-lines').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+V');
    await poll(shown).toContain(EDITED_PROMPT);
    // The live token count follows the edit.
    await poll(async () =>
      Number(await panel.getByTestId('token-count').getAttribute('data-tokens')),
    ).not.toBe(before);

    const sentBefore = mock.requests.length;
    await panel.getByRole('button', { name: 'Run' }).click();

    // The new completion (the mock answers with the last user message) next to the original, and the diff.
    const result = panel.getByTestId('replay-result');
    await result
      .getByTestId('replay-diff')
      .waitFor({ timeout: 30_000 })
      .catch(async (err: unknown) => {
        await shot('replay-failed');
        throw new Error(
          `${String(err)}\nresult: ${await result.textContent().catch(() => '(none)')}\nproblems: ${problems.join('; ')}`,
        );
      });
    expect(await result.getByTestId('original-completion-text').textContent()).toBe(PLANNER_COMPLETION);
    const replayed = await result.getByTestId('new-completion-text').textContent();
    expect(replayed).toContain('Mock answer to: Plan a 2-day trip to Porto');
    const diff = result.getByTestId('replay-diff');
    expect(await diff.getByTestId('diff-insert').count()).toBeGreaterThan(0);
    expect(await diff.getByTestId('diff-delete').count()).toBeGreaterThan(0);
    expect((await diff.getByTestId('diff-insert').allTextContents()).join('')).toContain('Porto');
    expect((await diff.getByTestId('diff-delete').allTextContents()).join('')).toContain('Belém');
    expect(await result.getByTestId('replay-stats').textContent()).toContain('Input tokens');
    await result.scrollIntoViewIfNeeded();
    await shot('replay-4-diff');

    // The provider got the edit, with the collector's key; the browser never saw that key.
    const sent = mock.requests.slice(sentBefore).find((r) => r.path === '/v1/chat/completions');
    expect(sent).toBeDefined();
    expect(JSON.stringify(sent!.body)).toContain(EDITED_PROMPT);
    expect(String(sent!.headers.authorization)).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(seenByBrowser.join('\n')).not.toContain(PROVIDER_KEY);

    // The run saved a prompt version, listed in the history, and links to its own trace.
    const versions = await api<PromptVersionListResponse>(
      `/api/v1/prompts/versions?traceId=${trace.traceId}&spanId=${trace.spanIds.plannerLlm}`,
    );
    expect(versions.versions.length).toBeGreaterThan(0);
    await poll(() => panel.getByTestId('version-row').count()).toBe(versions.versions.length);
    const link = result.getByTestId('replay-trace-link');
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/traces\/[0-9a-f]{32}\/[0-9a-f]{16}$/);
    await link.click();
    await page.waitForURL(new RegExp(href!));
    await page.getByTestId('span-detail').waitFor();
    await shot('replay-5-replay-trace');

    expect(problems).toEqual([]);
  });
});

describe('error patterns in the standalone UI', () => {
  test('error patterns across traces link to the traces list filtered by failure', async () => {
    await page.goto(`${collector.apiUrl}/traces`);
    await page
      .getByRole('navigation', { name: 'Beacon' })
      .getByRole('link', { name: 'Error patterns' })
      .click();
    await page.waitForURL(/\/patterns$/);
    const row = page.locator('[data-testid="pattern-row"][data-category="tool_failure"]');
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('execute_tool book_hotel');
    expect(await row.textContent()).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/); // last seen
    expect(await row.getByTestId('pattern-trace').first().getAttribute('href')).toBe(
      `/traces/${trace.traceId}`,
    );
    await shot('replay-6-error-patterns');

    // The category badge opens the trace list filtered by that auto-tag.
    await row.getByText('Tool failure').click();
    await page.waitForURL(/\/traces\?failure=tool_failure/);
    const rows = page.getByTestId('trace-row');
    await poll(() => rows.count()).toBeGreaterThan(0);
    for (const text of await rows.allTextContents()) expect(text).toContain('Tool failure');
    expect(await rows.filter({ hasText: trace.traceId.slice(0, 8) }).count()).toBe(1);
    await shot('replay-7-traces-by-failure');
    expect(problems).toEqual([]);
  });
});
