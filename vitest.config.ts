import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each test file runs in its own process: the embedded ClickHouse engine binds one data directory per process.
    pool: 'forks',
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: [
            'semconv/test/**/*.test.ts',
            'sdk/test/**/*.test.ts',
            'collector/test/**/*.test.ts',
            'dashboards/test/**/*.test.ts',
            'alerts/test/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          // The soak tests match *.test.ts too, but run alone in their own project (below).
          exclude: [...configDefaults.exclude, 'collector/test/soak/**'],
        },
      },
      {
        // The Grafana app plugin: React components in jsdom, plus checks of the built dist/.
        extends: true,
        test: {
          name: 'grafana-plugin',
          environment: 'jsdom',
          include: ['grafana-plugin/src/**/*.test.{ts,tsx}', 'grafana-plugin/test/**/*.test.{ts,tsx}'],
          setupFiles: ['grafana-plugin/test/setup.ts'],
          // @grafana/* ship ESM that imports .css (uPlot) and CJS moment-timezone: let Vite process them.
          server: { deps: { inline: [/@grafana\//] } },
        },
      },
      {
        // Minutes-long load and memory tests: run on their own (`vitest run --project soak`), after the rest, so no
        // other test file competes with them for CPU and their numbers mean something.
        extends: true,
        test: {
          name: 'soak',
          include: ['collector/test/soak/**/*.soak.test.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
});
