// Time from navigation to usable in Chromium (Debian's, driven by playwright-core, as test/browser does): the
// standalone UI the collector serves opens /traces/<id>; usable = the agent graph's nodes are rendered, and after
// clicking the Timeline tab its rows are rendered. Every selector is here, on the views' outer test ids (the
// graph and the waterfall are being reworked; their inner markup may change, these ids stay).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { REPO_ROOT } from '../lib/paths.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(REPO_ROOT, 'test-results', 'browser');
const FAILURE_SHOT = path.join(SHOTS, 'bench-trace-view-failure.png');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** What "usable" waits for. */
export const SELECTORS = {
  /** A node of the agent graph, rendered. */
  graphNode: '[data-testid="agent-graph"] [data-testid^="graph-node-"]',
  /** The timeline's tab. */
  timelineTab: { role: /** @type {const} */ ('tab'), name: 'Timeline' },
  /** A row of the timeline, rendered. */
  timelineRow: '[data-testid="waterfall"] [data-testid="waterfall-row"]',
};

/**
 * @typedef {object} UsableTiming
 * @property {number} graphMs navigation start → first graph node visible
 * @property {number} timelineMs Timeline tab clicked → first timeline row visible
 * @property {number} usableMs navigation start → timeline row visible (graph first): the measured figure
 */

/** @param {string} why */
function fail(why) {
  throw new Error(`browser: ${why}`);
}

/** Fails fast when Chromium is missing. */
export function checkChromium() {
  if (!existsSync(CHROMIUM))
    fail(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
}

/**
 * `measure` on a new page in a fresh browser context (empty cache, as a user opening a shared link), closed after.
 * @template T
 * @param {import('playwright-core').Browser} browser
 * @param {(page: import('playwright-core').Page) => Promise<T>} measure
 * @returns {Promise<T>}
 */
async function inFreshPage(browser, measure) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  try {
    return await measure(await context.newPage());
  } finally {
    await context.close();
  }
}

/**
 * One measurement: goto → graph nodes → click Timeline → rows.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {number} timeoutMs
 * @returns {Promise<UsableTiming>}
 */
function measureOnce(browser, url, timeoutMs) {
  return inFreshPage(browser, async (page) => {
    /** @type {string[]} */
    const problems = [];
    page.on('pageerror', (err) => problems.push(err.message));
    const started = performance.now();
    try {
      return await timeSteps(page, url, started, timeoutMs, problems);
    } catch (err) {
      // What the page showed instead, to see why: a screenshot and the test ids it holds.
      await page.screenshot({ path: FAILURE_SHOT, fullPage: false }).catch(() => {});
      const ids = await page
        .$$eval('[data-testid]', (els) =>
          [...new Set(els.map((el) => el.getAttribute('data-testid')))].slice(0, 40),
        )
        .catch(() => []);
      throw new Error(
        `${/** @type {Error} */ (err).message}\npage test ids: ${ids.join(', ')}\nscreenshot: ${FAILURE_SHOT}`,
      );
    }
  });
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} url
 * @param {number} started
 * @param {number} timeoutMs
 * @param {string[]} problems
 * @returns {Promise<UsableTiming>}
 */
async function timeSteps(page, url, started, timeoutMs, problems) {
  await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
  await page.locator(SELECTORS.graphNode).first().waitFor({ state: 'visible', timeout: timeoutMs });
  const graphAt = performance.now();
  await page
    .getByRole(SELECTORS.timelineTab.role, { name: SELECTORS.timelineTab.name })
    .click({ timeout: timeoutMs });
  const clickedAt = performance.now();
  await page.locator(SELECTORS.timelineRow).first().waitFor({ state: 'visible', timeout: timeoutMs });
  const rowsAt = performance.now();
  if (problems.length > 0) fail(`page errors on ${url}: ${problems.join('; ')}`);
  return {
    graphMs: Math.round(graphAt - started),
    timelineMs: Math.round(rowsAt - clickedAt),
    usableMs: Math.round(rowsAt - started),
  };
}

/**
 * A floor page (floor.mjs): ms from navigation start to its one element visible.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {number} timeoutMs
 */
function floorOnce(browser, url, timeoutMs) {
  return inFreshPage(browser, async (page) => {
    const started = performance.now();
    await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
    await page.locator('[data-testid="floor"]').waitFor({ state: 'visible', timeout: timeoutMs });
    return Math.round(performance.now() - started);
  });
}

/**
 * `runs` timed measurements per trace and per floor page after one untimed warm-up each, all interleaved run by
 * run (so a slow moment of the machine touches every row alike).
 * @param {{ name: string; url: string }[]} traces
 * @param {{ name: string; url: string }[]} floors
 * @param {{ runs: number; timeoutMs: number }} options
 * @returns {Promise<{ usable: Record<string, UsableTiming[]>; floors: Record<string, number[]> }>}
 */
export async function measureUsable(traces, floors, { runs, timeoutMs }) {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    /** @type {Record<string, UsableTiming[]>} */
    const usable = Object.fromEntries(traces.map((t) => [t.name, []]));
    /** @type {Record<string, number[]>} */
    const floorMs = Object.fromEntries(floors.map((f) => [f.name, []]));
    for (const trace of traces) await measureOnce(browser, trace.url, timeoutMs);
    for (const floor of floors) await floorOnce(browser, floor.url, timeoutMs);
    for (let run = 0; run < runs; run++) {
      for (const trace of traces) usable[trace.name]?.push(await measureOnce(browser, trace.url, timeoutMs));
      for (const floor of floors) floorMs[floor.name]?.push(await floorOnce(browser, floor.url, timeoutMs));
    }
    return { usable, floors: floorMs };
  } finally {
    await browser.close();
  }
}
