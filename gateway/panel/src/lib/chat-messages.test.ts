/** What the Chats screen reads out of stored chats and messages (gateway/panel/src/lib/chat-messages.ts). */
import { describe, expect, it } from 'vitest'
import type { ChatRow, MessageRecord } from '../api/chats.js'
import {
  chatMatches,
  chatTitle,
  contactNames,
  jidLabel,
  jidOf,
  mediaOf,
  mergeRecords,
  messageStatus,
  withLiveStatus,
  previewText,
  thumbnailSrc,
  threadItems,
  ticksFor,
  tsSeconds,
  unreadKeys,
} from './chat-messages.js'

const JID = '595981000001@s.whatsapp.net'
let n = 0
const rec = (o: Partial<MessageRecord> & { fromMe?: boolean; id?: string; text?: string }): MessageRecord => ({
  key: { remoteJid: JID, fromMe: o.fromMe ?? false, id: o.id ?? `M${++n}` },
  messageType: 'conversation',
  message: o.message ?? { conversation: o.text ?? 'hi' },
  messageTimestamp: o.messageTimestamp ?? 1_700_000_000 + n,
  ...(o.status !== undefined ? { status: o.status } : {}),
  ...(o.MessageUpdate !== undefined ? { MessageUpdate: o.MessageUpdate } : {}),
})

describe('names and numbers', () => {
  it('labels JIDs and reads typed numbers', () => {
    expect(jidLabel(JID)).toBe('+595981000001')
    expect(jidLabel('595981000001:7@s.whatsapp.net')).toBe('+595981000001')
    expect(jidLabel('120363000000000001@g.us')).toBe('Group')
    expect(jidLabel('123456789012345@lid')).toBe('123456789012345')
    expect(jidOf('+595 (981) 000-001')).toBe(JID)
    expect(jidOf('120363000000000001@g.us')).toBe('120363000000000001@g.us')
    expect(jidOf('hello')).toBeNull()
    expect(jidOf('123')).toBeNull()
  })
  it('a chat is called by its name, its pushName, its contact, else its number', () => {
    const names = contactNames([{ id: 'c', remoteJid: JID, pushName: ' Ana ' }])
    expect(chatTitle({ remoteJid: JID, name: 'Shop', pushName: 'Ana P' }, names)).toBe('Shop')
    expect(chatTitle({ remoteJid: JID, pushName: '' }, names)).toBe('Ana')
    expect(chatTitle({ remoteJid: JID, pushName: null })).toBe('+595981000001')
  })
  it('search: number digits (any formatting), name, or last message text', () => {
    const chat: ChatRow = { id: null, remoteJid: JID, pushName: 'Ana', lastMessage: rec({ text: 'Tienen stock?' }) }
    expect(chatMatches(chat, '+595 981')).toBe(true)
    expect(chatMatches(chat, 'ana')).toBe(true)
    expect(chatMatches(chat, 'STOCK')).toBe(true)
    expect(chatMatches(chat, '777')).toBe(false)
    expect(chatMatches(chat, '  ')).toBe(true)
  })
})

