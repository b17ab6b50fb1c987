/** @module services/totp tests: RFC 4226/6238 vectors, base32 round trips, window and replay. */
import { describe, expect, it } from 'vitest'
import { base32Decode, base32Encode, generateSecret, hotp, otpauthUri, totpAt, verifyTotp } from './totp.js'

// RFC 6238 appendix B, SHA-1 secret "12345678901234567890"; 8-digit values, we check their last 6.
const SECRET = base32Encode(Buffer.from('12345678901234567890'))
const VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
]

describe('hotp / totp', () => {
  it('matches RFC 4226 appendix D', () => {
    const key = Buffer.from('12345678901234567890')
    expect([0, 1, 2, 9].map((c) => hotp(key, c))).toEqual(['755224', '287082', '359152', '520489'])
  })
  it.each(VECTORS)('matches RFC 6238 at t=%i', (t, code8) => {
    expect(hotp(base32Decode(SECRET), Math.floor(t / 30), 8)).toBe(code8)
    expect(totpAt(SECRET, t * 1000)).toBe(code8.slice(2))
  })
})

describe('base32', () => {
  it('encodes without padding and decodes leniently', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI')
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar')
  })
  it('makes 32-char secrets of the RFC 4648 alphabet', () => {
    expect(generateSecret()).toMatch(/^[A-Z2-7]{32}$/)
  })
})

describe('verifyTotp', () => {
  const now = 1_700_000_000_000
  it('accepts -1, 0 and +1 steps and returns the step', () => {
    const step = Math.floor(now / 30000)
    for (const d of [-1, 0, 1]) expect(verifyTotp(SECRET, totpAt(SECRET, now + d * 30000), { now })).toBe(step + d)
    expect(verifyTotp(SECRET, totpAt(SECRET, now + 2 * 30000), { now })).toBeNull()
  })
  it('refuses non-strings, wrong lengths and wrong codes', () => {
    const code = totpAt(SECRET, now)
    expect(verifyTotp(SECRET, Number(code), { now })).toBeNull()
    expect(verifyTotp(SECRET, `${code}0`, { now })).toBeNull()
    expect(verifyTotp(SECRET, code === '000000' ? '111111' : '000000', { now })).toBeNull()
    expect(verifyTotp('', code, { now })).toBeNull()
  })
  it('refuses a replayed step', () => {
    const step = verifyTotp(SECRET, totpAt(SECRET, now), { now })
    expect(verifyTotp(SECRET, totpAt(SECRET, now), { now, afterStep: step })).toBeNull()
    expect(verifyTotp(SECRET, totpAt(SECRET, now + 30000), { now, afterStep: step })).toBe(step! + 1)
  })
})

it('builds the reference otpauth URI', () => {
  expect(otpauthUri('bob_1', 'ABC')).toBe(
    'otpauth://totp/TAGUATO-SEND%3Abob_1?secret=ABC&issuer=TAGUATO-SEND&algorithm=SHA1&digits=6&period=30',
  )
})
