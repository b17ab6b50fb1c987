/**
 * @module lib/response-headers
 * The headers every gateway response carries, defined once: the reference's five security headers
 * (R2, docs/decisions.md#r2), the CORS headers when CORS_ORIGIN is set, X-Served-By when EXPOSE_WORKER_ID is
 * set, plus the per-request X-Request-ID and X-RateLimit-*. Two consumers: the response-headers
 * middleware (Hono responses, one loop) and the /message/* sends that write straight to the Node
 * response (`directResponseHeaders`, one plain object for one `writeHead`).
 *
 * perf: names are lowercase (undici Headers lowercases them anyway, so the wire is unchanged) and the
 * static set is built once at boot instead of being `set` one by one per request by four middleware.
 */

/**
 * The numbers of a per-user limit decision (services/rate-limit's LimitDecision), by shape: lib/
 * imports nothing from the layers that use it.
 */
export type RateLimitNumbers = { limit: number; remaining: number; resetSeconds: number }

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'x-xss-protection': '1; mode=block',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
})

/** CORS as the reference does it: one configured origin (not reflected); nothing when unset. */
export function corsHeaders(origin: string): Record<string, string> {
  if (!origin) return {}
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'access-control-allow-headers': 'apikey, Content-Type, Authorization, X-Request-ID',
    'access-control-expose-headers': 'X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After',
    'access-control-max-age': '86400',
  }
}

export type GlobalHeaderOptions = { corsOrigin: string; exposeWorkerId: boolean }

/** The static part (same on every response of this process), as entries for a tight loop. */
export type StaticHeaders = readonly (readonly [string, string])[]

export function staticResponseHeaders(o: GlobalHeaderOptions): StaticHeaders {
  const all: Record<string, string> = { ...SECURITY_HEADERS, ...corsHeaders(o.corsOrigin) }
  // X-Served-By: <pid> lets tests (and operators chasing one bad worker) see which process answered.
  if (o.exposeWorkerId) all['x-served-by'] = String(process.pid)
  return Object.freeze(Object.entries(all).map(([k, v]) => Object.freeze([k, v] as const)))
}

const byConfig = new WeakMap<object, StaticHeaders>()

/** `staticResponseHeaders` of a config object, built on first use and kept (one config per process). */
export function staticHeadersFor(config: { CORS_ORIGIN: string; EXPOSE_WORKER_ID: boolean }): StaticHeaders {
  let s = byConfig.get(config)
  if (!s) {
    s = staticResponseHeaders({ corsOrigin: config.CORS_ORIGIN, exposeWorkerId: config.EXPOSE_WORKER_ID })
    byConfig.set(config, s)
  }
  return s
}

export const REQUEST_ID_HEADER = 'x-request-id'

/**
 * X-RateLimit-* of a limit decision (an allowed request's, or the 429's own, which adds Retry-After).
 * Lowercase names: what undici Headers put on the wire for Hono responses too.
 */
export function rateLimitHeaders(d: RateLimitNumbers): Record<string, string> {
  return {
    'x-ratelimit-limit': String(d.limit),
    'x-ratelimit-remaining': String(d.remaining),
    'x-ratelimit-reset': String(d.resetSeconds),
  }
}

/**
 * Completes `base` (an upstream answer's headers, lowercase names, owned by the caller) into the
 * header object of a response written directly to Node: X-Request-ID unless the upstream echoed one,
 * the rate-limit headers, then the static set, which wins over the upstream's (as on Hono responses).
 */
export function directResponseHeaders(
  base: Record<string, string | string[] | number>,
  statics: StaticHeaders,
  requestId: string | undefined,
  limit: RateLimitNumbers | undefined,
): Record<string, string | string[] | number> {
  if (requestId !== undefined && base[REQUEST_ID_HEADER] === undefined) base[REQUEST_ID_HEADER] = requestId
  if (limit) Object.assign(base, rateLimitHeaders(limit))
  for (let i = 0; i < statics.length; i++) base[statics[i]![0]] = statics[i]![1]
  return base
}
