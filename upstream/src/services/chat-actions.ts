/**
 * @module upstream/services/chat-actions
 * The /chat action routes: the driver acts (driver/chat-actions.ts), then the chat store records what the
 * action changed and the webhooks say so, on the instance's event queue (so rows and events keep their
 * order with the driver's own reports, and are written before the HTTP answer leaves):
 *   markMessageAsRead: received messages READ (messages.update) and their chats read up to them (chats.update);
 *   archiveChat / markChatUnread: the chat's archived / markedUnread (chats.update);
 *   deleteMessageForEveryone: the message kept with `deleted`, a DELETED status row, messages.delete with the row;
 *   updateMessage: the new text or caption, an EDITED status row, send.message.update with the protocolMessage.
 * Evolution's answers, status codes and error texts are kept; the quirks fixed are listed in docs/chat-actions.md.
 */
import type * as v from 'valibot'
import type * as B from '../../../common/src/evolution/request-bodies.js'
import { upsertChats } from '../db/chats.js'
import { latestMessageOfChat } from '../db/chat-latest.js'
import type { InstanceRow, Tx } from '../db/instances.js'
import { insertMessageUpdates } from '../db/message-updates.js'
import { applyEdit, findStoredMessage, markDeleted, type MessageRow } from '../db/messages.js'
import type { LastMessage } from '../driver/chat-actions.js'
import { ConnectionClosedError } from '../driver/errors.js'
import type { MessageKey } from '../driver/types.js'
import { badRequest, EvoError, notFound } from '../lib/errors.js'
import { createJid, isGroupJid, jidUser } from '../lib/jid.js'
import { sleep } from '../lib/sleep.js'
import type { InstanceManager } from './instances.js'
import { recordAck, type SessionContext } from './session-events.js'
import { emitChatChanges } from './store-notify.js'
import { keyJson } from './stored-message.js'

export type ChatActionDeps = { sql: Tx; instances: InstanceManager }

type Body<S extends v.GenericSchema> = v.InferOutput<S>

/** An error as Evolution's `String(err)` shows it inside its wrapped messages. */
const errText = (err: unknown): string => (err instanceof ConnectionClosedError ? 'Error: Connection Closed' : String(err))

/** Our own 400s (a Cloud API "Method not available", a Meta error) pass through; other failures get the route's wrapper. */
async function wrapped<T>(fn: () => Promise<T>, wrap: (text: string) => EvoError): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof EvoError) throw err
    throw wrap(errText(err))
  }
}

/** Store work on the instance's event queue, waited for before answering. */
async function onQueue(ctx: SessionContext, fn: () => Promise<void>): Promise<void> {
  ctx.queue.push(fn)
  await ctx.queue.flush()
}

const toKey = (k: { id: string; fromMe: boolean; remoteJid: string; participant?: string | undefined }): MessageKey => ({
  id: k.id, fromMe: k.fromMe, remoteJid: createJid(k.remoteJid), ...(k.participant ? { participant: k.participant } : {}),
})

export async function markMessageAsRead(deps: ChatActionDeps, row: InstanceRow, body: Body<typeof B.ReadMessagesBody>) {
  const { session, ctx } = deps.instances.entry(row)
  // Broadcasts (statuses) take no read receipt here; @lid chats do (Evolution drops them silently).
  const keys = body.readMessages.map(toKey).filter((k) => !k.remoteJid.endsWith('@broadcast'))
  await wrapped(() => session.chat.readMessages(keys), (t) => new EvoError(500, ['Read messages fail', t]))
  await onQueue(ctx, async () => {
    for (const k of keys) if (!k.fromMe) await recordAck(ctx, k.id, 'READ', false)
  })
  return { message: 'Read messages', read: 'success' }
}

/** The message archive / unread marks anchor to: the given one, else (archive) the chat's newest stored one. */
async function anchor(sql: Tx, instanceId: string, last: Body<typeof B.LastMessageField> | undefined, chat: string | undefined, fail: (t: string) => EvoError) {
  if (last) {
    const ts = last.messageTimestamp === undefined ? Math.floor(Date.now() / 1000) : Number(last.messageTimestamp)
    return { jid: createJid(last.key.remoteJid), last: { key: toKey(last.key), messageTimestamp: ts } satisfies LastMessage }
  }
  if (!chat) throw badRequest('"lastMessage" or "chat" is required')
  const jid = createJid(chat)
  const row = await latestMessageOfChat(sql, instanceId, jid)
  // A chat with no stored message is the caller's input: the route's envelope, as a 400 (Evolution: 500).
  if (!row) throw new EvoError(400, fail('Last message not found').responseMessage)
  return { jid, last: { key: storedKey(row), messageTimestamp: Number(row.messageTimestamp) } }
}

