// The standalone UI's file server (collector/src/api/static-ui.ts) against a temp build directory.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStaticUiHandler } from '../../src/api/static-ui.js';

const silent = { info: () => {}, warn: () => {} };
const INDEX = '<!doctype html><html><body><div id="root"></div></body></html>';
const BUNDLE = `console.log(${JSON.stringify('x'.repeat(4000))});`;

let base: string;
let dir: string;
let server: http.Server;
let port: number;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw request: the path goes on the wire exactly as given (fetch would normalize `..`). */
function request(rawPath: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: rawPath, method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'beacon-static-ui-'));
  dir = path.join(base, 'dist-standalone');
  await mkdir(path.join(dir, 'assets'), { recursive: true });
  await mkdir(path.join(dir, 'public/build/img/icons/unicons'), { recursive: true });
  await writeFile(path.join(dir, 'index.html'), INDEX);
  await writeFile(path.join(dir, 'assets/index-AbCd1234.js'), BUNDLE);
  await writeFile(path.join(dir, 'assets/index-AbCd1234.css'), 'body{margin:0}');
  await writeFile(path.join(dir, 'assets/inter-Zz99Yy88.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  await writeFile(path.join(dir, 'public/build/img/icons/unicons/sitemap.svg'), '<svg/>');
  await writeFile(path.join(dir, '.env'), 'SECRET=dotfile');
  // Outside the build: must never be served.
  await writeFile(path.join(base, 'secret.txt'), 'TOP SECRET');

  const handler = createStaticUiHandler({ dir, logger: silent });
  if (!handler) throw new Error('handler expected for a built directory');
  server = http.createServer((req, res) => {
    if (handler(req, res)) return;
    const text = JSON.stringify({ error: { code: 'not_found', message: 'no route' } });
    res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 404 : 405, {
      'content-type': 'application/json',
    });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(base, { recursive: true, force: true });
});

describe('static UI handler', () => {
  it('serves index.html at / with no-cache', async () => {
    const res = await request('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body.toString()).toBe(INDEX);
  });

  it('answers client-side routes with index.html', async () => {
    for (const route of [
      '/traces',
      '/a/beacon-agents-app/trace/0af7651916cd43dd8448eb211c80319c',
      '/compare?x=1',
    ]) {
      const res = await request(route);
      expect(res.status, route).toBe(200);
      expect(res.headers['content-type'], route).toBe('text/html; charset=utf-8');
      expect(res.body.toString(), route).toBe(INDEX);
    }
  });

  it('serves files with their content type and caches hashed assets forever', async () => {
    const js = await request('/assets/index-AbCd1234.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect(js.body.toString()).toBe(BUNDLE);

    const css = await request('/assets/index-AbCd1234.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const font = await request('/assets/inter-Zz99Yy88.woff2');
    expect(font.headers['content-type']).toBe('font/woff2');

    const icon = await request('/public/build/img/icons/unicons/sitemap.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
    expect(icon.body.toString()).toBe('<svg/>');
  });

  it('gzips text when the client accepts it, and answers HEAD without a body', async () => {
    const gz = await request('/assets/index-AbCd1234.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(gz.body).toString()).toBe(BUNDLE);

    const head = await request('/assets/index-AbCd1234.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(BUNDLE));
    expect(head.body.length).toBe(0);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await request('/assets/index-AbCd1234.css');
    const etag = first.headers.etag;
    expect(etag).toBeTruthy();
    const again = await request('/assets/index-AbCd1234.css', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('answers 404 for a missing asset instead of index.html', async () => {
    for (const missing of [
      '/assets/index-Missing0.js',
      '/favicon.ico',
      '/public/build/img/icons/unicons/nope.svg',
    ]) {
      const res = await request(missing);
      expect(res.status, missing).toBe(404);
      expect(res.body.toString(), missing).not.toContain('<html');
    }
  });

  it('refuses path traversal and dotfiles', async () => {
    for (const evil of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/%2e%2e%5c%2e%2e%5csecret.txt',
      '/secret.txt%00.js',
      '/.env',
      '/%2eenv',
    ]) {
      const res = await request(evil);
      expect(res.status, evil).toBeGreaterThanOrEqual(400);
      expect(res.body.toString(), evil).not.toContain('SECRET');
    }
    const malformed = await request('/%E0%A4%A');
    expect(malformed.status).toBe(400);
  });

  it('leaves the API, metrics, health paths and other methods to the server', async () => {
    for (const p of ['/api/v1/nope', '/api', '/metrics', '/healthz', '/readyz']) {
      const res = await request(p);
      expect(res.status, p).toBe(404);
      expect(res.headers['content-type'], p).toBe('application/json');
    }
    const post = await request('/', { method: 'POST' });
    expect(post.status).toBe(405);
  });
});

describe('createStaticUiHandler without a build', () => {
  it('returns undefined and logs how to build the UI', () => {
    const warn = vi.fn();
    const handler = createStaticUiHandler({
      dir: path.join(tmpdir(), 'beacon-no-such-ui-build'),
      logger: { info: () => {}, warn },
    });
    expect(handler).toBeUndefined();
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[1])).toContain('build:standalone');
  });
});
