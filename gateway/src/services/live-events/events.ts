/**
 * @module services/live-events/events
 * What the panel's live stream carries, and how an upstream webhook envelope becomes one of those events.
 * Kept free of I/O so the mapping is testable on its own. Only the fields a screen needs leave the
 * gateway: never the instance token (`apikey`) nor the upstream's `server_url`.
 */
import { eventConfigName } from '../webhooks/events.js'

/** An instance's connection changed (the upstream's connection.update). `number`: the linked phone, digits only. */
export type InstanceStateEvent = {
  type: 'instance.state'
  instance: string
  state: string
  number: string | null
  profileName: string | null
  statusReason: number | null
}
/** A new QR code or pairing code for an attempt that runs (the upstream's qrcode.updated). */
export type InstanceQrEvent = { type: 'instance.qrcode'; instance: string; base64: string | null; pairingCode: string | null; count: number | null }
/** A message_logs row moved (sent, delivered, read, failed). `id` is the row's id. */
export type MessageStatusEvent = { type: 'message.status'; instance: string; id: number; waMessageId: string; status: string; error: string | null }
/** A scheduled or bulk job moved on: how many recipients are done out of how many. */
export type JobProgressEvent = { type: 'job.progress'; instance: string; jobId: number; status: string; sent: number; failed: number; total: number }

/** The list of instances changed outside the stream's knowledge: created or deleted (through the panel or the API). */
export type InstanceListEvent = { type: 'instance.created' | 'instance.deleted'; instance: string }

export type LiveEvent = InstanceStateEvent | InstanceQrEvent | MessageStatusEvent | JobProgressEvent | InstanceListEvent

/**
 * What travels on Redis: the event and who may receive it. `userId` narrows an event to one account
 * (message rows belong to their sender); without it, everyone who may use the instance receives it.
 * `userIds` names the accounts when ownership can no longer be looked up (a deleted instance's owner and
 * grantees). Admins receive every event.
 */
export type LiveEnvelope = { event: LiveEvent; userId: number | null; userIds?: number[] }

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

/** "595981000001@s.whatsapp.net" or "595981000001:12@s.whatsapp.net" -> "595981000001". */
export function numberFromJid(jid: string | null): string | null {
  const m = jid ? /^(\d{5,20})(?::\d+)?@/.exec(jid) : null
  return m ? m[1]! : null
}

/** The live event an upstream envelope carries for `instance`, or null (other events, malformed data). */
export function liveEventFrom(instance: string, envelope: Record<string, unknown>): LiveEvent | null {
  const name = typeof envelope.event === 'string' ? eventConfigName(envelope.event) : ''
  const data = obj(envelope.data)
  if (!data || instance === '') return null
  if (name === 'CONNECTION_UPDATE') {
    const state = str(data.state)
    if (!state) return null
    const reason = typeof data.statusReason === 'number' ? data.statusReason : null
    return { type: 'instance.state', instance, state, number: numberFromJid(str(data.wuid)), profileName: str(data.profileName), statusReason: reason }
  }
  if (name === 'QRCODE_UPDATED') {
    const qr = obj(data.qrcode)
    if (!qr) return null
    const count = typeof qr.count === 'number' ? qr.count : null
    return { type: 'instance.qrcode', instance, base64: str(qr.base64), pairingCode: str(qr.pairingCode), count }
  }
  return null
}
