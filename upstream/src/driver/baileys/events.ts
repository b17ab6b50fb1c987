/**
 * @module upstream/driver/baileys/events
 * Baileys' messages and receipts -> the driver seam's WaMessage / AckStatus. v7 addresses some chats
 * and group senders by LID (`...@lid`); when the key carries the phone-number alternative
 * (`remoteJidAlt`, `participantAlt`) we report the `@s.whatsapp.net` JID so per-number history stays
 * whole. store-listeners.ts maps the chat store's events (history, chats, contacts, updates).
 */
import {
  getContentType, getDevice, isJidGroup, isJidStatusBroadcast, jidNormalizedUser, normalizeMessageContent, type WAMessage, type WAMessageKey,
} from '@whiskeysockets/baileys'
import type { AckStatus } from '../../db/messages.js'
import type { WaMessage } from '../types.js'

/** proto.WebMessageInfo.Status numbers -> Evolution's status strings. */
const ACK_BY_NUMBER: Record<number, AckStatus> = { 0: 'ERROR', 1: 'PENDING', 2: 'SERVER_ACK', 3: 'DELIVERY_ACK', 4: 'READ', 5: 'PLAYED' }

export function ackStatus(status: number | null | undefined): AckStatus | null {
  return typeof status === 'number' ? (ACK_BY_NUMBER[status] ?? null) : null
}

/** WhatsApp's nack codes Baileys names (lib/Utils/decode-wa-message.js), in words for the ack's `error.message`. */
const NACK_TEXT: Record<number, string> = {
  463: 'account restricted: reach-out timelock or missing privacy token',
  479: 'stanza rejected by the server (smax-invalid)',
}

/**
 * The nack code of an ERROR status (Baileys' handleBadAck puts the ack's `error` attribute first in
 * messageStubParameters, and "Your account has been restricted" second for a timelock): `{code, message}`
 * for the seam's AckEvent, or undefined when Baileys gave no numeric code.
 */
export function nackError(params: readonly (string | null | undefined)[] | null | undefined): { code: number; message: string } | undefined {
  const raw = params?.[0]
  if (typeof raw !== 'string' || !/^\d{1,7}$/.test(raw)) return undefined
  const code = Number(raw)
  const said = typeof params?.[1] === 'string' && params[1] !== '' ? params[1] : null
  return { code, message: said ?? NACK_TEXT[code] ?? 'message refused by WhatsApp' }
}

const isPhoneJid = (jid: string | null | undefined): jid is string => typeof jid === 'string' && jid.endsWith('@s.whatsapp.net')

/** The chat's JID, the phone-number form when the key names one for a LID chat. */
export function phoneJid(key: WAMessageKey): string {
  const jid = key.remoteJid ?? ''
  if (jid.endsWith('@lid') && isPhoneJid(key.remoteJidAlt)) return jidNormalizedUser(key.remoteJidAlt)
  return jid
}

/** The sender inside a group (phone form when the key carries it, device suffix dropped); undefined elsewhere. */
export function participantJid(key: WAMessageKey): string | undefined {
  if (!isJidGroup(key.remoteJid ?? undefined) || !key.participant) return undefined
  if (key.participant.endsWith('@lid') && isPhoneJid(key.participantAlt)) return jidNormalizedUser(key.participantAlt)
  return jidNormalizedUser(key.participant)
}

/** The key as the seam reports it: phone JIDs, participant only in groups. */
export function seamKey(key: WAMessageKey): WaMessage['key'] {
  const participant = participantJid(key)
  return { remoteJid: phoneJid(key), fromMe: key.fromMe === true, id: key.id ?? '', ...(participant ? { participant } : {}) }
}

/** An account JID without its device suffix ("5959...:12@s.whatsapp.net" -> "5959...@s.whatsapp.net"). */
export const accountJid = (jid: string): string => jidNormalizedUser(jid)

type Longish = { low: number; high: number; unsigned?: boolean; toString(): string }
const isLong = (v: object): v is Longish => 'low' in v && 'high' in v && typeof (v as Longish).toString === 'function'

/**
 * A proto message as plain JSON the way Evolution's webhooks show it: bytes as `{"0":n,...}` objects
 * (what JSON.stringify does with a Uint8Array), 64-bit numbers as strings, unset fields dropped.
 */
export function plainJson(value: unknown): unknown {
  if (value === null || value === undefined) return undefined
  if (value instanceof Uint8Array) return Object.fromEntries(Array.from(value, (b, i) => [String(i), b]))
  if (Array.isArray(value)) return value.map(plainJson)
  if (typeof value === 'object') {
    if (isLong(value)) return value.toString()
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const j = plainJson(v)
      if (j !== undefined) out[k] = j
    }
    return out
  }
  return value
}

const toNumber = (t: unknown): number => (typeof t === 'number' ? t : t && typeof t === 'object' ? Number(String(t)) : Math.floor(Date.now() / 1000))

/** Content keys that carry no user-visible message (key distribution, edits/revokes, history sync). */
const NOT_CONTENT = new Set(['protocolMessage', 'senderKeyDistributionMessage', 'messageContextInfo'])

/**
 * A message of either direction (live, or from a history sync) as the seam's WaMessage, or null when
 * it is not one to store: no key, a status broadcast, or only protocol traffic (edits and revokes arrive
 * again as messages.update, where store-listeners.ts reads them). Ephemeral and view-once wrappers are
 * unwrapped. Ours are signed "Você", as Evolution stores them.
 */
export function toWaMessage(m: WAMessage): WaMessage | null {
  const key = m.key
  if (!key?.id || !key.remoteJid || isJidStatusBroadcast(key.remoteJid)) return null
  const content = normalizeMessageContent(m.message)
  const type = getContentType(content ?? undefined)
  if (!content || !type || NOT_CONTENT.has(type)) return null
  const fromMe = key.fromMe === true
  return {
    key: seamKey(key),
    pushName: fromMe ? 'Você' : (m.pushName ?? ''),
    message: (plainJson(content) as Record<string, unknown>) ?? {},
    messageType: type,
    messageTimestamp: toNumber(m.messageTimestamp),
    status: ackStatus(m.status) ?? (fromMe ? 'SERVER_ACK' : 'DELIVERY_ACK'),
    source: getDevice(key.id),
  }
}

/** A message received live, or null when it is not one to relay (ours, or not a message: see toWaMessage). */
export function inboundMessage(m: WAMessage): WaMessage | null {
  const msg = toWaMessage(m)
  if (!msg || msg.key.fromMe) return null
  // Evolution stores an incoming message as delivered (to us) until it is read.
  return { ...msg, status: 'DELIVERY_ACK' }
}

/** What sendMessage returned, as the seam's WaMessage (status PENDING; acks follow). */
export function sentMessage(m: WAMessage, jid: string): WaMessage {
  const content = (plainJson(m.message ?? {}) as Record<string, unknown>) ?? {}
  let type: string = getContentType(m.message ?? undefined) ?? 'conversation'
  let message = content
  // Evolution folds a plain text (extendedTextMessage with only `text`) into `conversation`.
  const ext = content.extendedTextMessage as Record<string, unknown> | undefined
  if (type === 'extendedTextMessage' && ext && Object.keys(ext).every((k) => k === 'text')) {
    type = 'conversation'
    message = { conversation: ext.text }
  }
  return {
    key: { remoteJid: m.key.remoteJid ?? jid, fromMe: true, id: m.key.id ?? '' },
    pushName: 'Você',
    message,
    messageType: type,
    messageTimestamp: toNumber(m.messageTimestamp),
    status: 'PENDING',
  }
}
