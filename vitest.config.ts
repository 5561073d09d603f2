import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'semconv/test/**/*.test.ts',
      'collector/test/**/*.test.ts',
      'dashboards/test/**/*.test.ts',
      'alerts/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // Each test file runs in its own process: the embedded ClickHouse engine binds one data directory per process.
    pool: 'forks',
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
