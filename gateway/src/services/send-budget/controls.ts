/**
 * @module services/send-budget/controls
 * One per gateway process (`sendControls(deps)`): the in-memory copy of every instance's send settings
 * (driver, the operator's per-instance and per-user settings, linked_at; reloaded from PostgreSQL every SETTINGS_REFRESH_MS and at once
 * after an admin change in this process, so the send path never queries PostgreSQL) and the shared
 * Redis budget. Used by the send gate (429), the queue worker and the scheduled sender (both wait).
 */
import type { Deps } from '../../deps.js'
import { loadSendSettings, type SettingsRow } from '../../db/queries/send-settings.js'
import { budgetPrefix, SendBudget, type BudgetDecision } from './budget.js'
import { limitsFor, type InstanceSendSettings, type Limits } from './limits.js'

export const SETTINGS_REFRESH_MS = 10_000
/** Longest single sleep while waiting for budget, so a stop is noticed soon. */
const SLEEP_SLICE_MS = 1000

/** What applies to one instance: field by field its own setting, else its owner's, else (null) the default. */
export function toSettings(r: SettingsRow): InstanceSendSettings {
  const u = r.user
  return {
    integration: r.integration,
    perMinute: r.per_minute ?? u?.per_minute ?? null,
    newRecipientsPerDay: r.new_recipients_per_day ?? u?.new_recipients_per_day ?? null,
    warmupDays: r.warmup_days ?? u?.warmup_days ?? null,
    sendMode: r.send_mode ?? u?.send_mode ?? null,
    linkedAt: r.linked_at,
  }
}

export class SendControls {
  readonly budget: SendBudget
  private settings = new Map<string, InstanceSendSettings>()
  private timer: NodeJS.Timeout | undefined
  private loading: Promise<void> | null = null

  constructor(private readonly deps: Pick<Deps, 'config' | 'sql' | 'redis' | 'log'>) {
    this.budget = new SendBudget(deps.redis, deps.log, budgetPrefix(deps.config.DATABASE_URL))
  }

  /** Starts the background reload on first use (a process that never sends never queries). */
  private ensureStarted(): void {
    if (this.timer) return
    this.timer = setInterval(() => void this.refresh(), SETTINGS_REFRESH_MS)
    this.timer.unref()
    void this.refresh()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  refresh(): Promise<void> {
    this.loading ??= loadSendSettings(this.deps.sql)
      .then((rows) => {
        this.settings = new Map(rows.map((r) => [r.instance_name, toSettings(r)]))
      })
      .catch((err: Error) => this.deps.log.warn({ err: err.message }, 'send settings reload failed; keeping the last ones'))
      .finally(() => {
        this.loading = null
      })
    return this.loading
  }

  /** Replaces one instance's entry now (an admin change), without waiting for the next reload. */
  put(instance: string, s: InstanceSendSettings): void {
    this.settings.set(instance, s)
  }

  get(instance: string): InstanceSendSettings | undefined {
    this.ensureStarted()
    return this.settings.get(instance)
  }

  limits(instance: string, now: number = Date.now()): Limits {
    return limitsFor(this.deps.config, this.get(instance), now)
  }

  /** Checks and counts one send (one Redis round trip; none when the instance is not budgeted). */
  take(instance: string, to: string): Promise<BudgetDecision> {
    return this.budget.take(instance, to, this.limits(instance))
  }

  /**
   * Waits until the budget lets one send to `to` go, and counts it (the queue worker, the scheduled
   * sender: they wait, never fail). Jitter of up to 20 % of each wait spreads the sends of a full
   * minute instead of releasing them all at the minute's turn. False when `shouldStop` turned true.
   */
  async waitFor(instance: string, to: string, shouldStop: () => boolean = () => false, maxWaitMs = Infinity): Promise<boolean> {
    const end = Date.now() + maxWaitMs
    for (;;) {
      if (shouldStop()) return false
      const d = await this.take(instance, to)
      if (d.ok) return true
      let ms = d.retryAfterSeconds * 1000 * (1 + Math.random() * 0.2)
      while (ms > 0) {
        if (shouldStop() || Date.now() >= end) return false
        const slice = Math.min(ms, SLEEP_SLICE_MS)
        await new Promise((r) => setTimeout(r, slice))
        ms -= slice
      }
    }
  }
}

const perDeps = new WeakMap<object, SendControls>()

/** The process's controls (built on first use). */
export function sendControls(deps: Pick<Deps, 'config' | 'sql' | 'redis' | 'log'>): SendControls {
  let c = perDeps.get(deps)
  if (!c) {
    c = new SendControls(deps)
    perDeps.set(deps, c)
  }
  return c
}
