/**
 * @module services/webhooks/forwarder
 * Delivers upstream events to user webhook URLs, in the background: the body is the Evolution envelope
 * without the instance token, signed with the webhook's secret (`X-Hub-Signature-256: sha256=<hex>`).
 * Before each delivery the URL is checked again (D3, docs/decisions.md#d3, with the reference's messages) and the request goes
 * through the outbound guard's client, which checks every address again where the socket connects, so
 * DNS changes after saving cannot reach a private address. Retries are bounded (attempts, backoff,
 * in-flight cap); redirects are never followed; answers are read up to 64 KiB and dropped.
 */
import { createHmac, randomUUID } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import type { Logger } from 'pino'
import { retry, type Outcome } from '../../../../common/src/retry/index.js'
import type { Db } from '../../db/client.js'
import { setLastError, type DeliveryTarget } from '../../db/queries/webhooks.js'
import { createGatewayOutbound, type OutboundClient } from '../outbound/guard.js'
import { checkWebhookUrl } from '../ssrf/ssrf.js'

export type ForwarderOptions = { attempts: number; timeoutMs: number; allowedHosts: readonly string[]; baseDelayMs?: number; maxInFlight?: number }

export const signBody = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

const NO_RETRY = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429
/** Tried again: failed answers but NO_RETRY; errors but a refused address (the name was re-pointed since the check). */
const retryable = (o: Outcome<number>) => (o.ok ? o.value >= 300 && !NO_RETRY(o.value) : (o.error as { code?: string }).code !== 'EOUTBOUNDREFUSED')

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
    const run = await retry(
      async () => (await this.outbound.fetch(check.url, { method: 'POST', headers, body, timeoutMs: this.opts.timeoutMs, maxBytes: 64 * 1024 })).status,
      {
        attempts: this.opts.attempts,
        backoff: { initialDelayMs: this.opts.baseDelayMs ?? 1000, maxDelayMs: 30_000 },
        retry: retryable,
        // Closing: the attempts left go at once rather than hold up the shutdown.
        wait: async (ms) => {
          if (!this.closed) await delay(ms)
        },
      },
    )
    const last = run.last
    if (last?.ok && last.value < 300) return
    const lastError = !last ? '' : last.ok ? `status ${last.value}` : (last.error as Error).message
    this.log.warn({ webhook: target.id, event, err: lastError }, 'webhook delivery failed')
    await setLastError(this.db, target.id, `delivery failed: ${lastError}`).catch(() => undefined)
  }
}
