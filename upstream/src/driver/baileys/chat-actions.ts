/**
 * @module upstream/driver/baileys/chat-actions
 * The chat routes on a Baileys socket, with the socket calls Evolution makes: readMessages, chatModify
 * (archive / markRead:false anchored to the last message), sendMessage({delete}) and sendMessage({text, edit}),
 * profilePictureUrl(jid, 'image'), presenceSubscribe + sendPresenceUpdate, updateBlockStatus. Media: Baileys'
 * downloadMediaMessage (decrypts; asks the phone to re-upload an expired file through updateMediaMessage),
 * but only from WhatsApp's own media hosts (docs/security.md: a caller may hand in a whole WebMessageInfo, and
 * its `url` must not make us fetch anything else), and never more than MEDIA_MAX_BYTES.
 */
import { downloadMediaMessage, proto, type ChatModification, type WAMessage, type WAMessageKey, type WAPresence } from '@whiskeysockets/baileys'
import type { Readable } from 'node:stream'
import type { Logger } from 'pino'
import { badRequest, internal } from '../../lib/errors.js'
import type { ChatActions, LastMessage, MediaMessage, Presence, ProtocolSend } from '../chat-actions.js'
import type { MessageKey } from '../types.js'
import { plainJson } from './events.js'

/** The socket calls the chat routes make (part of WaSocket, socket-factory.ts). */
export interface ChatActionsSocket {
  readMessages(keys: WAMessageKey[]): Promise<void>
  chatModify(mod: ChatModification, jid: string): Promise<void>
  updateMediaMessage(message: WAMessage): Promise<WAMessage>
  profilePictureUrl(jid: string, type?: 'preview' | 'image', timeoutMs?: number): Promise<string | undefined>
  presenceSubscribe(jid: string): Promise<void>
  sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void>
  updateBlockStatus(jid: string, action: 'block' | 'unblock'): Promise<void>
  sendMessage(jid: string, content: Record<string, unknown> & ({ delete: WAMessageKey } | { text: string; edit: WAMessageKey })): Promise<WAMessage | undefined>
}

export type MediaDownloadFn = (message: WAMessage, ctx: { reuploadRequest: (m: WAMessage) => Promise<WAMessage>; logger: Logger }) => Promise<Readable>

/** Production download: Baileys fetches the encrypted file and decrypts it as a stream. */
export const baileysMediaDownload: MediaDownloadFn = (message, ctx) => downloadMediaMessage(message, 'stream', {}, ctx)

/** WhatsApp serves media from mmg.whatsapp.net and its siblings (media-*.cdn.whatsapp.net). */
const WHATSAPP_MEDIA_HOST = /(^|\.)whatsapp\.net$/

export type BaileysChatDeps = {
  /** The open socket, or ConnectionClosedError. */
  socket: () => ChatActionsSocket
  /** Runs a socket call, mapping Baileys' "Connection Closed". */
  call: <T>(fn: () => Promise<T>) => Promise<T>
  download: () => MediaDownloadFn
  log: () => Logger
}

const waKey = (k: MessageKey): WAMessageKey => ({ remoteJid: k.remoteJid, fromMe: k.fromMe, id: k.id, ...(k.participant ? { participant: k.participant } : {}) })
const lastMessages = (last: LastMessage) => [{ key: waKey(last.key), messageTimestamp: last.messageTimestamp }]

export class BaileysChatActions implements ChatActions {
  constructor(private readonly d: BaileysChatDeps) {}

  async readMessages(keys: MessageKey[]): Promise<void> {
    const sock = this.d.socket()
    await this.d.call(() => sock.readMessages(keys.map(waKey)))
  }

  async archiveChat(jid: string, archive: boolean, last: LastMessage): Promise<void> {
    const sock = this.d.socket()
    await this.d.call(() => sock.chatModify({ archive, lastMessages: lastMessages(last) }, jid))
  }

