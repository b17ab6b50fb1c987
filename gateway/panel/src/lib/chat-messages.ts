/**
 * What the Chats screen reads out of stored messages and chats (api/chats.ts): names and numbers,
 * a one-line preview, the ticks of an outgoing message, media, a thread merged from pages and polls,
 * and which incoming messages still need a read receipt. Pure functions, tested beside.
 */
import type { ChatRow, ContactRow, MediaContent, MessageContent, MessageKey, MessageRecord, MessageStatus, Timestamp } from '../api/chats.js'

// ---- JIDs, names, numbers -----------------------------------------------------------------------

export const isGroupJid = (jid: string) => jid.endsWith('@g.us')

/** The user part of a JID without a device suffix: `595981000001:12@s.whatsapp.net` -> 595981000001. */
export function jidUser(jid: string): string {
  return (jid.split('@')[0] ?? '').split(':')[0] ?? ''
}

/** `+595981000001` for a phone JID; groups, lids and broadcasts keep their id. */
export function jidLabel(jid: string): string {
  const user = jidUser(jid)
  return jid.endsWith('@s.whatsapp.net') && /^\d+$/.test(user) ? `+${user}` : jid.endsWith('@g.us') ? 'Group' : user || jid
}

/** The JID of what a user typed: digits (`+`, spaces, dashes, brackets dropped) @s.whatsapp.net; a JID as is. */
export function jidOf(input: string): string | null {
  const t = input.trim()
  if (/@(s\.whatsapp\.net|g\.us|lid|broadcast)$/.test(t)) return t
  const digits = t.replace(/[\s+\-().]/g, '')
  return /^\d{6,17}$/.test(digits) ? `${digits}@s.whatsapp.net` : null
}

/** Contacts by JID, for the chats whose pushName the upstream left empty (Evolution issue #2004). */
export function contactNames(contacts: ContactRow[] | null | undefined): Map<string, string> {
  const m = new Map<string, string>()
  for (const c of contacts ?? []) if (c.pushName && c.pushName.trim()) m.set(c.remoteJid, c.pushName.trim())
  return m
}

/** The chat's display name: its name, the contact's pushName, else the number. */
export function chatTitle(chat: Pick<ChatRow, 'remoteJid' | 'pushName' | 'name'>, names?: Map<string, string>): string {
  const n = chat.name?.trim() || chat.pushName?.trim() || names?.get(chat.remoteJid)
  return n || jidLabel(chat.remoteJid)
}

// ---- time ------------------------------------------------------------------------------------------

/** messageTimestamp in seconds (a number, a numeric string or a Long); 0 when unreadable. */
export function tsSeconds(ts: Timestamp | null | undefined): number {
  if (typeof ts === 'number') return Number.isFinite(ts) ? ts : 0
  if (typeof ts === 'string') return Number(ts) || 0
  if (ts && typeof ts === 'object' && typeof ts.low === 'number') return (ts.high ?? 0) * 2 ** 32 + (ts.low >>> 0)
  return 0
}

/** A list time: the clock for today, else the day (with the year when it is not this year's). */
export function fmtChatTime(d: Date | null, now = new Date()): string {
  if (!d || Number.isNaN(d.getTime())) return ''
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit' })
  const sameYear = d.getFullYear() === now.getFullYear()
  return d.toLocaleDateString('en', { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) })
}

export const recordDate = (r: Pick<MessageRecord, 'messageTimestamp'>): Date | null => {
  const s = tsSeconds(r.messageTimestamp)
  return s > 0 ? new Date(s * 1000) : null
}

/** When the chat last moved: its updatedAt, else its last message's time. */
export function chatDate(chat: Pick<ChatRow, 'updatedAt' | 'lastMessage'>): Date | null {
  if (chat.updatedAt) {
    const d = new Date(chat.updatedAt)
    if (!Number.isNaN(d.getTime())) return d
  }
  return chat.lastMessage ? recordDate(chat.lastMessage) : null
}

// ---- content ---------------------------------------------------------------------------------------

export type MediaKind = 'image' | 'video' | 'ptv' | 'audio' | 'document' | 'sticker'
const MEDIA_KEYS: [keyof MessageContent, MediaKind][] = [
  ['imageMessage', 'image'],
  ['videoMessage', 'video'],
  ['ptvMessage', 'ptv'],
  ['audioMessage', 'audio'],
  ['documentMessage', 'document'],
  ['stickerMessage', 'sticker'],
]

/** The media a message carries (documentWithCaptionMessage unwrapped), or null. */
export function mediaOf(message: MessageContent | null | undefined): { kind: MediaKind; media: MediaContent } | null {
  if (!message) return null
  for (const [k, kind] of MEDIA_KEYS) {
    const v = message[k]
    if (v && typeof v === 'object') return { kind, media: v as MediaContent }
  }
  const wrapped = message.documentWithCaptionMessage?.message?.documentMessage
  return wrapped ? { kind: 'document', media: wrapped } : null
}

const MEDIA_WORDS: Record<MediaKind, string> = { image: 'Photo', video: 'Video', ptv: 'Video note', audio: 'Audio', document: 'Document', sticker: 'Sticker' }
export const mediaWord = (k: MediaKind) => MEDIA_WORDS[k]

