import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // Workers log expected activity failures (injected crashes, provider errors); show output only for failing tests.
    silent: 'passed-only',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Temporal servers and PostgreSQL are shared per run; keep the 2-core machine from thrashing.
    fileParallelism: false,
    pool: 'forks',
  },
});
