/**
 * @module routes/proxy/fast-send
 * The Node-level path for well-formed sends (`POST /message/{action}/{instance}`): the same checks, in
 * the same order, with the same answers as the Hono catch-all (routes/proxy/index.ts), without building
 * a Hono context, a request wrapper and the global middleware's promise chain per send.
 *
 * Why: a send is the gateway's hottest request (the budget of D12, docs/decisions.md#d12: zero Postgres queries, one Redis round
 * trip). `npm run bench -- --cpu-prof` put Hono's dispatch, @hono/node-server's request adapter and the
 * middleware chain at a sizeable part of a send's CPU, for a request whose every step is known in advance.
 *
 * `tryServe(req, res)` decides synchronously, before reading anything: anything unusual (chunked or
 * oversized body, percent-encoded path, a route that is not a plain send) returns false and the request
 * goes to Hono untouched, which answers it the usual way. Once it returns true the request is ours:
 *   request id, client IP -> per-IP limit -> breaker -> session + per-user limit -> ownership
 *   -> body -> forward (breaker, message log) -> answer written with every global header
 * Errors are rendered like errors/on-error + middleware/response-headers: JSON `{error}`, the error's
 * own headers (Retry-After, X-RateLimit-*), X-Request-ID, the rate-limit headers of an admitted caller
 * and the static security/CORS set. One request line (middleware/request-log) and, when metrics are on,
 * one observation (middleware/metrics), as for every other request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type { Deps } from '../../deps.js'
import type { AuthUser } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { renderError } from '../../errors/on-error.js'
import { resolveClientIp } from '../../lib/client-ip.js'
import { readIncoming } from '../../lib/raw-body.js'
import { directResponseHeaders, REQUEST_ID_HEADER, staticHeadersFor, type StaticHeaders } from '../../lib/response-headers.js'
import { headerValue } from '../../lib/request-header.js'
import { routeFamily } from '../../middleware/metrics/index.js'
import { requestIdFrom, requestLogger } from '../../middleware/request-id/index.js'
import { writeRequestLine } from '../../middleware/request-log/index.js'
import type { LimitDecision } from '../../services/rate-limit/user-limiter.js'
import type { ProxyChecks } from './index.js'
import { NOT_OWNER } from './instance-delete.js'
import { forwardSend, writeSend } from './message.js'
import { matchRoute } from './route-table.js'
import { parseUpstreamPath, type UpstreamPath } from './upstream-path.js'

export type SendPath = (req: IncomingMessage, res: ServerResponse) => boolean

export function createSendPath(deps: Deps, checks: ProxyChecks): SendPath {
  const maxBytes = deps.config.BODY_LIMIT_MB * 1024 * 1024
  const bodyTimeoutMs = deps.config.REQUEST_BODY_TIMEOUT_MS
  const statics = staticHeadersFor(deps.config)
  const metricsOn = Boolean(deps.config.METRICS_TOKEN)
  // perf: a client repeats the same few send URLs (one per action and instance), so each one's
  // parse + route match is done once; a decision depends on the URL alone.
  const routes = new Map<string, SendRoute | null>()

  return function tryServe(req, res) {
    if (req.method !== 'POST') return false
    const url = req.url
    // Percent-encoded paths go through Hono, whose request-line path is the decoded one.
    if (url === undefined || !url.startsWith('/message/') || url.includes('%')) return false
    const h = req.headers
    const len = h['content-length']
    if (len === undefined || h['transfer-encoding'] !== undefined || !(Number(len) <= maxBytes)) return false
    let route = routes.get(url)
    if (route === undefined) {
      route = sendRoute(url)
      // Bounded: at most MAX_ROUTES short URLs (a flood of distinct ones only clears the map).
      if (url.length <= MAX_CACHED_URL) {
        if (routes.size >= MAX_ROUTES) routes.clear()
        routes.set(url, route)
      }
    }
    if (route === null) return false
    // serveSend answers its own errors; this only keeps a bug in the logging tail from becoming an
    // unhandled rejection (which would stop the process).
    serveSend(req, res, route).catch((err: unknown) => deps.log.error({ err }, 'send path failed'))
    return true
  }

  async function serveSend(req: IncomingMessage, res: ServerResponse, route: SendRoute): Promise<void> {
    const { target, instance } = route
    const start = performance.now()
    const h = req.headers
    const requestId = requestIdFrom(headerValue(h[REQUEST_ID_HEADER]))
    const clientIp = resolveClientIp(req.socket.remoteAddress, headerValue(h['x-forwarded-for']), deps.trusted)
    const log = requestLogger(deps.log, requestId)
    let user: AuthUser | undefined
    let rateLimit: LimitDecision | undefined
    let status: number
    try {
      const admitted = await checks.admit(true, clientIp, headerValue(h.apikey), (u) => (user = u))
      rateLimit = admitted.rateLimit
      // A warm instance is answered from the cache without a turn of the event loop.
      if (!(deps.instances.mayUseCached(admitted.user, instance) ?? (await deps.instances.mayUse(admitted.user, instance)))) throw new ApiError(403, NOT_OWNER)
      // A Content-Length the client never fills: 408 with Connection: close (lib/raw-body).
      const raw = await readIncoming(req, maxBytes, bodyTimeoutMs)
      const contentType = headerValue(h['content-type']) ?? 'application/json'
      const answer = await forwardSend({ deps, log, incoming: req, method: 'POST', requestId, clientIp, user: admitted.user }, target, instance, raw, contentType)
      // proxy.send always buffers, so this writes unless the socket is gone (then nobody reads it).
      writeSend(res, 'POST', answer, statics, requestId, rateLimit)
      status = answer.status
    } catch (err) {
      status = writeError(res, err, log, statics, requestId, rateLimit)
    }
    const path = route.path
    const ms = performance.now() - start
    writeRequestLine(deps.log, { reqId: requestId, method: 'POST', path, status, ms: Math.round(ms * 100) / 100, ip: clientIp, userId: user?.id })
    if (metricsOn) deps.metrics.request(routeFamily('*', path), 'POST', status, ms / 1000)
  }
}

/** What a send URL decides, kept per URL: the upstream target, the instance and the request line's path. */
type SendRoute = { target: UpstreamPath; instance: string; path: string }
const MAX_ROUTES = 10_000
const MAX_CACHED_URL = 512

/** The send a URL names, or null when it is not a plain user-callable send (Hono answers those). */
function sendRoute(url: string): SendRoute | null {
  const target = parseUpstreamPath(url)
  if (!target) return null
  const match = matchRoute('POST', target.segments)
  if (!match || match.rule.kind !== 'message' || match.rule.adminOnly || !match.instance) return null
  const q = url.indexOf('?')
  return { target, instance: match.instance, path: q === -1 ? url : url.slice(0, q) }
}

/** errors/on-error's answer plus the global headers (as on a send's answer), written to Node; returns the status sent. */
function writeError(res: ServerResponse, err: unknown, log: Logger, statics: StaticHeaders, requestId: string, rateLimit: LimitDecision | undefined): number {
  const r = renderError(err, log)
  if (res.headersSent) {
    res.destroy()
    return r.status
  }
  const json = JSON.stringify(r.body)
  const base: Record<string, string | string[] | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }
  for (const k in r.headers) base[k.toLowerCase()] = r.headers[k]!
  const headers = directResponseHeaders(base, statics, requestId, rateLimit)
  res.writeHead(r.status, headers)
  res.end(json)
  return r.status
}
