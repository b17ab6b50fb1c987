/**
 * @module scripts/vitest.browser.config
 * Vitest config for tests/browser/ (run by scripts/test.ts against a live stack, never by the default
 * config): one file at a time, since they drive one shared gateway through a real browser.
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['tests/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
})
