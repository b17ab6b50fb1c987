/**
 * @module upstream/lib/secrets
 * Constant-time comparison of API keys. Both sides are hashed first so lengths never leak through
 * timingSafeEqual's length check.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest()

/** True when `given` equals `expected`, in time independent of where they differ. */
export function safeEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected))
}
