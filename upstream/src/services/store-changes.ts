/**
 * @module upstream/services/store-changes
 * The chat store's side of the driver events that change what is stored: the phone's chats and contacts,
 * revokes and deletes, edits and poll votes. Each writes its rows, adds the status history row Evolution
 * keeps (DELETED, EDITED, poll votes) and emits its webhook:
 *   chats.upsert / chats.update / chats.delete, contacts.upsert / contacts.update (store-notify.ts);
 *   messages.delete: the WhatsApp key `{remoteJid, fromMe, id, participant?}`, or `{remoteJid, all:true}`
 *     when the phone cleared a chat;
 *   messages.edited: Evolution's protocolMessage `{key, type:"MESSAGE_EDIT", editedMessage, timestampMs}`;
 *   messages.update with `pollUpdates` for poll votes.
 */
import { deleteChats, upsertChats } from '../db/chats.js'
import { upsertContacts } from '../db/contacts.js'
import { insertMessageUpdates } from '../db/message-updates.js'
import { applyEdit, findStoredMessage, markChatDeleted, markDeleted, type MessageRow } from '../db/messages.js'
import type { ChatsEvent, ContactsEvent, DeleteEvent, EditEvent, MessageKey, PollUpdateEvent } from '../driver/types.js'
import { emitChatChanges, emitContactChanges, type StoreContext } from './store-notify.js'
import { keyJson, storedContent } from './stored-message.js'

export async function onChats(ctx: StoreContext, ev: ChatsEvent): Promise<void> {
  if (ev.type === 'delete') {
    if (ev.remoteJids.length === 0) return
    await deleteChats(ctx.sql, ctx.src.id, ev.remoteJids)
    ctx.webhooks.emit(ctx.src, 'chats.delete', ev.remoteJids)
    return
  }
  emitChatChanges(ctx, await upsertChats(ctx.sql, ctx.src.id, ev.chats))
}

export async function onContacts(ctx: StoreContext, ev: ContactsEvent): Promise<void> {
  emitContactChanges(ctx, await upsertContacts(ctx.sql, ctx.src.id, ev.contacts))
}

/** A status history row for `key`, tied to its stored message when there is one. */
function historyRow(key: MessageKey, row: MessageRow | null | undefined, status: string, pollUpdates: unknown[] | null = null) {
  return {
    messageId: row?.id ?? null,
    keyId: key.id,
    remoteJid: key.remoteJid,
    fromMe: key.fromMe,
    participant: key.participant ?? row?.participant ?? null,
    status,
    pollUpdates,
  }
}

/** Revokes and deletes keep the row (flagged `deleted`), as Evolution keeps it. */
export async function onDeleted(ctx: StoreContext, ev: DeleteEvent): Promise<void> {
  const { sql, src } = ctx
  if (ev.type === 'clear') {
    await markChatDeleted(sql, src.id, ev.remoteJid)
    emitChatChanges(ctx, await upsertChats(sql, src.id, [{ remoteJid: ev.remoteJid, unreadMessages: 0 }]))
    ctx.webhooks.emit(src, 'messages.delete', { remoteJid: ev.remoteJid, all: true })
    return
  }
  const keys = ev.type === 'revoke' ? [ev.key] : ev.keys
  const rows = await markDeleted(sql, src.id, keys.map((k) => k.id))
  const byId = new Map(rows.map((r) => [r.keyId, r]))
  await insertMessageUpdates(sql, src.id, keys.map((k) => historyRow(k, byId.get(k.id), 'DELETED')))
  for (const k of keys) ctx.webhooks.emit(src, 'messages.delete', keyJson(k))
}

export async function onEdited(ctx: StoreContext, ev: EditEvent): Promise<void> {
  const { sql, src } = ctx
  const content = storedContent(ev.messageType, ev.message)
  const row = await applyEdit(sql, src.id, ev.key.id, content)
  await insertMessageUpdates(sql, src.id, [historyRow(ev.key, row, 'EDITED')])
  ctx.webhooks.emit(src, 'messages.edited', {
    key: keyJson(ev.key),
    type: 'MESSAGE_EDIT',
    editedMessage: ev.message,
    timestampMs: String(ev.editedAt * 1000),
  })
}

/** Poll votes: a status history row carrying them (status = the poll message's own), and messages.update. */
export async function onPoll(ctx: StoreContext, ev: PollUpdateEvent): Promise<void> {
  const { sql, src } = ctx
  const row = await findStoredMessage(sql, src.id, ev.key.id)
  const status = row?.status ?? 'SERVER_ACK'
  await insertMessageUpdates(sql, src.id, [historyRow(ev.key, row, status, ev.pollUpdates)])
  ctx.webhooks.emit(src, 'messages.update', {
    keyId: ev.key.id,
    remoteJid: ev.key.remoteJid,
    fromMe: ev.key.fromMe,
    ...(ev.key.participant ? { participant: ev.key.participant } : {}),
    status,
    pollUpdates: ev.pollUpdates,
    instanceId: src.id,
    messageId: row?.id ?? null,
    key: keyJson(ev.key),
  })
}
