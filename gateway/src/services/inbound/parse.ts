/**
 * @module services/inbound/parse
 * An upstream `messages.upsert` envelope -> the inbound_messages row(s) it carries. Only what a
 * contact wrote counts: fromMe false, not a status broadcast, with a key id. Every string is made
 * storable (PostgreSQL text cannot hold NUL) and cut to its column, so a strange message can never
 * fail the insert; a bad or missing timestamp becomes "now".
 */
import type { InboundInsert } from '../../db/queries/inbound-messages.js'
import { eventConfigName } from '../webhooks/events.js'

type Obj = Record<string, unknown>

const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null)

/** A string PostgreSQL can store (NUL removed), cut to `max` characters; null when empty or not a string. */
export function storable(v: unknown, max: number): string | null {
  if (typeof v !== 'string') return null
  const s = v.replace(/\0/g, '').slice(0, max)
  return s === '' ? null : s
}

const TEXT_MAX = 65_536
/** Wrappers whose `message` holds the real content. */
const WRAPPERS = ['ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'viewOnceMessageV2Extension', 'documentWithCaptionMessage', 'editedMessage']

function unwrap(message: Obj): Obj {
  let m = message
  for (let depth = 0; depth < 4; depth++) {
    const inner = WRAPPERS.map((w) => obj(obj(m[w])?.message)).find((x) => x !== null)
    if (!inner) return m
    m = inner
  }
  return m
}

/** The readable text of a message: its words, a caption, a reaction, a place or contact name. */
export function messageText(message: Obj): string | null {
  const m = unwrap(message)
  const field = (key: string, ...names: string[]): unknown => {
    const part = obj(m[key])
    return part ? names.map((n) => part[n]).find((x) => typeof x === 'string' && x !== '') : undefined
  }
  const candidates: unknown[] = [
    m.conversation,
    field('extendedTextMessage', 'text'),
    field('imageMessage', 'caption'),
    field('videoMessage', 'caption'),
    field('documentMessage', 'caption', 'fileName', 'title'),
    field('reactionMessage', 'text'),
    field('locationMessage', 'name', 'address', 'comment'),
    field('liveLocationMessage', 'caption'),
    field('contactMessage', 'displayName'),
    field('contactsArrayMessage', 'displayName'),
    field('buttonsResponseMessage', 'selectedDisplayText'),
    field('templateButtonReplyMessage', 'selectedDisplayText'),
    field('listResponseMessage', 'title'),
    obj(obj(m.interactiveResponseMessage)?.body)?.text,
    field('pollCreationMessage', 'name'),
    field('pollCreationMessageV3', 'name'),
  ]
  for (const c of candidates) {
    const s = storable(c, TEXT_MAX)
    if (s !== null) return s
  }
  return null
}

/** Seconds since the epoch as a number, a numeric string or a protobuf Long {low, high}. */
function receivedAt(ts: unknown, now: Date): Date {
  const long = obj(ts)
  const secs = typeof ts === 'number' ? ts
    : typeof ts === 'string' && /^\d{1,12}$/.test(ts) ? Number(ts)
    : long && typeof long.low === 'number' && typeof long.high === 'number' ? long.high * 2 ** 32 + (long.low >>> 0)
    : NaN
  // Beyond "now + 1 day" or before 2009 (WhatsApp's birth) is a clock or parse error, not a date.
  if (!Number.isFinite(secs) || secs < 1_230_768_000 || secs * 1000 > now.getTime() + 86_400_000) return now
  return new Date(secs * 1000)
}

const digits = (jid: string): string => (jid.split('@')[0] ?? '').split(':')[0]!.replace(/\D/g, '').slice(0, 64)

/** The sender's number: the participant in a group, the phone-number JID when WhatsApp addressed a LID. */
function senderNumber(key: Obj, remoteJid: string): string {
  const pn = [key.senderPn, key.remoteJidAlt, key.participantPn, key.participantAlt].find((x) => typeof x === 'string' && x.endsWith('@s.whatsapp.net'))
  if (typeof pn === 'string') return digits(pn)
  if (remoteJid.endsWith('@g.us') && typeof key.participant === 'string') return digits(key.participant)
  return digits(remoteJid)
}

function rowFrom(instance: string, data: Obj, now: Date): InboundInsert | null {
  const key = obj(data.key)
  if (!key || key.fromMe !== false) return null
  const keyId = storable(key.id, 128)
  const remoteJid = storable(key.remoteJid, 128)
  if (!keyId || !remoteJid || remoteJid === 'status@broadcast') return null
  const message = obj(data.message) ?? {}
  const type = storable(data.messageType, 64) ?? storable(Object.keys(unwrap(message))[0], 64) ?? 'unknown'
  return {
    instance_name: instance,
    key_id: keyId,
    remote_jid: remoteJid,
    from_number: senderNumber(key, remoteJid),
    push_name: storable(data.pushName, 255),
    message_type: type,
    text: messageText(message),
    received_at: receivedAt(data.messageTimestamp, now),
  }
}

/** The inbound messages of an envelope for `instance` (none unless it is a messages.upsert). */
export function inboundRowsFrom(instance: string, envelope: Obj, now = new Date()): InboundInsert[] {
  if (typeof envelope.event !== 'string' || eventConfigName(envelope.event) !== 'MESSAGES_UPSERT') return []
  const name = storable(instance, 255)
  if (!name) return []
  const data = Array.isArray(envelope.data) ? envelope.data : [envelope.data]
  const out: InboundInsert[] = []
  for (const d of data) {
    const o = obj(d)
    const row = o ? rowFrom(name, o, now) : null
    if (row) out.push(row)
  }
  return out
}
