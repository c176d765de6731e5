import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests run the workspace packages' TypeScript sources: their `@sealpeer/source` export condition
// (package.json "exports"; the default condition is the compiled dist/ that npm consumers get).
const SOURCE = '@sealpeer/source';

export default defineConfig({
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE, ...defaultServerConditions] } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    pool: 'forks',
    globalSetup: ['./test-support/build-packages.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test-support/summary-reporter.ts'],
    // No focused tests may ever reach main: fail the run if one exists.
    allowOnly: false,
  },
});
