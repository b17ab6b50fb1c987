/**
 * @module upstream/routes/meta-webhook
 * /webhook/meta, Meta's callbacks for the Cloud API (public: no apikey; Meta signs instead).
 *   GET  hub.mode=subscribe + hub.verify_token == WA_BUSINESS_VERIFY_TOKEN -> 200 text/plain hub.challenge,
 *        else 403 (always 403 while the setting is empty).
 *   POST X-Hub-Signature-256 = sha256=HMAC-SHA256(WA_BUSINESS_APP_SECRET, raw body bytes), checked in
 *        constant time: missing -> 401, wrong (or no secret configured) -> 403, and nothing changes.
 *        A good one: each change is routed by metadata.phone_number_id to the WHATSAPP-BUSINESS
 *        instances with that `number`; statuses become messages.update, messages messages.upsert.
 * Mounted in both driver modes; on the sandbox (no Cloud driver) signatures are still checked but
 * nothing is routed. Unlike Evolution, the signature is never skipped.
 */
import { createHmac } from 'node:crypto'
import { Hono } from 'hono'
import type { UpstreamDeps } from '../deps.js'
import { findBusinessInstancesByNumber, type InstanceRow } from '../db/instances.js'
import { parseMetaWebhook } from '../driver/cloud/webhook.js'
import type { UpstreamEnv } from '../env.js'
import { EvoError } from '../lib/errors.js'
import { safeEqual } from '../lib/secrets.js'

/** `sha256=<hex>` of the raw body with the app secret. */
export function metaSignature(appSecret: string, raw: Uint8Array): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`
}

export function metaWebhookRoutes(deps: UpstreamDeps) {
  const r = new Hono<UpstreamEnv>({ strict: false })
  const { WA_BUSINESS_VERIFY_TOKEN: verifyToken, WA_BUSINESS_APP_SECRET: appSecret } = deps.config

  r.get('/', (c) => {
    const mode = c.req.query('hub.mode')
    const token = c.req.query('hub.verify_token') ?? ''
    const challenge = c.req.query('hub.challenge') ?? ''
    // Both conditions are always evaluated; an empty setting never verifies anything.
    const tokenOk = safeEqual(token, verifyToken) && verifyToken !== ''
    if (mode !== 'subscribe' || !tokenOk) throw new EvoError(403, ['Webhook verification failed: hub.mode must be "subscribe" and hub.verify_token must match WA_BUSINESS_VERIFY_TOKEN'])
    return c.text(challenge, 200)
  })

  r.post('/', async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer())
    const given = c.req.header('x-hub-signature-256')
    if (!given) throw new EvoError(401, ['Missing X-Hub-Signature-256'])
    const sigOk = safeEqual(given.trim().toLowerCase(), metaSignature(appSecret, raw)) && appSecret !== ''
    if (!sigOk) throw new EvoError(403, ['Invalid X-Hub-Signature-256'])
    let payload: unknown
    try {
      payload = JSON.parse(Buffer.from(raw).toString('utf8'))
    } catch {
      throw new EvoError(400, ['The webhook body is not JSON'])
    }
    let routed = 0
    const touched: InstanceRow[] = []
    for (const change of parseMetaWebhook(payload)) {
      if (!deps.cloud) continue
      const rows = await findBusinessInstancesByNumber(deps.sql, change.phoneNumberId)
      for (const row of rows) {
        // Opening the entry creates the instance's session, so the driver has someone to deliver to.
        deps.instances.entry(row)
        touched.push(row)
      }
      routed += deps.cloud.deliver(change)
    }
    // The DB rows and webhooks exist once this answers (a few ms); Meta only needs a quick 200.
    await Promise.all(touched.map((row) => deps.instances.flush(row)))
    return c.json({ received: true, routed })
  })

  return r
}
