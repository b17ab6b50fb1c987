/** @module services/inbound/parse tests: which envelopes are inbound messages and what is stored. */
import { describe, expect, it } from 'vitest'
import { inboundRowsFrom, messageText } from './parse.js'

const NOW = new Date('2026-12-01T12:00:00Z')
const TS = Math.floor(Date.parse('2026-12-01T11:59:00Z') / 1000)

const upsert = (data: Record<string, unknown>, event = 'messages.upsert') => ({ event, instance: 'shop', data })
const raw = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  key: { remoteJid: '595981000001@s.whatsapp.net', fromMe: false, id: '3EB0AA' },
  pushName: 'Ana',
  message,
  messageTimestamp: TS,
  ...extra,
})

describe('inboundRowsFrom', () => {
  it('stores a contact\'s text message with its sender, name, type and time', () => {
    expect(inboundRowsFrom('shop', upsert({ ...raw({ conversation: 'hola' }), messageType: 'conversation' }), NOW)).toEqual([{
      instance_name: 'shop', key_id: '3EB0AA', remote_jid: '595981000001@s.whatsapp.net', from_number: '595981000001',
      push_name: 'Ana', message_type: 'conversation', text: 'hola', received_at: new Date(TS * 1000),
    }])
  })

  it('accepts MESSAGES_UPSERT spelling and an array of messages', () => {
    const rows = inboundRowsFrom('shop', { event: 'MESSAGES_UPSERT', data: [raw({ conversation: 'a' }), raw({ conversation: 'b' }, { key: { remoteJid: '1@s.whatsapp.net', fromMe: false, id: 'K2' } })] }, NOW)
    expect(rows.map((r) => r.text)).toEqual(['a', 'b'])
  })

  it.each([
    ['own messages', upsert(raw({ conversation: 'x' }, { key: { remoteJid: '595981000001@s.whatsapp.net', fromMe: true, id: 'K' } }))],
    ['status broadcasts', upsert(raw({ conversation: 'x' }, { key: { remoteJid: 'status@broadcast', fromMe: false, id: 'K' } }))],
    ['a message without key id', upsert(raw({ conversation: 'x' }, { key: { remoteJid: '1@s.whatsapp.net', fromMe: false } }))],
    ['a key without fromMe', upsert(raw({ conversation: 'x' }, { key: { remoteJid: '1@s.whatsapp.net', id: 'K' } }))],
    ['other events', upsert(raw({ conversation: 'x' }), 'messages.update')],
    ['no data', { event: 'messages.upsert', data: null }],
  ])('ignores %s', (_name, env) => {
    expect(inboundRowsFrom('shop', env as Record<string, unknown>, NOW)).toEqual([])
  })

  it('strips NUL (PostgreSQL text cannot hold it) and bounds lengths', () => {
    const [row] = inboundRowsFrom('shop', upsert(raw({ conversation: 'a\u0000b' }, { pushName: '\u0000\u0000' })), NOW)
    expect(row!.text).toBe('ab')
    expect(row!.push_name).toBeNull()
    const [long] = inboundRowsFrom('shop', upsert(raw({ conversation: 'x'.repeat(100_000) }, { messageType: 'y'.repeat(300) })), NOW)
    expect(long!.text!.length).toBe(65_536)
    expect(long!.message_type.length).toBe(64)
  })

  it('takes the sender from the group participant or the phone-number JID of a LID chat', () => {
    const [group] = inboundRowsFrom('shop', upsert(raw({ conversation: 'g' }, { key: { remoteJid: '120363@g.us', participant: '595981000009:3@s.whatsapp.net', fromMe: false, id: 'G' } })), NOW)
    expect(group!.from_number).toBe('595981000009')
    const [lid] = inboundRowsFrom('shop', upsert(raw({ conversation: 'l' }, { key: { remoteJid: '9876@lid', remoteJidAlt: '595981000007@s.whatsapp.net', fromMe: false, id: 'L' } })), NOW)
    expect(lid!.from_number).toBe('595981000007')
  })

  it('falls back to now for a missing or absurd timestamp; reads protobuf Longs and strings', () => {
    const at = (ts: unknown) => inboundRowsFrom('shop', upsert(raw({ conversation: 'x' }, { messageTimestamp: ts })), NOW)[0]!.received_at
    expect(at(undefined)).toEqual(NOW)
    expect(at('soon')).toEqual(NOW)
    expect(at(99_999_999_999)).toEqual(NOW)
    expect(at(String(TS))).toEqual(new Date(TS * 1000))
    expect(at({ low: TS, high: 0, unsigned: true })).toEqual(new Date(TS * 1000))
  })

  it('derives the type from the message when messageType is absent', () => {
    const [row] = inboundRowsFrom('shop', upsert(raw({ ephemeralMessage: { message: { imageMessage: { caption: 'pic' } } } })), NOW)
    expect([row!.message_type, row!.text]).toEqual(['imageMessage', 'pic'])
  })
})

describe('messageText', () => {
  it.each([
    [{ extendedTextMessage: { text: 'link https://x' } }, 'link https://x'],
    [{ imageMessage: { caption: 'photo' } }, 'photo'],
    [{ videoMessage: { caption: 'clip' } }, 'clip'],
    [{ documentMessage: { fileName: 'invoice.pdf' } }, 'invoice.pdf'],
    [{ documentWithCaptionMessage: { message: { documentMessage: { caption: 'see', fileName: 'a.pdf' } } } }, 'see'],
    [{ reactionMessage: { text: '👍', key: {} } }, '👍'],
    [{ locationMessage: { degreesLatitude: 1, name: 'Shop', address: 'Main st' } }, 'Shop'],
    [{ contactMessage: { displayName: 'Bob', vcard: '...' } }, 'Bob'],
    [{ buttonsResponseMessage: { selectedDisplayText: 'Yes' } }, 'Yes'],
    [{ audioMessage: { seconds: 3 } }, null],
    [{ imageMessage: {} }, null],
    [{}, null],
  ])('%j -> %j', (message, text) => {
    expect(messageText(message)).toBe(text)
  })
})
