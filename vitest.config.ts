import { defineConfig } from 'vitest/config';

// One vitest run for the whole repo; workspace packages resolve to their TypeScript
// source through the `mailover-source` export condition, so tests never need a build.
export default defineConfig({
  resolve: { conditions: ['mailover-source'] },
  ssr: { resolve: { conditions: ['mailover-source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
