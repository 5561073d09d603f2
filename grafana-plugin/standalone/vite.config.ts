// Standalone host of the Beacon app plugin: the plugin's pages outside Grafana, built into
// grafana-plugin/dist-standalone and served by the collector at `/` on the API port (collector/src/api/static-ui.ts).
// `npm run build:standalone -w grafana-plugin`; `npx vite --config standalone/vite.config.ts` (in grafana-plugin/)
// serves it with /api proxied to a running collector (BEACON_API_URL, default http://localhost:4320).
import { cpSync, createReadStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** @grafana/ui ships its SVG icons here; Icon fetches them from `window.__grafana_public_path__ + build/img/icons/`. */
const ICONS_SRC = path.join(
  path.dirname(require.resolve('@grafana/ui/package.json')),
  'dist/public/img/icons',
);
/** Icons Grafana serves itself but @grafana/ui does not ship (spinner, …): see icons/README.md. */
const EXTRA_ICONS = path.join(here, 'icons');
const ICONS_URL = '/public/build/img/icons/';
const OUT_DIR = path.resolve(here, '../dist-standalone');

function grafanaIcons(): Plugin {
  return {
    name: 'beacon-grafana-icons',
    configureServer(server) {
      server.middlewares.use(ICONS_URL, (req, res, next) => {
        const rel = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
        if (rel.includes('..') || !rel.endsWith('.svg')) return next();
        const file = [ICONS_SRC, EXTRA_ICONS].map((dir) => path.join(dir, rel)).find((f) => existsSync(f));
        if (!file) return next();
        res.setHeader('content-type', 'image/svg+xml');
        createReadStream(file).pipe(res);
      });
    },
    closeBundle() {
      const target = path.join(OUT_DIR, ICONS_URL);
      cpSync(EXTRA_ICONS, target, { recursive: true, filter: (src) => !src.endsWith('.md') });
      cpSync(ICONS_SRC, target, { recursive: true });
    },
  };
}

const apiTarget = process.env.BEACON_API_URL ?? 'http://localhost:4320';

export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  plugins: [grafanaIcons()],
  resolve: {
    // @grafana/ui's TruncatedText imports the whole server renderer for a tooltip's text (react-dom-server-text.ts).
    alias: [{ find: /^react-dom\/server$/, replacement: path.join(here, 'react-dom-server-text.ts') }],
  },
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    // @grafana/ui is one large chunk; the host is served from loopback, size warnings are noise.
    chunkSizeWarningLimit: 8000,
    rolldownOptions: {
      onwarn(warning, warn) {
        // "use client" directives in @grafana/ui's dependencies: meaningless outside React Server Components.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: { '/api': apiTarget, '/metrics': apiTarget, '/healthz': apiTarget, '/readyz': apiTarget },
  },
});
