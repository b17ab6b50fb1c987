/**
 * @module routes/meta-webhook
 * GET and POST /webhook/meta: Meta's WhatsApp Cloud API callbacks (subscription check, then signed
 * status and message notifications), forwarded to the upstream WITHOUT a gateway session, because
 * Meta has none. The upstream does the checking (hub.verify_token; X-Hub-Signature-256 over the raw
 * body), so the body bytes, that header and the query string go through unchanged. This path is the
 * only public upstream route; everything else stays behind the session and the route table (D1, docs/decisions.md#d1).
 * A per-client-IP limit (META_WEBHOOK_IP_RATE/BURST, per process) stands in for authentication.
 */
import type { Context } from 'hono'
import type { Deps } from '../../deps.js'
import type { AppEnv } from '../../env.js'
import { readRawBody } from '../../lib/raw-body.js'
import { register, type Router } from '../../lib/route.js'
import { ipLimiter } from '../../middleware/ip-rate-limit/index.js'
import { hopBuffered, hopContext, relay } from '../proxy/forward.js'

export const META_WEBHOOK_PATH = '/webhook/meta'

export function metaWebhookRoutes(r: Router, deps: Deps): void {
  const limit = ipLimiter({ rate: deps.config.META_WEBHOOK_IP_RATE, burst: deps.config.META_WEBHOOK_IP_BURST })

  const forward = async (c: Context<AppEnv>): Promise<Response> => {
    limit(c.get('clientIp'))
    const url = new URL(c.req.url)
    // The raw query string as Meta sent it (hub.mode, hub.verify_token, hub.challenge).
    const target = META_WEBHOOK_PATH + url.search
    const body = await readRawBody(c)
    const res = await hopBuffered(hopContext(c), target, body, c.req.header('content-type') ?? 'application/json')
    return relay(c, res)
  }

  register(r, {
    method: 'GET', path: META_WEBHOOK_PATH, access: 'public', tags: ['whatsapp-cloud-api'],
    summary: 'Meta webhook verification (hub.challenge echoed when hub.verify_token matches the upstream\'s WA_BUSINESS_VERIFY_TOKEN)',
    produces: 'text/plain',
    response: { status: 200, description: 'hub.challenge as text/plain; 403 when the token does not match' },
  }, forward)
  register(r, {
    method: 'POST', path: META_WEBHOOK_PATH, access: 'public', tags: ['whatsapp-cloud-api'],
    summary: 'Meta webhook notifications (X-Hub-Signature-256 checked by the upstream against WA_BUSINESS_APP_SECRET)',
    response: { status: 200, description: '{received, routed}; 401 without a signature, 403 with a wrong one' },
  }, forward)
}