describe('content', () => {
  it('previews each kind of message in one line', () => {
    expect(previewText(rec({ text: 'hola' }))).toBe('hola')
    expect(previewText({ messageType: 'imageMessage', message: { imageMessage: { caption: 'menu' } } })).toBe('Photo: menu')
    expect(previewText({ messageType: 'imageMessage', message: { imageMessage: {} } })).toBe('Photo')
    expect(previewText({ messageType: 'documentMessage', message: { documentMessage: { name: 'a.pdf' } } })).toBe('a.pdf')
    expect(previewText({ messageType: 'documentWithCaptionMessage', message: { documentWithCaptionMessage: { message: { documentMessage: { fileName: 'b.pdf', caption: 'see' } } } } })).toBe('b.pdf: see')
    expect(previewText({ messageType: 'audioMessage', message: { audioMessage: { seconds: 3 } } })).toBe('Audio')
    expect(previewText({ messageType: 'reactionMessage', message: { reactionMessage: { text: '👍' } } })).toBe('Reacted 👍')
    expect(previewText({ messageType: 'locationMessage', message: { locationMessage: { name: 'Shop' } } })).toBe('Location: Shop')
    expect(previewText({ messageType: 'pollCreationMessageV3', message: {} })).toBe('poll creation v3')
    expect(previewText({ messageType: 'extendedTextMessage', message: { extendedTextMessage: { text: 'link' } } })).toBe('link')
    expect(previewText(null)).toBe('')
  })
  it('finds media and turns a jpegThumbnail into a data: URL, whatever its JSON form', () => {
    expect(mediaOf({ videoMessage: { seconds: 4 } })?.kind).toBe('video')
    expect(mediaOf({ conversation: 'x' })).toBeNull()
    expect(thumbnailSrc({ jpegThumbnail: '/9j/AA==' })).toBe('data:image/jpeg;base64,/9j/AA==')
    expect(thumbnailSrc({ jpegThumbnail: { type: 'Buffer', data: [255, 216] } as never })).toBe('data:image/jpeg;base64,/9g=')
    expect(thumbnailSrc({ jpegThumbnail: { 0: 255, 1: 216 } as never })).toBe('data:image/jpeg;base64,/9g=')
    expect(thumbnailSrc({})).toBeNull()
  })
  it('reads timestamps as numbers, strings and Longs', () => {
    expect(tsSeconds(1_700_000_000)).toBe(1_700_000_000)
    expect(tsSeconds('1700000000')).toBe(1_700_000_000)
    expect(tsSeconds({ low: 1_700_000_000, high: 0 })).toBe(1_700_000_000)
    expect(tsSeconds(undefined)).toBe(0)
  })
})

describe('statuses and ticks', () => {
  it('the furthest status of the record and its MessageUpdate rows', () => {
    expect(messageStatus({ status: 'PENDING', MessageUpdate: [{ status: 'SERVER_ACK' }, { status: 'READ' }, { status: 'DELIVERY_ACK' }] })).toBe('READ')
    expect(messageStatus({ MessageUpdate: [{ status: 'DELIVERY_ACK' }, { status: 'EDITED' }] })).toBe('DELIVERY_ACK')
    expect(messageStatus({ status: 'ERROR' })).toBe('ERROR')
    expect(messageStatus({ status: 'ERROR', MessageUpdate: [{ status: 'SERVER_ACK' }] })).toBe('SERVER_ACK')
    expect(messageStatus({})).toBeNull()
  })
  it('draws the ticks WhatsApp draws', () => {
    expect([null, 'PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED', 'ERROR'].map((s) => ticksFor(s as never).label)).toEqual([
      'Pending', 'Pending', 'Sent', 'Delivered', 'Read', 'Played', 'Not sent',
    ])
    expect(ticksFor('READ')).toMatchObject({ mark: '✓✓', tone: 'read' })
  })
})

