// The upstream's environment schema (config.ts): every problem is reported at once.
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

describe('config', () => {
  it('lists every problem at once', () => {
    try {
      loadConfig({ UPSTREAM_PORT: 'abc', SANDBOX_ACK_DELAY_MS: '-5' })
      throw new Error('should have thrown')
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      const problems = (err as ConfigError).problems.join('\n')
      expect(problems).toContain('UPSTREAM_PORT')
      expect(problems).toContain('AUTHENTICATION_API_KEY is required')
      expect(problems).toContain('SANDBOX_ACK_DELAY_MS')
    }
  })
})
