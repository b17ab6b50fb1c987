/**
 * @module scripts/import-reference/transforms
 * One function per reference table: a row of TAGUATO-SEND (as JSON, timestamps as wall-clock text)
 * becomes a row of ours, keeps its id, gets our defaults where the reference allowed NULL, or is
 * skipped with the reason the report shows. Pure but for the webhook URL check the context carries.
 * What is kept as it is, on purpose: bcrypt hashes (they verify, and become argon2id at the next login,
 * docs/decisions.md#d4), TOTP secrets (both systems keep the base32 secret itself), session token hashes
 * (both store SHA-256 hex of the same 64-hex token), lockout counters, limits.
 */
import { scrubDetails } from '../../gateway/src/services/audit/audit.js'
import type { Json } from './db/source.js'
import { wallToInstant } from './wall-clock.js'

export type Ctx = {
  /** Zone of the reference's wall-clock timestamps. */
  zone: string
  now: Date
  revokeSessions: boolean
  /** Reference service id -> ours (matched by name). */
  services: Map<number, number>
  /** Instance name -> the integration Evolution ran it with (--evolution-from). */
  integrations: Map<string, string>
  /** Why the gateway's webhook rule refuses a URL, or null. */
  webhookRefusal: (url: string) => Promise<string | null>
}

export type Outcome =
  | { row: Json; adjusted?: string; note?: string }
  | { skip: string; note?: string }

export type Transform = (r: Json, ctx: Ctx) => Outcome | Promise<Outcome>

const now = (ctx: Ctx) => ctx.now.toISOString()
/** A NOT NULL timestamp of ours that the reference left NULL. */
const stamp = (v: unknown, ctx: Ctx, ...fallbacks: unknown[]) => v ?? fallbacks.find((f) => f != null) ?? now(ctx)

const BCRYPT = /^\$2[aby]\$/

export const users: Transform = (r, ctx) => ({
  ...(typeof r.password_hash === 'string' && BCRYPT.test(r.password_hash) ? { adjusted: 'bcrypt hash kept: the same password logs in, then it is rehashed to argon2id' } : {}),
  row: {
    id: r.id, username: r.username, password_hash: r.password_hash, role: r.role ?? 'user', api_token: r.api_token,
    max_instances: r.max_instances ?? 1, is_active: r.is_active ?? true, must_change_password: r.must_change_password ?? true,
    rate_limit: r.rate_limit ?? null, failed_login_attempts: r.failed_login_attempts ?? 0, locked_until: r.locked_until ?? null,
    email: r.email ?? null, phone_number: r.phone_number ?? null, totp_secret: r.totp_secret ?? null, totp_enabled: r.totp_enabled ?? false,
    created_at: stamp(r.created_at, ctx), updated_at: stamp(r.updated_at, ctx, r.created_at),
  },
})

export const userInstances: Transform = (r, ctx) => {
  const channel = r.channel_type ?? 'whatsapp'
  const row = {
    id: r.id, user_id: r.user_id ?? null, instance_name: r.instance_name, channel_type: channel, created_at: stamp(r.created_at, ctx),
    integration: ctx.integrations.get(String(r.instance_name)) ?? 'WHATSAPP-BAILEYS',
  }
  if (channel === 'telegram') return { row, note: `Telegram instance "${String(r.instance_name)}" kept (owner, encrypted bot token), but this version does not serve Telegram` }
  return { row }
}

export const telegramInstances: Transform = (r, ctx) => ({
  row: { instance_name: r.instance_name, bot_token_enc: r.bot_token_enc, created_at: stamp(r.created_at, ctx) },
})

export const instancePermissions: Transform = (r, ctx) => ({
  row: { id: r.id, instance_name: r.instance_name, grantee_user_id: r.grantee_user_id, granted_by: r.granted_by ?? null, granted_at: stamp(r.granted_at, ctx) },
})

export const incidents: Transform = (r, ctx) => ({
  row: {
    id: r.id, title: r.title, severity: r.severity, status: r.status ?? 'investigating', created_by: r.created_by ?? null,
    created_at: stamp(r.created_at, ctx), updated_at: stamp(r.updated_at, ctx, r.created_at), resolved_at: r.resolved_at ?? null,
  },
})

