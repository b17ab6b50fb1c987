import { defineConfig } from 'vitest/config'

// Unit and in-process integration tests (real Postgres/Redis via tests/support). The HTTP suite is bats.
export default defineConfig({
  test: {
    include: ['common/**/*.test.ts', 'gateway/src/**/*.test.ts', 'upstream/**/*.test.ts', 'db/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.data/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
