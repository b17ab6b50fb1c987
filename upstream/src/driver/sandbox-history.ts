/**
 * @module upstream/driver/sandbox-history
 * The sandbox's deterministic history sync (POST /sandbox/instances/:name/history, upstream/AGENTS.md):
 * `chats` chats of `messagesPerChat` messages each, alternately received (even positions) and sent from
 * the phone (odd), one minute apart from HISTORY_EPOCH in global order (chat 1's first message is the
 * oldest, the last chat's last the newest). Every 4th chat is a group whose received messages come from
 * the contacts of the three chats before it; the others are 1:1 chats with one contact each. Chat i has
 * `i % 3` unread messages (its last received ones, status DELIVERY_ACK; everything else READ). With
 * `withMedia`, every 5th message is an image, document, audio or video in turn, whose bytes
 * `sandboxMediaBytes` regenerates from the key id (a real 1x1 PNG for images, text otherwise), with a
 * matching fileSha256. Ids derive from the instance name and position: a repeated call adds nothing.
 */
import { createHash } from 'node:crypto'
import { indexedBytes } from '../lib/ids.js'
import type { ChatInfo, ContactInfo, HistoryBatch, WaMessage } from './types.js'

/** 2023-11-14T22:13:20Z: the first history message's time (epoch seconds). */
export const HISTORY_EPOCH = 1_700_000_000

export type HistoryOptions = { chats: number; messagesPerChat: number; withMedia: boolean }

const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64')
const MEDIA_CYCLE = ['image', 'document', 'audio', 'video'] as const
const MIMETYPE: Record<(typeof MEDIA_CYCLE)[number], string> = {
  image: 'image/png', document: 'text/plain', audio: 'audio/ogg; codecs=opus', video: 'video/mp4',
}

/** The bytes of a sandbox history media message (what a media download of it answers). */
export function sandboxMediaBytes(keyId: string, mediaType: string): Buffer {
  return mediaType === 'image' ? PNG_1X1 : Buffer.from(`sandbox ${mediaType} ${keyId}\n`)
}

const sha256 = (x: string | Buffer) => createHash('sha256').update(x).digest()
const pad = (n: number, width: number) => String(n).padStart(width, '0')

export const sandboxContactJid = (i: number) => `5959900${pad(i, 5)}@s.whatsapp.net`
export const sandboxGroupJid = (i: number) => `1203630000${pad(i, 8)}@g.us`
const contactName = (i: number) => `Sandbox Contact ${i}`
const isGroupChat = (i: number) => i % 4 === 0

function mediaMessage(keyId: string, k: number, ts: number): { message: Record<string, unknown>; messageType: string } {
  const type = MEDIA_CYCLE[k % MEDIA_CYCLE.length]!
  const bytes = sandboxMediaBytes(keyId, type)
  const body: Record<string, unknown> = {
    url: `https://mmg.whatsapp.net/sandbox/${keyId}.enc`,
    directPath: `/sandbox/${keyId}.enc`,
    mimetype: MIMETYPE[type],
    fileLength: String(bytes.length),
    fileSha256: indexedBytes(sha256(bytes)),
    fileEncSha256: indexedBytes(sha256(`enc:${keyId}`)),
    mediaKey: indexedBytes(sha256(`key:${keyId}`)),
    mediaKeyTimestamp: String(ts),
  }
  if (type === 'image' || type === 'video') body.caption = `${type === 'image' ? 'Photo' : 'Video'} ${k + 1}`
  if (type === 'document') Object.assign(body, { fileName: `note-${k + 1}.txt`, title: `note-${k + 1}.txt` })
  if (type === 'audio') Object.assign(body, { seconds: 1, ptt: true })
  if (type === 'video') body.seconds = 1
  return { message: { [`${type}Message`]: body }, messageType: `${type}Message` }
}

export function sandboxHistory(instanceName: string, o: HistoryOptions): HistoryBatch {
  const chats: ChatInfo[] = []
  const contacts: ContactInfo[] = []
  const messages: WaMessage[] = []
  for (let i = 1; i <= o.chats; i++) {
    const group = isGroupChat(i)
    const remoteJid = group ? sandboxGroupJid(i) : sandboxContactJid(i)
    if (!group) contacts.push({ remoteJid, pushName: contactName(i) })
    const received = Math.ceil(o.messagesPerChat / 2)
    const unread = Math.min(i % 3, received)
    chats.push({ remoteJid, name: group ? `Sandbox Group ${i}` : contactName(i), unreadMessages: unread })
    let receivedSeen = 0
    for (let j = 0; j < o.messagesPerChat; j++) {
      const k = (i - 1) * o.messagesPerChat + j
      const ts = HISTORY_EPOCH + k * 60
      const fromMe = j % 2 === 1
      const id = `3EB0${sha256(`${instanceName}:${i}:${j}`).toString('hex').slice(0, 18).toUpperCase()}`
      // In a group, received messages rotate among the contacts of the three chats before it.
      const sender = group ? i - 1 - (j % 3) : i
      const content = o.withMedia && j % 5 === 4 ? mediaMessage(id, k, ts) : { message: { conversation: `Message ${j + 1} in chat ${i}` }, messageType: 'conversation' }
      if (!fromMe) receivedSeen += 1
      messages.push({
        key: { remoteJid, fromMe, id, ...(group && !fromMe ? { participant: sandboxContactJid(sender) } : {}) },
        pushName: fromMe ? 'Você' : contactName(sender),
        ...content,
        messageTimestamp: ts,
        status: !fromMe && receivedSeen > received - unread ? 'DELIVERY_ACK' : 'READ',
        source: fromMe ? 'web' : 'android',
      })
    }
  }
  return { chats, contacts, messages }
}
