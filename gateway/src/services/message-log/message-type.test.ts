/** @module services/message-log/message-type tests: what each /message/* send is logged as (D13). */
import { describe, expect, it } from 'vitest'
import { messageTypeFor, recipientFor, upstreamErrorText, waMessageId } from './message-type.js'

describe('message log mapping', () => {
  it('maps actions to message_type (sendMedia: its mediatype, else media)', () => {
    expect(messageTypeFor('sendText', {})).toBe('text')
    expect(messageTypeFor('sendMedia', { mediatype: 'video' })).toBe('video')
    expect(messageTypeFor('sendMedia', {})).toBe('media')
    expect(messageTypeFor('sendWhatsAppAudio', {})).toBe('audio')
    expect(['sendLocation', 'sendContact', 'sendReaction', 'sendPoll', 'sendList', 'sendButtons', 'sendSticker'].map((a) => messageTypeFor(a, {})))
      .toEqual(['location', 'contact', 'reaction', 'poll', 'list', 'buttons', 'sticker'])
    expect(messageTypeFor('SENDTEXT', null)).toBe('text')
  })
  it('the recipient is the number or JID as given; reactions use key.remoteJid', () => {
    expect(recipientFor('sendText', { number: '120363000000000000@g.us' })).toBe('120363000000000000@g.us')
    expect(recipientFor('sendText', { number: 595981123456 })).toBe('595981123456')
    expect(recipientFor('sendReaction', { key: { remoteJid: '5959@s.whatsapp.net' } })).toBe('5959@s.whatsapp.net')
    expect(recipientFor('sendStatus', {})).toBe('status@broadcast')
    expect(recipientFor('sendText', { number: 'x'.repeat(300) })).toHaveLength(128)
  })
  it('reads Evolution error envelopes and message ids', () => {
    expect(upstreamErrorText({ status: 400, error: 'Bad Request', response: { message: [{ exists: false, number: '1' }] } })).toBe('[{"exists":false,"number":"1"}]')
    expect(upstreamErrorText({ status: 500, error: 'Internal Server Error', response: { message: 'Connection Closed' } })).toBe('Connection Closed')
    expect(upstreamErrorText({ error: 'WhatsApp API unavailable' })).toBe('WhatsApp API unavailable')
    expect(upstreamErrorText(undefined)).toBeNull()
    expect(waMessageId({ key: { id: '3EB0ABC' } })).toBe('3EB0ABC')
    expect(waMessageId({ status: 400 })).toBeNull()
  })
})