/** The text of a message: its body, a caption, a reaction's emoji, a location's name, a poll's question. */
export function messageText(message: MessageContent | null | undefined): string {
  if (!message) return ''
  const media = mediaOf(message)
  const parts = [
    message.conversation,
    message.extendedTextMessage?.text,
    media?.media.caption,
    message.reactionMessage?.text,
    message.locationMessage?.name ?? message.locationMessage?.address,
    message.contactMessage?.displayName,
    message.contactsArrayMessage?.displayName,
    message.pollCreationMessage?.name ?? message.pollCreationMessageV3?.name,
    message.listMessage?.title ?? message.listMessage?.description,
    message.buttonsMessage?.contentText,
  ]
  return parts.find((p): p is string => typeof p === 'string' && p.trim() !== '') ?? ''
}

/** One line for the chat list: "📷 Photo · caption", "Location: name", the text, or the type in words. */
export function previewText(rec: Pick<MessageRecord, 'message' | 'messageType'> | null | undefined): string {
  if (!rec) return ''
  const m = rec.message
  const text = messageText(m)
  const media = mediaOf(m)
  if (media) {
    const word = media.kind === 'document' ? (media.media.fileName || media.media.name || media.media.title || 'Document') : mediaWord(media.kind)
    return text ? `${word}: ${text}` : word
  }
  if (m?.reactionMessage) return text ? `Reacted ${text}` : 'Removed a reaction'
  if (m?.locationMessage) return `Location${text ? `: ${text}` : ''}`
  if (m?.contactMessage || m?.contactsArrayMessage) return `Contact${text ? `: ${text}` : ''}`
  if (m?.pollCreationMessage || m?.pollCreationMessageV3) return `Poll${text ? `: ${text}` : ''}`
  if (text) return text
  return typeWords(rec.messageType)
}

/** `imageMessage` -> "image", `conversation` -> "text", `pollCreationMessageV3` -> "poll creation v3". */
export function typeWords(t: string): string {
  if (t === 'conversation' || t === 'extendedTextMessage') return 'text'
  return t.replace(/Message/, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim().toLowerCase() || 'message'
}

/** A thumbnail's data: URL from Baileys' jpegThumbnail (base64, a serialised Buffer, or byte values). */
export function thumbnailSrc(media: MediaContent | null | undefined): string | null {
  const t = media?.jpegThumbnail as unknown
  if (typeof t === 'string' && t.length > 0) return t.startsWith('data:') ? t : `data:image/jpeg;base64,${t}`
  let bytes: number[] | null = null
  if (Array.isArray(t)) bytes = t as number[]
  else if (t && typeof t === 'object') {
    const o = t as Record<string, unknown>
    if (Array.isArray(o.data)) bytes = o.data as number[]
    else if ('0' in o) bytes = Object.keys(o).filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b)).map((k) => Number(o[k]))
  }
  if (!bytes || bytes.length === 0) return null
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b & 0xff)
  return `data:image/jpeg;base64,${btoa(s)}`
}

// ---- statuses and ticks ----------------------------------------------------------------------------

const RANK: Record<string, number> = { PENDING: 0, SERVER_ACK: 1, DELIVERY_ACK: 2, READ: 3, PLAYED: 4 }

/**
 * The furthest status a message reached: the highest of its own `status` and its MessageUpdate rows
 * (Evolution never updates an outgoing row's status, only adds MessageUpdate rows). ERROR only when
 * no delivery step is known; DELETED and EDITED are not delivery steps and are skipped.
 */
export function messageStatus(rec: Pick<MessageRecord, 'status' | 'MessageUpdate'>): MessageStatus | null {
  const all = [rec.status, ...(rec.MessageUpdate ?? []).map((u) => u.status)].filter((s): s is string => typeof s === 'string').map((s) => s.toUpperCase())
  let best: MessageStatus | null = null
  for (const s of all) if (s in RANK && (best === null || RANK[s]! > RANK[best]!)) best = s as MessageStatus
  return best ?? (all.includes('ERROR') ? 'ERROR' : null)
}

/** The gateway's live `message.status` values (lib/use-live-status) as the chat's statuses. */
const FROM_GATEWAY: Record<string, MessageStatus> = { sent: 'SERVER_ACK', delivered: 'DELIVERY_ACK', read: 'READ', failed: 'ERROR' }

/**
 * The status to draw once the gateway pushed one: the further of the two. A pushed failure shows only
 * while no delivery step is known (as in `messageStatus`); a loaded ERROR stays.
 */
export function withLiveStatus(loaded: MessageStatus | null, pushed: string | null): MessageStatus | null {
  const p = pushed ? FROM_GATEWAY[pushed] : undefined
  if (!p || loaded === 'ERROR') return loaded
  if (p === 'ERROR') return loaded === null || loaded === 'PENDING' ? 'ERROR' : loaded
  return loaded === null || RANK[p]! > RANK[loaded]! ? p : loaded
}

export type Ticks = { mark: string; label: string; tone: 'pending' | 'sent' | 'delivered' | 'read' | 'error' }

