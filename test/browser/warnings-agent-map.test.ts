// Loops as warnings, one failure per cause, and the agent map keyed by (service, agent), in a real browser (issue
// 17). A real test collector (embedded ClickHouse) stores the generator's ≈600-span run (bench/lib/agent-run: 8
// planted failures, 2 spans they propagated to, one real loop), three services that each run a "researcher", and
// a ten-stage pipeline whose map is far wider than the page. Chromium (Debian package, playwright-core) opens the
// trace list, Error patterns and the Agent map. Screenshots: test-results/browser/warnings-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateAgentRun } from '../../bench/lib/agent-run/index.mjs';
import { type ApiTraceSpec, newSpanId, sendTraces } from '../../collector/test/api/helpers.js';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import { postTracesOk } from '../../collector/test/support/otlp-json.js';
import {
  launchChromium,
  pollUi as poll,
  prepareBrowserTest,
  recordProblems,
  screenshot,
} from './chromium.js';

const RESEARCH_SERVICES = ['research-eu', 'research-us', 'research-asia'];
const STAGES = 10;
const run = generateAgentRun({ seed: 1 });

let collector: TestCollector;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const shot = (name: string) => screenshot(page, `warnings-${name}`);

const agentSpan = (name: string, spanId: string, parent?: string, offset = 0) => ({
  name: `invoke_agent ${name}`,
  spanId,
  ...(parent ? { parent } : {}),
  startOffsetMs: offset,
  durationMs: 500 - offset,
  attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name },
});

const toolSpan = (name: string, parent: string, offset: number, args: string) => ({
  name: `execute_tool ${name}`,
  parent,
  startOffsetMs: offset,
  durationMs: 5,
  attributes: {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': name,
    'gen_ai.tool.call.arguments': args,
  },
});

/** orchestrator → researcher → web_search, in one service. */
function researchRun(service: string, startMs: number): ApiTraceSpec {
  const root = newSpanId();
  const researcher = newSpanId();
  return {
    service,
    startMs,
    spans: [
      agentSpan('orchestrator', root),
      agentSpan('researcher', researcher, root, 10),
      toolSpan('web_search', researcher, 20, `{"q":"${service}"}`),
    ],
  };
}

/** stage_1 → stage_2 → … → stage_N → write_report: one rank per stage, a map wider than any page. */
function pipelineRun(startMs: number): ApiTraceSpec {
  const ids = Array.from({ length: STAGES }, () => newSpanId());
  return {
    service: 'pipeline',
    startMs,
    spans: [
      ...ids.map((id, i) => agentSpan(`stage_${i + 1}`, id, ids[i - 1], i * 10)),
      toolSpan('write_report', ids.at(-1)!, STAGES * 10 + 5, '{"format":"pdf"}'),
    ],
  };
}

beforeAll(async () => {
  prepareBrowserTest();
  collector = await startTestCollector();
  for (const body of run.requests) await postTracesOk(collector.httpUrl, body);
  const now = Date.now() - 60_000;
  await sendTraces(collector.httpUrl, [
    ...RESEARCH_SERVICES.map((service, i) => researchRun(service, now + i * 100)),
    pipelineRun(now + 500),
  ]);
  await collector.writer.flush();
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
  recordProblems(page, problems);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await collector?.dispose();
});

