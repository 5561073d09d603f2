// The timeline on the real-size runs (≈600 and ≈10,000 spans, test/browser/agent-runs.ts): it opens with each agent
// invocation one row, collapses and expands per agent, finds a span by name inside a collapsed invocation (the row
// shows and is marked), zooms by dragging on the ruler, marks the errors on its minimap, says the run is sequential
// instead of highlighting every span, and lays the zoomed range out compactly with labels — and the page stays short
// and the row DOM bounded. Screenshots:
// test-results/browser/real-size-<size>-timeline-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AgentRun, realSizeSuite } from './agent-runs.js';
import { pollUi as poll, recordProblems, viewportScreenshot } from './chromium.js';

const VIEWPORT = { width: 1600, height: 1000 };
/** The rows in the DOM at most, however many spans: the rows are virtualized. */
const MAX_ROW_ELEMENTS = 300;
/** The page's height at most: the rows scroll inside their own box. */
const MAX_PAGE_HEIGHT = 3_000;

const problems: string[] = [];

const shot = viewportScreenshot;

const suite = realSizeSuite();

/** What the run's spans say the timeline should show, worked out from the generator's spans, not the UI. */
function expected(run: AgentRun) {
  const byId = new Map(run.spans.map((s) => [s.spanId, s]));
  const isInvocation = (id: string) =>
    id !== run.manifest.rootSpanId && byId.get(id)?.attributes['gen_ai.operation.name'] === 'invoke_agent';
  /** The invocation a span is inside of (not itself), or undefined. */
  const invocationAbove = (spanId: string) => {
    for (let id = byId.get(spanId)?.parentSpanId; id; id = byId.get(id)?.parentSpanId)
      if (isInvocation(id)) return byId.get(id)!;
    return undefined;
  };
  const insideAgent = (agent: string) =>
    run.spans.filter((s) => invocationAbove(s.spanId)?.attributes['gen_ai.agent.name'] === agent).length;
  const query = run.manifest.rootCause.spanName;
  const matches = run.spans.filter((s) =>
    [
      s.name,
      s.attributes['gen_ai.tool.name'],
      s.attributes['gen_ai.request.model'],
      s.attributes['gen_ai.agent.name'],
    ]
      .filter((v): v is string => typeof v === 'string')
      .some((v) => v.toLowerCase().includes(query.toLowerCase())),
  );
  return {
    /** Every invocation collapsed: the spans not inside one. */
    defaultRows: run.spans.filter((s) => !invocationAbove(s.spanId)).length,
    insideAgent,
    query,
    matches,
    errors: run.spans.filter((s) => s.status.code === 2).length,
  };
}

const sizes = [
  { size: 'small', run: () => suite.runs.small },
  { size: 'large', run: () => suite.runs.large },
] as const;

