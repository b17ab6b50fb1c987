/**
 * @module upstream/services/chat-find
 * The answers of /chat/findMessages, findStatusMessage, findContacts and findChats, read from the chat
 * store in Evolution v2's shapes. What differs from Evolution, on purpose (docs/chats-and-history.md):
 * `key.fromMe: false` filters (#1797); a time range takes one bound alone and epoch seconds; findContacts
 * honours `id` and `pushName` (Evolution's develop) and `page` without `offset` is ignored instead of a
 * 500; findStatusMessage honours every `where` key it validates; findChats lists chats that have no stored
 * message, names them from the contact (#2004), and adds `name`, `labels`, `archived`, `pinned`.
 */
import type * as v from 'valibot'
import type { FindChatsBody, FindContactsBody, FindMessagesBody, FindStatusMessageBody } from '../../../common/src/evolution/request-bodies.js'
import { listChats, type ChatListRow } from '../db/chat-list.js'
import { listContacts } from '../db/contacts.js'
import type { Tx } from '../db/instances.js'
import { countMessages, findMessages } from '../db/message-search.js'
import { findStatusMessages, statusesOf } from '../db/message-updates.js'
import type { MessageRow } from '../db/messages.js'
import { createJid, isGroupJid, jidUser } from '../lib/jid.js'

/** Evolution's findMessages / findStatusMessage page size. */
const DEFAULT_PAGE_SIZE = 50

/** A JID filter as Evolution reads it: as given when it has an `@`, else a number to normalise. */
const jidFilter = (s: string | undefined): string | undefined => (s === undefined ? undefined : s.includes('@') ? s : createJid(s))

const iso = (seconds: number) => new Date(seconds * 1000).toISOString()

/** Evolution's fallback for an empty pushName: "Você" for ours, else the sender's number. */
function shownPushName(row: Pick<MessageRow, 'pushName' | 'fromMe' | 'participant' | 'remoteJid'>): string {
  if (row.pushName) return row.pushName
  return row.fromMe ? 'Você' : jidUser(row.participant ?? row.remoteJid)
}

function messageRecord(row: MessageRow, updates: { status: string }[]) {
  return {
    id: row.id,
    key: row.deleted ? { ...row.key, deleted: true } : row.key,
    pushName: shownPushName(row),
    messageType: row.messageType,
    message: row.message,
    messageTimestamp: Number(row.messageTimestamp),
    instanceId: row.instanceId,
    source: row.source,
    contextInfo: row.contextInfo,
    // Not in Evolution's records; its current ack status is what a client asks next.
    status: row.status,
    MessageUpdate: updates,
  }
}

export async function findMessagesAnswer(sql: Tx, instanceId: string, body: v.InferOutput<typeof FindMessagesBody>) {
  const w = body.where ?? {}
  const filter = {
    id: w.id,
    keyId: w.key?.id,
    remoteJid: jidFilter(w.key?.remoteJid),
    fromMe: w.key?.fromMe,
    participant: jidFilter(w.key?.participant),
    messageType: w.messageType,
    source: w.source,
    from: w.messageTimestamp?.gte,
    to: w.messageTimestamp?.lte,
  }
  const size = body.offset ?? DEFAULT_PAGE_SIZE
  const page = body.page ?? 1
  const [total, rows] = await Promise.all([
    countMessages(sql, instanceId, filter),
    findMessages(sql, instanceId, filter, { limit: size, offset: size * (page - 1) }),
  ])
  const updates = new Map<string, { status: string }[]>()
  for (const u of await statusesOf(sql, rows.map((r) => r.id))) {
    const list = updates.get(u.messageId) ?? []
    list.push({ status: u.status })
    updates.set(u.messageId, list)
  }
  return { messages: { total, pages: Math.ceil(total / size), currentPage: page, records: rows.map((r) => messageRecord(r, updates.get(r.id) ?? [])) } }
}

export async function findStatusMessageAnswer(sql: Tx, instanceId: string, body: v.InferOutput<typeof FindStatusMessageBody>) {
  const w = body.where ?? {}
  const size = body.offset ?? DEFAULT_PAGE_SIZE
  const rows = await findStatusMessages(
    sql,
    instanceId,
    { remoteJid: jidFilter(w.remoteJid), keyId: w.id, fromMe: w.fromMe, participant: jidFilter(w.participant), status: w.status },
    { limit: size, offset: size * ((body.page ?? 1) - 1) },
  )
  return rows.map((u) => ({
    id: u.id, keyId: u.keyId, remoteJid: u.remoteJid, fromMe: u.fromMe, participant: u.participant, pollUpdates: u.pollUpdates,
    status: u.status, messageId: u.messageId, instanceId: u.instanceId,
  }))
}

