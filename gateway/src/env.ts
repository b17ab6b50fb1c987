/**
 * @module env
 * Hono context typing for the whole gateway: what middleware puts on `c` for later handlers.
 */
import type { Logger } from 'pino'
import type { Deps } from './deps.js'
import type { LimitDecision } from './services/rate-limit/user-limiter.js'
import type { AuthUser } from './db/queries/users.js'

/** The caller as resolved from the session token; re-exported here for routes and middleware. */
export type { AuthUser }

export type AppVariables = {
  requestId: string
  log: Logger
  clientIp: string
  deps: Deps
  /** Set by the session middleware on authenticated routes. */
  user: AuthUser
  /** The per-user limit decision of an allowed request: middleware/response-headers sends X-RateLimit-*. */
  rateLimit?: LimitDecision
}

export type AppEnv = { Variables: AppVariables }
