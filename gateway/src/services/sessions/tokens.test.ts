/** @module services/sessions/tokens tests: token format, SHA-256 hashing as the reference does it, safeEqual. */
import { describe, expect, it } from 'vitest'
import { generateToken, safeEqual, sha256Hex } from './tokens.js'

describe('tokens', () => {
  it('are 64 lowercase hex chars and unique', () => {
    const a = generateToken()
    expect(a).toMatch(/^[0-9a-f]{64}$/)
    expect(generateToken()).not.toBe(a)
  })
  it('hash the hex text with SHA-256 (lowercase hex)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(sha256Hex(generateToken())).toMatch(/^[0-9a-f]{64}$/)
  })
  it('safeEqual compares content and length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true)
    expect(safeEqual('abc', 'abd')).toBe(false)
    expect(safeEqual('abc', 'abcd')).toBe(false)
    expect(safeEqual('', '')).toBe(true)
  })
})
