/**
 * @module upstream/webhooks/dispatcher
 * Builds Evolution's webhook envelope and POSTs it to the instance's webhook (when enabled and
 * subscribed) and to WEBHOOK_GLOBAL_URL, in the background: retries with capped exponential backoff
 * (+-20 % jitter), no retry on 400/401/403/404/422, every attempt logged. Never delays an HTTP answer.
 */
import { SignJWT } from 'jose'
import type { Logger } from 'pino'
import type { Tx } from '../db/instances.js'
import { findWebhook, type WebhookRow } from '../db/webhooks.js'
import { sleep } from '../lib/sleep.js'
import { DeliveryLog } from './deliveries.js'
import { configName, kebabName, type EmittedEvent } from './events.js'

export type DispatcherOptions = {
  serverUrl: string
  globalUrl: string
  globalByEvents: boolean
  maxAttempts: number
  initialDelayMs: number
  maxDelayMs: number
  timeoutMs: number
}

/** What the envelope needs to know about the instance. */
export type EventSource = { id: string; name: string; token: string; ownerJid: string | null }

type Target = { url: string; headers: Record<string, unknown> | null }

const NO_RETRY = new Set([400, 401, 403, 404, 422])

export class WebhookDispatcher {
  readonly deliveries = new DeliveryLog()
  private readonly pending = new Set<Promise<void>>()
  private readonly stop = new AbortController()

  constructor(
    private readonly sql: Tx,
    private readonly opts: DispatcherOptions,
    private readonly log: Logger,
  ) {}

  /**
   * Fire and forget. `webhook` may be passed when the row is about to disappear (instance delete);
   * otherwise the current row is read.
   */
  emit(src: EventSource, event: EmittedEvent, data: unknown, webhook?: WebhookRow | null): void {
    if (this.stop.signal.aborted) return
    const task = this.dispatch(src, event, data, webhook).catch((err: Error) =>
      this.log.error({ err, event, instance: src.name }, 'webhook dispatch failed'),
    )
    this.pending.add(task)
    void task.finally(() => this.pending.delete(task))
  }

  /** Resolves when every delivery in flight (retries included) has finished. Tests use it. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }

  /** Cancels retries and in-flight POSTs. */
  async close(): Promise<void> {
    this.stop.abort()
    await Promise.allSettled([...this.pending])
  }

  private async dispatch(src: EventSource, event: EmittedEvent, data: unknown, preloaded?: WebhookRow | null): Promise<void> {
    const row = preloaded !== undefined ? preloaded : await findWebhook(this.sql, src.id)
    const targets: Target[] = []
    if (row && row.enabled && /^https?:\/\//i.test(row.url) && row.events.includes(configName(event))) {
      targets.push({ url: row.webhookByEvents ? `${row.url.replace(/\/+$/, '')}/${kebabName(event)}` : row.url, headers: row.headers })
    }
    if (this.opts.globalUrl) {
      const g = this.opts.globalUrl
      targets.push({ url: this.opts.globalByEvents ? `${g.replace(/\/+$/, '')}/${kebabName(event)}` : g, headers: null })
    }
    await Promise.all(targets.map((t) => this.deliver(src, event, data, t)))
  }

  private async deliver(src: EventSource, event: EmittedEvent, data: unknown, target: Target): Promise<void> {
    const envelope: Record<string, unknown> = {
      event,
      instance: src.name,
      data,
      destination: target.url,
      date_time: new Date().toISOString(),
      // Evolution omits `sender` until the instance has an account JID.
      ...(src.ownerJid ? { sender: src.ownerJid } : {}),
      server_url: this.opts.serverUrl,
      apikey: src.token,
    }
    const body = JSON.stringify(envelope)
    const headers = await this.headersFor(target.headers)
    for (let attempt = 1; attempt <= this.opts.maxAttempts; attempt++) {
      if (this.stop.signal.aborted) return
      const at = new Date().toISOString()
      let status: number | null = null
      let error: string | null = null
      try {
        const signal = AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.opts.timeoutMs)])
        const res = await fetch(target.url, { method: 'POST', headers, body, signal })
        status = res.status
        await res.arrayBuffer().catch(() => undefined)
        if (!res.ok) error = `HTTP ${res.status}`
      } catch (err) {
        error = (err as Error).message
      }
      this.deliveries.add({ url: target.url, event, instance: src.name, status, attempt, error, at })
      if (error === null || (status !== null && NO_RETRY.has(status))) return
      this.log.warn({ url: target.url, event, attempt, error }, 'webhook attempt failed')
      if (attempt < this.opts.maxAttempts) await sleep(this.backoff(attempt), this.stop.signal)
    }
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.opts.initialDelayMs * 2 ** (attempt - 1), this.opts.maxDelayMs)
    return Math.round(base * (0.8 + Math.random() * 0.4))
  }

  /** Configured headers (string values); `jwt_key` becomes a short-lived HS256 bearer, as Evolution does. */
  private async headersFor(configured: Record<string, unknown> | null): Promise<Record<string, string>> {
    const out: Record<string, string> = { 'content-type': 'application/json' }
    for (const [k, val] of Object.entries(configured ?? {})) {
      if (k === 'jwt_key' || typeof val !== 'string') continue
      out[k] = val
    }
    const jwtKey = configured?.jwt_key
    if (typeof jwtKey === 'string' && jwtKey !== '') {
      const token = await new SignJWT({ app: 'evolution', action: 'webhook' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime('600s')
        .sign(new TextEncoder().encode(jwtKey))
      out.authorization = `Bearer ${token}`
    }
    return out
  }
}