export async function findContactsAnswer(sql: Tx, instanceId: string, body: v.InferOutput<typeof FindContactsBody>) {
  const w = body.where ?? {}
  // Evolution: `offset` is the page size and there is no limit without it (then `page` means nothing).
  const limit = body.offset ?? null
  const rows = await listContacts(
    sql,
    instanceId,
    { remoteJid: jidFilter(w.remoteJid), id: w.id, pushName: w.pushName },
    { limit, offset: limit === null ? 0 : limit * ((body.page ?? 1) - 1) },
  )
  return rows.map((c) => {
    const isGroup = isGroupJid(c.remoteJid)
    const isSaved = !!(c.pushName || c.profilePicUrl)
    return {
      id: c.id, remoteJid: c.remoteJid, pushName: c.pushName, profilePicUrl: c.profilePicUrl, createdAt: c.createdAt, updatedAt: c.updatedAt,
      instanceId: c.instanceId, isGroup, isSaved, type: isGroup ? 'group' : isSaved ? 'contact' : 'group_member',
    }
  })
}

/** Evolution's lastMessage keeps only a media item's caption (audio: seconds; documents: caption and name) and never base64. */
function reducedContent(message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, val] of Object.entries(message)) {
    if (k === 'base64') continue
    const m = (val && typeof val === 'object' ? val : {}) as Record<string, unknown>
    if (k === 'imageMessage' || k === 'videoMessage') out[k] = { caption: m.caption }
    else if (k === 'audioMessage') out[k] = { seconds: m.seconds }
    else if (k === 'stickerMessage') out[k] = {}
    else if (k === 'documentMessage') out[k] = { caption: m.caption, name: m.fileName ?? m.title, fileName: m.fileName }
    else out[k] = val
  }
  return out
}

function lastMessageJson(r: ChatListRow) {
  if (r.lastId === null) return null
  const fromMe = r.lastFromMe === true
  return {
    id: r.lastId,
    key: r.lastDeleted ? { ...r.lastKey, deleted: true } : r.lastKey,
    pushName: fromMe ? 'Você' : r.lastPushName,
    participant: r.lastParticipant,
    messageType: r.lastMessageType,
    message: reducedContent(r.lastMessage ?? {}),
    contextInfo: r.lastContextInfo,
    source: r.lastSource,
    messageTimestamp: Number(r.lastMessageTimestamp),
    instanceId: r.instanceId,
    sessionId: null,
    status: r.lastStatus,
  }
}

export async function findChatsAnswer(sql: Tx, instanceId: string, body: v.InferOutput<typeof FindChatsBody>) {
  const w = body.where ?? {}
  const rows = await listChats(
    sql,
    instanceId,
    { remoteJid: jidFilter(w.remoteJid), from: w.messageTimestamp?.gte, to: w.messageTimestamp?.lte },
    { limit: body.take ?? null, offset: body.skip ?? 0 },
  )
  const now = Date.now()
  return rows.map((r) => {
    const group = isGroupJid(r.remoteJid)
    // The 24-hour customer-service window opens with the contact's last message (Evolution: the chat's creation).
    const windowStart = r.lastReceivedAt !== null ? new Date(Number(r.lastReceivedAt) * 1000) : r.createdAt
    const windowExpires = new Date(windowStart.getTime() + 24 * 3600 * 1000)
    return {
      id: r.id,
      remoteJid: r.remoteJid,
      // A group is its subject; a person the contact's name, else the chat's, else what they last signed with.
      pushName: group ? r.name : (r.contactPushName ?? r.name ?? r.lastReceivedPushName ?? null),
      profilePicUrl: r.profilePicUrl,
      updatedAt: r.lastMessageTimestamp !== null ? iso(Number(r.lastMessageTimestamp)) : r.updatedAt.toISOString(),
      windowStart: windowStart.toISOString(),
      windowExpires: windowExpires.toISOString(),
      windowActive: now < windowExpires.getTime(),
      lastMessage: lastMessageJson(r),
      unreadCount: r.unreadMessages,
      isSaved: !!(r.contactPushName || r.profilePicUrl),
      name: r.name,
      labels: r.labels,
      archived: r.archived,
      pinned: r.pinned,
    }
  })
}
