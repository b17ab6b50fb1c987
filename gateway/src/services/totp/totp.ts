/**
 * @module services/totp
 * RFC 6238 TOTP (HMAC-SHA1, 30 s step, 6 digits, T0 = 0) as the reference does it, plus the step a code
 * matched so callers can refuse replays (users.totp_last_step). Base32 is RFC 4648 without padding.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { safeEqual } from '../sessions/tokens.js'

export const PERIOD_SECONDS = 30
export const DIGITS = 6
export const ISSUER = 'TAGUATO-SEND'
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

export function base32Encode(buf: Buffer): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of buf) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}

/** Decodes base32 like the reference: case-insensitive, every char outside A-Z2-7 ignored (padding, spaces). */
export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[^A-Z2-7]/g, '')
  const bytes: number[] = []
  let bits = 0
  let value = 0
  for (const ch of clean) {
    value = ((value << 5) | ALPHABET.indexOf(ch)) & 0xffff
    bits += 5
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(bytes)
}

/** 20 CSPRNG bytes as 32 base32 chars, like the reference's setup. */
export const generateSecret = (): string => base32Encode(randomBytes(20))

/** RFC 4226 HOTP for one counter value; `digits` is 6 here but the RFC vectors use 8. */
export function hotp(key: Buffer, counter: number, digits = DIGITS): string {
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', key).update(msg).digest()
  const offset = mac[mac.length - 1]! & 0x0f
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits
  return String(bin).padStart(digits, '0')
}

export const stepAt = (unixMs: number): number => Math.floor(unixMs / 1000 / PERIOD_SECONDS)

/** The code of a base32 secret at a time (default now). */
export const totpAt = (secret: string, unixMs = Date.now()): string => hotp(base32Decode(secret), stepAt(unixMs))

/**
 * Checks a code against steps -1, 0, +1 and returns the matched step, or null. The code must be a
 * 6-character string (a JSON number is wrong, as in the reference); steps <= `afterStep` are refused so a
 * code cannot be used twice.
 */
export function verifyTotp(secret: string, code: unknown, opts: { now?: number; afterStep?: number | null } = {}): number | null {
  if (typeof code !== 'string' || code.length !== DIGITS) return null
  const key = base32Decode(secret)
  if (key.length === 0) return null
  const now = stepAt(opts.now ?? Date.now())
  const floor = opts.afterStep ?? -Infinity
  let matched: number | null = null
  // Every window step is computed whatever matches, so timing says nothing about which one did.
  for (const step of [now - 1, now, now + 1]) {
    if (safeEqual(hotp(key, step), code) && step > floor && matched === null) matched = step
  }
  return matched
}

/** The otpauth URI of the reference (label URI-escaped, so ':' is %3A). */
export function otpauthUri(username: string, secret: string): string {
  const label = encodeURIComponent(`${ISSUER}:${username}`)
  return `otpauth://totp/${label}?secret=${secret}&issuer=${ISSUER}&algorithm=SHA1&digits=6&period=30`
}
