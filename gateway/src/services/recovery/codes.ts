/**
 * @module services/recovery/codes
 * Recovery secrets (D6, docs/decisions.md#d6): a 6-digit code from the CSPRNG and a 32-byte hex reset token, both stored only
 * as SHA-256 hex; checks compare the hashes in constant time.
 */
import { randomInt } from 'node:crypto'
import { generateToken, safeEqual, sha256Hex } from '../sessions/tokens.js'

export const newResetCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0')
export const newResetToken = (): string => generateToken()
export const hashSecret = (s: string): string => sha256Hex(s)

/** True when `candidate` is a string whose hash equals the stored hash. */
export function matchesHash(candidate: unknown, storedHash: string): boolean {
  if (typeof candidate !== 'string') {
    safeEqual(storedHash, storedHash)
    return false
  }
  return safeEqual(sha256Hex(candidate), storedHash)
}