  async markChatUnread(jid: string, last: LastMessage): Promise<void> {
    const sock = this.d.socket()
    await this.d.call(() => sock.chatModify({ markRead: false, lastMessages: lastMessages(last) }, jid))
  }

  async deleteForEveryone(key: MessageKey): Promise<ProtocolSend> {
    const sock = this.d.socket()
    return protocolSend(await this.d.call(() => sock.sendMessage(key.remoteJid, { delete: waKey(key) })), key.remoteJid)
  }

  /** Text and captions alike go as `{text, edit}`: the media itself is never re-sent (nor fetched by Baileys). */
  async editMessage(jid: string, key: MessageKey, text: string): Promise<ProtocolSend> {
    const sock = this.d.socket()
    return protocolSend(await this.d.call(() => sock.sendMessage(jid, { text, edit: waKey(key) })), jid)
  }

  async downloadMedia(msg: MediaMessage, maxBytes: number): Promise<Buffer> {
    const sock = this.d.socket()
    const media = (msg.message[msg.messageType] ?? {}) as { url?: unknown; directPath?: unknown; fileLength?: unknown }
    if (typeof media.url !== 'string' && typeof media.directPath !== 'string') throw badRequest('The message has no media URL or direct path')
    if (typeof media.url === 'string') {
      let host = ''
      try {
        const u = new URL(media.url)
        host = u.protocol === 'https:' ? u.hostname : ''
      } catch {
        /* refused below */
      }
      if (!WHATSAPP_MEDIA_HOST.test(host)) throw badRequest("media URL refused: only WhatsApp's own media hosts (https://*.whatsapp.net) are downloaded")
    }
    if (Number(String(media.fileLength ?? 0)) > maxBytes) throw badRequest(`media is larger than ${maxBytes} bytes`)
    const wa = { key: waKey(msg.key), message: msg.message } as WAMessage
    const stream = await this.d.call(() => this.d.download()(wa, { reuploadRequest: (m) => sock.updateMediaMessage(m), logger: this.d.log() }))
    return readCapped(stream, maxBytes)
  }

  async profilePictureUrl(jid: string): Promise<string | null> {
    const sock = this.d.socket()
    // No picture, or hidden by the contact's privacy settings: Evolution answers null for both.
    return (await this.d.call(() => sock.profilePictureUrl(jid, 'image')).catch(() => undefined)) ?? null
  }

  async presenceSubscribe(jid: string): Promise<void> {
    const sock = this.d.socket()
    await this.d.call(() => sock.presenceSubscribe(jid))
  }

  async sendPresenceUpdate(presence: Presence, jid: string): Promise<void> {
    const sock = this.d.socket()
    await this.d.call(() => sock.sendPresenceUpdate(presence, jid))
  }

  async updateBlockStatus(jid: string, action: 'block' | 'unblock'): Promise<void> {
    const sock = this.d.socket()
    await this.d.call(() => sock.updateBlockStatus(jid, action))
  }
}

/** The decrypted stream, stopped (and refused) as soon as it passes `maxBytes`. */
async function readCapped(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += (chunk as Buffer).length
    if (size > maxBytes) {
      stream.destroy()
      throw badRequest(`media is larger than ${maxBytes} bytes`)
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/** Baileys' answer as Evolution returns it: JSON proto (enum names, 64-bit numbers as strings). */
function protocolSend(sent: WAMessage | undefined, jid: string): ProtocolSend {
  if (!sent) throw internal('WhatsApp returned no message for the send')
  const message = (plainJson(sent.message ?? {}) ?? {}) as Record<string, unknown>
  const pm = message.protocolMessage as Record<string, unknown> | undefined
  if (pm && typeof pm.type === 'number') pm.type = proto.Message.ProtocolMessage.Type[pm.type] ?? pm.type
  return {
    key: { remoteJid: sent.key.remoteJid ?? jid, fromMe: true, id: sent.key.id ?? '' },
    message,
    messageTimestamp: String(plainJson(sent.messageTimestamp) ?? Math.floor(Date.now() / 1000)),
    status: 'PENDING',
  }
}
