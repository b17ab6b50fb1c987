/**
 * @module upstream/routes/chat
 * POST /chat/whatsappNumbers: existence check of up to many numbers (200). v2's chat router answers
 * its errors as 400 with the raw thrown object `{status, error, message}` (no `response` wrapper).
 */
import { Hono } from 'hono'
import * as v from 'valibot'
import type { UpstreamDeps } from '../deps.js'
import type { UpstreamEnv } from '../env.js'
import { EvoError } from '../lib/errors.js'
import { createJid, jidUser } from '../lib/jid.js'
import { parseBody } from '../lib/validation.js'
import { instanceGuard } from '../middleware/auth.js'
import { NumbersBody } from '../../../common/src/evolution/request-bodies.js'

export function chatRoutes(deps: UpstreamDeps) {
  const r = new Hono<UpstreamEnv>({ strict: false })
  const guard = instanceGuard(deps.sql, deps.config.AUTHENTICATION_API_KEY)

  r.post('/whatsappNumbers/:instanceName', guard, async (c) => {
    let body: v.InferOutput<typeof NumbersBody>
    try {
      body = await parseBody(c, NumbersBody)
    } catch (err) {
      if (err instanceof EvoError) return c.json({ status: 400, error: 'Bad Request', message: err.responseMessage }, 400)
      throw err
    }
    const { session } = deps.instances.entry(c.var.instance)
    if (session.state !== 'open') {
      return c.json({ status: 400, error: 'Bad Request', message: ['Connection Closed'] }, 400)
    }
    const jids = body.numbers.map(createJid)
    const checked = await session.checkNumbers(jids)
    return c.json(checked.map((r0) => ({ jid: r0.jid, exists: r0.exists, number: jidUser(r0.jid) })))
  })

  return r
}
