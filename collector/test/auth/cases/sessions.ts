// Sessions and the agent map across tenants: tenant A holds a conversation (and A's agents); tenant B, with its own
// key, neither lists nor opens A's session, and B's agent map shows none of A's agents or tools.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { traceRequest } from '../../support/otlp-json.js';
import { call, postSpans } from '../helpers.js';
import type { IsolationCases, IsolationWorld } from '../isolation.js';

const SESSION = `acme-conversation-${randomBytes(4).toString('hex')}`;

const cases: IsolationCases = {
  async setup(world: IsolationWorld) {
    const { api, keys, A, collector } = world;
    const body = traceRequest(A.service, [
      {
        name: `invoke_agent ${A.agent}`,
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': A.agent,
          'gen_ai.conversation.id': SESSION,
        },
      },
    ]);
    const sent = await postSpans(collector.httpUrl, body, keys.a);
    expect(sent.status, sent.text).toBe(200);
    await collector.writer.flush();
    world.aMarkers.push(SESSION);

    // A sees its own session and agents: B's empty answers below are isolation, not missing data.
    const own = await call(`${api}/sessions?${world.window()}`, { key: keys.aRead });
    expect(own.text).toContain(SESSION);
    expect((await call(`${api}/sessions/${SESSION}`, { key: keys.aRead })).status).toBe(200);
    const map = await call(`${api}/agents/map?${world.window()}`, { key: keys.aRead });
    // Nodes are keyed by (service, name): their names, whatever the ids.
    expect(map.text).toContain(`"kind":"agent","service":`);
    expect(map.text).toContain(`"name":"${A.agent}"`);
    expect(map.text).toContain(`"name":"${A.agent}_lookup"`);
  },
  cases: (world) => ({
    listSessions: { run: (key) => call(`${world.api}/sessions?${world.window()}`, { key }), ok: [200] },
    getSession: { run: (key) => call(`${world.api}/sessions/${SESSION}`, { key }), ok: [404] },
    getAgentMap: {
      run: (key) => call(`${world.api}/agents/map?${world.window()}&models=true`, { key }),
      ok: [200],
    },
  }),
  pathValues: () => ({ sessionId: SESSION }),
};

export default cases;
