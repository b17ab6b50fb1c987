/**
 * @module services/send-pauses/signals
 * What an upstream event says about an instance's standing with WhatsApp (pure: no I/O, unit tested):
 *   - messages.update ERROR with `error.code` (the upstream carries Baileys' nack code, or Meta's): a nack;
 *   - messages.update SERVER_ACK: WhatsApp's server took the message (the stuck-message worker's input);
 *   - connection.update close with statusReason 401 (logged out) or 403 (forbidden): a possible ban.
 * And the reason in words a pause shows for each signal.
 */
import { eventConfigName } from '../webhooks/events.js'

export type Signal =
  | { kind: 'nack'; keyId: string; code: number; message: string | null }
  | { kind: 'server_ack'; keyId: string }
  | { kind: 'closed'; statusReason: number }

/** Baileys' SenderReachoutTimelocked / MessageAccountRestriction: the account may not start new chats. */
export const NACK_TIMELOCK = 463

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)

function codeOf(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,7}$/.test(v) ? Number(v) : NaN
  return Number.isInteger(n) ? n : null
}

export function signalFrom(envelope: Record<string, unknown>): Signal | null {
  const event = typeof envelope.event === 'string' ? eventConfigName(envelope.event) : ''
  const data = obj(envelope.data)
  if (!data) return null
  if (event === 'MESSAGES_UPDATE') {
    const keyId = data.keyId ?? obj(data.key)?.id
    const status = typeof data.status === 'string' ? data.status.toUpperCase() : ''
    if (typeof keyId !== 'string' || keyId === '') return null
    if (status === 'SERVER_ACK') return { kind: 'server_ack', keyId: keyId.slice(0, 128) }
    if (status !== 'ERROR') return null
    const error = obj(data.error)
    const code = codeOf(error?.code)
    if (code === null) return null
    const message = typeof error?.message === 'string' && error.message.trim() !== '' ? error.message.trim().slice(0, 300) : null
    return { kind: 'nack', keyId: keyId.slice(0, 128), code, message }
  }
  if (event === 'CONNECTION_UPDATE') {
    const reason = codeOf(data.statusReason)
    if (data.state === 'close' && (reason === 401 || reason === 403)) return { kind: 'closed', statusReason: reason }
  }
  return null
}

/** A nack that counts towards the burst rule: a 4xx code (WhatsApp's and Meta's client-side refusals). */
export const isClientNack = (code: number): boolean => code >= 400 && code <= 499

const nackText = (code: number, message: string | null) => `error ${code}${message ? ` (${message})` : ''}`

export const reasons = {
  timelock: (message: string | null) =>
    `WhatsApp refused a message with ${nackText(NACK_TIMELOCK, message)}: the account is restricted from starting new chats (reach-out timelock). ` +
    'Sending is paused because every retry counts as another reach-out and makes the restriction worse.',
  burst: (count: number, windowSeconds: number, code: number, message: string | null) =>
    `WhatsApp refused ${count} messages in ${Math.round(windowSeconds / 60) || 1} min (last: ${nackText(code, message)}). ` +
    'Sending is paused: repeated refusals often come before a ban.',
  closed: (statusReason: number) =>
    statusReason === 403
      ? 'WhatsApp refused the connection (403 forbidden): the number may be banned. Sending is paused.'
      : 'WhatsApp logged the instance out (401) without a logout through the API: possibly a ban. Sending is paused.',
}