/** The ticks of an outgoing message, as WhatsApp draws them. */
export function ticksFor(status: MessageStatus | null): Ticks {
  switch (status) {
    case 'SERVER_ACK':
      return { mark: '✓', label: 'Sent', tone: 'sent' }
    case 'DELIVERY_ACK':
      return { mark: '✓✓', label: 'Delivered', tone: 'delivered' }
    case 'READ':
      return { mark: '✓✓', label: 'Read', tone: 'read' }
    case 'PLAYED':
      return { mark: '✓✓', label: 'Played', tone: 'read' }
    case 'ERROR':
      return { mark: '!', label: 'Not sent', tone: 'error' }
    default:
      return { mark: '', label: 'Pending', tone: 'pending' }
  }
}

// ---- the thread ------------------------------------------------------------------------------------

/** What a thread shows: one bubble per message; reactions go under the message they react to. */
export type ThreadItem = { rec: MessageRecord; reactions: { emoji: string; fromMe: boolean }[] }

/**
 * Merges newly read records into a thread by key id, oldest first: a newer copy replaces an older one
 * (so statuses move on) but never moves a status back (a send's answer says PENDING with a `status`,
 * a findMessages record carries MessageUpdate rows only). Records of another chat are dropped.
 * `incoming` is newest first, as findMessages answers: messages of the same second keep that order.
 */
export function mergeRecords(current: MessageRecord[], incoming: MessageRecord[], remoteJid: string): MessageRecord[] {
  const byId = new Map<string, MessageRecord>()
  for (const r of current) byId.set(r.key.id, r)
  for (let i = incoming.length - 1; i >= 0; i--) {
    const r = incoming[i]!
    if (!r?.key?.id || r.key.remoteJid !== remoteJid) continue
    const old = byId.get(r.key.id)
    const was = old ? messageStatus(old) : null
    const now = messageStatus(r)
    const behind = was !== null && was !== 'ERROR' && now !== 'ERROR' && (now === null || RANK[now]! < RANK[was]!)
    byId.set(r.key.id, behind ? { ...r, status: was, MessageUpdate: old!.MessageUpdate ?? r.MessageUpdate ?? null } : r)
  }
  return [...byId.values()].sort((a, b) => tsSeconds(a.messageTimestamp) - tsSeconds(b.messageTimestamp))
}

/** Bubbles of a thread: reactions attached to their message (the latest reaction per sender wins). */
export function threadItems(records: MessageRecord[]): ThreadItem[] {
  const items: ThreadItem[] = []
  const byId = new Map<string, ThreadItem>()
  const reactions: MessageRecord[] = []
  for (const rec of records) {
    if (rec.message?.reactionMessage) {
      reactions.push(rec)
      continue
    }
    if (rec.message?.protocolMessage) continue
    const item = { rec, reactions: [] }
    items.push(item)
    byId.set(rec.key.id, item)
  }
  const latest = new Map<string, { target: string; emoji: string; fromMe: boolean }>()
  for (const r of reactions) {
    const target = r.message?.reactionMessage?.key?.id
    if (!target) continue
    const who = r.key.fromMe ? 'me' : (r.key.participant ?? r.key.remoteJid)
    latest.set(`${target} ${who}`, { target, emoji: r.message?.reactionMessage?.text ?? '', fromMe: r.key.fromMe })
  }
  for (const { target, emoji, fromMe } of latest.values()) {
    const item = byId.get(target)
    if (item && emoji) item.reactions.push({ emoji, fromMe })
  }
  return items
}

/**
 * The incoming messages a read receipt is owed for when a thread opens: those not known to be read
 * (no READ or PLAYED in their status or updates), and of those only the newest `unreadCount` when the
 * chat list gives that count (findMessages records carry no status, so without it every incoming message
 * would look unread). Without a count, only those whose status says unread. `done`: ids already marked.
 */
export function unreadKeys(records: MessageRecord[], unreadCount: number | null | undefined, done: ReadonlySet<string>): MessageKey[] {
  const notRead = records.filter((r) => {
    if (r.key.fromMe || r.message?.reactionMessage) return false
    const s = messageStatus(r)
    return s === null ? typeof unreadCount === 'number' : (RANK[s] ?? RANK.READ!) < RANK.READ!
  })
  const owed = typeof unreadCount === 'number' ? (unreadCount > 0 ? notRead.slice(-unreadCount) : []) : notRead
  return owed.filter((r) => !done.has(r.key.id)).map((r) => r.key)
}

// ---- the chat list ---------------------------------------------------------------------------------

/** Whether a chat matches the search: its name, number or JID, or its last message's text. */
export function chatMatches(chat: ChatRow, query: string, names?: Map<string, string>): boolean {
  const q = query.trim().toLowerCase()
  if (!q) return true
  const digits = q.replace(/[\s+\-().]/g, '')
  if (/^\d+$/.test(digits) && jidUser(chat.remoteJid).includes(digits)) return true
  const hay = [chatTitle(chat, names), chat.remoteJid, previewText(chat.lastMessage)].join('\n').toLowerCase()
  return hay.includes(q)
}
