// Minimal HTTP/1.1 client on node:http with keep-alive: lighter on the CPU than fetch, so the client disturbs the
// collector it shares the machine with as little as possible, and latency is measured to the last body byte.
import http from 'node:http';

/**
 * @typedef {object} HttpResponse
 * @property {number} status
 * @property {http.IncomingHttpHeaders} headers
 * @property {Buffer} body
 */

/** @param {number} [maxSockets] */
export function keepAliveAgent(maxSockets = 64) {
  return new http.Agent({ keepAlive: true, maxSockets });
}

/**
 * @param {string} url
 * @param {{ method?: string; headers?: Record<string, string | number>; body?: Buffer | string; agent?: http.Agent; timeoutMs?: number }} [options]
 * @returns {Promise<HttpResponse>}
 */
export function request(url, options = {}) {
  const { method = 'GET', headers = {}, body, agent, timeoutMs = 120_000 } = options;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/**
 * GET `url` and time it (first byte sent → last body byte received) in milliseconds.
 * @param {string} url
 * @param {http.Agent} agent
 */
export async function timedGet(url, agent) {
  const started = performance.now();
  const res = await request(url, { agent });
  return { ms: performance.now() - started, ...res };
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
