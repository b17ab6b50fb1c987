/**
 * @module middleware/session
 * Resolves the `apikey` header (a session token) to the caller and puts it on `c.var.user`.
 * Messages and the active-account check follow the reference's guards: G-API/G-PROXY answer
 * 401 "Missing apikey header" / 401 "Invalid or expired session token" / 403 "Account is disabled";
 * some /api/auth routes use their own wording (options).
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import type { SessionStore } from '../../services/sessions/session-store.js'
import { header } from '../../lib/request-header.js'

export type SessionOptions = {
  sessions: SessionStore
  /** Message when the header is absent (default "Missing apikey header"). */
  missingMessage?: string
  /** Message when the token is not a live session (default "Invalid or expired session token"). */
  invalidMessage?: string
  /** Refuse disabled accounts with 403 (default true). */
  requireActive?: boolean
}

export const MISSING_APIKEY = 'Missing apikey header'
export const INVALID_SESSION = 'Invalid or expired session token'
export const ACCOUNT_DISABLED = 'Account is disabled'

export const session = ({
  sessions,
  missingMessage = MISSING_APIKEY,
  invalidMessage = INVALID_SESSION,
  requireActive = true,
}: SessionOptions): MiddlewareHandler<AppEnv> =>
  async function session(c, next) {
    const token = header(c, 'apikey')
    if (!token) throw new ApiError(401, missingMessage)
    // Tokens are 64 hex chars; anything else cannot be a session and costs no lookup.
    const user = token.length <= 256 ? await sessions.authenticate(token) : null
    if (!user) throw new ApiError(401, invalidMessage)
    if (requireActive && !user.is_active) throw new ApiError(403, ACCOUNT_DISABLED)
    c.set('user', user)
    return next()
  }
