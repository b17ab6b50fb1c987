/**
 * @module upstream/services/send
 * The send flow every /message/* route shares, in Evolution's order: connection check, onWhatsApp
 * existence check (400 `[{jid, exists:false, number}]`), optional `delay`, send, store (message and
 * chat, one statement), send.message (and chats.upsert when the chat is new).
 * While PostgreSQL is unavailable a live session still sends: the store write and its webhooks wait in
 * the instance manager's deferred writes (services/deferred-writes.ts) until it is back; the send claims
 * its room there before it leaves, so a full queue is a 503 and nothing sent goes unrecorded.
 */
import type { InstanceRow, Tx } from '../db/instances.js'
import { insertSentMessage, jidKnown } from '../db/messages.js'
import { ConnectionClosedError } from '../driver/errors.js'
import type { OutboundContent } from '../driver/types.js'
import { badRequest, internal } from '../lib/errors.js'
import { createJid, isGroupJid, jidUser } from '../lib/jid.js'
import { sleep } from '../lib/sleep.js'
import type { WebhookDispatcher } from '../webhooks/dispatcher.js'
import type { InstanceManager } from './instances.js'
import type { MediaDownloader } from './media-download.js'
import { toMessageRaw, type MessageRaw } from './message-raw.js'
import { toNewMessage } from './stored-message.js'

export type SendRequest = {
  /** What the client typed (number or JID). */
  number: string
  content: OutboundContent
  /** The accepted body, recorded for GET /sandbox/messages. */
  payload: unknown
  delay?: number | undefined
  /** Reactions skip the existence check: they target a message, not a contact. */
  skipCheck?: boolean
  /** Runs on the content once its media are downloaded (sendSticker's WebP conversion, services/sticker.ts). */
  transform?: ((content: OutboundContent) => Promise<OutboundContent>) | undefined
}

/** Bodies above this size are not copied into the record (a 50 MB base64 would bloat every listing). */
const MAX_RECORDED_FIELD = 64 * 1024

function recordable(payload: unknown): unknown {
  if (!payload || typeof payload !== 'object') return payload
  const out: Record<string, unknown> = {}
  for (const [k, val] of Object.entries(payload)) {
    out[k] = typeof val === 'string' && val.length > MAX_RECORDED_FIELD ? `[${val.length} characters omitted]` : val
  }
  return out
}

export type SendDeps = { sql: Tx; instances: InstanceManager; webhooks: WebhookDispatcher; media: MediaDownloader }

export async function sendMessage(deps: SendDeps, row: InstanceRow, req: SendRequest): Promise<MessageRaw> {
  const { sql, instances: manager, webhooks } = deps
  const jid = createJid(req.number)
  const { session, ctx } = manager.entry(row)
  if (session.state !== 'open') {
    // With the number in the onWhatsApp cache Baileys fails at send (400); without, at the check (500).
    if (await jidKnown(sql, row.id, jid)) throw badRequest('Error: Connection Closed')
    throw internal('Connection Closed')
  }
  if (!req.skipCheck && !isGroupJid(jid)) {
    const [check] = await session.checkNumbers([jid])
    if (!check?.exists) throw badRequest({ jid, exists: false, number: jidUser(jid) })
  }
  if (req.delay && req.delay > 0) await sleep(req.delay)
  // After the checks, as Evolution does: no download for a closed session or an unknown number.
  const prepared = await deps.media.prepare(req.content, session.mediaLinks ?? 'download', row.id)
  const content = req.transform ? await req.transform(prepared) : prepared
  // Room for the store write, claimed before anything is sent (a 503 when PostgreSQL has been away too long).
  const slot = ctx.deferred.reserve()
  let sent
  // Fencing: a lease lost while the checks or the download ran (a handover, a renewal that failed)
  // must not send: the next owner may already have opened the session.
  try {
    manager.fence(row)
  } catch (err) {
    slot.release()
    throw err
  }
  try {
    sent = await session.send(jid, content)
  } catch (err) {
    slot.release()
    if (err instanceof ConnectionClosedError) throw badRequest('Error: Connection Closed')
    throw err
  }
  const raw = toMessageRaw(sent, row.id)
  // Stored under the JID the client asked for (Baileys may answer another spelling of it).
  const stored = toNewMessage({ ...sent, key: { ...sent.key, remoteJid: jid } }, row.id, 'send', { kind: req.content.kind, payload: recordable(req.payload) })
  stored.raw = raw
  // Written now, or (PostgreSQL unavailable) later and in order; the webhooks follow the row either way.
  const write = ctx.deferred.write(`send:${row.id}:${sent.key.id}`, async () => {
    const { chatCreated } = await insertSentMessage(sql, stored)
    webhooks.emit(ctx.src, 'send.message', raw)
    if (chatCreated) webhooks.emit(ctx.src, 'chats.upsert', [{ remoteJid: jid, instanceId: row.id, name: null, unreadMessages: 0 }])
  }, slot)
  // Acks may fire before the row exists (or is queued); they wait on this.
  ctx.pendingInserts.set(sent.key.id, write.catch(() => undefined))
  try {
    await write
  } finally {
    ctx.pendingInserts.delete(sent.key.id)
  }
  return raw
}
