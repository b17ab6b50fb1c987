/** The panel's words for the upstream's disconnect reason codes (gateway/panel/src/lib/disconnect-reasons.ts). */
import { describe, expect, it } from 'vitest'
import { disconnectReason, KNOWN_REASON_CODES } from './disconnect-reasons.js'

describe('disconnectReason (WhatsApp Web / Baileys codes)', () => {
  it.each([
    [401, /logged out from the phone: scan the QR code again/i, 'bad'],
    [440, /connection replaced by another device/i, 'bad'],
    [403, /banned/i, 'bad'],
    [405, /CONFIG_SESSION_PHONE_VERSION/, 'bad'],
    [500, /session is unusable: scan/i, 'bad'],
    [408, /connection lost.*reconnecting/i, 'warn'],
    [428, /^connection lost: reconnecting$/i, 'warn'],
    [503, /unavailable.*reconnecting/i, 'warn'],
    [515, /restart required \(automatic/i, 'warn'],
  ])('%i', (code, words, tone) => {
    const r = disconnectReason(code)
    expect(r?.code).toBe(code)
    expect(r?.words).toMatch(words)
    expect(r?.tone).toBe(tone)
  })

  it('has nothing to say without a code, for 200 (no error) or for garbage', () => {
    for (const v of [null, undefined, 200, 0, -1, 1.5, 'abc', {}, NaN]) expect(disconnectReason(v), String(v)).toBeNull()
  })

  it('reads a numeric string, and names an unknown code instead of hiding it', () => {
    expect(disconnectReason('401')?.code).toBe(401)
    expect(disconnectReason(499)).toEqual({ code: 499, words: expect.stringContaining('reason 499'), tone: 'warn' })
  })

  it('lists the codes it knows', () => {
    expect(KNOWN_REASON_CODES).toEqual(expect.arrayContaining([401, 403, 405, 408, 428, 440, 500, 503, 515]))
  })
})

describe('disconnectReason (Cloud API codes)', () => {
  it('401 is a refused token, 400 another Meta refusal, 503 Meta unreachable', () => {
    expect(disconnectReason(401, 'WHATSAPP-BUSINESS')?.words).toMatch(/access token/)
    expect(disconnectReason(400, 'WHATSAPP-BUSINESS')?.words).toMatch(/phone number id/)
    expect(disconnectReason(503, 'WHATSAPP-BUSINESS')).toMatchObject({ tone: 'warn', words: expect.stringMatching(/Meta could not be reached/) })
  })

  it('Baileys words apply to every other integration', () => {
    expect(disconnectReason(401, 'WHATSAPP-BAILEYS')?.words).toMatch(/phone/)
    expect(disconnectReason(401, 'EVOLUTION')?.words).toMatch(/phone/)
  })
})
