// Share links across tenants: B cannot create, list or revoke links on A's trace, and A's token — which works for
// anyone, with or without a key — opens that one trace only: put under B's tenant name it is an unknown token.
import { expect } from 'vitest';
import { call } from '../helpers.js';
import type { IsolationCases, IsolationWorld } from '../isolation.js';

let shareA: { id: string; token: string };

const secretOf = (token: string) => token.slice(-43);

const cases: IsolationCases = {
  async setup(world: IsolationWorld) {
    const { api, keys, A } = world;
    const made = await call(`${api}/traces/${A.traceId}/shares`, {
      key: keys.a,
      method: 'POST',
      body: { note: 'acme link' },
    });
    expect(made.status, made.text).toBe(201);
    shareA = JSON.parse(made.text) as { id: string; token: string };
    expect(shareA.token.startsWith('bs_acme_')).toBe(true);
    world.aMarkers.push(shareA.id, secretOf(shareA.token), 'acme link');

    // The token is the credential: no key, or another tenant's key, opens A's trace — and only it.
    for (const key of [undefined, keys.b]) {
      const opened = await call(`${api}/shared/${shareA.token}`, { key });
      expect(opened.status, opened.text).toBe(200);
      const body = JSON.parse(opened.text) as { share: { traceId: string }; trace: { spans: unknown[] } };
      expect(body.share.traceId).toBe(A.traceId);
      expect(body.trace.spans).toHaveLength(3);
      expect(opened.text).not.toContain(world.B.secret);
    }
  },
  cases: ({ api, A, B }) => ({
    createShare: {
      run: (key) => call(`${api}/traces/${A.traceId}/shares`, { key, method: 'POST', body: {} }),
      ok: [404],
    },
    listShares: { run: (key) => call(`${api}/traces/${A.traceId}/shares`, { key }), ok: [404] },
    revokeShare: {
      run: async (key) => {
        const answer = await call(`${api}/shares/${shareA.id}/revoke`, { key, method: 'POST' });
        // B's attempt revoked nothing: A's link still opens A's trace.
        expect((await call(`${api}/shared/${shareA.token}`)).status).toBe(200);
        return answer;
      },
      ok: [404],
    },
    getSharedTrace: {
      // B relabels A's secret with its own tenant, and its own link's secret with A's: neither opens anything.
      run: async (key) => {
        const own = await call(`${api}/traces/${B.traceId}/shares`, { key, method: 'POST', body: {} });
        expect(own.status, own.text).toBe(201);
        const ownToken = (JSON.parse(own.text) as { token: string }).token;
        const relabelled = await call(`${api}/shared/bs_acme_${secretOf(ownToken)}`, { key });
        expect(relabelled.status, relabelled.text).toBe(404);
        return call(`${api}/shared/bs_globex_${secretOf(shareA.token)}`, { key });
      },
      ok: [404],
    },
  }),
};

export default cases;
