// `beacon-collector keys create|list|revoke` against a running collector sharing the key file: a created key works at
// once, `list` shows no secret, a revoked key is refused (401) within the store's reload interval; and the per-key
// rate limit answers 429 with Retry-After (HTTP) and RESOURCE_EXHAUSTED with RetryInfo (gRPC), never for another key.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import { CLI } from '../e2e/process.js';
import { newTraceId, traceRequest } from '../support/otlp-json.js';
import { call, grpcExport, postSpans } from './helpers.js';

const run = promisify(execFile);
const keysFile = path.join(mkdtempSync(path.join(tmpdir(), 'beacon-cli-keys-')), 'api-keys.json');

async function keys(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [CLI, 'keys', '--api-keys-file', keysFile, ...args]);
}

let collector: TestCollector;
beforeAll(async () => {
  collector = await startTestCollector({ auth: 'on', apiKeysFile: keysFile, authRateLimit: '1000' });
});
afterAll(async () => {
  await collector?.dispose();
});

const pollUntil = async (check: () => Promise<boolean>, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

test('a key created by the CLI ingests and reads at once; revoked, it gets 401', async () => {
  const created = JSON.parse(
    (await keys('create', '--tenant', 'team_a', '--scopes', 'ingest,read', '--name', 'ci', '--json')).stdout,
  ) as { id: string; key: string; tenant: string; scopes: string[] };
  expect(created).toMatchObject({ tenant: 'team_a', scopes: ['ingest', 'read'] });
  // The secret is base64url, which has '_' in its alphabet: everything after the id is the secret.
  const secret = /^bk_[a-z0-9]{12}_(.{43})$/.exec(created.key)?.[1];
  expect(secret).toBeDefined();
  // Only the hash is on disk, and only the owner may read the file.
  expect(readFileSync(keysFile, 'utf8')).not.toContain(secret);
  expect(statSync(keysFile).mode & 0o077).toBe(0);

  const traceId = newTraceId();
  await pollUntil(
    async () =>
      (
        await postSpans(
          collector.httpUrl,
          traceRequest('cli-svc', [{ name: 'x', attributes: {} }], traceId),
          created.key,
        )
      ).status === 200,
  );
  await collector.writer.flush();
  const detail = await call(`${collector.apiUrl}/api/v1/traces/${traceId}`, {
    key: created.key,
    header: 'x-beacon-api-key',
  });
  expect(detail.status).toBe(200);

  const listed = (await keys('list')).stdout;
  expect(listed).toContain(created.id);
  expect(listed).toContain('tenant=team_a');
  expect(listed).not.toContain(created.key);

  await keys('revoke', created.id);
  expect((await keys('list')).stdout).toMatch(new RegExp(`${created.id}.*revoked`));
  await pollUntil(
    async () =>
      (await call(`${collector.apiUrl}/api/v1/traces/${traceId}`, { key: created.key })).status === 401,
  );
  expect(
    (
      await postSpans(
        collector.httpUrl,
        traceRequest('cli-svc', [{ name: 'y', attributes: {} }]),
        created.key,
      )
    ).status,
  ).toBe(401);
});

test('bad CLI input is refused with a message naming it', async () => {
  await expect(keys('create', '--tenant', 'Bad-Tenant')).rejects.toMatchObject({
    stderr: expect.stringContaining('--tenant'),
  });
  await expect(keys('create', '--scopes', 'ingest,admin')).rejects.toMatchObject({
    stderr: expect.stringContaining('unknown scope "admin"'),
  });
  await expect(keys('revoke', 'nosuchkey000')).rejects.toMatchObject({
    stderr: expect.stringContaining('no API key nosuchkey000'),
  });
});

test('a key over its rate limit gets 429 / RESOURCE_EXHAUSTED with a retry delay; other keys are unaffected', async () => {
  const slow = JSON.parse(
    (await keys('create', '--tenant', 'team_b', '--scopes', 'ingest,read', '--rate-limit', '3', '--json'))
      .stdout,
  ) as { key: string };
  const other = JSON.parse(
    (await keys('create', '--tenant', 'team_b', '--scopes', 'read', '--json')).stdout,
  ) as { key: string };
  await pollUntil(
    async () => (await call(`${collector.apiUrl}/api/v1/traces`, { key: other.key })).status === 200,
  );

  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < 8; i++) {
    const answer = await call(`${collector.apiUrl}/api/v1/traces`, { key: slow.key });
    statuses.push(answer.status);
    if (answer.status === 429) retryAfter = answer.headers.get('retry-after');
  }
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  // Another key of the same tenant has its own budget.
  expect((await call(`${collector.apiUrl}/api/v1/traces`, { key: other.key })).status).toBe(200);

  const body = traceRequest('limited', [{ name: 'x', attributes: {} }]);
  const otlp = await postSpans(collector.httpUrl, body, slow.key);
  expect(otlp.status).toBe(429);
  expect(otlp.headers.get('retry-after')).not.toBeNull();
  const grpcError = await grpcExport(collector.ports.grpc, body, { 'x-beacon-api-key': slow.key });
  expect(grpcError?.code).toBe(8); // RESOURCE_EXHAUSTED
  expect(grpcError?.metadata.get('grpc-status-details-bin')).toHaveLength(1);
});
