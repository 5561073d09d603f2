// Share links (POST/GET /traces/{id}/shares, POST /shares/{id}/revoke, GET /shared/{token}) against a real
// collector: a link shows its trace to anyone holding it until it expires or is revoked, then answers exactly like
// an unknown token; tokens appear only in the create answer — never in lists, storage or logs.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashShareToken, shareTokenTenant } from '../../src/api/shares-api.js';
import { loadConfig } from '../../src/config.js';
import type {
  CreateShareResponse,
  SharedTraceResponse,
  ShareLink,
  ShareListResponse,
  TraceDetailResponse,
} from '../../src/contract/index.js';
import { startTestCollector, type TestCollector } from '../e2e/harness.js';
import {
  type ApiAnswer,
  api,
  expectBadRequest,
  INJECTIONS,
  newSpanId,
  newTraceId,
  sendTraces,
} from './helpers.js';

let collector: TestCollector;
let base: string;
const traceId = newTraceId();
const otherTraceId = newTraceId();
const root = newSpanId();
const chat = newSpanId();

const create = (id: string, body: unknown = {}, headers: Record<string, string> = {}) =>
  api<CreateShareResponse>(base, `/api/v1/traces/${id}/shares`, { method: 'POST', json: body, headers });
const shared = (token: string) =>
  api<SharedTraceResponse>(base, `/api/v1/shared/${encodeURIComponent(token)}`);
const list = (id: string) => api<ShareListResponse>(base, `/api/v1/traces/${id}/shares`);
const revoke = (id: string) => api<ShareLink>(base, `/api/v1/shares/${id}/revoke`, { method: 'POST' });

/** The same 404 for every token that does not open a trace. */
function expectGone(answer: ApiAnswer, token: string): void {
  expect(answer.status, answer.text).toBe(404);
  expect(answer.body).toEqual({
    error: { code: 'not_found', message: 'share link not found: it may have expired or been revoked' },
  });
  if (token.length > 3) expect(answer.text).not.toContain(token);
}

beforeAll(async () => {
  collector = await startTestCollector({}, { captureLogs: true });
  base = collector.apiUrl;
  await sendTraces(collector.httpUrl, [
    {
      traceId,
      service: 'support-bot',
      spans: [
        {
          name: 'invoke_agent planner',
          spanId: root,
          durationMs: 800,
          attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
        },
        {
          name: 'chat gpt-4o-mini',
          spanId: chat,
          parent: root,
          startOffsetMs: 10,
          durationMs: 300,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': 100,
            'gen_ai.usage.output_tokens': 20,
            'gen_ai.input.messages': JSON.stringify([
              { role: 'user', parts: [{ type: 'text', content: 'Where is my parcel?' }] },
            ]),
          },
        },
      ],
    },
    { traceId: otherTraceId, service: 'other', spans: [{ name: 'other root' }] },
  ]);
  await collector.writer.flush();
}, 120_000);

afterAll(async () => {
  await collector?.dispose();
});

