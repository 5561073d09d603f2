// The Context tab and the span detail on the real-size runs (≈600 and ≈10,000 spans, test/browser/agent-runs.ts):
// the Context tab stays a few thousand DOM nodes however many calls the agent made and opens a call to its
// messages; a late model call with a long history shows only what is new since the previous call; the span detail
// stays in view while the views and the page scroll; no cost reads $0.0000. Screenshots:
// test-results/browser/real-size-<size>-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TraceDetailResponse } from '../../collector/src/contract/index.js';
import { realSizeSuite } from './agent-runs.js';
import { pollUi as poll, recordProblems, viewportScreenshot } from './chromium.js';

const VIEWPORT = { width: 1600, height: 1000 };
/** The Context tab's budget of DOM nodes, whatever the size of the run. */
const MAX_CONTEXT_NODES = 3_000;
/** A cost rounded to nothing: "$0.0000" (and "$0.00", "$0.000") with no digit after it. */
const ZERO_COST = /\$0\.0+(?![0-9])/;

const problems: string[] = [];

const shot = viewportScreenshot;

const suite = realSizeSuite();

type Message = { role: string; parts: unknown[] };
/** What the page functions below use of the browser's globals (this project's TypeScript has no DOM library). */
type BrowserWindow = {
  innerHeight: number;
  scrollTo(x: number, y: number): void;
  document: { documentElement: { scrollHeight: number } };
};
type ScrollBox = { scrollHeight: number; clientHeight: number; scrollTop: number };

/** The model call with the longest input history (the orchestrator's late calls), and the call before it. */
async function lateCall(traceId: string) {
  const res = await fetch(`${suite.runs.collector.apiUrl}/api/v1/traces/${traceId}`);
  expect(res.ok).toBe(true);
  const detail = (await res.json()) as TraceDetailResponse;
  const calls = detail.spans
    .filter((s) => s.genai?.operation === 'chat' && s.genai.agentName === 'orchestrator')
    .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
  const longest = Math.max(...calls.map((s) => s.genai!.inputMessages.length));
  const at = calls.findLastIndex((s) => s.genai!.inputMessages.length === longest);
  const [previous, call] = [calls[at - 1]!, calls[at]!];
  // What is new, told independently of the UI's diff: the input messages the previous input had nowhere.
  const before = new Set(previous.genai!.inputMessages.map((m) => JSON.stringify(m)));
  const fresh = (call.genai!.inputMessages as Message[]).filter((m) => !before.has(JSON.stringify(m)));
  return { call, fresh, spans: detail.spans };
}

const sizes = [
  { size: 'small', run: () => suite.runs.small },
  { size: 'large', run: () => suite.runs.large },
] as const;

/** Loading a 10,000-span trace takes a while on a busy 2-core machine. */
const LOAD = { timeout: 150_000 };
const TEST_TIMEOUT = 300_000;

