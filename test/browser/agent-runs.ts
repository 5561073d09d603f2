// The real-size runs the browser tests open: the generator's ≈600-span run (seed 1) and ≈10,000-span run (seed 2),
// each with its manifest of planted failures (bench/lib/agent-run/README.md), ingested over OTLP/HTTP into a real
// test collector (embedded ClickHouse) that also serves the standalone UI.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { AgentRun } from '../../bench/lib/agent-run/index.mjs';
import { generateAgentRun } from '../../bench/lib/agent-run/index.mjs';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import { postTracesOk } from '../../collector/test/support/otlp-json.js';
import { launchChromium, prepareBrowserTest } from './chromium.js';

export type { AgentRun } from '../../bench/lib/agent-run/index.mjs';

export interface RealSizeRuns {
  collector: TestCollector;
  /** ≈600 spans: orchestrator + 6 agents, the planted failures of the README. */
  small: AgentRun;
  /** ≈10,000 spans, the same planted failures. */
  large: AgentRun;
}

/** Starts a collector and stores both runs in it (each in requests of ≤ 2,000 spans), written before it returns. */
async function startWithRealSizeRuns(): Promise<RealSizeRuns> {
  const collector = await startTestCollector();
  const small = generateAgentRun({ seed: 1, size: 'small' });
  const large = generateAgentRun({ seed: 2, size: 'large' });
  for (const run of [small, large])
    for (const body of run.requests) await postTracesOk(collector.httpUrl, body);
  await collector.writer.flush();
  return { collector, small, large };
}

/** What a real-size browser test file shares: the collector holding both runs, and one Chromium. */
export interface RealSizeSuite {
  /** Set once the file's beforeAll has run. */
  readonly runs: RealSizeRuns;
  readonly browser: Browser;
}

/**
 * Registers a test file's beforeAll (both runs stored, then what `storeMore` adds, then Chromium launched) and its
 * afterAll (Chromium closed, the collector disposed), and gives the runs and the browser to its tests.
 */
export function realSizeSuite(
  options: { storeMore?: (runs: RealSizeRuns) => Promise<void>; timeoutMs?: number } = {},
): RealSizeSuite {
  let runs: RealSizeRuns | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    prepareBrowserTest();
    runs = await startWithRealSizeRuns();
    await options.storeMore?.(runs);
    browser = await launchChromium();
  }, options.timeoutMs ?? 300_000);
  afterAll(async () => {
    await browser?.close();
    await runs?.collector.dispose();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is used before the real-size suite's beforeAll ran`);
    return value;
  };
  return {
    get runs() {
      return ready(runs, 'the real-size runs');
    },
    get browser() {
      return ready(browser, 'the browser');
    },
  };
}
