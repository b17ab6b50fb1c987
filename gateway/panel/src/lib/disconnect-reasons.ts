/**
 * Why an instance's WhatsApp connection closed, in words. The upstream records the close's reason
 * code as `disconnectionReasonCode` on the instance (GET /instance/fetchInstances); the codes are
 * Baileys' DisconnectReason values, which Evolution passes through. The wording says what the user
 * should do, because "401" alone tells them nothing. Pure: unit-tested in disconnect-reasons.test.ts.
 */

/** `tone` picks the colour: `bad` needs the user, `warn` fixes itself (the upstream reconnects). */
export type DisconnectReason = { code: number; words: string; tone: 'bad' | 'warn' }

const REASONS: Record<number, Omit<DisconnectReason, 'code'>> = {
  401: { words: 'Logged out from the phone: scan the QR code again', tone: 'bad' },
  403: { words: 'Blocked by WhatsApp (the number may be banned): no retry', tone: 'bad' },
  405: { words: 'WhatsApp refused this WhatsApp Web version: the operator must update CONFIG_SESSION_PHONE_VERSION', tone: 'bad' },
  408: { words: 'Connection lost (timed out): reconnecting', tone: 'warn' },
  411: { words: 'The phone and this device disagree about the session: scan the QR code again', tone: 'bad' },
  428: { words: 'Connection lost: reconnecting', tone: 'warn' },
  440: { words: 'Connection replaced by another device (the session was opened elsewhere)', tone: 'bad' },
  500: { words: 'The stored session is unusable: scan the QR code again', tone: 'bad' },
  503: { words: 'WhatsApp is unavailable right now: reconnecting', tone: 'warn' },
  515: { words: 'Restart required (automatic, normal after linking)', tone: 'warn' },
}

/**
 * A Cloud API instance (WHATSAPP-BUSINESS) has no socket: the upstream's cloud driver records 401 when
 * Meta refuses the token (Meta error 190) or the instance was disconnected, 400 for any other Meta
 * refusal, 503 when Meta could not be reached (upstream/src/driver/cloud/session.ts).
 */
const CLOUD_REASONS: Record<number, Omit<DisconnectReason, 'code'>> = {
  401: { words: 'Meta refused the access token (invalid or expired), or the instance was disconnected: replace the token or connect again', tone: 'bad' },
  400: { words: 'Meta refused the phone number id or the token: check both', tone: 'bad' },
  503: { words: 'Meta could not be reached: connect again later', tone: 'warn' },
}

/**
 * The reason for a close code, or null when there is nothing to explain (no code, or 200, which
 * Evolution uses for "no error"). An unknown code still says something useful.
 */
export function disconnectReason(code: unknown, integration?: string | null): DisconnectReason | null {
  const n = typeof code === 'string' && /^\d+$/.test(code.trim()) ? Number(code) : code
  if (typeof n !== 'number' || !Number.isInteger(n) || n === 200 || n <= 0) return null
  const known = (integration === 'WHATSAPP-BUSINESS' ? CLOUD_REASONS : REASONS)[n]
  return known ? { code: n, ...known } : { code: n, words: `Disconnected (reason ${n}): connect again if it does not come back by itself`, tone: 'warn' }
}

/** Every code with its words, for the docs and the help text. */
export const KNOWN_REASON_CODES = Object.keys(REASONS).map(Number)