const storedKey = (r: MessageRow): MessageKey => ({ id: r.keyId, fromMe: r.fromMe, remoteJid: r.remoteJid, ...(r.participant ? { participant: r.participant } : {}) })

export async function archiveChat(deps: ChatActionDeps, row: InstanceRow, body: Body<typeof B.ArchiveChatBody>) {
  const { session, ctx } = deps.instances.entry(row)
  const fail = (t: string) => new EvoError(500, [{ archived: false, message: ['An error occurred while archiving the chat. Open a calling.', t] }])
  const { jid, last } = await anchor(deps.sql, row.id, body.lastMessage, body.chat, fail)
  await wrapped(() => session.chat.archiveChat(jid, body.archive, last), fail)
  await onQueue(ctx, async () => emitChatChanges(ctx, await upsertChats(ctx.sql, row.id, [{ remoteJid: jid, archived: body.archive }])))
  // Evolution says `archived: true` even when un-archiving; we say what was done.
  return { chatId: body.lastMessage?.key.remoteJid ?? body.chat, archived: body.archive }
}

export async function markChatUnread(deps: ChatActionDeps, row: InstanceRow, body: Body<typeof B.MarkChatUnreadBody>) {
  const { session, ctx } = deps.instances.entry(row)
  const fail = (t: string) => new EvoError(500, [{ markedChatUnread: false, message: ['An error occurred while marked unread the chat. Open a calling.', t] }])
  const { jid, last } = await anchor(deps.sql, row.id, body.lastMessage, body.chat, fail)
  await wrapped(() => session.chat.markChatUnread(jid, last), fail)
  await onQueue(ctx, async () => emitChatChanges(ctx, await upsertChats(ctx.sql, row.id, [{ remoteJid: jid, markedUnread: true }])))
  return { chatId: body.chat ?? body.lastMessage.key.remoteJid, markedChatUnread: true }
}

/** messages.delete for a route deletion: the stored row with status DELETED (Evolution), else the key. */
function deletedJson(key: MessageKey, r: MessageRow | undefined) {
  if (!r) return keyJson(key)
  return {
    id: r.id, instanceId: r.instanceId, key: { ...r.key, deleted: true }, messageType: r.messageType, status: 'DELETED', source: r.source,
    messageTimestamp: Number(r.messageTimestamp), pushName: r.pushName, participant: r.participant, message: r.message,
  }
}

const statusRow = (key: MessageKey, r: MessageRow | null | undefined, status: string) => ({
  messageId: r?.id ?? null, keyId: key.id, remoteJid: key.remoteJid, fromMe: key.fromMe, participant: key.participant ?? r?.participant ?? null, status, pollUpdates: null,
})

export async function deleteMessageForEveryone(deps: ChatActionDeps, row: InstanceRow, body: Body<typeof B.DeleteMessageBody>) {
  const { session, ctx } = deps.instances.entry(row)
  const key = toKey(body)
  const sent = await wrapped(() => session.chat.deleteForEveryone(key), (t) => new EvoError(500, ['Error while deleting message for everyone', t]))
  await onQueue(ctx, async () => {
    const [r] = await markDeleted(ctx.sql, row.id, [key.id])
    await insertMessageUpdates(ctx.sql, row.id, [statusRow(key, r, 'DELETED')])
    ctx.webhooks.emit(ctx.src, 'messages.delete', deletedJson(key, r))
  })
  return sent
}

const TEXT_TYPES = new Set(['conversation', 'extendedTextMessage'])
const CAPTION_TYPES = new Set(['imageMessage', 'videoMessage'])

/** The stored content after the edit: a text replaced, or a caption replaced inside its media. */
function editedContent(r: MessageRow, text: string) {
  if (TEXT_TYPES.has(r.messageType)) return { messageType: 'conversation', message: { conversation: text }, contextInfo: null }
  const media = (r.message[r.messageType] ?? {}) as Record<string, unknown>
  return { messageType: r.messageType, message: { ...r.message, [r.messageType]: { ...media, caption: text } }, contextInfo: null }
}

