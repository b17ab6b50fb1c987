import { defineConfig } from 'vitest/config'

// Unit and in-process integration tests (real Postgres/Redis via tests/support). The HTTP suite is bats.
// One layout: each package's tests sit beside its code (`foo.test.ts` next to `foo.ts`); tests/integration
// holds the suites that cross services; tests/browser has its own config (scripts/vitest.browser.config.ts).
export default defineConfig({
  test: {
    include: [
      'common/src/**/*.test.ts',
      'gateway/src/**/*.test.ts',
      'gateway/panel/src/**/*.test.ts',
      'upstream/src/**/*.test.ts',
      'db/**/*.test.ts',
      'scripts/**/*.test.ts',
      'tests/integration/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'dist/**', '.data/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