describe.each(sizes)('the $size run', ({ size, run }) => {
  let page: Page;
  beforeAll(async () => {
    page = await suite.browser.newPage({ viewport: VIEWPORT });
    recordProblems(page, problems);
  });
  afterAll(() => page?.close());

  const scroller = () => page.getByTestId('waterfall-scroller');
  const rowCount = async () => Number(await scroller().getAttribute('data-row-count'));
  const rowElements = () => page.getByTestId('waterfall-row').count();
  // A string, evaluated in the page: the tests are type-checked without the DOM library.
  const pageHeight = () => page.evaluate<number>('document.documentElement.scrollHeight');
  const row = (spanId: string) => page.locator(`[data-testid="waterfall-row"][data-span-id="${spanId}"]`);

  test('opens collapsed per agent invocation, bounded, and says the run is sequential', async () => {
    const { traceId, manifest, spans } = run();
    const want = expected(run());
    await page.goto(`${suite.runs.collector.apiUrl}/traces/${traceId}?view=timeline`);
    // Loading 10,000 spans on a busy 2-core machine takes a while (bench/ measures it): wait for it, then check.
    await scroller().waitFor({ timeout: 120_000 });
    await poll(rowCount).toBe(want.defaultRows);
    expect(want.defaultRows).toBeLessThan(spans.length / 5);
    expect(await page.getByTestId('hidden-count').count()).toBeGreaterThan(0);
    expect(await rowElements()).toBeLessThan(MAX_ROW_ELEMENTS);
    expect(await pageHeight()).toBeLessThan(MAX_PAGE_HEIGHT);
    // Everything is on the critical path of a sequential run: it says so, and marks a dozen links, not 600 spans.
    const note = await page.getByTestId('critical-path-note').textContent();
    expect(note).toContain(`Purely sequential run`);
    expect(note).toContain(`(${spans.length} spans,`);
    const marked = Number(note?.match(/Marked: its (\d+) heaviest links/)?.[1]);
    expect(marked).toBeGreaterThan(0);
    expect(marked).toBeLessThanOrEqual(12);
    // Every failed span is a red tick on the minimap.
    expect(await page.getByTestId('minimap-error').count()).toBe(want.errors);
    expect(want.errors).toBe(manifest.errorSpans);
    await shot(page, `real-size-${size}-timeline-default`);

    // A click on a row's empty track, far from its bar (a sliver on this axis), selects that row's span.
    const second = page.getByTestId('waterfall-row').nth(1);
    const spanId = (await second.getAttribute('data-span-id'))!;
    const track = (await second.getByTestId('row-track').boundingBox())!;
    const barBox = (await page.getByTestId(`span-bar-${spanId}`).boundingBox())!;
    const click = { x: track.x + track.width - 40, y: track.y + track.height / 2 };
    expect(click.x).toBeGreaterThan(barBox.x + barBox.width + 100);
    await page.mouse.click(click.x, click.y);
    await poll(async () => page.url()).toContain(`/${spanId}`);
    const name = spans.find((s) => s.spanId === spanId)!.name;
    await page.getByTestId('span-detail').filter({ hasText: name }).waitFor();
  });

  test('finds the root cause by name inside a collapsed invocation: the row shows, highlighted', async () => {
    const { manifest } = run();
    const want = expected(run());
    const last = want.matches[want.matches.length - 1]!;
    expect(last.spanId).toBe(manifest.rootCause.spanId); // the last critic's last call is the last of its name
    expect(await row(last.spanId).count()).toBe(0); // hidden in its collapsed invocation

    const search = page.getByLabel('Find in trace');
    await search.fill(want.query);
    await poll(() => page.getByTestId('search-count').textContent()).toBe(`${want.matches.length} matches`);
    await search.press('Shift+Enter'); // backwards from the start: the last match
    await poll(() => page.getByTestId('search-count').textContent()).toBe(
      `${want.matches.length} of ${want.matches.length}`,
    );
    const hit = row(last.spanId);
    await hit.waitFor();
    expect(await hit.getAttribute('data-current-match')).toBe('true');
    // Visible inside the scroll box, not merely in the DOM.
    const box = (await scroller().boundingBox())!;
    const at = (await hit.boundingBox())!;
    expect(at.y).toBeGreaterThanOrEqual(box.y);
    expect(at.y + at.height).toBeLessThanOrEqual(box.y + box.height);
    await poll(async () => (await hit.boundingBox())!.y + at.height).toBeLessThanOrEqual(VIEWPORT.height); // and the page's
    // Only the invocation holding it opened.
    const opened =
      want.insideAgent('critic') / manifest.invocationSequence.filter((a) => a === 'critic').length;
    expect(await rowCount()).toBeGreaterThan(want.defaultRows);
    expect(await rowCount()).toBeLessThan(want.defaultRows + opened * 3);
    await shot(page, `real-size-${size}-timeline-search`);

    await search.fill('');
  });

  test('expands all, collapses one agent (fewer rows by its spans), the DOM and the page stay bounded', async () => {
    const { spans } = run();
    const want = expected(run());
    await page.getByRole('button', { name: 'Expand all' }).click();
    await poll(rowCount).toBe(spans.length);
    expect(await rowElements()).toBeLessThan(MAX_ROW_ELEMENTS);
    expect(await pageHeight()).toBeLessThan(MAX_PAGE_HEIGHT);

    await page.getByTestId('agent-toggle-researcher').click();
    await poll(rowCount).toBe(spans.length - want.insideAgent('researcher'));
    expect(want.insideAgent('researcher')).toBeGreaterThan(0);
    expect(await page.getByTestId('agent-toggle-researcher').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('agent-toggle-coder').click();
    await poll(rowCount).toBe(spans.length - want.insideAgent('researcher') - want.insideAgent('coder'));
    await shot(page, `real-size-${size}-timeline-collapsed`);
    expect(await rowElements()).toBeLessThan(MAX_ROW_ELEMENTS);
  });

  test('zooms by dragging across the ruler, and back', async () => {
    await page.getByRole('button', { name: 'Expand all' }).click();
    const zoomText = page.getByTestId('zoom-range');
    expect(await zoomText.textContent()).toMatch(/^Whole trace/);
    const ruler = (await page.getByTestId('time-ruler').boundingBox())!;
    const y = ruler.y + ruler.height / 2;
    await page.mouse.move(ruler.x + ruler.width * 0.3, y);
    await page.mouse.down();
    await page.mouse.move(ruler.x + ruler.width * 0.4, y, { steps: 5 });
    await page.mouse.up();
    await poll(() => zoomText.textContent()).toMatch(/^Showing /);
    await page.getByTestId('minimap-window').waitFor();
    // The rows scrolled to the range: some span below the root has its bar on the zoomed axis.
    const inRange = async () => {
      const bars = page.locator(
        `[data-testid="waterfall-row"]:not([data-span-id="${run().manifest.rootSpanId}"]) [data-testid^="span-bar-"]`,
      );
      let drawn = 0;
      for (let i = 0; i < Math.min(await bars.count(), 60); i++) {
        const bar = await bars.nth(i).boundingBox();
        if (bar && bar.x < ruler.x + ruler.width && bar.x + bar.width > ruler.x && bar.width >= 2) drawn++;
      }
      return drawn;
    };
    await poll(inRange).toBeGreaterThan(0);
    await shot(page, `real-size-${size}-timeline-zoomed`);

    // The compact layout of the same range: each row says what it holds; bars wide enough carry name and duration.
    await page.getByRole('radio', { name: 'Compact' }).click();
    const compact = page.getByTestId('waterfall-compact');
    await compact.waitFor();
    const labelled = compact.locator('[data-testid^="span-bar-"]').filter({ hasText: ' · ' });
    await poll(() => labelled.count()).toBeGreaterThan(0);
    expect(await compact.locator('[data-testid^="span-bar-"]').count()).toBeLessThanOrEqual(2000);
    await shot(page, `real-size-${size}-timeline-compact`);
    await page.getByRole('radio', { name: 'Tree' }).click();
    await scroller().waitFor();

    await page.getByRole('button', { name: 'Reset zoom' }).click();
    await poll(() => zoomText.textContent()).toMatch(/^Whole trace/);
    expect(problems).toEqual([]);
  });
});
