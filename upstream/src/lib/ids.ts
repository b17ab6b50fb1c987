/**
 * @module upstream/lib/ids
 * Identifier formats Evolution clients see: upper-case UUID tokens, cuid-like row ids, and Baileys'
 * web message ids ("3EB0" + 18 upper-case hex characters, which `getDevice` labels "web").
 */
import { randomBytes, randomUUID } from 'node:crypto'

/** Instance apikey when the client gives none (Evolution: upper-case UUID v4). */
export const newToken = (): string => randomUUID().toUpperCase()

/** Instance id (UUID v4). */
export const newInstanceId = (): string => randomUUID()

/** Prisma-style cuid for Setting/Webhook rows: "c" + 24 base36 characters. */
export function newCuid(): string {
  const time = Date.now().toString(36)
  const rand = BigInt(`0x${randomBytes(12).toString('hex')}`).toString(36)
  return `c${(time + rand).slice(0, 24).padEnd(24, '0')}`
}

/** Baileys web message id: 22 characters starting with 3EB0. */
export const newMessageId = (): string => `3EB0${randomBytes(9).toString('hex').toUpperCase()}`

const PAIRING_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTVWXYZ'

/** 8-character pairing code over Baileys' alphabet, without the dash. */
export function newPairingCode(): string {
  const bytes = randomBytes(8)
  let out = ''
  for (const b of bytes) out += PAIRING_ALPHABET[b % PAIRING_ALPHABET.length]
  return out
}

/** Serialises bytes the way Evolution's JSON output shows Buffers/Uint8Arrays: an index-keyed object. */
export function indexedBytes(buf: Uint8Array): Record<string, number> {
  const out: Record<string, number> = {}
  buf.forEach((b, i) => (out[String(i)] = b))
  return out
}
