// The Compare page on the real-size runs (≈600 and ≈10,000 spans, test/browser/agent-runs.ts): two instances of
// one generator seed (the same script, other ids) compare as identical — the page says so and marks nothing; a run
// whose one tool call was changed (`change: { kind: 'tool' }`) diverges at exactly the manifest's step, marked in
// both timelines and scrolled into view, its outputs diffed; the page's DOM stays a screen of rows whatever the
// runs' size. Screenshots: test-results/browser/real-size-<size>-compare-*.png.
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateAgentRun } from '../../bench/lib/agent-run/index.mjs';
import { postTracesOk } from '../../collector/test/support/otlp-json.js';
import { type AgentRun, realSizeSuite } from './agent-runs.js';
import { recordProblems, SHOTS, viewportScreenshot } from './chromium.js';

const VIEWPORT = { width: 1600, height: 1000 };
/** The side-by-side view's budget of DOM nodes, whatever the number of steps. */
const MAX_COMPARE_NODES = 3_000;
/** A step label must read at this size or more. */
const MIN_FONT_PX = 12;

const problems: string[] = [];
/** Per size: another instance of its seed, and one with one tool call changed. */
const variants: Record<'small' | 'large', { again: AgentRun; changed: AgentRun }> = {
  small: {
    again: generateAgentRun({ seed: 1, size: 'small', instance: 1 }),
    changed: generateAgentRun({ seed: 1, size: 'small', instance: 2, change: { kind: 'tool', nth: 40 } }),
  },
  large: {
    again: generateAgentRun({ seed: 2, size: 'large', instance: 1 }),
    changed: generateAgentRun({ seed: 2, size: 'large', instance: 2, change: { kind: 'tool', nth: 2_000 } }),
  },
};

const shot = viewportScreenshot;

const suite = realSizeSuite({
  timeoutMs: 600_000,
  storeMore: async (runs) => {
    for (const { again, changed } of Object.values(variants))
      for (const run of [again, changed])
        for (const body of run.requests) await postTracesOk(runs.collector.httpUrl, body);
    await runs.collector.writer.flush();
  },
});

/** Opens the Compare page for A and B; answers how long until both timelines showed. */
async function openCompare(page: Page, a: string, b: string): Promise<{ view: Locator; ms: number }> {
  const started = Date.now();
  await page.goto(`${suite.runs.collector.apiUrl}/compare?a=${a}&b=${b}`);
  const view = page.getByTestId('compare-timelines');
  await view.waitFor({ timeout: 60_000 });
  await view.getByTestId('compare-row').first().waitFor();
  return { view, ms: Date.now() - started };
}

