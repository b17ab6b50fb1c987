/**
 * @module services/accounts/admin-reset
 * POST /admin/users/{id}/reset-password (R4, docs/decisions.md#r4): a 6-digit code for the user, emailed by
 * the admin. The code is made here (CSPRNG, stored as SHA-256, D6 (docs/decisions.md#d6)); the mail goes out through
 * `sendAdminResetEmail` (services/mail: nodemailer, template `adminResetCodeMail`, R3 (docs/decisions.md#r3)).
 */
import { randomInt } from 'node:crypto'
import type { Deps } from '../../deps.js'
import { replaceResetCode } from '../../db/queries/password-resets.js'
import { ApiError } from '../../errors/api-error.js'
import { sendMail } from '../mail/mailer.js'
import { adminResetCodeMail } from '../mail/templates.js'
import { sha256Hex } from '../sessions/tokens.js'

export const smtpConfigured = (deps: Deps): boolean => deps.config.SMTP_HOST.trim() !== '' && deps.config.SMTP_FROM.trim() !== ''

export type AdminResetMail = { to: string; code: string; adminUsername: string; targetUsername: string }

/**
 * Sends the admin-initiated reset email (services/mail, English "Password reset - TAGUATO-SEND").
 * Throws on failure (the route answers 500 "Failed to send reset email").
 */
export async function sendAdminResetEmail(deps: Deps, mail: AdminResetMail): Promise<void> {
  try {
    await sendMail(deps.config, mail.to, adminResetCodeMail(mail.code, mail.adminUsername))
  } catch (err) {
    deps.log.error({ target: mail.targetUsername, err: (err as Error).message }, 'admin reset email failed')
    throw err
  }
}

/** Invalidates earlier codes, stores the new one hashed (15 min), then mails it. */
export async function issueAdminReset(deps: Deps, target: { id: number; username: string; email: string }, adminUsername: string): Promise<void> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
  try {
    await deps.sql.begin((tx) => replaceResetCode(tx, target.id, sha256Hex(code), 'admin_email', 15))
  } catch (err) {
    deps.log.error({ err: (err as Error).message }, 'admin reset: insert failed')
    throw new ApiError(500, 'Failed to create reset record')
  }
  try {
    await sendAdminResetEmail(deps, { to: target.email, code, adminUsername, targetUsername: target.username })
  } catch {
    throw new ApiError(500, 'Failed to send reset email')
  }
}
