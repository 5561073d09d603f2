// Content redaction as a user sees it: secrets, emails and card numbers never reach storage, GenAI messages stay
// readable JSON, and custom rules come from BEACON_REDACTION_RULES_FILE.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TraceDetailResponse } from '../../src/contract/index.js';
import { loadConfig, startCollector } from '../../src/index.js';
import { createLogger } from '../../src/logger.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { newTraceId, postTracesOk, traceRequest } from '../support/otlp-json.js';

const SECRET_KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUv123456';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const CARD = '4111 1111 1111 1111';
/** Fails the Luhn check: an order number, not a card. */
const NOT_A_CARD = '4111 1111 1111 1112';

let rulesDir: string;
let collector: TestCollector;
beforeAll(async () => {
  rulesDir = await mkdtemp(path.join(tmpdir(), 'beacon-rules-'));
  const rulesFile = path.join(rulesDir, 'rules.json');
  await writeFile(
    rulesFile,
    JSON.stringify([{ name: 'employee_id', pattern: 'EMP-\\d{6}', replacement: '[REDACTED:employee]' }]),
  );
  collector = await startTestCollector({ redactionRulesFile: rulesFile });
});
afterAll(async () => {
  await collector?.dispose();
  await rm(rulesDir, { recursive: true, force: true });
});

async function trace(c: TestCollector, traceId: string): Promise<TraceDetailResponse> {
  await c.writer.flush();
  const res = await fetch(`${c.apiUrl}/api/v1/traces/${traceId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as TraceDetailResponse;
}

async function storedText(c: TestCollector, traceId: string): Promise<string> {
  const rows = await c.query('SELECT * FROM otel_traces WHERE TraceId = {t:String}', { t: traceId });
  return JSON.stringify(rows);
}

const messages = JSON.stringify([
  {
    role: 'user',
    parts: [
      {
        type: 'text',
        content: `My email is jane.doe@example.com, card ${CARD}, order ${NOT_A_CARD}, "quoted" text`,
      },
    ],
  },
]);

test('secrets, emails and Luhn-valid card numbers are redacted before storage; other text is untouched', async () => {
  const traceId = newTraceId();
  await postTracesOk(
    collector.httpUrl,
    traceRequest(
      'svc',
      [
        {
          name: 'chat gpt-4o-mini',
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.input.messages': messages,
            'http.request.header.authorization': 'Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig',
            'app.config': `key=${SECRET_KEY} aws=${AWS_KEY}`,
            'app.employee': 'EMP-123456',
            'app.note': 'nothing secret here',
          },
          error: `provider said: invalid key ${SECRET_KEY}`,
        },
      ],
      traceId,
    ),
  );

  const stored = await storedText(collector, traceId);
  for (const secret of [
    SECRET_KEY,
    AWS_KEY,
    'jane.doe@example.com',
    CARD,
    'eyJhbGciOiJIUzI1NiJ9',
    'EMP-123456',
  ])
    expect(stored).not.toContain(secret);

  const [span] = (await trace(collector, traceId)).spans;
  expect(span!.attributes['app.config']).toBe('key=[REDACTED:api_key] aws=[REDACTED:aws_access_key]');
  expect(span!.attributes['http.request.header.authorization']).toBe('Bearer [REDACTED:token]');
  expect(span!.attributes['app.employee']).toBe('[REDACTED:employee]');
  expect(span!.attributes['app.note']).toBe('nothing secret here');
  expect(span!.statusMessage).toBe('provider said: invalid key [REDACTED:api_key]');

  // The message attribute is still valid JSON, and the UI reads the message from it.
  const parsed = JSON.parse(span!.attributes['gen_ai.input.messages']!);
  expect(parsed[0].parts[0].content).toBe(
    `My email is [REDACTED:email], card [REDACTED:card_number], order ${NOT_A_CARD}, "quoted" text`,
  );
  expect(JSON.stringify(span!.genai?.inputMessages)).toContain('[REDACTED:email]');
  expect(JSON.stringify(span!.genai?.inputMessages)).not.toContain('jane.doe');

  // Operators see what was redacted, by rule (counts only, never the text).
  const metrics = await (await fetch(`${collector.apiUrl}/metrics`)).text();
  for (const rule of ['api_key', 'aws_access_key', 'bearer_token', 'email', 'card_number'])
    expect(metrics).toMatch(new RegExp(`^beacon_redactions_total\\{rule="${rule}"\\} [1-9]`, 'm'));
  expect(metrics).not.toContain('jane.doe');
});

describe('configuration', () => {
  test('an invalid rules file stops start-up with one line naming the file and the rule', async () => {
    const file = path.join(rulesDir, 'bad.json');
    await writeFile(file, JSON.stringify([{ name: 'broken', pattern: '(unclosed', replacement: 'x' }]));
    const config = loadConfig({ host: '127.0.0.1', redactionRulesFile: file, dataDir: rulesDir }, {});
    const error = await startCollector(config, { logger: createLogger('silent') }).then(
      () => null,
      (err: Error) => err,
    );
    expect(error?.name).toBe('ConfigError');
    expect(error?.message).toMatch(
      /^invalid BEACON_REDACTION_RULES_FILE .*bad\.json: rule \[0\] "broken": invalid pattern/,
    );
    expect(error?.message).not.toContain('\n');
  });

  test('an unknown BEACON_REDACTION mode is refused', () => {
    expect(() => loadConfig({}, { BEACON_REDACTION: 'strict' })).toThrow(/BEACON_REDACTION="strict"/);
  });
});
