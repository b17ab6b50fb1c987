/**
 * The Chats thread's sends, kept apart from its rendering: a reply (/message/sendText, or
 * /message/sendMedia with the file as base64 and the text as caption), a reaction
 * (/message/sendReaction), and the key shape the read-receipt and reaction routes take.
 */
import { chatsApi, type MessageKey, type MessageRecord } from '../api/chats.js'
import type { MediaType } from '../api/messages.js'
import { jidUser } from './chat-messages.js'
import { readFileAsDataUrl } from './format.js'

/** What a send route's `number` should be: the digits for a phone JID (as the other screens send), else the JID. */
const numberFor = (jid: string) => (jid.endsWith('@s.whatsapp.net') ? jidUser(jid) : jid)
const mediatypeOf = (mime: string): MediaType =>
  mime.startsWith('image/') ? 'image' : mime.startsWith('video/') ? 'video' : mime.startsWith('audio/') ? 'audio' : 'document'

/** A message key as the routes take it (id, fromMe, remoteJid only). */
export const readKey = (k: MessageKey) => ({ id: k.id, fromMe: k.fromMe, remoteJid: k.remoteJid })

/** Sends the reply box's content: the file (with `text` as its caption when given), else the text. */
export async function sendReply(instance: string, jid: string, text: string, file: File | null): Promise<MessageRecord> {
  if (!file) return chatsApi.sendText(instance, { number: numberFor(jid), text })
  const dataUrl = await readFileAsDataUrl(file)
  const media = dataUrl.slice(dataUrl.indexOf(',') + 1)
  const mimetype = file.type || 'application/octet-stream'
  return chatsApi.sendMedia(instance, {
    number: numberFor(jid),
    mediatype: mediatypeOf(mimetype),
    media,
    mimetype,
    fileName: file.name,
    ...(text ? { caption: text } : {}),
  })
}

/** Reacts to `rec` with `emoji` ('' removes our reaction). */
export const sendReaction = (instance: string, rec: MessageRecord, emoji: string): Promise<MessageRecord> =>
  chatsApi.sendReaction(instance, { key: readKey(rec.key), reaction: emoji })
