import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test-support/summary-reporter.ts'],
    // No focused tests may ever reach main: fail the run if one exists.
    allowOnly: false,
  },
});
