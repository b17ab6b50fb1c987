/**
 * @module middleware/require-admin
 * 403 "Admin access required" for non-admins; runs after session and rate limit, as the reference's
 * admin handlers do (so non-admins are rate limited before they are refused).
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'

export const ADMIN_REQUIRED = 'Admin access required'

export const requireAdmin = (message = ADMIN_REQUIRED): MiddlewareHandler<AppEnv> =>
  async function requireAdmin(c, next) {
    if (c.get('user').role !== 'admin') throw new ApiError(403, message)
    return next()
  }
