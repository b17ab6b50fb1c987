/**
 * @module middleware/served-by
 * X-Served-By: <pid> on every response, so tests (and operators chasing one bad worker) can see which
 * process of a cluster answered. Only mounted when EXPOSE_WORKER_ID is set: it reveals process ids.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../env.js'

export const servedBy = (): MiddlewareHandler<AppEnv> => {
  const id = String(process.pid)
  return async function servedBy(c, next) {
    await next()
    // Set after next(): responses rendered by onError are built fresh and would miss a header set before.
    c.res.headers.set('X-Served-By', id)
  }
}
