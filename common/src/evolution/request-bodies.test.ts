/**
 * @module common/evolution/request-bodies tests: what the schemas accept and refuse (the upstream's
 * wording of each issue is tested in upstream/src/routes/*.test.ts), and that the annotations for the document leave
 * validation alone.
 */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import {
  CreateBody, FindChatsBody, FindContactsBody, FindMessagesBody, FindStatusMessageBody, LegacyWebhookBody, NumbersBody, SendMediaBody, SendTextBody,
  SettingsBody, toEpochSeconds, WebhookSetBody,
} from './request-bodies.js'

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

  it('find* time bounds: ISO 8601 (no zone = UTC), epoch milliseconds or epoch seconds, to epoch seconds', () => {
    expect(toEpochSeconds('2025-01-31T00:00:00Z')).toBe(1_738_281_600)
    expect(toEpochSeconds('2025-01-31T00:00:00')).toBe(1_738_281_600)
    expect(toEpochSeconds('2025-01-31')).toBe(1_738_281_600)
    expect(toEpochSeconds(1_738_281_600_000)).toBe(1_738_281_600)
    expect(toEpochSeconds(1_738_281_600)).toBe(1_738_281_600)
    expect(toEpochSeconds('1738281600123')).toBe(1_738_281_600)
    expect(toEpochSeconds('yesterday')).toBeNaN()
    const out = v.parse(FindMessagesBody, { where: { messageTimestamp: { gte: '2025-01-31T00:00:00Z' } } })
    expect(out.where?.messageTimestamp).toEqual({ gte: 1_738_281_600, lte: undefined })
  })

  it('find* bodies: paging numbers, key.fromMe boolean, statuses, non-empty contact filters', () => {
    expect(ok(FindMessagesBody, { where: { key: { remoteJid: 'x', fromMe: false } }, page: 2, offset: 25, sort: { x: 1 } })).toBe(true)
    expect(ok(FindMessagesBody, { offset: 0 })).toBe(false)
    expect(ok(FindMessagesBody, { page: '2' })).toBe(false)
    expect(ok(FindStatusMessageBody, { where: { status: 'READ' } })).toBe(true)
    expect(ok(FindStatusMessageBody, { where: { status: 'SEEN' } })).toBe(false)
    expect(ok(FindContactsBody, { where: { pushName: '' } })).toBe(false)
    expect(ok(FindChatsBody, { where: { messageTimestamp: { lte: 1 } }, take: 10, skip: 0 })).toBe(true)
    expect(ok(FindChatsBody, { skip: -1 })).toBe(false)
  })
})