describe.each(sizes)('the $size run', ({ size, run }) => {
  let page: Page;
  beforeAll(async () => {
    page = await suite.browser.newPage({ viewport: VIEWPORT });
    recordProblems(page, problems);
  });
  afterAll(() => page?.close());

  test(
    'the Context tab stays under 3,000 DOM nodes, and opening a call shows its messages',
    async () => {
      const { traceId } = run();
      await page.goto(`${suite.runs.collector.apiUrl}/traces/${traceId}?view=context`);
      const view = page.getByTestId('context-view');
      await view.waitFor(LOAD);
      const nodes = () => view.evaluate((el) => el.querySelectorAll('*').length);
      const collapsed = await nodes();
      expect(collapsed).toBeLessThan(MAX_CONTEXT_NODES);
      expect(await view.getByTestId('context-new-messages').count()).toBe(0);
      await shot(page, `real-size-${size}-context`);

      // The list scrolls inside itself: at its end it is as small as at its start.
      const calls = view.getByTestId('context-calls');
      await calls.evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      await poll(() => view.getByTestId('context-step-0').count()).toBe(0);
      const atEnd = await nodes();
      expect(atEnd).toBeLessThan(MAX_CONTEXT_NODES);
      await calls.evaluate((el) => {
        el.scrollTop = 0;
      });

      // Open a call with new messages (not the first): they appear, and the span detail opens beside it.
      const step = view.locator('[data-testid^="context-step-"]').filter({ hasNotText: ', 0 new' }).nth(1);
      const header = await step.getByRole('button', { expanded: false }).textContent();
      const announced = Number(header?.match(/, (\d+) new/)?.[1]);
      await step.getByRole('button', { expanded: false }).click();
      const opened = step.getByTestId('context-new-messages');
      await opened.waitFor();
      expect(await opened.getByTestId('message').count()).toBe(announced);
      await page.getByTestId('span-detail').waitFor();
      const expanded = await nodes();
      expect(expanded).toBeLessThan(MAX_CONTEXT_NODES);
      await shot(page, `real-size-${size}-context-expanded`);
      console.log(
        `${size}: Context tab ${collapsed} DOM nodes collapsed, ${atEnd} scrolled to the end, ${expanded} with one call open`,
      );
    },
    TEST_TIMEOUT,
  );

  test(
    'a late model call shows only what is new; the detail stays in view while the views and the page scroll',
    async () => {
      const { traceId } = run();
      const { call, fresh } = await lateCall(traceId);
      const g = call.genai!;
      await page.goto(`${suite.runs.collector.apiUrl}/traces/${traceId}/${call.spanId}?view=timeline`);
      const detail = page.getByTestId('span-detail');
      await detail.waitFor(LOAD);
      const messages = detail.getByTestId('message');
      // the new input messages, then the answer
      await poll(() => messages.count()).toBe(fresh.length + g.outputMessages.length);
      const shown = await messages.evaluateAll((els) => els.map((el) => el.getAttribute('data-role')));
      expect(shown).toEqual([...fresh.map((m) => m.role), ...g.outputMessages.map((m) => m.role)]);
      expect(await detail.getByTestId('conversation-hidden').textContent()).toContain(
        `${g.inputMessages.length - fresh.length} earlier messages`,
      );
      // the cost with its digits, never rounded to zero
      const cost = (await detail.getByTestId('span-cost').textContent()) ?? '';
      expect(cost).toMatch(/^<?\$/);
      expect(cost).not.toMatch(ZERO_COST);
      expect((await page.getByTestId('trace-stats').textContent()) ?? '').not.toMatch(ZERO_COST);
      await shot(page, `real-size-${size}-span-detail-only-new`);

      // The timeline, then the graph: their own scroll boxes to the end, then the page; the detail stays in view.
      const panel = page.getByRole('complementary', { name: 'Span detail' });
      const inView = () =>
        panel.evaluate((el) => {
          const box = el.getBoundingClientRect();
          const win = globalThis as unknown as BrowserWindow;
          return { top: box.top, bottom: box.bottom, height: box.height, viewport: win.innerHeight };
        });
      for (const view of ['Timeline', 'Agent graph'] as const) {
        await page.getByRole('tab', { name: view }).click();
        await page.getByTestId('span-detail-pane').evaluate((pane) => {
          const views = pane.parentElement!.firstElementChild!;
          for (const node of views.querySelectorAll('*')) {
            const el = node as unknown as ScrollBox;
            if (el.scrollHeight > el.clientHeight + 1) el.scrollTop = el.scrollHeight;
          }
        });
        await page.mouse.move(VIEWPORT.width / 3, VIEWPORT.height - 50);
        await page.mouse.wheel(0, 3_000);
        await page.evaluate(() => {
          const win = globalThis as unknown as BrowserWindow;
          win.scrollTo(0, win.document.documentElement.scrollHeight);
        });
        await page.waitForTimeout(300);
        const box = await inView();
        expect(box.top).toBeGreaterThanOrEqual(0);
        expect(box.bottom).toBeLessThanOrEqual(box.viewport);
        expect(box.height).toBeGreaterThan(VIEWPORT.height / 2);
        await shot(page, `real-size-${size}-${view === 'Timeline' ? 'timeline' : 'graph'}-scrolled`);
      }

      const all = 1 + g.inputMessages.length + g.outputMessages.length; // system instructions, input, output
      await detail.getByRole('button', { name: `Show all ${all} messages` }).click();
      await poll(() => messages.count()).toBe(all);
      console.log(
        `${size}: late call ${g.inputMessages.length} input messages, ${fresh.length} new; cost shown ${cost}`,
      );
    },
    TEST_TIMEOUT,
  );

  test(
    'the trace list shows no cost as $0.0000',
    async () => {
      await page.goto(`${suite.runs.collector.apiUrl}/traces`);
      const rows = page.getByTestId('trace-row');
      await poll(() => rows.count(), LOAD.timeout).toBeGreaterThan(0);
      for (const text of await rows.allTextContents()) expect(text).not.toMatch(ZERO_COST);
    },
    TEST_TIMEOUT,
  );
});

test('nothing went wrong in the pages', () => {
  expect(problems).toEqual([]);
});
