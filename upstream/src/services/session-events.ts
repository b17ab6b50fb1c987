/**
 * @module upstream/services/session-events
 * Turns one session's driver events into DB writes and webhook events, in order: every event of an
 * instance runs on that instance's queue, so a state write never overtakes an earlier one. State, QR,
 * creds and acks are handled here; the chat store's events in store-events.ts and store-changes.ts.
 */
import type { Logger } from 'pino'
import { readChatUpTo } from '../db/chats.js'
import type { AckEvent, DriverEvents, StateEvent } from '../driver/types.js'
import { updateInstanceSession, updateInstanceStatus } from '../db/instances.js'
import { applyAck } from '../db/messages.js'
import type { DeferredWrites } from './deferred-writes.js'
import { onChats, onContacts, onDeleted, onEdited, onPoll } from './store-changes.js'
import { onHistory, onLiveMessage } from './store-events.js'
import { onLabels } from './label-events.js'
import { onGroups } from './group-events.js'
import { emitChatChanges, type StoreContext } from './store-notify.js'

/** A serial promise chain; `flush()` waits for everything queued so far. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve()

  constructor(private readonly log: Logger) {}

  push(fn: () => Promise<void>): void {
    this.tail = this.tail.then(fn).catch((err: Error) => this.log.error({ err }, 'session event failed'))
  }

  flush(): Promise<void> {
    return this.tail
  }
}

export type SessionContext = StoreContext & {
  log: Logger
  queue: SerialQueue
  /** Inserts of just-sent messages, so an early ack waits for its row. */
  pendingInserts: Map<string, Promise<unknown>>
  /** Where writes wait while PostgreSQL is unavailable (sends, acks). */
  deferred: DeferredWrites
}

const LOGOUT_OBJECT = JSON.stringify({ error: { data: null, isBoom: true, isServer: false, output: { statusCode: 401, payload: { statusCode: 401, error: 'Unauthorized', message: 'Intentional Logout' }, headers: {} } } })

async function onState(ctx: SessionContext, ev: StateEvent): Promise<void> {
  const { sql, webhooks, src } = ctx
  const instance = src.name
  if (ev.state === 'connecting') {
    await updateInstanceStatus(sql, src.id, { connectionStatus: 'connecting' })
    webhooks.emit(src, 'connection.update', { instance, state: 'connecting', statusReason: 200 })
  } else if (ev.state === 'open') {
    const id = ev.identity!
    src.ownerJid = id.wuid
    await updateInstanceStatus(sql, src.id, {
      connectionStatus: 'open', ownerJid: id.wuid, profileName: id.profileName, profilePicUrl: id.profilePictureUrl, disconnection: null,
    })
    webhooks.emit(src, 'connection.update', {
      instance, wuid: id.wuid, profileName: id.profileName, profilePictureUrl: id.profilePictureUrl, state: 'open', statusReason: 200,
    })
  } else if (ev.state === 'refused') {
    await updateInstanceStatus(sql, src.id, { connectionStatus: 'close' })
    webhooks.emit(src, 'qrcode.updated', { message: 'QR code limit reached, please login again', statusCode: 500 })
    webhooks.emit(src, 'connection.update', { instance, state: 'refused', statusReason: ev.statusReason })
  } else {
    const object = ev.statusReason === 401 ? LOGOUT_OBJECT : JSON.stringify({ error: { output: { statusCode: ev.statusReason } } })
    const row = await updateInstanceStatus(sql, src.id, { connectionStatus: 'close', disconnection: { code: ev.statusReason, object } })
    if (ev.statusReason === 401) {
      webhooks.emit(src, 'status.instance', {
        instance, status: 'closed', disconnectionAt: row?.disconnectionAt ?? new Date(), disconnectionReasonCode: 401, disconnectionObject: object,
      })
      webhooks.emit(src, 'logout.instance', null)
    }
    webhooks.emit(src, 'connection.update', { instance, state: 'close', statusReason: ev.statusReason })
  }
}

