/**
 * @module services/webhooks/forwarder
 * One HTTP attempt of a webhook delivery (the durable queue around it is ./deliveries.ts): the body is
 * the Evolution envelope without the instance token, signed with the webhook's secret
 * (`X-Hub-Signature-256: sha256=<hex>`). Before each attempt the URL is checked again (D3,
 * docs/decisions.md#d3, with the reference's messages) and the request goes through the outbound guard's
 * client, which checks every address again where the socket connects, so DNS changes after saving cannot
 * reach a private address. Redirects are never followed; answers are read up to 64 KiB and dropped.
 */
import { createHmac } from 'node:crypto'
import type { DeliveryWork } from '../../db/queries/webhook-deliveries.js'
import type { OutboundClient } from '../outbound/guard.js'
import { checkWebhookUrl } from '../ssrf/ssrf.js'

export const signBody = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

/** 4xx answers other than 408/429 will not change on retry: the delivery is dead at once. */
export const finalStatus = (status: number): boolean => status >= 400 && status < 500 && status !== 408 && status !== 429

export type AttemptResult = { ok: boolean; final: boolean; statusCode: number | null; error: string | null; latencyMs: number | null }

export async function attemptOnce(
  outbound: OutboundClient,
  work: DeliveryWork,
  opts: { allowedHosts: readonly string[]; timeoutMs: number },
): Promise<AttemptResult> {
  const check = await checkWebhookUrl(work.webhook_url, { allowedHosts: opts.allowedHosts })
  // A refused URL (re-pointed since it was saved) is refused again on retry: dead at once, nothing sent.
  if (!check.ok) return { ok: false, final: true, statusCode: null, error: `delivery refused: ${check.error}`, latencyMs: null }
  const body = JSON.stringify({ ...work.payload, destination: work.webhook_url })
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'taguato-send-webhooks/1',
    'x-taguato-event': work.event,
    // The same on every attempt and replay of this delivery: receivers dedupe on it.
    'x-taguato-delivery': work.uid,
  }
  if (work.signing_secret) headers['x-hub-signature-256'] = signBody(work.signing_secret, body)
  const started = performance.now()
  try {
    const res = await outbound.fetch(check.url, { method: 'POST', headers, body, timeoutMs: opts.timeoutMs, maxBytes: 64 * 1024 })
    const latencyMs = Math.round(performance.now() - started)
    if (res.status < 300) return { ok: true, final: false, statusCode: res.status, error: null, latencyMs }
    return { ok: false, final: finalStatus(res.status), statusCode: res.status, error: `status ${res.status}`, latencyMs }
  } catch (err) {
    const latencyMs = Math.round(performance.now() - started)
    const refused = (err as { code?: string }).code === 'EOUTBOUNDREFUSED'
    return { ok: false, final: refused, statusCode: null, error: (err as Error).message || 'delivery failed', latencyMs }
  }
}
