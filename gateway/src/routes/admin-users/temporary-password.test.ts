/** @module routes/admin-users/temporary-password tests: generated passwords pass the password rule and are readable. */
import { describe, expect, it } from 'vitest'
import { PasswordRule, ruleError } from '../../lib/rules.js'
import { temporaryPassword } from './temporary-password.js'

describe('temporaryPassword', () => {
  it('always passes the password rule, in three groups of four without look-alikes', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const p = temporaryPassword()
      expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{4}-[A-HJ-NP-Za-km-z2-9]{4}-[A-HJ-NP-Za-km-z2-9]{4}$/)
      expect(ruleError(PasswordRule, p)).toBeNull()
      seen.add(p)
    }
    expect(seen.size).toBe(200)
  })
})
