import { describe, expect, it } from 'vitest'
import { hashSecret, matchesHash, newResetCode, newResetToken } from './codes.js'

describe('recovery codes', () => {
  it('are 6 digits, zero padded', () => {
    for (let i = 0; i < 200; i++) expect(newResetCode()).toMatch(/^\d{6}$/)
  })
  it('tokens are 64 hex chars', () => {
    expect(newResetToken()).toMatch(/^[0-9a-f]{64}$/)
  })
  it('are stored as sha-256 hex and matched only as strings', () => {
    const h = hashSecret('012345')
    expect(h).toMatch(/^[0-9a-f]{64}$/)
    expect(matchesHash('012345', h)).toBe(true)
    expect(matchesHash('012346', h)).toBe(false)
    expect(matchesHash(12345, h)).toBe(false)
  })
})
