/**
 * @module upstream/services/store-events
 * The chat store's side of the driver events that carry messages: live messages (received, or sent from
 * the phone) and history batches are stored once each (a redelivery is skipped, not relayed again), then
 * their chats and senders are recorded. Webhooks follow the rows: messages.upsert / messages.set for the
 * messages stored, chats.upsert (chats.set for history) for chats that appeared, contacts.upsert /
 * contacts.update for contacts that appeared or changed (store-notify.ts says how each is worded).
 */
import { touchChats, upsertChats, type ChatTouch } from '../db/chats.js'
import { upsertContacts, type ContactPatch } from '../db/contacts.js'
import { storeMessages, type MessageOrigin } from '../db/messages.js'
import type { HistoryBatch, WaMessage } from '../driver/types.js'
import { isGroupJid } from '../lib/jid.js'
import { toMessageRaw } from './message-raw.js'
import { emitChatChanges, emitContactChanges, type StoreContext } from './store-notify.js'
import { toNewMessage } from './stored-message.js'

/** History batches are written this many messages per statement. */
const HISTORY_CHUNK = 1000

/**
 * How messages move their chats. Live: a received message adds one unread, one we sent (from the phone)
 * means the chat was read, so the count restarts at 0. History never counts: the phone's own unreadCount
 * comes with the history's chats. A 1:1 chat without a name is named after its contact's pushName.
 */
function chatTouches(msgs: WaMessage[], origin: MessageOrigin): ChatTouch[] {
  const byJid = new Map<string, ChatTouch>()
  for (const m of msgs) {
    const jid = m.key.remoteJid
    const t = byJid.get(jid) ?? { remoteJid: jid, name: null, unreadSet: null, unreadAdd: 0 }
    if (!m.key.fromMe && !isGroupJid(jid) && m.pushName) t.name ??= m.pushName
    if (origin === 'live') {
      if (m.key.fromMe) {
        t.unreadSet = 0
        t.unreadAdd = 0
      } else t.unreadAdd += 1
    }
    byJid.set(jid, t)
  }
  return [...byJid.values()]
}

/** The senders of received messages (in a group: the participant, never the group). */
function senders(msgs: WaMessage[]): ContactPatch[] {
  const out: ContactPatch[] = []
  for (const m of msgs) {
    if (m.key.fromMe || !m.pushName) continue
    const jid = isGroupJid(m.key.remoteJid) ? m.key.participant : m.key.remoteJid
    if (jid) out.push({ remoteJid: jid, pushName: m.pushName })
  }
  return out
}

/** A live message (DriverEvents.inbound / outgoing). */
export async function onLiveMessage(ctx: StoreContext, msg: WaMessage): Promise<void> {
  const [row] = await storeMessages(ctx.sql, ctx.src.id, [toNewMessage(msg, ctx.src.id, 'live')])
  if (!row) return // already stored: a redelivery, or our own send echoed back
  ctx.webhooks.emit(ctx.src, 'messages.upsert', toMessageRaw(msg, ctx.src.id))
  const chats = await touchChats(ctx.sql, ctx.src.id, chatTouches([msg], 'live'))
  emitChatChanges(ctx, chats.filter((c) => c.created))
  emitContactChanges(ctx, await upsertContacts(ctx.sql, ctx.src.id, senders([msg])))
}

/** One history batch: the phone's chats and contacts first, then the messages not stored yet. */
export async function onHistory(ctx: StoreContext, batch: HistoryBatch): Promise<void> {
  const { sql, src } = ctx
  const chats = await upsertChats(sql, src.id, batch.chats)
  const contacts = await upsertContacts(sql, src.id, batch.contacts)
  // Oldest first, so row order follows time; a message listed twice in one batch is stored (and relayed) once.
  const ordered = [...new Map(batch.messages.map((m) => [m.key.id, m])).values()].sort((a, b) => a.messageTimestamp - b.messageTimestamp)
  const stored: WaMessage[] = []
  for (let i = 0; i < ordered.length; i += HISTORY_CHUNK) {
    const chunk = ordered.slice(i, i + HISTORY_CHUNK)
    const rows = await storeMessages(sql, src.id, chunk.map((m) => toNewMessage(m, src.id, 'history')))
    const inserted = new Set(rows.map((r) => r.keyId))
    stored.push(...chunk.filter((m) => inserted.has(m.key.id)))
  }
  const touched = await touchChats(sql, src.id, chatTouches(stored, 'history'))
  // History names are old: they only fill a contact that has none.
  const named = await upsertContacts(sql, src.id, senders(stored), { weak: true })

  const created = [...chats, ...touched].filter((c) => c.created)
  // Evolution's chats.set items: the chats that appeared, without their counters.
  if (created.length) ctx.webhooks.emit(src, 'chats.set', created.map((c) => ({ remoteJid: c.remoteJid, instanceId: src.id, name: c.name })))
  emitChatChanges(ctx, chats.filter((c) => !c.created))
  emitContactChanges(ctx, [...contacts, ...named])
  if (stored.length) ctx.webhooks.emit(src, 'messages.set', stored.map((m) => toMessageRaw(m, src.id)))
}
