/**
 * @module routes/proxy/fast-send
 * The one send pipeline: every `POST /message/...` is served here, at the Node level, before Hono
 * (http-server.ts offers each request to `tryServe` first). The Hono catch-all (routes/proxy/index.ts)
 * never sees a send; it refuses one outright should it ever get one (no unlogged send).
 *
 * Why at the Node level: a send is the gateway's hottest request (the budget of D12,
 * docs/decisions.md#d12: zero Postgres queries, one Redis round trip). `npm run bench -- --cpu-prof` put
 * Hono's dispatch, @hono/node-server's request adapter and the middleware chain at a sizeable part of a
 * send's CPU, for a request whose every step is known in advance.
 *
 * Which requests: a POST whose target, read the way @hono/node-server and Hono read it (WHATWG URL
 * normalisation, then upstream-path.ts: percent-decoding, `//` merged, case-insensitive family), names
 * the /message family, whatever the spelling (`/message/sendText/my%20inst`, `/MESSAGE/...`,
 * `/%6Dessage/...`, `/x/../message/...`), whatever the body framing (Content-Length, chunked, none).
 * `tryServe` decides synchronously from the URL (cached per URL) and the Host header; it declines only
 * what the adapter answers itself (a bare 400 before Hono: backslash in the path, a Host it refuses, a
 * target URL cannot parse) and what is not a /message POST (HEAD, OPTIONS/CORS, GET... stay with Hono,
 * as does /group/sendInvite, an invite: routes/proxy/invite.ts). Steps, in Hono's order with its answers:
 *   request id, client IP -> url-text (400) -> Content-Length over BODY_LIMIT_MB (413)
 *   -> chunked or length-less body read now, as middleware/body-limit does (413, 408, 400)
 *   -> path refused (400 Invalid path) -> per-IP limit -> breaker -> session + per-user limit
 *   -> route table: unlisted/admin-only 403 for users -> ownership (403) -> body
 *   -> a listed send: forward + message log (message.ts `forwardSend`, with Idempotency-Key)
 *      an admin's unlisted /message route: a plain forward (forward.ts `hopFrom`)
 *   -> answer written with every global header (message.ts `writeSend`)
 * Errors are errors/on-error's `renderError` with the same headers: JSON `{error}`, the error's own
 * headers (Retry-After, X-RateLimit-*), X-Request-ID, the rate-limit headers of an admitted caller and
 * the static security/CORS set (lib/response-headers). One request line (middleware/request-log, with
 * Hono's `c.req.path`) and, when metrics are on, one observation (middleware/metrics), as for every
 * other request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { getPath } from 'hono/utils/url'
import type { Logger } from 'pino'
import type { Deps } from '../../deps.js'
import type { AuthUser } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { renderError } from '../../errors/on-error.js'
import { resolveClientIp } from '../../lib/client-ip.js'
import { bodyTooLargeError, readIncoming } from '../../lib/raw-body.js'
import { directResponseHeaders, REQUEST_ID_HEADER, staticHeadersFor, type StaticHeaders } from '../../lib/response-headers.js'
import { headerValue } from '../../lib/request-header.js'
import { assertUrlText, INVALID_PATH } from '../../lib/text.js'
import { routeFamily } from '../../middleware/metrics/index.js'
import { requestIdFrom, requestLogger } from '../../middleware/request-id/index.js'
import { writeRequestLine } from '../../middleware/request-log/index.js'
import { ADMIN_REQUIRED } from '../../middleware/require-admin/index.js'
import type { LimitDecision } from '../../services/rate-limit/user-limiter.js'
import type { ProxyResponse } from '../../services/upstream-proxy/upstream-proxy.js'
import { hopFrom } from './forward.js'
import type { ProxyChecks } from './index.js'
import { NOT_OWNER } from './instance-delete.js'
import { forwardSend, writeSend } from './message.js'
import { matchRoute, type RouteMatch } from './route-table.js'
import { parseUpstreamPath, rawTarget, type UpstreamPath } from './upstream-path.js'

export type SendPath = (req: IncomingMessage, res: ServerResponse) => boolean

export function createSendPath(deps: Deps, checks: ProxyChecks): SendPath {
  const maxBytes = deps.config.BODY_LIMIT_MB * 1024 * 1024
  const bodyTimeoutMs = deps.config.REQUEST_BODY_TIMEOUT_MS
  const statics = staticHeadersFor(deps.config)
  const metricsOn = Boolean(deps.config.METRICS_TOKEN)
  // perf: a client repeats the same few send URLs (one per action and instance), and the same Host:
  // each one is read once (a decision depends on the URL alone, or the Host alone).
  const routes = new Map<string, SendRoute | null>()
  const hosts = new Map<string, boolean>()

  return function tryServe(req, res) {
    if (req.method !== 'POST') return false
    const url = req.url
    // Only a target spelling "message" (any case), or hiding it behind a percent-escape, can name the family.
    if (url === undefined || !(url.startsWith('/message/') || MAYBE_MESSAGE.test(url))) return false
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
    // A missing Host falls back to the server's hostname in the adapter, as it does here.
    const host = req.headers.host
    if (route.relative && host) {
      let ok = hosts.get(host)
      if (ok === undefined) {
        ok = hostAccepted(host)
        if (hosts.size >= MAX_HOSTS) hosts.clear()
        hosts.set(host, ok)
      }
      if (!ok) return false
    }
    // serveSend answers its own errors; this only keeps a bug in the logging tail from becoming an
    // unhandled rejection (which would stop the process).
    serveSend(req, res, route).catch((err: unknown) => deps.log.error({ err }, 'send path failed'))
    return true
  }

  async function serveSend(req: IncomingMessage, res: ServerResponse, route: SendRoute): Promise<void> {
    const start = performance.now()
    const h = req.headers
    const requestId = requestIdFrom(headerValue(h[REQUEST_ID_HEADER]))
    const clientIp = resolveClientIp(req.socket.remoteAddress, headerValue(h['x-forwarded-for']), deps.trusted)
    const log = requestLogger(deps.log, requestId)
    let user: AuthUser | undefined
    let rateLimit: LimitDecision | undefined
    let status: number
    try {
      // middleware/url-text, then middleware/body-limit: before any check of the caller.
      assertUrlText(req.url!)
      const len = h['content-length']
      if (len !== undefined && Number(len) > maxBytes) throw bodyTooLargeError(maxBytes)
      // A chunked or length-less body is read (and counted) up front, as body-limit does; a
      // Content-Length the client never fills is a 408 with Connection: close (lib/raw-body).
      let raw = len === undefined || h['transfer-encoding'] !== undefined ? await readIncoming(req, maxBytes, bodyTimeoutMs) : undefined
      const { target, match } = route
      if (!target) throw new ApiError(400, INVALID_PATH)
      const admitted = await checks.admit(true, clientIp, headerValue(h.apikey), (u) => (user = u))
      rateLimit = admitted.rateLimit
      const caller = admitted.user
      if ((!match || match.rule.adminOnly) && caller.role !== 'admin') throw new ApiError(403, ADMIN_REQUIRED)
      const instance = match?.instance ?? null
      if (match && instance) {
        // A warm instance is answered from the cache without a turn of the event loop.
        if (!(deps.instances.mayUseCached(caller, instance) ?? (await deps.instances.mayUse(caller, instance)))) throw new ApiError(403, NOT_OWNER)
        if (match.rule.ownerOnly && !(await deps.instances.mayDelete(caller, instance))) throw new ApiError(403, NOT_OWNER)
      }
      raw ??= await readIncoming(req, maxBytes, bodyTimeoutMs)
      const hop = { deps, log, incoming: req, method: 'POST', requestId, clientIp, user: caller }
      const answer: ProxyResponse =
        match?.rule.kind === 'message' && instance
          ? await forwardSend(hop, target, instance, raw, headerValue(h['content-type']) ?? 'application/json')
          : await hopFrom(hop, res, { url: target.forwardUrl, body: raw, bufferResponse: true })
      // Both answers are buffered, so this writes unless the socket is gone (then nobody reads it).
      if (!writeSend(res, 'POST', answer, statics, requestId, rateLimit)) {
        if (!Buffer.isBuffer(answer.body)) answer.body.destroy()
        res.destroy()
      }
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

/**
 * What a /message URL decides, kept per URL: Hono's `c.req.path` of it (the request line's and the
 * metric's path), the normalised upstream target (null: refused, 400 Invalid path), its route-table
 * match (null: unlisted) and whether the Host header takes part in the adapter's reading (relative form).
 */
