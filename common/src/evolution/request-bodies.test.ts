/**
 * @module common/evolution/request-bodies tests: what the schemas accept and refuse (the upstream's
 * wording of each issue is tested in upstream/src/routes/*.test.ts), and that the annotations for the document leave
 * validation alone.
 */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { CreateBody, LegacyWebhookBody, NumbersBody, SendMediaBody, SendTextBody, SettingsBody, WebhookSetBody } from './request-bodies.js'

const ok = (s: v.GenericSchema, x: unknown) => v.safeParse(s, x).success

describe('Evolution v2 request bodies', () => {
  it('sendText / sendMedia: number and text or media required; examples and descriptions change nothing', () => {
    expect(ok(SendTextBody, { number: '595981123456', text: 'hi', delay: 0 })).toBe(true)
    expect(ok(SendTextBody, { number: 595981123456, text: 'hi' })).toBe(false)
    expect(v.safeParse(SendTextBody, { number: 5, text: 'x' }).issues?.[0]?.message).toBe('Invalid format')
    expect(ok(SendTextBody, { number: '1', text: 'hi', delay: 300_001 })).toBe(false)
    expect(ok(SendMediaBody, { number: '1', mediatype: 'image', media: 'https://x/a.png' })).toBe(true)
    expect(ok(SendMediaBody, { number: '1', mediatype: 'sticker', media: 'x' })).toBe(false)
  })

  it('whatsappNumbers: a non-empty list without duplicates (the metadata only documents the check)', () => {
    expect(ok(NumbersBody, { numbers: ['1', '2'] })).toBe(true)
    expect(ok(NumbersBody, { numbers: [] })).toBe(false)
    expect(v.safeParse(NumbersBody, { numbers: ['1', '1'] }).issues?.[0]?.message).toBe('numbers contains duplicate item')
  })

  it('create / webhook / settings', () => {
    expect(ok(CreateBody, { instanceName: 'shop', integration: 'WHATSAPP-BAILEYS', qrcode: true })).toBe(true)
    expect(v.safeParse(CreateBody, { instanceName: 'a/b' }).issues?.[0]?.message).toBe('instanceName does not match pattern "^[^/]+$"')
    expect(ok(WebhookSetBody, { webhook: { enabled: true, url: 'http://x', events: ['MESSAGES_UPSERT'] } })).toBe(true)
    expect(ok(WebhookSetBody, { webhook: { enabled: true, url: 'http://x', events: ['NOPE'] } })).toBe(false)
    expect(ok(LegacyWebhookBody, { url: 'http://x', events: {} })).toBe(true)
    expect(ok(SettingsBody, { rejectCall: false, groupsIgnore: true, alwaysOnline: false, readMessages: false, readStatus: false, syncFullHistory: false })).toBe(true)
    expect(ok(SettingsBody, { rejectCall: false })).toBe(false)
  })
})
