/**
 * @module middleware/metrics
 * Counts and times every request by route family (from the matched route pattern, never the raw path,
 * so label cardinality stays bounded) and status. Mounted only when metrics are enabled.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { AppEnv } from '../../env.js'
import type { Metrics } from '../../services/metrics/metrics.js'
import { proxiedFamilies } from '../../services/openapi/proxied-routes.js'

/**
 * First path segments of the upstream routes: those of the D1 (docs/decisions.md#d1) table, which the
 * routes layer publishes when it is mounted (read at request time, by then it is), plus admin-only
 * pages; the rest are "other".
 */
const ADMIN_ONLY_FAMILIES = new Set(['manager', 'docs', 'assets'])
const isUpstreamFamily = (first: string) => proxiedFamilies().has(first) || ADMIN_ONLY_FAMILIES.has(first)
const ACTION = /^[A-Za-z]{1,40}$/
/** Hard ceiling on distinct families, whatever the routes: beyond it everything is "other". */
const MAX_FAMILIES = 300
const seen = new Set<string>()

function bounded(family: string): string {
  if (seen.has(family)) return family
  if (seen.size >= MAX_FAMILIES) return 'other'
  seen.add(family)
  return family
}

/**
 * `/api/templates/:id` -> `/api/templates`; `/admin/users/:id/reset` -> `/admin/users`;
 * a wildcard (the upstream proxy) -> the request's first two segments when they look like an
 * Evolution route (`/message/sendText/{instance}` -> `/message/sendText`), else "other".
 */
export function routeFamily(pattern: string, path: string): string {
  if (pattern && !pattern.includes('*')) {
    // Route patterns are a fixed set: computed once per pattern.
    let family = byPattern.get(pattern)
    if (family === undefined) {
      family = patternFamily(pattern)
      byPattern.set(pattern, family)
    }
    return family
  }
  const [, first = '', second = ''] = path.split('/', 3)
  if (!isUpstreamFamily(first)) return 'other'
  return bounded(ACTION.test(second) ? `/${first}/${second}` : `/${first}`)
}

const byPattern = new Map<string, string>()

function patternFamily(pattern: string): string {
  const parts = pattern.split('/')
  const cut = parts.findIndex((p, i) => i > 0 && p.startsWith(':'))
  const staticParts = cut === -1 ? parts : parts.slice(0, cut)
  // `/api/auth/login` stays whole; deeper static paths keep their first three segments.
  return bounded(staticParts.slice(0, 4).join('/') || '/')
}

export const metrics = (m: Metrics): MiddlewareHandler<AppEnv> =>
  async function metrics(c, next) {
    const start = performance.now()
    try {
      await next()
    } finally {
      // After next(), routeIndex points at the handler that answered (or the last middleware on 404).
      const status = c.res.status
      m.request(routeFamily(routePath(c as Context), c.req.path), c.req.method, status, (performance.now() - start) / 1000)
    }
  }
