/**
 * @module services/sessions/tokens
 * Session tokens: 32 CSPRNG bytes as 64 lowercase hex, returned once; only SHA-256 hex is stored (D5, docs/decisions.md#d5).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const generateToken = (): string => randomBytes(32).toString('hex')

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex')

/** Constant-time comparison of two strings (false on length mismatch without early exit on content). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab)
    return false
  }
  return timingSafeEqual(ab, bb)
}