export const incidentUpdates: Transform = (r, ctx) => ({
  row: { id: r.id, incident_id: r.incident_id, status: r.status, message: r.message, created_by: r.created_by ?? null, created_at: stamp(r.created_at, ctx) },
})

/** The junctions point at services by the reference's ids; ours were matched by name. */
const junction = (key: 'incident_id' | 'maintenance_id'): Transform => (r, ctx) => {
  const service = ctx.services.get(Number(r.service_id))
  if (service === undefined) return { skip: 'its service is not in the reference\'s services table' }
  return { row: { [key]: r[key], service_id: service } }
}
export const incidentServices = junction('incident_id')
export const maintenanceServices = junction('maintenance_id')

export const scheduledMaintenances: Transform = (r, ctx) => ({
  row: {
    id: r.id, title: r.title, description: r.description ?? null, scheduled_start: r.scheduled_start, scheduled_end: r.scheduled_end,
    status: r.status ?? 'scheduled', created_by: r.created_by ?? null, created_at: stamp(r.created_at, ctx), updated_at: stamp(r.updated_at, ctx, r.created_at),
  },
})

export const uptimeChecks: Transform = (r, ctx) => ({
  row: { id: r.id, service_name: r.service_name, status: r.status, response_time: r.response_time ?? 0, checked_at: stamp(r.checked_at, ctx) },
})

export const messageTemplates: Transform = (r, ctx) => ({
  row: { id: r.id, user_id: r.user_id, name: r.name, content: r.content, created_at: stamp(r.created_at, ctx), updated_at: stamp(r.updated_at, ctx, r.created_at) },
})

export const contactLists: Transform = (r, ctx) => ({
  row: { id: r.id, user_id: r.user_id, name: r.name, created_at: stamp(r.created_at, ctx), updated_at: stamp(r.updated_at, ctx, r.created_at) },
})

export const contactListItems: Transform = (r, ctx) => ({
  row: { id: r.id, list_id: r.list_id, phone_number: r.phone_number, label: r.label ?? '', created_at: stamp(r.created_at, ctx) },
})

const SESSION_HASH = /^[0-9a-f]{64}$/
const DAY_MS = 24 * 3600 * 1000

/**
 * A live session is kept with its hash as it is: the reference stored SHA-256 hex of the 64-hex token,
 * exactly what we store, so the token in the user's browser keeps working (D5, docs/decisions.md#d5).
 */
export const sessions: Transform = (r, ctx) => {
  if (ctx.revokeSessions) return { skip: '--revoke-sessions: everyone logs in again' }
  const created = wallToInstant(r.created_at, ctx.zone)
  // The reference's expires_at is nullable (migration 3 backfilled created_at + 24 h).
  const expires = wallToInstant(r.expires_at, ctx.zone) ?? (created ? new Date(created.getTime() + DAY_MS) : null)
  if (r.is_active === false || !expires || expires <= ctx.now) return { skip: 'revoked or expired in the reference (nothing to keep)' }
  if (typeof r.token_hash !== 'string' || !SESSION_HASH.test(r.token_hash)) return { skip: 'token_hash is not a SHA-256 hex digest (not a token the reference could have issued)' }
  return {
    row: {
      id: r.id, user_id: r.user_id, token_hash: r.token_hash, ip_address: r.ip_address ?? null, user_agent: r.user_agent ?? null,
      last_active: stamp(r.last_active, ctx, r.created_at), is_active: true, expires_at: expires.toISOString(), created_at: stamp(r.created_at, ctx),
    },
  }
}

/**
 * A message the old worker was sending when it stopped goes back to pending: our worker resumes it and
 * skips every recipient already in message_logs for it (the unique index on scheduled recipient).
 * scheduled_at keeps the reference's meaning: the wall-clock time in its server's zone.
 */
