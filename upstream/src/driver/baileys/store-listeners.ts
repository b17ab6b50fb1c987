/**
 * @module upstream/driver/baileys/store-listeners
 * The socket's message, history, chat and contact events -> the seam's DriverEvents (Baileys 7 rc event
 * shapes, lib/Types/Events.d.ts):
 *   messages.upsert (notify = live, append = received while offline or echoed): inbound / outgoing;
 *     our own API sends come back as `append` echoes and are skipped (the send flow stores them);
 *   messages.update: `status` -> ack (either direction; an ERROR nack with its code from
 *     messageStubParameters); `message: null` + stub REVOKE -> deleted revoke;
 *     `message.editedMessage` -> edited; `pollUpdates` -> poll;
 *   messaging-history.set -> history; chats.upsert/update/delete -> chats; contacts.upsert/update ->
 *     contacts; messages.delete (the phone's "delete for me" or "clear chat") -> deleted local / clear.
 * LID JIDs are reported in their phone form when Baileys names it (chat pnJid, contact phoneNumber).
 */
import { getContentType, jidNormalizedUser, normalizeMessageContent, type Chat, type ChatUpdate, type Contact, type WAMessageUpdate } from '@whiskeysockets/baileys'
import type { ChatInfo, ContactInfo, DriverEvents, PresenceEvent } from '../types.js'
import { ackStatus, inboundMessage, nackError, plainJson, seamKey, toWaMessage } from './events.js'
import type { WaSocket } from './socket-factory.js'

/** WAMessageStubType.REVOKE. */
const STUB_REVOKE = 1

const isPhone = (jid: string | null | undefined): jid is string => typeof jid === 'string' && jid.endsWith('@s.whatsapp.net')

/** A proto number or Long as a plain number (null when absent). */
function num(v: unknown): number | null {
  if (typeof v === 'number') return v
  if (v && typeof v === 'object') {
    const n = Number(String(v))
    return Number.isFinite(n) ? n : null
  }
  return null
}

/**
 * Only the fields Baileys gave: an absent field leaves the stored value alone. `unreadCount` is a count
 * in a chat list (chats.upsert, history) but a change in chats.update, as Baileys' own store reads it:
 * +n = n more received (already counted when those messages are stored, so ignored here), 0 = read on
 * the phone, -1 = marked unread.
 */
export function chatInfo(c: Chat | ChatUpdate, unread: 'count' | 'change' = 'count'): ChatInfo | null {
  const id = c.id ?? ''
  if (!id || id === 'status@broadcast') return null
  const out: ChatInfo = { remoteJid: id.endsWith('@lid') && isPhone(c.pnJid) ? jidNormalizedUser(c.pnJid) : id }
  if (typeof c.name === 'string' && c.name !== '') out.name = c.name
  if (typeof c.unreadCount === 'number') {
    if (unread === 'count') out.unreadMessages = Math.max(0, c.unreadCount)
    else if (c.unreadCount === 0) Object.assign(out, { unreadMessages: 0, markedUnread: false })
    else if (c.unreadCount < 0) out.markedUnread = true
  }
  if (typeof c.archived === 'boolean') out.archived = c.archived
  if (c.pinned !== undefined) out.pinned = (num(c.pinned) ?? 0) > 0
  if (typeof c.markedAsUnread === 'boolean') out.markedUnread = c.markedAsUnread
  if (c.muteEndTime !== undefined) out.muteEndTime = num(c.muteEndTime)
  return out
}

/** Baileys' contact -> ContactInfo: the saved name, else the contact's own, else the business name. */
export function contactInfo(c: Partial<Contact>): ContactInfo | null {
  const id = c.id ?? ''
  const remoteJid = isPhone(c.phoneNumber) ? jidNormalizedUser(c.phoneNumber) : id.endsWith('@lid') ? id : jidNormalizedUser(id)
  if (!remoteJid) return null
  const out: ContactInfo = { remoteJid }
  const name = c.name || c.notify || c.verifiedName
  if (name) out.pushName = name
  // 'changed' means "there is a new one" without saying which: leave the stored URL.
  if (c.imgUrl === null) out.profilePicUrl = null
  else if (typeof c.imgUrl === 'string' && c.imgUrl !== 'changed') out.profilePicUrl = c.imgUrl
  const lid = c.lid ?? (id.endsWith('@lid') ? id : undefined)
  if (lid) out.lid = lid
  return out
}

