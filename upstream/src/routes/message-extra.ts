/**
 * @module upstream/routes/message-extra
 * POST /message/sendSticker, sendPtv, sendStatus (Evolution v2): JSON, urlencoded or multipart with a
 * `file` part (routes/form-body.ts); bodies mapped in services/extra-sends.ts, then the shared send flow
 * (connection check, existence check, delay, media download through the guard, store, send.message).
 * 201 with the messageRaw. A status goes to `status@broadcast` without the existence check (it is not a
 * contact); its recipients are in the content.
 */
import { Hono, type Context } from 'hono'
import { SendPtvBody, SendStatusBody, SendStickerBody } from '../../../common/src/evolution/request-bodies.js'
import type { UpstreamDeps } from '../deps.js'
import type { UpstreamEnv } from '../env.js'
import { validate } from '../lib/validation.js'
import { readSendBody } from './form-body.js'
import { instanceGuard } from '../middleware/auth.js'
import { ptvContent, statusContent, stickerContent } from '../services/extra-sends.js'
import { sendMessage } from '../services/send.js'
import { toWebpSticker } from '../services/sticker.js'

export function messageExtraRoutes(deps: UpstreamDeps) {
  const r = new Hono<UpstreamEnv>({ strict: false })
  // Sends keep working through a PostgreSQL outage (middleware/auth.ts, services/deferred-writes.ts).
  const guard = instanceGuard(deps.sql, deps.config.AUTHENTICATION_API_KEY, { whileDbDown: 'lastKnown' })
  const rules = deps.outbound.rules

  r.post('/sendSticker/:instanceName', guard, async (c: Context<UpstreamEnv>) => {
    const b = validate(SendStickerBody, await readSendBody(c, 'sticker'))
    const raw = await sendMessage(deps, c.var.instance, {
      number: b.number, delay: b.delay, content: stickerContent(b, rules), payload: b, transform: b.notConvertSticker ? undefined : toWebpSticker,
    })
    return c.json(raw, 201)
  })

  r.post('/sendPtv/:instanceName', guard, async (c: Context<UpstreamEnv>) => {
    const b = validate(SendPtvBody, await readSendBody(c, 'video'))
    const raw = await sendMessage(deps, c.var.instance, { number: b.number, delay: b.delay, content: ptvContent(b, rules), payload: b })
    return c.json(raw, 201)
  })

  r.post('/sendStatus/:instanceName', guard, async (c: Context<UpstreamEnv>) => {
    const b = validate(SendStatusBody, await readSendBody(c, 'content'))
    const content = await statusContent(deps.sql, c.var.instance.id, b, rules)
    const raw = await sendMessage(deps, c.var.instance, { number: 'status@broadcast', skipCheck: true, delay: b.delay, content, payload: b })
    return c.json(raw, 201)
  })

  return r
}
