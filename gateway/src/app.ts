/**
 * @module app
 * createApp(deps): the gateway's Hono app. The global middleware order is stated here, once:
 *
 *   0. head           HEAD runs as its GET (Hono routes it so); the answer keeps every header below,
 *                     gains the GET body's Content-Length and loses the body (middleware/head)
 *   1. request-id     X-Request-ID propagated or generated; (lazy) child logger carrying it
 *   2. client-ip      socket peer, or X-Forwarded-For via TRUSTED_PROXIES only
 *   3. request-log    one pino line per request, written after it finished
 *      metrics        count + time by route family and status (only when METRICS_TOKEN is set)
 *   4. response-headers  every global header, set in one loop after the handler (lib/response-headers):
 *                     X-Request-ID, X-RateLimit-* (from step 7), the reference's five security
 *                     headers, CORS_ORIGIN headers, X-Served-By (only when EXPOSE_WORKER_ID);
 *                     any OPTIONS answered 204 before auth. The send pipeline (below) puts the
 *                     same set in its one writeHead (lib/response-headers directResponseHeaders).
 *   5. url-text       400 when a path segment or query value decodes to bad UTF-8 or NUL (lib/text;
 *                     JSON bodies get the same rule in lib/body)
 *      body-limit     413 JSON over BODY_LIMIT_MB
 *   -- per route (lib/route.ts `register`, by the route's `access`):
 *   6. session        apikey -> user (401/403)
 *   7. rate-limit     per-user limit (429 + headers); 6 and 7 run as one middleware (middleware/session-rate-limit)
 *   8. require-admin  403 for non-admins on admin routes
 *   9. the route      (proxy routes add ownership, breaker and the upstream hop themselves)
 *
 * Sends skip this chain: the HTTP server hands every `POST /message/...` (any spelling, any body
 * framing) to routes/proxy/fast-send, which runs the same steps in the same order without Hono (hot
 * path, and the only place a send is admitted, forwarded and logged).
 */
import { registerSendChecks } from './services/send-gate/checks.js'
import { Hono } from 'hono'
import type { Deps } from './deps.js'
import type { AppEnv } from './env.js'
import { notFoundHandler, onError } from './errors/on-error.js'
import type { Guards, Router } from './lib/route.js'
import { bodyLimit } from './middleware/body-limit/index.js'
import { clientIp } from './middleware/client-ip/index.js'
import { headAsGet } from './middleware/head/index.js'
import { requestId } from './middleware/request-id/index.js'
import { requestLog } from './middleware/request-log/index.js'
import { requireAdmin } from './middleware/require-admin/index.js'
import { responseHeaders } from './middleware/response-headers/index.js'
import { proxyAuth } from './middleware/session-rate-limit/index.js'
import { metrics } from './middleware/metrics/index.js'
import { urlText } from './middleware/url-text/index.js'
import { methodNotAllowed } from './lib/method-not-allowed.js'
import { registerAllRoutes } from './routes/index.js'
import { proxyChecks } from './routes/proxy/index.js'
import { createSendPath, type SendPath } from './routes/proxy/fast-send.js'

/**
 * `app`: the Hono app (every route but the sends). `sendPath`: the send pipeline, which the HTTP server
 * (http-server.ts) tries first; it declines anything that is not a `POST /message/...` and Hono answers it.
 */
export type GatewayApp = { app: Hono<AppEnv>; router: Router; sendPath: SendPath }

export function createApp(deps: Deps): GatewayApp {
  const app = new Hono<AppEnv>()
  // Pauses, queued sends, budgets: checked on every send before the hop (once per Deps).
  registerSendChecks(deps)

  app.use('*', headAsGet())
  app.use('*', async function inject(c, next) {
    c.set('deps', deps)
    return next()
  })
  app.use('*', requestId({ logger: deps.log }))
  app.use('*', clientIp({ trusted: deps.trusted }))
  app.use('*', requestLog())
  if (deps.config.METRICS_TOKEN) app.use('*', metrics(deps.metrics))
  app.use('*', responseHeaders({ corsOrigin: deps.config.CORS_ORIGIN, exposeWorkerId: deps.config.EXPOSE_WORKER_ID }))
  app.use('*', urlText())
  app.use('*', bodyLimit({ maxBytes: deps.config.BODY_LIMIT_MB * 1024 * 1024 }))

  // One set of proxy checks (per-IP buckets, session gate and its hints) for the Hono catch-all, the
  // send path and, through `checks.gate`, every native session/admin route.
  const checks = proxyChecks(deps)
  // Session + per-user limit in one step: the two Redis calls share one round trip on warm sessions.
  const authedLimited = proxyAuth(checks.gate)
  const guards: Guards = {
    session: [authedLimited],
    admin: [authedLimited, requireAdmin()],
    inline: [],
  }
  const router: Router = { app, guards, defs: [] }
  registerAllRoutes(router, deps, checks)

  app.onError(onError)
  app.notFound(methodNotAllowed(router.defs, notFoundHandler))
  return { app, router, sendPath: createSendPath(deps, checks) }
}
