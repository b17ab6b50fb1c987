/**
 * @module services/alerts
 * deps.alerts: posts alert events to ALERT_WEBHOOK_URL (disabled when empty) at most once per
 * ALERT_COOLDOWN_SECONDS per cooldown key. The cooldown is claimed in Redis (SET NX EX) so replicas
 * share it; when Redis fails, an in-process map keeps the same rule per process. Never throws.
 * The POST goes through the outbound guard's client with the URL's own host exempt: the operator chose
 * it (an internal relay is a fair choice), but no redirect is followed and the answer is capped.
 */
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { createGatewayOutbound, urlPort, type OutboundClient } from '../outbound/guard.js'
import { alertPayload, cooldownKey, type AlertEvent } from './payload.js'

export type AlertOutcome = 'sent' | 'cooldown' | 'disabled' | 'failed'
export type AlertOptions = { url: string; cooldownSeconds: number; timeoutMs?: number }

const KEY_PREFIX = 'taguato:alert:cooldown:'

export class AlertService {
  private readonly memory = new Map<string, number>()
  private readonly outbound: OutboundClient | null

  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
    private readonly opts: AlertOptions,
  ) {
    const url = opts.url ? new URL(opts.url) : null
    this.outbound = url ? createGatewayOutbound({ allowedHosts: [`${url.hostname}:${urlPort(url)}`] }) : null
  }

  get enabled(): boolean {
    return this.opts.url !== ''
  }

  async notify(event: AlertEvent): Promise<AlertOutcome> {
    if (!this.enabled) return 'disabled'
    const key = cooldownKey(event)
    if (!(await this.claim(key))) {
      this.log.debug({ alert: key }, 'alert suppressed by cooldown')
      return 'cooldown'
    }
    try {
      const res = await this.outbound!.fetch(this.opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alertPayload(event)),
        timeoutMs: this.opts.timeoutMs ?? 10_000,
        maxBytes: 64 * 1024,
      })
      if (res.status >= 300) {
        this.log.error({ alert: key, status: res.status }, 'alert webhook refused the alert')
        return 'failed'
      }
      this.log.info({ alert: key }, 'alert sent')
      return 'sent'
    } catch (err) {
      this.log.error({ alert: key, err: (err as Error).message }, 'alert webhook unreachable')
      return 'failed'
    }
  }

  /** Closes the alert client's connections (shutdown). */
  async close(): Promise<void> {
    await this.outbound?.close().catch(() => undefined)
  }

  /** True when this caller may send now (and starts the cooldown). */
  private async claim(key: string): Promise<boolean> {
    const ttl = this.opts.cooldownSeconds
    if (ttl <= 0) return true
    try {
      return (await this.redis.set(KEY_PREFIX + key, String(Date.now()), 'EX', ttl, 'NX')) === 'OK'
    } catch {
      const now = Date.now()
      const until = this.memory.get(key) ?? 0
      if (until > now) return false
      this.memory.set(key, now + ttl * 1000)
      return true
    }
  }
}