export const scheduledMessages: Transform = (r, ctx) => {
  const processing = r.status === 'processing'
  return {
    row: {
      id: r.id, user_id: r.user_id, instance_name: r.instance_name, message_type: r.message_type ?? 'text', message_content: r.message_content,
      recipients: r.recipients, scheduled_at: r.scheduled_at, status: processing ? 'pending' : (r.status ?? 'pending'), results: r.results ?? null,
      created_at: stamp(r.created_at, ctx), updated_at: stamp(r.updated_at, ctx, r.created_at),
    },
    ...(processing ? { adjusted: 'was being sent when the old gateway stopped: pending again (recipients already logged are not sent twice)' } : {}),
  }
}

export const messageLogs: Transform = (r, ctx) => ({
  row: {
    id: r.id, user_id: r.user_id, instance_name: r.instance_name, phone_number: r.phone_number, message_type: r.message_type ?? 'text',
    status: r.status ?? 'sent', error_message: r.error_message ?? null, created_at: stamp(r.created_at, ctx), scheduled_message_id: r.scheduled_message_id ?? null,
  },
})

/** The reference copied whole request bodies into details, passwords included (D4, docs/decisions.md#d4): scrubbed as we scrub ours. */
export const auditLog: Transform = (r, ctx) => {
  const details = r.details && typeof r.details === 'object' && !Array.isArray(r.details) ? scrubDetails(r.details as Record<string, unknown>) : (r.details ?? null)
  const changed = JSON.stringify(details) !== JSON.stringify(r.details ?? null)
  return {
    row: {
      id: r.id, user_id: r.user_id ?? null, username: r.username ?? null, action: r.action, resource_type: r.resource_type ?? null,
      resource_id: r.resource_id ?? null, details, ip_address: r.ip_address ?? null, created_at: stamp(r.created_at, ctx),
    },
    ...(changed ? { adjusted: 'secrets the reference stored in details (passwords, tokens, codes) redacted' } : {}),
  }
}

export const reconnectLog: Transform = (r, ctx) => ({
  row: {
    id: r.id, instance_name: r.instance_name, previous_state: r.previous_state ?? null, action: r.action ?? null, result: r.result ?? null,
    error_message: r.error_message ?? null, created_at: stamp(r.created_at, ctx),
  },
})

/** What the reference's cleanup job appended when its (v1-bodied, always refused) sync gave up. */
const GAVE_UP = '(deactivated after max retries)'

/**
 * Webhooks move to our v2 sync (needs_sync: the webhook-sync job points the upstream at our receiver,
 * which forwards to the URL). Each URL goes through the gateway's webhook rule first: a refused one is
 * kept, disabled, and listed. One the reference disabled only because its own sync always failed
 * (D14, docs/decisions.md#d14) is enabled again; one its user disabled stays disabled.
 */
export const userWebhooks: Transform = async (r, ctx) => {
  const base = {
    id: r.id, user_id: r.user_id, instance_name: r.instance_name, webhook_url: r.webhook_url, events: r.events ?? [],
    created_at: stamp(r.created_at, ctx), updated_at: stamp(r.updated_at, ctx, r.created_at),
  }
  const where = `webhook ${String(r.id)} (user ${String(r.user_id)}, instance "${String(r.instance_name)}")`
  const refusal = await ctx.webhookRefusal(String(r.webhook_url ?? ''))
  if (refusal !== null) {
    return {
      row: { ...base, is_active: false, retry_count: 0, needs_sync: false, last_error: `disabled at import: ${refusal}` },
      adjusted: 'disabled: the URL is refused by the outbound-request guard',
      note: `${where}: ${String(r.webhook_url)} disabled (${refusal}); its user can set another URL`,
    }
  }
  const gaveUp = r.is_active === false && typeof r.last_error === 'string' && r.last_error.endsWith(GAVE_UP)
  const active = r.is_active !== false || gaveUp
  return {
    row: { ...base, is_active: active, retry_count: 0, needs_sync: active, last_error: active ? null : (r.last_error ?? null) },
    ...(gaveUp ? { adjusted: 'enabled again: the reference disabled it after its own sync failed' } : {}),
  }
}
