// BEACON_REDACTION=off: content is stored as sent (its own file: one embedded ClickHouse per test process).
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TraceDetailResponse } from '../../src/contract/index.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { newTraceId, postTracesOk, traceRequest } from '../support/otlp-json.js';

let collector: TestCollector;
beforeAll(async () => {
  collector = await startTestCollector({ redaction: 'off' });
});
afterAll(async () => {
  await collector?.dispose();
});

test('BEACON_REDACTION=off stores content as sent', async () => {
  const traceId = newTraceId();
  const attributes = {
    'app.contact': 'jane.doe@example.com',
    'app.key': 'sk-proj-AbCdEfGhIjKlMnOpQrStUv123456',
  };
  await postTracesOk(collector.httpUrl, traceRequest('svc', [{ name: 'x', attributes }], traceId));
  await collector.writer.flush();
  const res = await fetch(`${collector.apiUrl}/api/v1/traces/${traceId}`);
  const [span] = ((await res.json()) as TraceDetailResponse).spans;
  expect(span!.attributes).toMatchObject(attributes);
});
