// The standalone UI on the API port: serves the plugin's standalone build (grafana-plugin/dist-standalone, a Vite
// single-page app) at `/`. Files by path, `index.html` for client-side routes, never anything outside the build.
import { createReadStream, existsSync, readFileSync, type Stats, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createLogger, type Logger } from '../logger.js';

/** Answers the request and returns true, or returns false when the path is not the UI's (the caller goes on). */
export type StaticUiHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface StaticUiOptions {
  /** The build to serve; defaults to grafana-plugin/dist-standalone next to this collector package. */
  dir?: string;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/** grafana-plugin/dist-standalone, from collector/src/api (tests) or collector/dist/api (built). */
export const DEFAULT_UI_DIR = fileURLToPath(
  new URL('../../../grafana-plugin/dist-standalone', import.meta.url),
);

/** Paths the UI never answers: the API server's own routes, so an unknown one stays a JSON 404. */
const RESERVED = /^\/(api|metrics|healthz|readyz)(\/|$)/;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};
const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.map',
  '.svg',
  '.txt',
  '.ttf',
  '.otf',
]);
/** Vite's content-hashed output (`assets/index-iA9BWj9R.js`): safe to cache forever. */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
/** Files above this are streamed as they are rather than gzipped in memory. */
const MAX_GZIP_BYTES = 8 * 1024 * 1024;

export function createStaticUiHandler(options: StaticUiOptions = {}): StaticUiHandler | undefined {
  const root = path.resolve(options.dir ?? DEFAULT_UI_DIR);
  const logger = options.logger ?? createLogger('info');
  const indexFile = path.join(root, 'index.html');
  if (!existsSync(indexFile)) {
    logger.warn(
      { dir: root },
      'standalone UI not built, so / serves nothing: run `npm run build:standalone -w grafana-plugin` (npm start does)',
    );
    return undefined;
  }
  logger.info({ dir: root }, 'serving the standalone UI at /');

  // gzip once per file version (path + mtime + size); the build is small and changes only on a rebuild.
  const gzipCache = new Map<string, { key: string; body: Buffer }>();
  const gzipped = (file: string, stats: Stats): Buffer | undefined => {
    const key = `${stats.mtimeMs}:${stats.size}`;
    const cached = gzipCache.get(file);
    if (cached?.key === key) return cached.body;
    try {
      const body = gzipSync(readFileSync(file), { level: 6 });
      gzipCache.set(file, { key, body });
      return body;
    } catch {
      return undefined;
    }
  };

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const rawPath = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
    if (RESERVED.test(rawPath)) return false;

    let urlPath: string;
    try {
      urlPath = decodeURIComponent(rawPath);
    } catch {
      sendText(res, 400, 'bad request: malformed path');
      return true;
    }
    // No NUL, no backslashes (Windows separators), no dot segments or dotfiles: nothing outside the build.
    const segments = urlPath.split('/');
    if (urlPath.includes('\0') || urlPath.includes('\\') || segments.some((s) => s.startsWith('.'))) {
      sendText(res, 404, 'not found');
      return true;
    }
    const last = segments[segments.length - 1] ?? '';
    const isRoute = !path.extname(last);
    const file = isRoute ? indexFile : path.join(root, ...segments);
    if (file !== indexFile && !file.startsWith(root + path.sep)) {
      sendText(res, 404, 'not found');
      return true;
    }

    let stats: Stats;
    try {
      stats = statSync(file);
      if (!stats.isFile()) throw new Error('not a file');
    } catch {
      sendText(res, 404, `not found: ${isRoute ? 'index.html' : urlPath}`);
      return true;
    }

    const ext = path.extname(file).toLowerCase();
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const headers: Record<string, string | number> = {
      'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
      'cache-control':
        file === indexFile
          ? 'no-cache'
          : HASHED_ASSET.test(urlPath)
            ? 'public, max-age=31536000, immutable'
            : 'public, max-age=3600',
      etag,
      'last-modified': stats.mtime.toUTCString(),
      'x-content-type-options': 'nosniff',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }

    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const gz =
      acceptsGzip && COMPRESSIBLE.has(ext) && stats.size > 1024 && stats.size <= MAX_GZIP_BYTES
        ? gzipped(file, stats)
        : undefined;
    if (COMPRESSIBLE.has(ext)) headers.vary = 'Accept-Encoding';
    if (gz) {
      headers['content-encoding'] = 'gzip';
      headers['content-length'] = gz.length;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : gz);
      return true;
    }
    headers['content-length'] = stats.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
    return true;
  };
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}
