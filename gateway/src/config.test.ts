/** @module config tests: defaults, coercion, and one error listing every problem. */
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

const KEY = { AUTHENTICATION_API_KEY: '0123456789abcdef0123' }

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({ ...KEY })
    expect(c).toMatchObject({
      GATEWAY_PORT: 8080,
      LOGIN_MAX_ATTEMPTS: 5,
      LOGIN_LOCK_MINUTES: 15,
      LOGIN_IP_MAX_FAILURES: 30,
      SESSION_TTL_HOURS: 24,
      RATE_LIMIT_DEFAULT: 600,
      TRUSTED_PROXIES: [],
      LOG_LEVEL: 'info',
      WORKERS_ENABLED: true,
      SMTP_HOST: '',
      UPSTREAM_URL: 'http://127.0.0.1:8081',
    })
  })
  it('coerces numbers, booleans and lists; blank means default', () => {
    const c = loadConfig({ ...KEY, GATEWAY_PORT: '9000', WORKERS_ENABLED: 'no', TRUSTED_PROXIES: ' 10.0.0.0/8 , ::1 ', LOGIN_MAX_ATTEMPTS: ' ' })
    expect([c.GATEWAY_PORT, c.WORKERS_ENABLED, c.TRUSTED_PROXIES, c.LOGIN_MAX_ATTEMPTS]).toEqual([9000, false, ['10.0.0.0/8', '::1'], 5])
  })
  it('lists every problem at once', () => {
    try {
      loadConfig({ GATEWAY_PORT: 'abc', LOGIN_LOCK_MINUTES: '0', ARGON2_MEMORY_KIB: '1024', LOG_LEVEL: 'loud' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      const problems = (err as ConfigError).problems.join('\n')
      for (const name of ['AUTHENTICATION_API_KEY', 'GATEWAY_PORT', 'LOGIN_LOCK_MINUTES', 'ARGON2_MEMORY_KIB', 'LOG_LEVEL']) expect(problems).toContain(name)
    }
  })
  it('refuses a short upstream key', () => {
    expect(() => loadConfig({ AUTHENTICATION_API_KEY: 'short' })).toThrow(/AUTHENTICATION_API_KEY must be at least 16 characters/)
  })
})