describe('share links', () => {
  test('a link opens its trace without a key: the same detail as GET /traces/{id}, and its graph', async () => {
    const made = await create(traceId, { note: 'for the vendor' });
    expect(made.status, made.text).toBe(201);
    const { id, token, url, expiresAt } = made.body;
    expect(token).toMatch(/^bs_default_[A-Za-z0-9_-]{43}$/);
    // BEACON_PUBLIC_URL unset: the origin the request was sent to (its Host header).
    expect(url).toBe(`${base}/shared/${token}`);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    // Default expiry: 7 days.
    const days = (Number(BigInt(expiresAt) / 1_000_000n) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);

    const answer = await shared(token);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    const detail = await api<TraceDetailResponse>(base, `/api/v1/traces/${traceId}`);
    expect(answer.body.trace).toEqual(detail.body);
    expect(answer.body.share).toEqual({ traceId, expiresAt });
    expect(answer.body.graph.nodes.map((n) => n.kind).sort()).toEqual(['agent', 'llm']);
    expect(answer.text).toContain('Where is my parcel?');
    expect(answer.text).not.toContain(otherTraceId);
  });

  test('behind a TLS proxy the link is https; BEACON_PUBLIC_URL replaces the origin', async () => {
    const made = await create(traceId, {}, { 'x-forwarded-proto': 'https' });
    expect(made.body.url).toBe(`${base.replace(/^http:/, 'https:')}/shared/${made.body.token}`);
    expect(loadConfig({ publicUrl: 'https://beacon.example.com/ui/' }, {}).publicUrl).toBe(
      'https://beacon.example.com/ui',
    );
    expect(() => loadConfig({ publicUrl: 'ftp://x' }, {})).toThrow(/--public-url/);
  });

  test('the list shows every link of the trace with its state, never a token', async () => {
    const made = await create(traceId, { expiresInHours: 1, note: 'one hour' });
    expect(made.status).toBe(201);
    const answer = await list(traceId);
    expect(answer.status, answer.text).toBe(200);
    const mine = answer.body.shares.find((s) => s.id === made.body.id);
    expect(mine).toMatchObject({
      traceId,
      note: 'one hour',
      revokedAt: null,
      status: 'active',
      expiresAt: made.body.expiresAt,
    });
    expect(answer.body.shares[0]!.id).toBe(made.body.id); // newest first
    expect(answer.text).not.toContain(made.body.token);
    expect(answer.text).not.toContain(made.body.token.slice(-43));
    expect(answer.text).not.toContain(hashShareToken(made.body.token));
    expect((await list(otherTraceId)).body.shares).toEqual([]);
  });

  test('after revoke the token gets the same 404 as an unknown one; revoking again changes nothing', async () => {
    const made = await create(traceId);
    expect((await shared(made.body.token)).status).toBe(200);
    const revoked = await revoke(made.body.id);
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    expect(revoked.body.revokedAt).toMatch(/^\d+$/);
    expectGone(await shared(made.body.token), made.body.token);

    const again = await revoke(made.body.id);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    const listed = (await list(traceId)).body.shares.find((s) => s.id === made.body.id);
    expect(listed).toMatchObject({ status: 'revoked', revokedAt: revoked.body.revokedAt });
    // Other links of the trace still work.
    const other = await create(traceId);
    expect((await shared(other.body.token)).status).toBe(200);
    expect((await revoke('0'.repeat(32))).status).toBe(404);
  });

  test('an expired link gets the same 404', async () => {
    // Two seconds: the shortest wait that still tells "before" from "after".
    const made = await create(traceId, { expiresInHours: 2 / 3600 });
    expect(made.status, made.text).toBe(201);
    expect((await shared(made.body.token)).status).toBe(200);
    const expiresAtMs = Number(BigInt(made.body.expiresAt) / 1_000_000n);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAtMs - Date.now()) + 100));
    expectGone(await shared(made.body.token), made.body.token);
    const listed = (await list(traceId)).body.shares.find((s) => s.id === made.body.id);
    expect(listed?.status).toBe('expired');
  });

  test('malformed, made-up, tampered and injection-like tokens all get the same 404', async () => {
    const made = await create(traceId);
    const { token } = made.body;
    const secret = token.slice(-43);
    const flipped = `${secret[0] === 'A' ? 'B' : 'A'}${secret.slice(1)}`;
    const candidates = [
      'x',
      '',
      `bs_default_${flipped}`,
      `bs_acme_${secret}`, // another tenant's name on this secret
      `bs_nosuchtenant_${secret}`,
      `bs_Default_${secret}`,
      `bs__${secret}`,
      `${token}x`,
      token.slice(0, -1),
      `bs_default_${'A'.repeat(42)}'`,
      ...INJECTIONS,
      ...INJECTIONS.map((payload) => `bs_default_${payload}`),
      `bs_default_${secret.slice(0, 20)}' OR '1'='1`,
    ];
    for (const candidate of candidates) {
      if (candidate === '') continue; // /shared/ is another path (no route)
      expectGone(await shared(candidate), candidate);
    }
    // A made-up tenant in a token creates no database.
    const databases = await collector.query<{ name: string }>(
      "SELECT name FROM system.databases WHERE name LIKE 'beacon\\_\\_%'",
    );
    expect(databases).toEqual([]);
    expect(shareTokenTenant(`bs_acme_prod_${secret}`)).toBe('acme_prod');
    expect((await shared(token)).status).toBe(200);
  });

  test('bad create requests: 400 naming the field; unknown trace: 404', async () => {
    expectBadRequest(await create(traceId, { expiresInHours: 0 }), 'expiresInHours');
    expectBadRequest(await create(traceId, { expiresInHours: 24 * 90 + 1 }), 'expiresInHours');
    expectBadRequest(await create(traceId, { expiresInHours: '24' }), 'expiresInHours');
    expectBadRequest(await create(traceId, { note: 42 }), 'note');
    expectBadRequest(await create(traceId, { note: 'x'.repeat(501) }), 'note');
    expectBadRequest(await create(traceId, { expires: 3 }), 'expires');
    expectBadRequest(await create(traceId, [1]), 'body');
    expectBadRequest(await api(base, '/api/v1/shares/not-an-id/revoke', { method: 'POST' }), 'shareId');
    const unknown = await create(newTraceId());
    expect(unknown.status).toBe(404);
    expect((await create(traceId, { expiresInHours: 24 * 90 })).status).toBe(201);
  });

  test('tokens never reach storage or the logs; only their SHA-256 is stored', async () => {
    const made = await create(traceId, { note: 'audit' });
    await shared(made.body.token);
    await shared(`${made.body.token.slice(0, -2)}zz`);
    const rows = await collector.query<Record<string, unknown>>(
      'SELECT * FROM beacon.beacon_share_links WHERE ShareId = {id:String}',
      { id: made.body.id },
    );
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows);
    expect(stored).toContain(hashShareToken(made.body.token));
    expect(stored).not.toContain(made.body.token.slice(-43));
    const logs = collector.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(made.body.token.slice(-43));
    expect(logs).not.toContain('bs_default_');
  });
});
