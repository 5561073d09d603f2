// The floors under "time to usable": two pages that do nothing, built and served the way the standalone UI is
// (Vite production build, gzip, loopback) and opened by the same browser in the same run. `react` renders one
// element; `grafana-ui` is the standalone host's shell (theme, global styles, one @grafana/ui button). The trace
// page can open no faster than its floor, so the report sets each target beside them.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { REPO_ROOT } from '../lib/paths.mjs';
import { log } from '../lib/progress.mjs';

const HERE = fileURLToPath(new URL('./floor/', import.meta.url));
const OUT_DIR = path.join(os.tmpdir(), 'beacon-bench-trace-view-floor');
/** The floor pages, by name: their HTML file in floor/. */
export const FLOOR_PAGES = { react: 'react.html', 'grafana-ui': 'grafana-ui.html' };
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** Builds the floor pages with the standalone UI's react-dom/server stand-in (so the floor carries what it does). */
export async function buildFloors() {
  log('building the floor pages');
  await build({
    root: HERE,
    base: '/',
    logLevel: 'warn',
    configFile: false,
    resolve: {
      alias: [
        {
          find: /^react-dom\/server$/,
          replacement: path.join(REPO_ROOT, 'grafana-plugin/standalone/react-dom-server-text.ts'),
        },
      ],
    },
    build: {
      outDir: OUT_DIR,
      emptyOutDir: true,
      chunkSizeWarningLimit: 8000,
      rolldownOptions: {
        input: Object.values(FLOOR_PAGES).map((file) => path.join(HERE, file)),
        onwarn(warning, warn) {
          if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
        },
      },
    },
  });
}

/**
 * Serves the built floors on loopback, gzipped as the collector serves the UI (static-ui.ts); icons and fonts the
 * shell asks for get 404 (the button has no icon).
 * @returns {Promise<{ urls: Record<string, string>; close: () => Promise<void> }>}
 */
export async function serveFloors() {
  /** @type {Map<string, Buffer>} */
  const gzipped = new Map();
  const server = createServer(async (req, res) => {
    const rel = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    const file = path.join(OUT_DIR, rel);
    if (!file.startsWith(OUT_DIR) || rel.includes('..')) return void res.writeHead(404).end();
    let body = gzipped.get(file);
    if (!body) {
      const raw = await readFile(file).catch(() => null);
      if (!raw) return void res.writeHead(404).end();
      body = gzipSync(raw, { level: 6 });
      gzipped.set(file, body);
    }
    res.writeHead(200, {
      'content-type':
        TYPES[/** @type {keyof typeof TYPES} */ (path.extname(file))] ?? 'application/octet-stream',
      'content-encoding': 'gzip',
      'cache-control': 'no-cache',
    });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    urls: Object.fromEntries(
      Object.entries(FLOOR_PAGES).map(([name, file]) => [name, `http://127.0.0.1:${port}/${file}`]),
    ),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