describe('loops are warnings, each failure counted once', () => {
  test('the trace list: the run shows its failures once per cause, and a Loop warning apart', async () => {
    await page.goto(`${collector.apiUrl}/traces`);
    const row = page.getByTestId('trace-row').filter({ hasText: run.manifest.traceId.slice(0, 8) });
    await row.waitFor();
    await shot('1-traces');
    expect(await row.getByTestId('trace-status').textContent()).toBe(
      `error ×${run.manifest.failures.length}`,
    );
    const loop = row.getByTestId('loop-warning');
    expect(await loop.textContent()).toBe('Loop');
    // Not a failure badge: none of the failure categories reads "Loop".
    expect(await row.getByTestId('failure-category').allTextContents()).not.toContain('Loop');
    // The healthy research runs carry no Loop badge (web_search called once, or with other arguments).
    for (const service of RESEARCH_SERVICES) {
      const healthy = page.getByTestId('trace-row').filter({ hasText: service });
      expect(await healthy.count()).toBe(1);
      expect(await healthy.getByTestId('loop-warning').count()).toBe(0);
    }
  });

  test('Error patterns: the planted rate limit and context overflow are there, the loop in its own warnings', async () => {
    await page.goto(`${collector.apiUrl}/patterns`);
    const table = page.getByTestId('patterns-table').first();
    await table.waitFor();
    await shot('2-patterns');
    const failures = await table
      .getByTestId('pattern-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-category')));
    expect(failures).toEqual(expect.arrayContaining(['rate_limit', 'context_overflow']));
    expect(failures).not.toContain('loop');
    const warnings = page.getByTestId('loop-warnings');
    expect(
      await warnings
        .getByTestId('pattern-row')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-category'))),
    ).toEqual(['loop']);
    expect(await warnings.textContent()).toContain(`execute_tool ${run.manifest.loops[0]!.tool}`);
    expect(problems).toEqual([]);
  });
});

describe('the agent map', () => {
  test('three services each running "researcher" are three nodes, each labelled with its service', async () => {
    await page.goto(`${collector.apiUrl}/agents?range=1h`);
    await page.getByTestId('agent-map-graph').waitFor();
    await shot('3-agent-map');
    for (const service of RESEARCH_SERVICES) {
      const node = page.getByTestId(`map-node-agent:${service}/researcher`);
      expect(await node.getByTestId('map-node-service').textContent()).toBe(service);
    }
    // The generated run has a researcher of its own, in its service: four researchers, four nodes.
    const researchers = page.locator('[data-testid^="map-node-agent:"][data-testid$="/researcher"]');
    expect(await researchers.count()).toBe(RESEARCH_SERVICES.length + 1);
    expect(
      await page
        .getByTestId(`map-node-agent:${run.manifest.service}/researcher`)
        .getByTestId('map-node-service')
        .textContent(),
    ).toBe(run.manifest.service);
  });

  test('a map wider than the page scrolls inside its box, never under the details panel', async () => {
    const scroll = page.getByTestId('agent-map-scroll');
    const details = page.getByTestId('agent-map-details');
    const box = (await scroll.boundingBox())!;
    const panel = (await details.boundingBox())!;
    const svgWidth = Number(await page.getByTestId('agent-map-graph').getAttribute('width'));
    // The map is wider than its box (the ten stages), so the box must scroll to show it all.
    expect(svgWidth).toBeGreaterThan(box.width);
    expect(box.x + box.width).toBeLessThanOrEqual(panel.x);
    const { scrollWidth, clientWidth } = await scroll.evaluate((el) => ({
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
    }));
    expect(scrollWidth).toBeGreaterThanOrEqual(Math.floor(svgWidth));
    expect(clientWidth).toBeLessThanOrEqual(Math.ceil(box.width));

    // Scrolled to it inside the box, the far end of the pipeline is inside the box and clear of the panel.
    const last = page.getByTestId('map-node-tool:pipeline/write_report');
    await last.scrollIntoViewIfNeeded();
    const inBox = async () => {
      const at = (await last.boundingBox())!;
      const now = (await scroll.boundingBox())!;
      return (
        at.x >= now.x - 1 &&
        at.x + at.width <= now.x + now.width + 1 &&
        at.y >= now.y - 1 &&
        at.y + at.height <= now.y + now.height + 1
      );
    };
    await poll(inBox).toBe(true);
    const at = (await last.boundingBox())!;
    expect(at.x + at.width).toBeLessThanOrEqual(panel.x);
    expect(await scroll.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    const name = (await last.locator('text').first().boundingBox())!;
    expect(name.height).toBeGreaterThanOrEqual(12);
    await shot('4-agent-map-scrolled');

    // The details panel is still there, beside the map, and shows what is clicked.
    await last.click();
    await poll(() => details.getByTestId('detail-service').textContent()).toBe('service pipeline');
    expect(problems).toEqual([]);
  });
});
