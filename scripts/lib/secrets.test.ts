/**
 * @module scripts/lib/secrets.test
 * Generated secrets follow the password rules and survive a second start.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensureSecrets, generateApiKey, generatePassword } from './secrets.js'

describe('secrets', () => {
  it('passwords satisfy the password rule', () => {
    for (let i = 0; i < 200; i++) {
      const p = generatePassword()
      expect(p.length).toBeGreaterThanOrEqual(8)
      expect(p).toMatch(/[A-Z]/)
      expect(p).toMatch(/[a-z]/)
      expect(p).toMatch(/[0-9]/)
    }
  })
  it('api keys are 32 bytes of hex', () => {
    expect(generateApiKey()).toMatch(/^[0-9a-f]{64}$/)
  })
  it('generates once, reuses after, and never overrides the environment', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'))
    const first = ensureSecrets({}, dir)
    expect(first.generated.sort()).toEqual(['ADMIN_PASSWORD', 'AUTHENTICATION_API_KEY'])
    expect(fs.statSync(first.file).mode & 0o777).toBe(0o600)
    const second = ensureSecrets({}, dir)
    expect(second.generated).toEqual([])
    expect(second.values).toEqual(first.values)
    const given = ensureSecrets({ ADMIN_PASSWORD: 'Mine_123x' }, dir)
    expect(given.values.ADMIN_PASSWORD).toBeUndefined()
    expect(given.values.AUTHENTICATION_API_KEY).toBe(first.values.AUTHENTICATION_API_KEY)
  })
})