type SendRoute = { path: string; target: UpstreamPath | null; match: RouteMatch | null; relative: boolean }
const MAX_ROUTES = 10_000
const MAX_CACHED_URL = 512
const MAX_HOSTS = 100
const MAYBE_MESSAGE = /message|%/i
/** Any valid host: the request target is read the same whatever the host (checked apart, per request). */
const ANY_HOST = 'http://h'

/**
 * The /message request a URL names, read as the Hono catch-all reads it (`rawTarget(c.req.url)`, where
 * `c.req.url` is @hono/node-server's WHATWG URL of the target); null when it is not one, or the adapter
 * refuses the target itself (its 400).
 */
function sendRoute(url: string): SendRoute | null {
  let href: string
  const relative = url.startsWith('/')
  if (!relative && !url.startsWith('http://') && !url.startsWith('https://')) return null
  // @hono/node-server's validateRequestTarget: a backslash before the query is its 400.
  const backslash = url.indexOf('\\')
  if (backslash !== -1) {
    const q = url.indexOf('?')
    if (q === -1 || backslash < q) return null
  }
  try {
    href = new URL(relative ? ANY_HOST + url : url).href
  } catch {
    return null
  }
  const raw = rawTarget(href)
  const target = parseUpstreamPath(raw)
  const family = target ? target.segments[0] : raw.split('?')[0]!.split('/').find(Boolean)
  if (family?.toLowerCase() !== 'message') return null
  const path = getPath({ url: href } as Request)
  return { path, target, match: target && matchRoute('POST', target.segments), relative }
}

/** @hono/node-server's Host check (it answers a bare 400 before Hono when this is false). */
function hostAccepted(host: string): boolean {
  try {
    const { hostname } = new URL(`http://${host}/`)
    return hostname.length === host.length || hostname === host.replace(/:\d+$/, '')
  } catch {
    return false
  }
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