const nodeCount = (view: Locator) => view.evaluate((el) => el.querySelectorAll('*').length);

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

  test('two runs of the same seed: the page says they match step for step and marks no divergence', async () => {
    const { view, ms } = await openCompare(page, run().traceId, variants[size].again.traceId);
    console.info(`compare ${size} (identical): both timelines shown after ${ms} ms`);
    const summary = page.getByTestId('divergence');
    await expect.poll(() => summary.textContent()).toContain('The two runs match step for step');
    expect(await summary.textContent()).toContain(`the same ${run().manifest.spanCount} steps`);
    expect(await view.getByTestId('divergence-counter').textContent()).toBe('No divergence');
    expect(await view.locator('[data-testid="compare-row"]:not([data-kind="same"])').count()).toBe(0);
    expect(await view.getByTestId('diverging-step').count()).toBe(0);
    expect(await view.getByTestId('minimap-divergence').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Next divergence' }).isDisabled()).toBe(true);
    expect(await nodeCount(view)).toBeLessThan(MAX_COMPARE_NODES);
    await shot(page, `real-size-${size}-compare-identical`);
  });

  test('a run with one tool call changed diverges exactly at the changed step, marked in both timelines', async () => {
    const changed = variants[size].changed.manifest.changed!;
    const { view, ms } = await openCompare(page, run().traceId, variants[size].changed.traceId);
    console.info(`compare ${size} (changed at step ${changed.step}): both timelines shown after ${ms} ms`);
    expect(
      await page.getByTestId('divergence').getByText(`Structure diverges at step ${changed.step}`).count(),
    ).toBe(1);

    // The one divergent row pairs A's and B's step number manifest.changed.step, selected and in view.
    const marked = view.locator('[data-testid="compare-row"]:not([data-kind="same"])');
    await expect.poll(() => marked.count()).toBe(1);
    expect(await marked.getAttribute('data-kind')).toBe('changed');
    expect(await marked.getAttribute('aria-current')).toBe('true');
    const cellA = marked.getByTestId('compare-step-a');
    const cellB = marked.getByTestId('compare-step-b');
    expect(await cellA.getAttribute('data-step')).toBe(String(changed.step));
    expect(await cellB.getAttribute('data-step')).toBe(String(changed.step));
    expect(await cellA.getByTestId('diverging-step').textContent()).toBe(`tool ${changed.from}`);
    expect(await cellB.getByTestId('diverging-step').textContent()).toBe(`tool ${changed.to}`);
    expect(await cellB.locator('a').getAttribute('href')).toBe(
      `/traces/${variants[size].changed.traceId}/${changed.spanId}`,
    );
    const scroller = await view.getByTestId('compare-scroller').boundingBox();
    const row = await marked.boundingBox();
    expect(row!.y).toBeGreaterThanOrEqual(scroller!.y);
    expect(row!.y + row!.height).toBeLessThanOrEqual(scroller!.y + scroller!.height);
    const fontPx = await cellB
      .getByTestId('diverging-step')
      // (runs in the page: the tests' TypeScript has no DOM library, so the window is reached through globalThis)
      .evaluate((el) => {
        const view = globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } };
        return Number.parseFloat(view.getComputedStyle(el).fontSize);
      });
    expect(fontPx).toBeGreaterThanOrEqual(MIN_FONT_PX);
    expect(await view.getByTestId('divergence-counter').textContent()).toBe('Divergence 1 of 1');
    expect(await view.getByTestId('minimap-divergence').count()).toBe(1);
    // The panel diffs the two tools' results and arguments, or says they are identical: as the generated spans are.
    const panel = page.getByTestId('output-panel');
    const attribute = (r: AgentRun, spanId: string, name: string) =>
      r.spans.find((sp) => sp.spanId === spanId)!.attributes[name];
    const baselineSpanId = run().spans[changed.step - 1]!.spanId;
    for (const [name, testId] of [
      ['gen_ai.tool.call.result', 'output'],
      ['gen_ai.tool.call.arguments', 'arguments'],
    ] as const) {
      const same =
        attribute(run(), baselineSpanId, name) === attribute(variants[size].changed, changed.spanId, name);
      await panel.getByTestId(`${testId}-${same ? 'identical' : 'diff'}`).waitFor();
    }
    expect(await nodeCount(view)).toBeLessThan(MAX_COMPARE_NODES);
    await shot(page, `real-size-${size}-compare-changed`);

    // A matched step just above the divergence (in view: the divergence is centred): the panel compares it.
    const rowIndex = Number(await marked.getAttribute('data-row'));
    const above = view.locator(`[data-testid="compare-row"][data-row="${rowIndex - 2}"]`);
    expect(await above.getAttribute('data-kind')).toBe('same');
    await above.click();
    expect(await above.getAttribute('aria-current')).toBe('true');
    await panel.getByTestId('output-identical').or(panel.getByText('no outputs to compare')).waitFor();

    // The model call that asked for the changed tool answered differently: the next output difference diffs it.
    const outputsDiffer = Number((await view.getByTestId('output-counter').textContent())!.split(' ')[0]);
    expect(outputsDiffer).toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: 'Next output difference' }).click();
    const diff = panel.getByTestId('output-diff');
    await diff.waitFor();
    expect((await diff.getByTestId('diff-insert').allTextContents()).join(' ')).toContain(changed.to);
    await page.screenshot({
      path: path.join(SHOTS, `real-size-${size}-compare-changed-diff.png`),
      fullPage: true,
    });

    // Scrolled to the end and back to the divergence, the DOM still holds a screen of rows.
    await view.getByTestId('compare-scroller').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    const last = String(Math.max(run().manifest.spanCount, variants[size].changed.manifest.spanCount) - 1);
    await expect.poll(() => view.getByTestId('compare-row').last().getAttribute('data-row')).toBe(last);
    expect(await nodeCount(view)).toBeLessThan(MAX_COMPARE_NODES);
    await page.getByRole('button', { name: 'Next divergence' }).click();
    await expect.poll(() => marked.getAttribute('aria-current')).toBe('true');
  });
});

test('nothing went wrong in the page', () => {
  expect(problems).toEqual([]);
});
