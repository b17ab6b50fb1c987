/**
 * @module routes/metrics
 * GET /metrics: Prometheus text exposition, aggregated across cluster workers. Guarded by
 * METRICS_TOKEN (Authorization: Bearer, or ?token= for scrapers that cannot set headers); when the
 * token is unset the route answers 404 as if it did not exist.
 */
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import { register, type Router } from '../../lib/route.js'
import { renderMetrics } from '../../services/metrics/cluster.js'
import { safeEqual } from '../../services/sessions/tokens.js'

export function metricsRoutes(r: Router, deps: Deps): void {
  const token = deps.config.METRICS_TOKEN
  register(
    r,
    {
      method: 'GET',
      path: '/metrics',
      access: 'public',
      summary: 'Prometheus metrics (Authorization: Bearer METRICS_TOKEN or ?token=); 404 when METRICS_TOKEN is unset',
      tags: ['operations'],
      response: { status: 200, description: 'Prometheus text exposition format 0.0.4' },
      produces: 'text/plain; version=0.0.4',
    },
    async (c) => {
      if (!token) throw new ApiError(404, 'Not found')
      const auth = c.req.header('authorization') ?? ''
      const given = auth.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : (c.req.query('token') ?? '')
      if (!given || !safeEqual(given, token)) throw new ApiError(401, 'Invalid metrics token', {}, { 'WWW-Authenticate': 'Bearer' })
      const text = await renderMetrics(deps.metrics.registry)
      return c.body(text, 200, { 'Content-Type': deps.metrics.registry.contentType })
    },
  )
}