describe('the thread', () => {
  it('merges pages and polls by key id, oldest first, never moving a status back', () => {
    const a = rec({ id: 'A', messageTimestamp: 10 })
    const b = rec({ id: 'B', fromMe: true, messageTimestamp: 20, status: 'PENDING' })
    const other = { ...rec({ id: 'X', messageTimestamp: 5 }), key: { remoteJid: 'other@s.whatsapp.net', fromMe: false, id: 'X' } }
    let t = mergeRecords([], [b, a, other], JID)
    expect(t.map((r) => r.key.id)).toEqual(['A', 'B'])
    t = mergeRecords(t, [{ ...b, status: undefined, MessageUpdate: [{ status: 'SERVER_ACK' }, { status: 'DELIVERY_ACK' }] }], JID)
    expect(messageStatus(t[1]!)).toBe('DELIVERY_ACK')
    // A later answer that knows less (no updates yet) keeps what was known.
    t = mergeRecords(t, [{ ...b, status: undefined, MessageUpdate: [] }], JID)
    expect(messageStatus(t[1]!)).toBe('DELIVERY_ACK')
    t = mergeRecords(t, [{ ...b, MessageUpdate: [{ status: 'READ' }] }], JID)
    expect(messageStatus(t[1]!)).toBe('READ')
    t = mergeRecords(t, [{ ...b, status: 'ERROR', MessageUpdate: [] }], JID)
    expect(messageStatus(t[1]!)).toBe('ERROR')
  })
  it('messages of the same second keep the upstream\'s order (newest first in its answer)', () => {
    const first = rec({ id: 'F', messageTimestamp: 50 })
    const second = rec({ id: 'S', fromMe: true, messageTimestamp: 50 })
    const newer = rec({ id: 'N', messageTimestamp: 60 })
    expect(mergeRecords([], [newer, second, first], JID).map((r) => r.key.id)).toEqual(['F', 'S', 'N'])
    // A send's answer, merged on its own, comes after what the thread had.
    expect(mergeRecords(mergeRecords([], [first], JID), [second], JID).map((r) => r.key.id)).toEqual(['F', 'S'])
  })
  it('puts reactions under their message (the latest per sender; an empty one removes it)', () => {
    const target = rec({ id: 'T', text: 'price?' })
    const react = (id: string, text: string, fromMe: boolean) =>
      rec({ id, fromMe, message: { reactionMessage: { key: { id: 'T', remoteJid: JID, fromMe: false }, text } } })
    const items = threadItems([target, react('R1', '👍', true), react('R2', '❤️', true), react('R3', '😂', false)])
    expect(items).toHaveLength(1)
    expect(items[0]!.reactions).toEqual([{ emoji: '❤️', fromMe: true }, { emoji: '😂', fromMe: false }])
    expect(threadItems([target, react('R4', '👍', true), react('R5', '', true)])[0]!.reactions).toEqual([])
  })
  it('owes read receipts for the unread incoming messages only', () => {
    const read = rec({ id: 'R', status: 'READ' })
    const unread1 = rec({ id: 'U1', status: 'DELIVERY_ACK' })
    const mine = rec({ id: 'O', fromMe: true, status: 'SERVER_ACK' })
    const unread2 = rec({ id: 'U2', status: 'DELIVERY_ACK' })
    const ids = (keys: { id: string }[]) => keys.map((k) => k.id)
    expect(ids(unreadKeys([read, unread1, mine, unread2], 2, new Set()))).toEqual(['U1', 'U2'])
    // The chat list's count bounds it: the newest ones.
    expect(ids(unreadKeys([read, unread1, mine, unread2], 1, new Set()))).toEqual(['U2'])
    expect(ids(unreadKeys([read, unread1, mine, unread2], 0, new Set()))).toEqual([])
    // Without a count, the statuses decide; without a status either (Evolution's records), nothing is assumed.
    expect(ids(unreadKeys([read, unread1, mine, unread2], null, new Set()))).toEqual(['U1', 'U2'])
    const bare = rec({ id: 'B' })
    expect(ids(unreadKeys([bare], null, new Set()))).toEqual([])
    expect(ids(unreadKeys([read, bare], 1, new Set()))).toEqual(['B'])
    // Already marked: not again.
    expect(ids(unreadKeys([unread1, unread2], 2, new Set(['U2'])))).toEqual(['U1'])
  })
})

describe('withLiveStatus: the gateway\'s pushed message.status moves the ticks on', () => {
  it('maps sent, delivered, read and failed to the chat\'s statuses and keeps the further one', () => {
    expect(withLiveStatus('PENDING', 'sent')).toBe('SERVER_ACK')
    expect(withLiveStatus('SERVER_ACK', 'delivered')).toBe('DELIVERY_ACK')
    expect(withLiveStatus('DELIVERY_ACK', 'read')).toBe('READ')
    expect(withLiveStatus(null, 'failed')).toBe('ERROR')
    expect(withLiveStatus('READ', 'delivered')).toBe('READ')
    expect(withLiveStatus('DELIVERY_ACK', 'failed')).toBe('DELIVERY_ACK')
    expect(withLiveStatus('ERROR', 'read')).toBe('ERROR')
    expect(withLiveStatus('SERVER_ACK', null)).toBe('SERVER_ACK')
    expect(withLiveStatus('SERVER_ACK', 'queued')).toBe('SERVER_ACK')
  })
})
