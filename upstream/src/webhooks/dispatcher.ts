/**
 * @module upstream/webhooks/dispatcher
 * Builds Evolution's webhook envelope and POSTs it to the instance's webhook (when enabled and
 * subscribed) and to WEBHOOK_GLOBAL_URL, in the background: retries with capped exponential backoff
 * (+-20 % jitter), no retry on 3xx/400/401/403/404/422, every attempt logged. Never delays an HTTP answer.
 *
 * Who the target is decides how it is reached (docs/security.md): the gateway's own receiver (its URL
 * carries HMAC(AUTHENTICATION_API_KEY, instance), so it cannot be forged by a caller) and the operator's
 * WEBHOOK_GLOBAL_URL are trusted: plain requests, the full Evolution envelope. Any other instance
 * webhook URL (set by an admin) goes through the outbound guard, follows no redirect, and its envelope
 * leaves out `server_url` and the instance token (`apikey`): neither belongs outside the internal network.
 * Configured headers never replace the ones the dispatcher sets (content-type, apikey, host, framing).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { SignJWT } from 'jose'
import type { Logger } from 'pino'
import { retry, type Outcome } from '../../../common/src/retry/index.js'
import type { Tx } from '../db/instances.js'
import { findWebhook, type WebhookRow } from '../db/webhooks.js'
import { checkUrlStatic, type OutboundClient } from '../services/outbound.js'
import { DeliveryLog } from './deliveries.js'
import { isSubscribed, kebabName, type EmittedEvent } from './events.js'

export type DispatcherOptions = {
  serverUrl: string
  globalUrl: string
  globalByEvents: boolean
  maxAttempts: number
  initialDelayMs: number
  maxDelayMs: number
  timeoutMs: number
  /** AUTHENTICATION_API_KEY: recognises the gateway's receiver URLs by their HMAC. */
  receiverKey: string
}

/** What the envelope needs to know about the instance. */
export type EventSource = { id: string; name: string; token: string; ownerJid: string | null }

/** `trusted`: the gateway's receiver or the operator's global URL; anything else is a caller's URL. */
type Target = { url: string; headers: Record<string, unknown> | null; trusted: boolean }

const NO_RETRY = new Set([400, 401, 403, 404, 422])
const isSuccess = (status: number) => status >= 200 && status <= 299
// A refused address stays refused: retrying would only knock again.
const isRefused = (err: unknown) => (err as { code?: string }).code === 'EOUTBOUNDREFUSED'
/** Tried again: failed answers but a 3xx (redirects are not followed) or NO_RETRY; errors but a refusal. */
const retryable = (o: Outcome<number>) => (o.ok ? !isSuccess(o.value) && !NO_RETRY.has(o.value) && !(o.value >= 300 && o.value < 400) : !isRefused(o.error))

/** Headers a configured webhook may not set: ours, and the ones that frame or route the request. */
const RESERVED_HEADERS = new Set([
  'apikey', 'content-type', 'host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive',
  'upgrade', 'te', 'trailer', 'expect', 'proxy-authorization', 'proxy-connection',
])

/** Does `url` end in the gateway's receiver path for `instance` with the right HMAC? */
export function isGatewayReceiver(url: string, instance: string, key: string): boolean {
  let path: string
  try {
    path = new URL(url).pathname
  } catch {
    return false
  }
  const m = /\/internal\/webhooks\/([^/]+)\/([0-9a-f]{64})\/?$/.exec(path)
  if (!m || decodeURIComponent(m[1]!) !== instance) return false
  const expected = createHmac('sha256', key).update(instance).digest()
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'))
}

export class WebhookDispatcher {
  readonly deliveries = new DeliveryLog()
  private readonly pending = new Set<Promise<void>>()
  private readonly stop = new AbortController()

  constructor(
    private readonly sql: Tx,
    private readonly outbound: OutboundClient,
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

  /** Why `url` may not be `instance`'s webhook (a 400 at save time), or null. The gateway's receiver always may. */
  refusal(instance: string, url: string): string | null {
    if (isGatewayReceiver(url, instance, this.opts.receiverKey)) return null
    const verdict = checkUrlStatic(url, this.outbound.rules)
    return verdict.ok ? null : verdict.message
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
    if (row && row.enabled && /^https?:\/\//i.test(row.url) && isSubscribed(row.events, event)) {
      const trusted = isGatewayReceiver(row.url, src.name, this.opts.receiverKey)
      targets.push({ url: row.webhookByEvents ? `${row.url.replace(/\/+$/, '')}/${kebabName(event)}` : row.url, headers: row.headers, trusted })
    }
    if (this.opts.globalUrl) {
      const g = this.opts.globalUrl
      targets.push({ url: this.opts.globalByEvents ? `${g.replace(/\/+$/, '')}/${kebabName(event)}` : g, headers: null, trusted: true })
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
      ...(target.trusted ? { server_url: this.opts.serverUrl, apikey: src.token } : {}),
    }
    const body = JSON.stringify(envelope)
    const headers = await this.headersFor(target.headers)
    await retry(() => this.post(target, headers, body), {
      attempts: this.opts.maxAttempts,
      backoff: { initialDelayMs: this.opts.initialDelayMs, maxDelayMs: this.opts.maxDelayMs, jitter: 0.2 },
      signal: this.stop.signal,
      retry: retryable,
      onAttempt: ({ attempt, startedAt, outcome, retryable: again }) => {
        const status = outcome.ok ? outcome.value : null
        const error = outcome.ok ? (isSuccess(outcome.value) ? null : `HTTP ${outcome.value}`) : (outcome.error as Error).message
        this.deliveries.add({ url: target.url, event, instance: src.name, status, attempt, error, at: startedAt.toISOString() })
        if (!outcome.ok && isRefused(outcome.error)) this.log.warn({ url: target.url, event, instance: src.name, error }, 'webhook target refused by the outbound guard')
        if (again) this.log.warn({ url: target.url, event, attempt, error }, 'webhook attempt failed')
      },
    })
  }

  /** One POST; the answer's status. Redirects are never followed (a 3xx is the answer). */
  private async post(target: Target, headers: Record<string, string>, body: string): Promise<number> {
    if (!target.trusted) {
      const res = await this.outbound.fetch(target.url, { method: 'POST', headers, body, timeoutMs: this.opts.timeoutMs, maxBytes: 64 * 1024, signal: this.stop.signal })
      return res.status
    }
    const signal = AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.opts.timeoutMs)])
    const res = await fetch(target.url, { method: 'POST', headers, body, signal, redirect: 'manual' })
    await res.arrayBuffer().catch(() => undefined)
    return res.status
  }

  /** Configured headers (string values); `jwt_key` becomes a short-lived HS256 bearer, as Evolution does. */
  private async headersFor(configured: Record<string, unknown> | null): Promise<Record<string, string>> {
    const out: Record<string, string> = {}
    for (const [k, val] of Object.entries(configured ?? {})) {
      if (k === 'jwt_key' || typeof val !== 'string' || RESERVED_HEADERS.has(k.toLowerCase())) continue
      out[k.toLowerCase()] = val
    }
    out['content-type'] = 'application/json'
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
