/**
 * @module services/send-budget/limits
 * The budgets that apply to one instance right now (pure, unit-tested): the config defaults, the
 * operator's per-instance overrides (instance_send_settings), the driver (Cloud API instances are not
 * budgeted unless SEND_BUDGET_CLOUD_API: Meta rate-limits them itself) and the warm-up ramp of a newly
 * linked number: SEND_WARMUP_START_PERCENT of each budget on its first day, rising linearly to 100 %
 * after SEND_WARMUP_DAYS. 0 means unlimited throughout, and stays unlimited under the ramp.
 */
import type { Config } from '../../config.js'

export const CLOUD_API = 'WHATSAPP-BUSINESS'

/** What the gateway knows of one instance (services/send-budget/settings: refreshed from PostgreSQL). */
export type InstanceSendSettings = {
  integration: string
  perMinute: number | null
  newRecipientsPerDay: number | null
  warmupDays: number | null
  sendMode: 'sync' | 'queue' | null
  /** When the gateway first saw it open; null = not yet (treated as newly linked). */
  linkedAt: Date | null
}

export type Limits = { perMinute: number; perDay: number }

export type BudgetConfig = Pick<
  Config,
  'SEND_BUDGET_PER_MINUTE' | 'SEND_BUDGET_NEW_RECIPIENTS_PER_DAY' | 'SEND_WARMUP_DAYS' | 'SEND_WARMUP_START_PERCENT' | 'SEND_BUDGET_CLOUD_API'
>

const DAY_MS = 86_400_000

/** Share of the full budgets a number linked at `linkedAt` has at `now` (1 = full). */
export function warmupFactor(linkedAt: Date | null, days: number, startPercent: number, now: number): number {
  if (days <= 0) return 1
  const age = linkedAt ? Math.max(0, now - linkedAt.getTime()) / DAY_MS : 0
  if (age >= days) return 1
  const start = startPercent / 100
  return start + (1 - start) * (age / days)
}

const scale = (limit: number, factor: number): number => (limit <= 0 ? 0 : Math.max(1, Math.floor(limit * factor)))

/** The instance's budgets now; {0, 0} = nothing to count (no Redis call at all). */
export function limitsFor(c: BudgetConfig, s: InstanceSendSettings | undefined, now: number = Date.now()): Limits {
  const overridden = s && (s.perMinute !== null || s.newRecipientsPerDay !== null)
  if (s?.integration === CLOUD_API && !c.SEND_BUDGET_CLOUD_API && !overridden) return { perMinute: 0, perDay: 0 }
  const perMinute = s?.perMinute ?? c.SEND_BUDGET_PER_MINUTE
  const perDay = s?.newRecipientsPerDay ?? c.SEND_BUDGET_NEW_RECIPIENTS_PER_DAY
  if (perMinute <= 0 && perDay <= 0) return { perMinute: 0, perDay: 0 }
  const f = warmupFactor(s?.linkedAt ?? null, s?.warmupDays ?? c.SEND_WARMUP_DAYS, c.SEND_WARMUP_START_PERCENT, now)
  return { perMinute: scale(perMinute, f), perDay: scale(perDay, f) }
}

/** Recipient key: the digits of a number or JID user part (`+595 981...` and `595981...@s.whatsapp.net` are one). */
export const recipientKey = (to: string): string => to.split('@')[0]!.replace(/\D/g, '') || to
