/**
 * @module upstream/app
 * createUpstreamApp(deps): the Evolution v2 compatible HTTP surface. Middleware order, outermost first:
 *   1. request-id   2. request-log   3. body limit (136 MB, as Evolution)   4. faults (non-sandbox routes)
 *   5. placement routing (a request for an instance another replica runs is forwarded there)   6. routes (auth runs per route: Evolution checks instance existence before the key)
 * Unknown routes and methods get Express' `Cannot <METHOD> <path>` 404 envelope.
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { UpstreamDeps } from './deps.js'
import type { UpstreamEnv } from './env.js'
import { faultsMiddleware } from './faults/middleware.js'
import { bodyLimit } from './middleware/body-limit.js'
import { DATABASE_RETRY_AFTER_SECONDS, databaseUnavailable, EvoError } from './lib/errors.js'
import { isDatabaseUnavailable } from '../../common/src/db/pg-resilience.js'
import { requestId } from './middleware/request-id.js'
import { requestLog } from './middleware/request-log.js'
import { placementRouting } from './services/placement/routing.js'
import { placementRoutes } from './routes/placement.js'
import { chatActionRoutes } from './routes/chat-actions.js'
import { chatRoutes } from './routes/chat.js'
import { chatFindRoutes } from './routes/chat-find.js'
import { instanceRoutes } from './routes/instance.js'
import { labelRoutes } from './routes/label.js'
import { groupRoutes } from './routes/group.js'
import { messageRoutes } from './routes/message.js'
import { messageExtraRoutes } from './routes/message-extra.js'
import { metaWebhookRoutes } from './routes/meta-webhook.js'
import { proxyRoutes } from './routes/proxy.js'
import { profileRoutes } from './routes/profile.js'
import { rootRoutes } from './routes/root.js'
import { sandboxRoutes } from './routes/sandbox.js'
import { settingsRoutes } from './routes/settings.js'
import { webhookRoutes } from './routes/webhook.js'

const BODY_LIMIT = 136 * 1024 * 1024

export function createUpstreamApp(deps: UpstreamDeps) {
  const app = new Hono<UpstreamEnv>({ strict: false })

  app.use('*', requestId(deps.log))
  app.use('*', requestLog())
  app.use('*', bodyLimit(BODY_LIMIT))
  app.use('*', faultsMiddleware(deps.faults))
  // Requests for an instance another replica runs go there (services/placement/routing).
  app.use('*', placementRouting(deps.sql, deps.placement))

  app.route('/', rootRoutes(deps))
  app.route('/', placementRoutes(deps))
  app.route('/instance', instanceRoutes(deps))
  app.route('/message', messageRoutes(deps))
  app.route('/message', messageExtraRoutes(deps))
  app.route('/label', labelRoutes(deps))
  app.route('/group', groupRoutes(deps))
  app.route('/proxy', proxyRoutes(deps))
  app.route('/chat', chatRoutes(deps))
  app.route('/chat', chatFindRoutes(deps))
  app.route('/chat', chatActionRoutes(deps))
  app.route('/chat', profileRoutes(deps))
  // Public (Meta signs its calls); before /webhook so its own routes keep their guards.
  app.route('/webhook/meta', metaWebhookRoutes(deps))
  app.route('/webhook', webhookRoutes(deps))
  app.route('/settings', settingsRoutes(deps))
  if (deps.config.UPSTREAM_DRIVER === 'sandbox') app.route('/sandbox', sandboxRoutes(deps))

  app.notFound((c) => {
    const err = new EvoError(404, [`Cannot ${c.req.method} ${c.req.path}`])
    return c.json(err.toJSON(), 404)
  })

  app.onError((err, c) => {
    if (err instanceof EvoError) {
      if (err.status >= 500) c.var.logger?.warn({ status: err.status, message: err.message }, 'request failed')
      // Every 503 is temporary here (an instance between replicas, a full write queue).
      if (err.status === 503 && !c.res.headers.get('Retry-After')) c.header('Retry-After', '1')
      return c.json(err.toJSON(), err.status as ContentfulStatusCode)
    }
    if (err instanceof HTTPException) {
      const e = new EvoError(err.status, err.message || 'Error')
      return c.json(e.toJSON(), err.status)
    }
    if (isDatabaseUnavailable(err)) {
      ;(c.var.logger ?? deps.log).warn({ code: (err as { code?: unknown }).code }, 'database unavailable')
      c.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS))
      return c.json(databaseUnavailable().toJSON(), 503)
    }
    // Evolution answers a non-HTTP error as 500 with the error's own message string.
    ;(c.var.logger ?? deps.log).error({ err }, 'unhandled error')
    return c.json(new EvoError(500, err.message).toJSON(), 500)
  })

  return app
}

export type UpstreamApp = ReturnType<typeof createUpstreamApp>