/**
 * Records an ack (the message's status and a status history row) and emits messages.update; `force`
 * bypasses the forward-only rule (sandbox ack route). `error` (Cloud API `failed` statuses, Baileys nacks) is added to
 * the webhook data as `error: {code, message}`: CONTRACT, the gateway reads it to tell why a message
 * failed. A received message read (on the phone) reads its chat up to it: chats.update with the count.
 * While PostgreSQL is unavailable the ack waits in `ctx.deferred` behind its message's row (and answers
 * false: not applied yet); the webhook follows when it is written.
 */
export async function recordAck(
  ctx: Pick<SessionContext, 'sql' | 'webhooks' | 'src' | 'pendingInserts' | 'deferred'>,
  keyId: string,
  status: Parameters<typeof applyAck>[3],
  force: boolean,
  error?: AckEvent['error'],
): Promise<boolean> {
  await ctx.pendingInserts.get(keyId)
  let applied = false
  const done = await ctx.deferred.write(`ack:${ctx.src.id}:${keyId}:${status}`, async () => {
    applied = await applyAckAndNotify(ctx, keyId, status, force, error)
  })
  return done === 'written' && applied
}

async function applyAckAndNotify(
  ctx: Pick<SessionContext, 'sql' | 'webhooks' | 'src'>,
  keyId: string,
  status: Parameters<typeof applyAck>[3],
  force: boolean,
  error?: AckEvent['error'],
): Promise<boolean> {
  const row = await applyAck(ctx.sql, ctx.src.id, keyId, status, force)
  if (!row) return false
  ctx.webhooks.emit(ctx.src, 'messages.update', {
    keyId,
    remoteJid: row.remoteJid,
    fromMe: row.fromMe,
    ...(row.participant ? { participant: row.participant } : {}),
    status,
    instanceId: ctx.src.id,
    messageId: row.id,
    // Not in v2's payload; added so consumers can read `key.id` as on every other message event.
    key: { remoteJid: row.remoteJid, fromMe: row.fromMe, id: keyId, ...(row.participant ? { participant: row.participant } : {}) },
    ...(error ? { error: { code: error.code, message: error.message } } : {}),
  })
  if (!row.fromMe && (status === 'READ' || status === 'PLAYED')) {
    const chat = await readChatUpTo(ctx.sql, ctx.src.id, row.remoteJid, Number(row.messageTimestamp))
    if (chat) emitChatChanges(ctx, [{ ...chat, created: false }])
  }
  return true
}

/** The DriverEvents of one session, bound to its context. */
export function sessionEvents(ctx: SessionContext): DriverEvents {
  return {
    state: (ev) => ctx.queue.push(() => onState(ctx, ev)),
    qr: (qr) =>
      ctx.queue.push(async () => {
        ctx.webhooks.emit(ctx.src, 'qrcode.updated', {
          qrcode: { instance: ctx.src.name, pairingCode: qr.pairingCode, code: qr.code, base64: qr.base64 },
        })
      }),
    creds: (session) => ctx.queue.push(() => updateInstanceSession(ctx.sql, ctx.src.id, session)),
    inbound: (msg) => ctx.queue.push(() => onLiveMessage(ctx, msg)),
    outgoing: (msg) => ctx.queue.push(() => onLiveMessage(ctx, msg)),
    ack: (ev) => ctx.queue.push(async () => void (await recordAck(ctx, ev.keyId, ev.status, false, ev.error))),
    history: (batch) => ctx.queue.push(() => onHistory(ctx, batch)),
    chats: (ev) => ctx.queue.push(() => onChats(ctx, ev)),
    contacts: (ev) => ctx.queue.push(() => onContacts(ctx, ev)),
    deleted: (ev) => ctx.queue.push(() => onDeleted(ctx, ev)),
    edited: (ev) => ctx.queue.push(() => onEdited(ctx, ev)),
    poll: (ev) => ctx.queue.push(() => onPoll(ctx, ev)),
    labels: (ev) => ctx.queue.push(() => onLabels(ctx, ev)),
    groups: (ev) => ctx.queue.push(() => onGroups(ctx, ev)),
    // Evolution's presence.update data is Baileys' own {id, presences}; nothing is stored.
    presence: (ev) => ctx.queue.push(async () => ctx.webhooks.emit(ctx.src, 'presence.update', ev)),
  }
}
