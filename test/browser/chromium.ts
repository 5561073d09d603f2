// Chromium for the browser tests: the Debian package (or CHROMIUM_PATH) driven by playwright-core, in front of the
// standalone UI a test collector serves. Screenshots go to test-results/browser/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Where the browser tests leave their screenshots (and the files they write beside them). */
export const SHOTS = path.join(ROOT, 'test-results/browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Fails fast without Chromium, then builds the UI the collector serves (unless it is up to date: npm test has
 * done so already) and makes the screenshot folder. */
export function prepareBrowserTest(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  execFileSync(process.execPath, [path.join(ROOT, 'grafana-plugin/standalone/build.mjs')], { stdio: 'pipe' });
  mkdirSync(SHOTS, { recursive: true });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Waits for the UI (vitest's default of 1 s is short for a busy CI machine). */
export const pollUi = <T>(read: () => Promise<T>, timeout = 15_000) =>
  expect.poll(read, { timeout, interval: 100 });

export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

/** The viewport only: a full-page shot of a 10,000-span page would be a picture hundreds of thousands of px high. */
export const viewportScreenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

/** Records in `problems` what goes wrong in the page: uncaught errors and failed requests. */
export function recordProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => {
    // Grafana's GlobalStyles ask for its Inter / Roboto Mono web fonts, which @grafana/ui does not ship.
    if (res.status() >= 400 && !res.url().includes('/public/fonts/')) {
      problems.push(`HTTP ${res.status()} ${res.request().method()} ${res.url()}`);
    }
  });
}