export async function updateMessage(deps: ChatActionDeps, row: InstanceRow, body: Body<typeof B.UpdateMessageBody>) {
  const { session, ctx } = deps.instances.entry(row)
  const stored = await findStoredMessage(deps.sql, row.id, body.key.id)
  if (!stored) throw notFound('Message not found')
  const jid = createJid(body.number)
  if (jid !== stored.remoteJid) throw badRequest('RemoteJid does not match')
  if (!TEXT_TYPES.has(stored.messageType) && !CAPTION_TYPES.has(stored.messageType)) throw badRequest('Message not compatible')
  // Evolution builds these two refusals and never throws them (WhatsApp refuses such edits anyway).
  if (!stored.fromMe) throw badRequest('You cannot edit others messages')
  if (stored.deleted) throw badRequest('You cannot edit deleted messages')
  const key = storedKey(stored)
  const sent = await session.chat.editMessage(jid, key, body.text)
  const pm = (sent.message.protocolMessage ?? {}) as Record<string, unknown>
  await onQueue(ctx, async () => {
    const r = await applyEdit(ctx.sql, row.id, key.id, editedContent(stored, body.text))
    await insertMessageUpdates(ctx.sql, row.id, [statusRow(key, r, 'EDITED')])
    ctx.webhooks.emit(ctx.src, 'send.message.update', {
      key: keyJson(key), type: 'MESSAGE_EDIT', editedMessage: pm.editedMessage ?? { conversation: body.text }, timestampMs: String(pm.timestampMs ?? Date.now()),
    })
  })
  return sent
}

export async function fetchProfilePictureUrl(deps: ChatActionDeps, row: InstanceRow, body: Body<typeof B.ProfilePictureBody>) {
  const jid = createJid(body.number)
  return { wuid: jid, profilePictureUrl: await deps.instances.entry(row).session.chat.profilePictureUrl(jid) }
}

/** Evolution's existence check before acting on a recipient; groups and broadcasts are not checked. */
async function requireExists(deps: ChatActionDeps, row: InstanceRow, jid: string): Promise<void> {
  if (isGroupJid(jid) || jid.endsWith('@broadcast')) return
  const [check] = await deps.instances.entry(row).session.checkNumbers([jid])
  if (!check?.exists) throw new NotOnWhatsApp({ jid, exists: false, number: jidUser(jid) })
}

/** The existence record, carried to the route's own wrapper (Evolution flattens it to "[object Object]"). */
class NotOnWhatsApp extends Error {
  constructor(readonly record: { jid: string; exists: false; number: string }) {
    super('not on WhatsApp')
  }
}

/** WhatsApp shows a presence for a while: longer ones are renewed every 20 s, as Evolution does. */
const PRESENCE_CHUNK_MS = 20_000

export async function sendPresence(deps: ChatActionDeps, row: InstanceRow, body: Body<typeof B.SendPresenceBody>) {
  const chat = deps.instances.entry(row).session.chat
  const jid = createJid(body.number)
  try {
    await requireExists(deps, row, jid)
    let remaining = body.delay
    do {
      const chunk = Math.min(remaining, PRESENCE_CHUNK_MS)
      await chat.presenceSubscribe(jid)
      await chat.sendPresenceUpdate(body.presence, jid)
      await sleep(chunk)
      await chat.sendPresenceUpdate('paused', jid)
      remaining -= chunk
    } while (remaining > 0)
  } catch (err) {
    if (err instanceof NotOnWhatsApp) throw badRequest(err.record)
    if (err instanceof EvoError) throw err
    throw badRequest(errText(err))
  }
  return { presence: body.presence }
}

export async function updateBlockStatus(deps: ChatActionDeps, row: InstanceRow, body: Body<typeof B.BlockStatusBody>) {
  const chat = deps.instances.entry(row).session.chat
  const jid = createJid(body.number)
  try {
    await requireExists(deps, row, jid)
    await chat.updateBlockStatus(jid, body.status)
  } catch (err) {
    // Evolution answers 500 here; a number not on WhatsApp is the caller's input, and every other route that
    // needs a recipient answers it with the existence record as a 400 (a 500 would also count against the
    // gateway's breaker for what is only a wrong number).
    if (err instanceof NotOnWhatsApp) throw badRequest(err.record)
    if (err instanceof EvoError) throw err
    throw new EvoError(500, ['Error blocking user', errText(err)])
  }
  return { block: 'success' }
}
