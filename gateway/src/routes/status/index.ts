/**
 * @module routes/status
 * The public status API and page. GET /api/status: per-IP token bucket (STATUS_IP_RATE/BURST, 429 JSON,
 * D8 (docs/decisions.md#d8)), then the Redis cache (15 s, `X-Cache: HIT|MISS`, `cached: true` on hits, R7 (docs/decisions.md#r7)); a
 * miss is computed once per process even under a burst. GET /status/ serves gateway/public/status.
 * GET /favicon.ico is the brand icon for the page and the panel (browsers ask for it at the root).
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import { register, type Router } from '../../lib/route.js'
import { IpBucketLimiter } from '../../services/rate-limit/ip-bucket.js'
import { logoOrigin } from '../../services/status/branding.js'
import { STATUS_CACHE_KEY, STATUS_CACHE_SECONDS } from '../../services/status/cache.js'
import { buildStatusReport } from '../../services/status/report.js'

const PAGE_DIR = fileURLToPath(new URL('../../../public/status', import.meta.url))
const FAVICON = readFileSync(fileURLToPath(new URL('../../../public/favicon.ico', import.meta.url)))
/** Strict: the page has no inline script or style and talks only to its own origin. */
export const STATUS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'"

export function statusRoutes(r: Router, deps: Deps): void {
  const logo = logoOrigin(deps.config)
  const csp = logo ? STATUS_CSP.replace("img-src 'self' data:", `img-src 'self' data: ${logo}`) : STATUS_CSP
  const limiter = new IpBucketLimiter(deps.redis, { prefix: 'taguato:status:ip:', rate: deps.config.STATUS_IP_RATE, burst: deps.config.STATUS_IP_BURST })
  let inflight: Promise<string> | null = null

  const compute = (): Promise<string> => {
    inflight ??= buildStatusReport(deps)
      .then((report) => {
        const json = JSON.stringify(report)
        deps.redis.set(STATUS_CACHE_KEY, json, 'EX', STATUS_CACHE_SECONDS).catch(() => undefined)
        return json
      })
      .finally(() => {
        inflight = null
      })
    return inflight
  }

  register(r, { method: 'GET', path: '/api/status', access: 'public', summary: 'Public system status (cached 15 s)', tags: ['status'], response: { status: 200, description: 'overall_status, services, incidents, maintenance, uptime' } }, async (c) => {
    const take = await limiter.take(c.get('clientIp'))
    if (!take.allowed) throw new ApiError(429, 'Too many requests', {}, { 'Retry-After': String(take.retryAfterSeconds) })
    c.header('Cache-Control', 'no-store')
    const hit = await deps.redis.get(STATUS_CACHE_KEY).catch(() => null)
    if (hit) {
      c.header('X-Cache', 'HIT')
      return c.json({ ...(JSON.parse(hit) as Record<string, unknown>), cached: true })
    }
    c.header('X-Cache', 'MISS')
    c.header('Content-Type', 'application/json')
    return c.body(await compute(), 200)
  })

  register(r, { method: 'GET', path: '/favicon.ico', access: 'public', summary: 'The brand icon (status page and panel)', tags: ['status'], produces: 'image/x-icon' }, (c) =>
    c.body(new Uint8Array(FAVICON), 200, { 'Content-Type': 'image/x-icon', 'Cache-Control': 'public, max-age=86400' }),
  )

  register(r, { method: 'GET', path: '/status', access: 'public', summary: 'Redirect to the status page', tags: ['status'], produces: 'text/html' }, (c) => c.redirect('/status/', 301))

  const assets = serveStatic({
    root: PAGE_DIR,
    rewriteRequestPath: (p) => p.replace(/^\/status/, ''),
    onFound: (_path, c) => {
      c.header('Content-Security-Policy', csp)
      c.header('Cache-Control', 'no-cache')
    },
  })
  register(r, { method: 'GET', path: '/status/*', access: 'public', summary: 'Status page (HTML, CSS, JS)', tags: ['status'], produces: 'text/html' }, async (c) => {
    const res = await assets(c, async () => undefined)
    if (!res) throw new ApiError(404, 'Not found')
    return res
  })
}
