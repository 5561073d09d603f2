// The API half of the trace-view benchmark: GET /api/v1/traces/{id} and /graph, one request at a time over one
// keep-alive connection, timed from sending to the last byte; the endpoints and traces interleaved request by
// request so a background merge or GC pause hits all alike.
import { timedGet } from '../lib/http.mjs';
import { summarize } from '../lib/stats.mjs';

// `detail` is the detail API in outline, `detailWithGraph` what the trace page asks first (the outline and the graph
// from one read), `graph` the graph alone, `detailWhole` what the Context tab asks for later (every span whole, each
// message once).
const ENDPOINTS = /** @type {const} */ ({
  detail: '?spans=outline',
  detailWithGraph: '?spans=outline&include=graph',
  graph: '/graph',
  detailWhole: '?messages=shared',
});

/**
 * @typedef {object} EndpointTiming
 * @property {import('../lib/stats.mjs').Summary} ms
 * @property {number} bytes size of the last answer
 * @property {number | null} spans spans in the detail answer
 * @property {unknown} truncated the answer's truncated field
 */

/**
 * @param {string} apiUrl
 * @param {{ name: string; traceId: string; spanCount: number }[]} traces
 * @param {{ requests: number; warmup: number; agent: import('node:http').Agent }} options
 * @returns {Promise<Record<string, Record<keyof typeof ENDPOINTS, EndpointTiming>>>}
 */
export async function timeApi(apiUrl, traces, { requests, warmup, agent }) {
  /** @type {Map<string, { samples: number[]; bytes: number; body: any }>} */
  const byKey = new Map();
  for (let i = 0; i < warmup + requests; i++) {
    for (const trace of traces) {
      for (const [endpoint, suffix] of Object.entries(ENDPOINTS)) {
        const res = await timedGet(`${apiUrl}/api/v1/traces/${trace.traceId}${suffix}`, agent);
        if (res.status !== 200) throw new Error(`${endpoint} of ${trace.name} answered ${res.status}`);
        const key = `${trace.name}/${endpoint}`;
        const entry = byKey.get(key) ?? { samples: [], bytes: 0, body: null };
        if (i >= warmup) entry.samples.push(res.ms);
        entry.bytes = res.body.length;
        if (i === 0) entry.body = JSON.parse(res.body.toString('utf8'));
        byKey.set(key, entry);
      }
    }
  }
  /** @type {Record<string, Record<string, EndpointTiming>>} */
  const out = {};
  for (const trace of traces) {
    out[trace.name] = {};
    for (const endpoint of Object.keys(ENDPOINTS)) {
      const entry = /** @type {{ samples: number[]; bytes: number; body: any }} */ (
        byKey.get(`${trace.name}/${endpoint}`)
      );
      const spans = Array.isArray(entry.body?.spans) ? entry.body.spans.length : null;
      if (endpoint === 'detail' && spans !== trace.spanCount)
        throw new Error(`detail of ${trace.name} holds ${spans} spans, ${trace.spanCount} were sent`);
      /** @type {Record<string, EndpointTiming>} */ (out[trace.name])[endpoint] = {
        ms: summarize(entry.samples),
        bytes: entry.bytes,
        spans,
        truncated: entry.body?.truncated ?? null,
      };
    }
  }
  return /** @type {any} */ (out);
}
