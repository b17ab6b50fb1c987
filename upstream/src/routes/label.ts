/**
 * @module upstream/routes/label
 * GET /label/findLabels/{instance} (200, the instance's labels) and POST /label/handleLabel/{instance}
 * `{number, labelId, action: add|remove}` (200, Evolution's status, an Evolution quirk we fix, listed in docs/chats-and-history.md). Guards as every instance
 * route; answers and rules in services/labels.ts.
 */
import { Hono } from 'hono'
import { HandleLabelBody } from '../../../common/src/evolution/request-bodies.js'
import type { UpstreamDeps } from '../deps.js'
import type { UpstreamEnv } from '../env.js'
import { parseBody } from '../lib/validation.js'
import { instanceGuard } from '../middleware/auth.js'
import { findLabelsAnswer, handleLabel } from '../services/labels.js'

export function labelRoutes(deps: UpstreamDeps) {
  const r = new Hono<UpstreamEnv>({ strict: false })
  const guard = instanceGuard(deps.sql, deps.config.AUTHENTICATION_API_KEY)

  r.get('/findLabels/:instanceName', guard, async (c) => c.json(await findLabelsAnswer(deps, c.var.instance)))
  r.post('/handleLabel/:instanceName', guard, async (c) => c.json(await handleLabel(deps, c.var.instance, await parseBody(c, HandleLabelBody))))

  return r
}
