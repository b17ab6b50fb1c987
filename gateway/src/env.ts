/**
 * @module env
 * Hono context typing for the whole gateway: what middleware puts on `c` for later handlers.
 */
import type { Logger } from 'pino'
import type { Deps } from './deps.js'

/** The caller as resolved from the session token (never carries secrets). */
export type AuthUser = {
  id: number
  username: string
  role: 'admin' | 'user'
  max_instances: number
  is_active: boolean
  rate_limit: number | null
  must_change_password: boolean
  email: string | null
  phone_number: string | null
  created_at: string
  totp_enabled: boolean
  session_id: number
  token_hash: string
}

export type AppVariables = {
  requestId: string
  log: Logger
  clientIp: string
  deps: Deps
  /** Set by the session middleware on authenticated routes. */
  user: AuthUser
}

export type AppEnv = { Variables: AppVariables }
