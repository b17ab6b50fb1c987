/**
 * @module upstream/services/chat-media
 * POST /chat/getBase64FromMediaMessage: finds the media of a stored message (by `key.id`) or of a whole
 * WebMessageInfo the caller sends, has the driver download (and decrypt) it, and answers Evolution's
 * `{mediaType, fileName, caption, size:{fileLength, height, width}, mimetype, base64, buffer:null}`.
 * Evolution's wrappers are unwrapped first (ephemeral, view once, document with caption). Its 400 texts:
 * "Message not found", "The message is not of the media type", "The message is messageContextInfo",
 * "Template message does not contain a supported media type", "Failed to convert audio to MP4" (there is
 * no audio converter here: `convertToMp4` on audio is always that 400, saying why), or the download error.
 */
import type * as v from 'valibot'
import type { MediaMessageBody } from '../../../common/src/evolution/request-bodies.js'
import { findStoredMessage } from '../db/messages.js'
import type { Tx } from '../db/instances.js'
import type { MediaMessage } from '../driver/chat-actions.js'
import type { DriverSession, MessageKey } from '../driver/types.js'
import { badRequest, EvoError } from '../lib/errors.js'
import { createJid } from '../lib/jid.js'

type Obj = Record<string, unknown>
const obj = (x: unknown): Obj | null => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : null)

const MEDIA_TYPES = ['imageMessage', 'documentMessage', 'audioMessage', 'videoMessage', 'stickerMessage', 'ptvMessage']
const WRAPPERS = ['ephemeralMessage', 'documentWithCaptionMessage', 'viewOnceMessage', 'viewOnceMessageV2']
const EXTENSIONS: Record<string, string> = { jpeg: 'jpeg', png: 'png', webp: 'webp', mp4: 'mp4', ogg: 'ogg', mpeg: 'mp3', pdf: 'pdf', plain: 'txt' }

/** The message inside the first wrapper that holds one, or null. */
function wrapped(message: Obj): Obj | null {
  for (const w of WRAPPERS) {
    const inner = obj(obj(message[w])?.message)
    if (inner) return inner
  }
  return null
}

/** Peels wrappers in a loop, not by recursion: the content may come from a request body of any depth. */
function unwrap(message: Obj): Obj {
  let current = message
  for (let inner = wrapped(current); inner; inner = wrapped(current)) current = inner
  return current
}

/** The media part of a content: its type key and proto-shaped content holding only it. */
function findMedia(content: Obj): { messageType: string; message: Obj } {
  const type = MEDIA_TYPES.find((t) => obj(content[t]))
  if (type) return { messageType: type, message: { [type]: content[type] } }
  const template = obj(content.templateMessage)
  if (template) {
    const shown = obj(template.hydratedTemplate) ?? obj(template.hydratedFourRowTemplate) ?? obj(template.fourRowTemplate) ?? {}
    const inner = ['imageMessage', 'documentMessage', 'videoMessage'].find((t) => obj(shown[t]))
    if (!inner) throw badRequest('Template message does not contain a supported media type')
    return { messageType: inner, message: { [inner]: shown[inner] } }
  }
  const keys = Object.keys(content)
  if (keys.length === 1 && keys[0] === 'messageContextInfo') throw badRequest('The message is messageContextInfo')
  throw badRequest('The message is not of the media type')
}

function fileNameOf(keyId: string, media: Obj): string {
  if (typeof media.fileName === 'string' && media.fileName) return media.fileName
  const subtype = (typeof media.mimetype === 'string' ? media.mimetype : '').split(';')[0]!.split('/')[1] ?? ''
  return `${keyId}.${EXTENSIONS[subtype] ?? (subtype || 'bin')}`
}

export async function mediaAnswer(sql: Tx, instanceId: string, session: DriverSession, body: v.InferOutput<typeof MediaMessageBody>, maxBytes: number) {
  let key: MessageKey
  let content: Obj
  if (body.message.message) {
    const k = body.message.key
    key = { id: k.id, remoteJid: k.remoteJid ? createJid(k.remoteJid) : '', fromMe: k.fromMe ?? false, ...(k.participant ? { participant: k.participant } : {}) }
    content = body.message.message
  } else {
    const row = await findStoredMessage(sql, instanceId, body.message.key.id)
    if (!row) throw badRequest('Message not found')
    key = { id: row.keyId, remoteJid: row.remoteJid, fromMe: row.fromMe, ...(row.participant ? { participant: row.participant } : {}) }
    content = row.message
  }
  const media: MediaMessage = { key, ...findMedia(unwrap(content)) }
  const inner = obj(media.message[media.messageType]) ?? {}
  if (body.convertToMp4 && media.messageType === 'audioMessage') {
    throw badRequest('Failed to convert audio to MP4', 'Audio conversion is not available on this server (it has no audio encoder); ask again without convertToMp4 for the original file')
  }
  let bytes: Buffer
  try {
    bytes = await session.chat.downloadMedia(media, maxBytes)
  } catch (err) {
    if (err instanceof EvoError) throw err
    throw badRequest((err as Error).message)
  }
  return {
    mediaType: media.messageType,
    fileName: fileNameOf(key.id, inner),
    // Absent ones are left out, as Evolution's JSON does with undefined.
    caption: typeof inner.caption === 'string' ? inner.caption : undefined,
    size: { fileLength: inner.fileLength ?? bytes.length, height: inner.height, width: inner.width },
    mimetype: typeof inner.mimetype === 'string' ? inner.mimetype : null,
    base64: bytes.toString('base64'),
    buffer: null,
  }
}
