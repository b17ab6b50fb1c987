/**
 * @module upstream/services/stored-message
 * A driver's WaMessage -> the upstream.messages row the chat store keeps. On storing, Evolution folds a
 * text (`extendedTextMessage`) into `conversation` and lifts its contextInfo beside it, and unwraps
 * `documentWithCaptionMessage`; we do the same so findMessages reads like Evolution's. Media metadata
 * (url, direct path, media key, hashes, Cloud media id) is copied out of the content into columns as the
 * driver gave it, so a later download can fetch and decrypt the file without re-parsing the message.
 */
import { randomUUID } from 'node:crypto'
import type { MediaFields, MessageOrigin, NewMessage } from '../db/messages.js'
import type { WaMessage } from '../driver/types.js'
import { jidUser } from '../lib/jid.js'
import { toMessageRaw } from './message-raw.js'

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null)

export type StoredContent = { messageType: string; message: Obj; contextInfo: Obj | null }

/** The content as the store keeps it (see the module comment). */
export function storedContent(messageType: string, message: Obj): StoredContent {
  if (messageType === 'extendedTextMessage') {
    const ext = obj(message.extendedTextMessage) ?? {}
    return { messageType: 'conversation', message: { conversation: typeof ext.text === 'string' ? ext.text : '' }, contextInfo: obj(ext.contextInfo) }
  }
  if (messageType === 'documentWithCaptionMessage') {
    const inner = obj(obj(message.documentWithCaptionMessage)?.message)
    if (inner?.documentMessage) return storedContent('documentMessage', inner)
  }
  return { messageType, message, contextInfo: obj(obj(message[messageType])?.contextInfo) }
}

const MEDIA = new Set(['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage', 'ptvMessage'])

/** Bytes as the drivers write them (`{"0":n,...}` objects, number arrays, or base64 text) -> base64. */
export function base64Of(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v
  if (Array.isArray(v)) return Buffer.from(v.map(Number)).toString('base64')
  const o = obj(v)
  if (!o) return null
  const keys = Object.keys(o).filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b))
  return keys.length ? Buffer.from(keys.map((k) => Number(o[k]))).toString('base64') : null
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN
  return Number.isFinite(n) ? n : null
}

const NO_MEDIA: MediaFields = {
  mediaType: null, mediaMimetype: null, mediaFileLength: null, mediaFileName: null, mediaUrl: null, mediaDirectPath: null,
  mediaKey: null, mediaFileSha256: null, mediaFileEncSha256: null, mediaId: null,
}

/** The media columns of a stored content (all null when it has no media). */
export function mediaFields(messageType: string, message: Obj): MediaFields {
  const m = MEDIA.has(messageType) ? obj(message[messageType]) : null
  if (!m) return NO_MEDIA
  return {
    mediaType: messageType.replace(/Message$/, ''),
    mediaMimetype: str(m.mimetype),
    mediaFileLength: num(m.fileLength),
    mediaFileName: str(m.fileName),
    mediaUrl: str(m.url),
    mediaDirectPath: str(m.directPath),
    mediaKey: base64Of(m.mediaKey),
    mediaFileSha256: base64Of(m.fileSha256),
    mediaFileEncSha256: base64Of(m.fileEncSha256),
    mediaId: str(m.id),
  }
}

const KIND: [RegExp, string][] = [
  [/^(conversation|extendedTextMessage)$/, 'text'],
  [/^audioMessage$/, 'audio'],
  [/^(image|video|document|sticker|ptv)Message$/, 'media'],
  [/^locationMessage$/, 'location'],
  [/^contact(s)?(Array)?Message$/, 'contact'],
  [/^reactionMessage$/, 'reaction'],
  [/^pollCreationMessage/, 'poll'],
  [/^listMessage$/, 'list'],
  [/^(buttons|interactive)Message$/, 'buttons'],
  [/^templateMessage$/, 'template'],
]

/** The send kind a message type corresponds to (rows not written by a send route have no request). */
export const kindOf = (messageType: string): string => KIND.find(([re]) => re.test(messageType))?.[1] ?? 'other'

/** The key as clients see it: participant only when there is one. */
export function keyJson(key: WaMessage['key']): Obj {
  return { remoteJid: key.remoteJid, fromMe: key.fromMe, id: key.id, ...(key.participant ? { participant: key.participant } : {}) }
}

/** The row for `msg`; `send` carries what the send route accepted (kind and request body). */
export function toNewMessage(msg: WaMessage, instanceId: string, origin: MessageOrigin, send?: { kind: string; payload: unknown }): NewMessage {
  const content = storedContent(msg.messageType, msg.message)
  return {
    id: randomUUID(),
    instanceId,
    keyId: msg.key.id,
    remoteJid: msg.key.remoteJid,
    number: jidUser(msg.key.remoteJid),
    fromMe: msg.key.fromMe,
    kind: send?.kind ?? kindOf(msg.messageType),
    // The stored message type is the folded one; the send's own type stays in `raw`.
    messageType: content.messageType,
    payload: send ? send.payload : msg.message,
    raw: toMessageRaw(msg, instanceId),
    status: msg.status,
    origin,
    key: keyJson(msg.key),
    participant: msg.key.participant ?? null,
    pushName: msg.pushName,
    message: content.message,
    messageTimestamp: msg.messageTimestamp,
    source: msg.source ?? 'web',
    contextInfo: content.contextInfo,
    ...mediaFields(content.messageType, content.message),
  }
}
