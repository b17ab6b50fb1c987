/**
 * @module services/webhooks/forwarder
 * Delivers upstream events to user webhook URLs, in the background: the body is the Evolution envelope
 * without the instance token, signed with the webhook's secret (`X-Hub-Signature-256: sha256=<hex>`).
 * Before each delivery the URL is checked again (D3, the reference's messages) and the request goes
 * through the outbound guard's client, which checks every address again where the socket connects, so
 * DNS changes after saving cannot reach a private address. Retries are bounded (attempts, backoff,
 * in-flight cap); redirects are never followed; answers are read up to 64 KiB and dropped.
 */
import { createHmac, randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Db } from '../../db/client.js'
import { setLastError, type DeliveryTarget } from '../../db/queries/webhooks.js'
import { createGatewayOutbound, type OutboundClient } from '../outbound/guard.js'
import { checkWebhookUrl } from '../ssrf/ssrf.js'

export type ForwarderOptions = { attempts: number; timeoutMs: number; allowedHosts: readonly string[]; baseDelayMs?: number; maxInFlight?: number }

export const signBody = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

const NO_RETRY = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429

export class WebhookForwarder {
  private readonly outbound: OutboundClient
  private readonly inflight = new Set<Promise<void>>()
  private closed = false

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly opts: ForwarderOptions,
  ) {
    this.outbound = createGatewayOutbound({ allowedHosts: opts.allowedHosts, connectTimeoutMs: opts.timeoutMs })
  }

  /** Queues one delivery; returns false when the in-flight cap is reached (the event is dropped, logged). */
  enqueue(target: DeliveryTarget, event: string, envelope: Record<string, unknown>): boolean {
    if (this.closed) return false
    if (this.inflight.size >= (this.opts.maxInFlight ?? 500)) {
      this.log.warn({ webhook: target.id, event }, 'webhook delivery dropped: too many in flight')
      return false
    }
    const p = this.deliver(target, event, envelope).catch((err: Error) => this.log.error({ webhook: target.id, err: err.message }, 'webhook delivery crashed'))
    this.inflight.add(p)
    void p.finally(() => this.inflight.delete(p))
    return true
  }

  /** Waits for deliveries in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight])
  }

  async close(): Promise<void> {
    this.closed = true
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, 5000))])
    await this.outbound.close().catch(() => undefined)
  }

  private async deliver(target: DeliveryTarget, event: string, envelope: Record<string, unknown>): Promise<void> {
    const check = await checkWebhookUrl(target.webhook_url, { allowedHosts: this.opts.allowedHosts })
    if (!check.ok) {
      this.log.warn({ webhook: target.id, err: check.error }, 'webhook delivery refused')
      await setLastError(this.db, target.id, `delivery refused: ${check.error}`).catch(() => undefined)
      return
    }
    const body = JSON.stringify({ ...envelope, destination: target.webhook_url })
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'taguato-send-webhooks/1',
      'x-taguato-event': event,
      'x-taguato-delivery': randomUUID(),
    }
    if (target.signing_secret) headers['x-hub-signature-256'] = signBody(target.signing_secret, body)
    let lastError = ''
    for (let attempt = 1; attempt <= this.opts.attempts; attempt++) {
      try {
        const res = await this.outbound.fetch(check.url, { method: 'POST', headers, body, timeoutMs: this.opts.timeoutMs, maxBytes: 64 * 1024 })
        if (res.status < 300) return
        lastError = `status ${res.status}`
        if (NO_RETRY(res.status)) break
      } catch (err) {
        lastError = (err as Error).message
        // A refused address stays refused (the name was re-pointed since the check above): no retries.
        if ((err as { code?: string }).code === 'EOUTBOUNDREFUSED') break
      }
      if (attempt < this.opts.attempts && !this.closed) {
        await new Promise((r) => setTimeout(r, Math.min((this.opts.baseDelayMs ?? 1000) * 2 ** (attempt - 1), 30_000)))
      }
    }
    this.log.warn({ webhook: target.id, event, err: lastError }, 'webhook delivery failed')
    await setLastError(this.db, target.id, `delivery failed: ${lastError}`).catch(() => undefined)
  }
}
