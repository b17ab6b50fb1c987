/**
 * @module services/audit
 * Writes audit_log rows (R4, docs/decisions.md#r4). Details are scrubbed of anything secret-looking before
 * they are stored (D4, docs/decisions.md#d4), and a failed audit write never fails the request.
 */
import type { Logger } from 'pino'
import type { Db, Queryable } from '../../db/client.js'
import { insertAudit } from '../../db/queries/audit-log.js'

export type AuditEntry = {
  userId: number | null
  username: string | null
  action: string
  resourceType?: string | null
  resourceId?: string | number | null
  details?: Record<string, unknown> | null
  ip?: string | null
}

const SECRET_KEYS = /pass|secret|token|code|apikey|api_key|otp|hash/i

/**
 * Replaces secret values: `password: "x"` becomes `password_changed: true`, others `[redacted]`. Walks
 * nested objects with an explicit stack (no recursion): details may carry request values of any depth.
 */
export function scrubDetails(details: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  const work: [Record<string, unknown>, Record<string, unknown>][] = [[details, root]]
  for (let item = work.pop(); item; item = work.pop()) {
    const [from, out] = item
    for (const [k, val] of Object.entries(from)) {
      // A boolean is a fact (password_changed: true, totp_enabled: false), never a secret.
      if (SECRET_KEYS.test(k) && typeof val !== 'boolean') {
        if (/^(new_)?password$/i.test(k)) out.password_changed = true
        else out[k] = '[redacted]'
      } else if (val && typeof val === 'object' && !Array.isArray(val)) {
        const scrubbed: Record<string, unknown> = {}
        out[k] = scrubbed
        work.push([val as Record<string, unknown>, scrubbed])
      } else {
        out[k] = val
      }
    }
  }
  return root
}

export class Audit {
  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** Records an entry; pass a transaction to make it part of the change it describes. */
  async record(e: AuditEntry, tx: Queryable = this.db): Promise<void> {
    const details = e.details ? scrubDetails(e.details) : null
    try {
      await insertAudit(tx, {
        userId: e.userId,
        username: e.username,
        action: e.action,
        resourceType: e.resourceType ?? null,
        resourceId: e.resourceId === undefined || e.resourceId === null ? null : String(e.resourceId),
        details,
        ip: e.ip ? e.ip.slice(0, 45) : null,
      })
    } catch (err) {
      this.log.warn({ err: (err as Error).message, action: e.action }, 'audit write failed')
    }
  }
}
