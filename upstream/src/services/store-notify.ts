/**
 * @module upstream/services/store-notify
 * How chat-store changes are worded as webhooks. A chat that appeared: chats.upsert
 * `[{remoteJid, instanceId, name, unreadMessages}]` (Evolution's shape). A stored chat that changed:
 * chats.update with its whole current state (Evolution sends only `{remoteJid, instanceId}`, dropping
 * what changed; a client needs the fields). Contacts: contacts.upsert for new ones, contacts.update for
 * changed ones, always an array of `{remoteJid, pushName, profilePicUrl, instanceId}` (Evolution sends a
 * lone object in the message case). Nothing is sent for an empty list.
 */
import type { ChangedChat, ChatRow } from '../db/chats.js'
import type { ChangedContact } from '../db/contacts.js'
import type { Tx } from '../db/instances.js'
import type { EventSource, WebhookDispatcher } from '../webhooks/dispatcher.js'

/** What the store handlers need of a session's context. */
export type StoreContext = {
  sql: Tx
  webhooks: WebhookDispatcher
  /** Mutable: ownerJid changes when the session opens. */
  src: EventSource
}

/** chats.update's item: the chat's whole state. */
export function chatStateJson(src: EventSource, c: ChatRow) {
  return {
    remoteJid: c.remoteJid,
    instanceId: src.id,
    name: c.name,
    unreadMessages: c.unreadMessages,
    archived: c.archived,
    pinned: c.pinned,
    markedUnread: c.markedUnread,
    muteEndTime: c.muteEndTime === null ? null : Number(c.muteEndTime),
    labels: c.labels,
  }
}

/** chats.upsert for the created rows, chats.update for the others. */
export function emitChatChanges(ctx: Pick<StoreContext, 'webhooks' | 'src'>, rows: ChangedChat[]): void {
  const created = rows.filter((c) => c.created)
  const changed = rows.filter((c) => !c.created)
  if (created.length) {
    ctx.webhooks.emit(ctx.src, 'chats.upsert', created.map((c) => ({ remoteJid: c.remoteJid, instanceId: ctx.src.id, name: c.name, unreadMessages: c.unreadMessages })))
  }
  if (changed.length) ctx.webhooks.emit(ctx.src, 'chats.update', changed.map((c) => chatStateJson(ctx.src, c)))
}

/** contacts.upsert for the created rows, contacts.update for the others. */
export function emitContactChanges(ctx: Pick<StoreContext, 'webhooks' | 'src'>, rows: ChangedContact[]): void {
  const json = (c: ChangedContact) => ({ remoteJid: c.remoteJid, pushName: c.pushName, profilePicUrl: c.profilePicUrl, instanceId: ctx.src.id })
  const created = rows.filter((c) => c.created)
  const changed = rows.filter((c) => !c.created)
  if (created.length) ctx.webhooks.emit(ctx.src, 'contacts.upsert', created.map(json))
  if (changed.length) ctx.webhooks.emit(ctx.src, 'contacts.update', changed.map(json))
}
