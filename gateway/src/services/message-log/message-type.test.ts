/** @module services/message-log/message-type tests: what each /message/* send is logged as (D13, docs/decisions.md#d13). */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { messageTypeFor, recipientFor, scanKeyId, upstreamErrorText, waMessageId } from './message-type.js'

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
  it('the extra sends of the v2 contract: sticker, ptv (round video note), status (a story)', () => {
    expect(messageTypeFor('sendSticker', { number: '1', sticker: 'https://x/s.webp' })).toBe('sticker')
    expect(messageTypeFor('sendPtv', { number: '1', video: 'https://x/v.mp4' })).toBe('ptv')
    expect(messageTypeFor('sendStatus', { type: 'image', content: 'https://x/a.jpg' })).toBe('status')
    expect(messageTypeFor('sendTemplate', {})).toBe('template')
    // An action nobody listed still gets a readable type that fits the column.
    expect(messageTypeFor('sendSomethingNewAndVeryLong', {})).toBe('somethingnewandveryl')
    expect(recipientFor('sendSticker', { number: '595981123456' })).toBe('595981123456')
    expect(recipientFor('sendPtv', { number: '120363000000000000@g.us' })).toBe('120363000000000000@g.us')
    // A status goes to many (statusJidList / allContacts): logged against the broadcast JID its answer carries.
    expect(recipientFor('sendStatus', { type: 'text', content: 'hi', statusJidList: ['595981000001@s.whatsapp.net'] })).toBe('status@broadcast')
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

describe('scanKeyId (the message id read from the answer bytes)', () => {
  const scan = (text: string) => scanKeyId(Buffer.from(text))
  it('reads Evolution\'s plain answer', () => {
    expect(scan('{"key":{"remoteJid":"5959@s.whatsapp.net","fromMe":true,"id":"BAE5F00D"},"status":"PENDING","message":{"conversation":"hi"}}')).toBe('BAE5F00D')
    expect(scan('{"key":{"id":""}}')).toBeNull()
    expect(scan('{"key":{"id":"é✓"}}\n')).toBe('é✓')
  })
  it('leaves every other shape to JSON.parse (undefined)', () => {
    for (const t of [
      '{"status":"PENDING","key":{"id":"X"}}', // key not first
      '{"key":{"remoteJid":"a\\"b","id":"X"}}', // an escape inside key
      '{"key":{"nested":{"id":"Y"},"id":"X"}}', // a nested object
      '{"key":{"id":"X","id":"Y"}}', // a repeated member
      '{"key":{"xid":"1","id":2}}', // a numeric id
      '{"key":{"id":"X"},"a":', // truncated
      '{"key":{"fromMe":true}}',
      '',
    ]) expect(scan(t), t).toBeUndefined()
  })
  it('whenever it answers, it answers what JSON.parse + waMessageId would (generated answers)', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }))
    const key = fc.dictionary(fc.oneof(fc.constantFrom('id', 'remoteJid', 'fromMe'), fc.string()), value, { maxKeys: 4 })
    fc.assert(
      fc.property(key, fc.dictionary(fc.string(), value, { maxKeys: 3 }), (k, rest) => {
        const text = JSON.stringify({ key: k, ...rest, ...(Object.hasOwn(rest, 'key') ? { key: k } : {}) })
        const id = scanKeyId(Buffer.from(text))
        if (id !== undefined) expect(id).toBe(waMessageId(JSON.parse(text)))
      }),
      { seed: 16, numRuns: 2000 },
    )
  })
})
