// Share links in a real browser, with BEACON_AUTH=on: acme signs in to the standalone UI with its key, opens its
// trace and creates a link with the Share button; a fresh browser context (no key, no session) opens the link and
// sees the trace read-only — banner, timeline, span detail, no key form, no replay or analysis. After acme revokes
// the link, the same page says the link expired or was revoked. Screenshots: test-results/browser/share-link-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { postSpans, writeKeys } from '../../collector/test/auth/helpers.js';
import { startTestCollector, type TestCollector } from '../../collector/test/e2e/harness.js';
import { newSpanId, newTraceId, traceRequest } from '../../collector/test/support/otlp-json.js';
import { launchChromium, prepareBrowserTest, recordProblems, screenshot } from './chromium.js';

const { file, keys } = writeKeys({ acme: { tenant: 'acme', scopes: ['ingest', 'read', 'write'] } });
const TRACE_ID = newTraceId();
const ROOT = newSpanId();
const CHAT = newSpanId();
const ROOT_SPAN = 'invoke_agent acme_planner';
const CHAT_SPAN = 'chat gpt-4o-mini';
const QUESTION = 'Which parcels are late this week?';
const KEY_FORM = 'This Beacon collector requires an API key';

let collector: TestCollector;
let browser: Browser;
let owner: Page;
let visitor: Page;
const problems: string[] = [];

beforeAll(async () => {
  prepareBrowserTest();
  collector = await startTestCollector({ auth: 'on', apiKeysFile: file });
  const ingest = await postSpans(
    collector.httpUrl,
    traceRequest(
      'acme-support',
      [
        {
          name: ROOT_SPAN,
          spanId: ROOT,
          attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'acme_planner' },
          durationMs: 900,
        },
        {
          name: CHAT_SPAN,
          spanId: CHAT,
          parent: ROOT,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': 120,
            'gen_ai.usage.output_tokens': 30,
            'gen_ai.input.messages': JSON.stringify([
              { role: 'user', parts: [{ type: 'text', content: QUESTION }] },
            ]),
          },
        },
      ],
      TRACE_ID,
    ),
    keys.acme,
  );
  expect(ingest.status).toBe(200);
  await collector.writer.flush();

  browser = await launchChromium();
  owner = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  // A separate context: no sessionStorage, no cookies, nothing of the owner's.
  const fresh = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  visitor = await fresh.newPage();
  recordProblems(visitor, problems);
});

afterAll(async () => {
  await browser?.close();
  await collector?.dispose();
});

describe('share links in the standalone UI', () => {
  test('a link made with the Share button opens the trace read-only without a key; revoked, it says so', async () => {
    // The owner signs in and creates a link on the trace page.
    await owner.goto(`${collector.apiUrl}/traces/${TRACE_ID}`);
    await owner.getByLabel('API key', { exact: true }).fill(keys.acme);
    await owner.getByRole('button', { name: 'Continue' }).click();
    await owner.getByRole('button', { name: 'Share' }).click();
    await owner.getByText('No links yet.').waitFor();
    await owner.getByRole('button', { name: 'Create link' }).click();
    const urlInput = owner.getByTestId('share-url');
    await urlInput.waitFor();
    const url = await urlInput.inputValue();
    expect(url).toMatch(new RegExp(`^${collector.apiUrl}/shared/bs_acme_[A-Za-z0-9_-]{43}$`));
    await owner.getByTestId('share-list').getByText('active').waitFor();
    await screenshot(owner, 'share-link-1-created');

    // A visitor without any key: the trace, read-only.
    await visitor.goto(url);
    const banner = visitor.getByTestId('shared-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/Shared trace · read-only · expires /);
    await visitor.getByRole('heading', { name: ROOT_SPAN }).waitFor();
    expect(await visitor.getByText(KEY_FORM).count()).toBe(0);
    await visitor.getByTestId(`span-bar-${CHAT}`).click();
    await visitor.getByTestId('span-detail').getByTestId('message').getByText(QUESTION).waitFor();
    for (const name of ['Replay', 'Analyze', 'Share', 'Compare…']) {
      expect(await visitor.getByRole('button', { name }).count(), name).toBe(0);
    }
    expect(await visitor.evaluate(() => sessionStorage.length)).toBe(0);
    await screenshot(visitor, 'share-link-2-opened');

    // The owner revokes it: the visitor's reload says the link is gone.
    await owner.getByRole('button', { name: 'Revoke' }).click();
    await owner.getByTestId('share-list').getByText('revoked').waitFor();
    await visitor.reload();
    await visitor.getByText('This link expired or was revoked').waitFor();
    expect(await visitor.getByTestId('shared-banner').count()).toBe(0);
    expect(await visitor.getByText(QUESTION).count()).toBe(0);
    await screenshot(visitor, 'share-link-3-revoked');

    // The visitor's only failed request is the revoked link's 404.
    const token = url.slice(url.lastIndexOf('/') + 1);
    expect(problems).toEqual([`HTTP 404 GET ${collector.apiUrl}/api/v1/shared/${token}`]);
  });
});
