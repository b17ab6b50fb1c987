/**
 * @module upstream/routes/proxy
 * Evolution v2's /proxy routes: POST /proxy/set/{instance} (201) and GET /proxy/find/{instance} (200, the
 * stored row or `null`). Guards as every instance route (404, then 401); the Cloud API stores a proxy too
 * (Evolution: DB only). Rules and answers in services/proxies.ts; operator notes in docs/proxy.md.
 */
import { Hono } from 'hono'
import { SetProxyBody } from '../../../common/src/evolution/proxy-bodies.js'
import type { UpstreamDeps } from '../deps.js'
import type { UpstreamEnv } from '../env.js'
import { parseBody } from '../lib/validation.js'
import { instanceGuard } from '../middleware/auth.js'
import { findProxyAnswer, setProxy } from '../services/proxies.js'

export function proxyRoutes(deps: UpstreamDeps) {
  const r = new Hono<UpstreamEnv>({ strict: false })
  const guard = instanceGuard(deps.sql, deps.config.AUTHENTICATION_API_KEY)

  r.post('/set/:instanceName', guard, async (c) => c.json(await setProxy(deps, c.var.instance, await parseBody(c, SetProxyBody)), 201))
  r.get('/find/:instanceName', guard, async (c) => c.json(await findProxyAnswer(deps, c.var.instance)))

  return r
}