const present = <T>(x: T | null): x is T => x !== null

function onMessageUpdate(events: DriverEvents, { key, update }: WAMessageUpdate): void {
  if (!key.id || !key.remoteJid || key.remoteJid === 'status@broadcast') return
  const status = ackStatus(update.status)
  if (status) {
    // A nack (handleBadAck) carries WhatsApp's code: the gateway's ban signals read it (463 = timelock).
    const error = status === 'ERROR' ? nackError(update.messageStubParameters) : undefined
    events.ack({ keyId: key.id, remoteJid: seamKey(key).remoteJid, status, ...(error ? { error } : {}) })
  }
  if (update.message === null && update.messageStubType === STUB_REVOKE) events.deleted({ type: 'revoke', key: seamKey(key) })
  const edited = update.message?.editedMessage?.message
  if (edited) {
    const content = normalizeMessageContent(edited)
    const type = getContentType(content ?? undefined)
    if (content && type) {
      const editedAt = num(update.messageTimestamp) ?? Math.floor(Date.now() / 1000)
      events.edited({ key: seamKey(key), message: (plainJson(content) as Record<string, unknown>) ?? {}, messageType: type, editedAt })
    }
  }
  if (update.pollUpdates?.length) events.poll({ key: seamKey(key), pollUpdates: (plainJson(update.pollUpdates) as unknown[]) ?? [] })
}

/** Subscribes the session's store events; `live()` is false once the socket was dropped; `isOwnSend(id)` recognises our API's echoes. */
export function attachStoreListeners(sock: WaSocket, live: () => boolean, events: DriverEvents, isOwnSend: (id: string) => boolean): void {
  sock.ev.on('messages.upsert', ({ messages, type }) => {
    if (!live() || (type !== 'notify' && type !== 'append')) return
    for (const m of messages) {
      if (m.key?.fromMe && m.key.id && isOwnSend(m.key.id)) continue
      if (!m.key?.fromMe) {
        const msg = inboundMessage(m)
        if (msg) events.inbound(msg)
        continue
      }
      const msg = toWaMessage(m)
      if (msg) events.outgoing(msg)
    }
  })
  sock.ev.on('messages.update', (updates) => {
    if (live()) for (const u of updates) onMessageUpdate(events, u)
  })
  sock.ev.on('messaging-history.set', ({ chats, contacts, messages }) => {
    if (!live()) return
    events.history({
      chats: chats.map((c) => chatInfo(c)).filter(present),
      contacts: contacts.map(contactInfo).filter(present),
      messages: messages.map(toWaMessage).filter(present),
    })
  })
  sock.ev.on('chats.upsert', (chats) => {
    if (live()) events.chats({ type: 'upsert', chats: chats.map((c) => chatInfo(c)).filter(present) })
  })
  sock.ev.on('chats.update', (chats) => {
    if (live()) events.chats({ type: 'update', chats: chats.map((c) => chatInfo(c, 'change')).filter(present) })
  })
  sock.ev.on('chats.delete', (jids) => {
    if (live()) events.chats({ type: 'delete', remoteJids: jids })
  })
  sock.ev.on('contacts.upsert', (contacts) => {
    if (live()) events.contacts({ type: 'upsert', contacts: contacts.map(contactInfo).filter(present) })
  })
  sock.ev.on('contacts.update', (contacts) => {
    if (live()) events.contacts({ type: 'update', contacts: contacts.map(contactInfo).filter(present) })
  })
  sock.ev.on('presence.update', ({ id, presences }) => {
    if (!live()) return
    const out: PresenceEvent['presences'] = {}
    for (const [jid, p] of Object.entries(presences)) out[jid] = { lastKnownPresence: p.lastKnownPresence, ...(p.lastSeen !== undefined ? { lastSeen: p.lastSeen } : {}) }
    events.presence({ id, presences: out })
  })
  sock.ev.on('messages.delete', (d) => {
    if (!live()) return
    if ('keys' in d) events.deleted({ type: 'local', keys: d.keys.filter((k) => k.id && k.remoteJid).map(seamKey) })
    else events.deleted({ type: 'clear', remoteJid: d.jid })
  })
}
