/**
 * @module routes/proxy
 * The upstream catch-all, mounted last. Order on every proxied path (G-PROXY, D1 (docs/decisions.md#d1), D8 (docs/decisions.md#d8), D9 (docs/decisions.md#d9)):
 *   path normalised (400 on traversal tricks) -> native prefixes step aside (404/405 handler)
 *   -> per-IP limit on /message/* and /group/sendInvite -> breaker open? 503 -> session + per-user
 *   limit (one Redis round trip) -> route table: unlisted or admin-only routes 403 for users; instance
 *   named? owner/grantee/admin -> intercepted handler (create, delete, fetchInstances), group invite
 *   send (logged, ./invite.ts), a body checked for the addresses it makes the upstream call (admin
 *   /webhook/set; /proxy/set of the owner or an admin, ./side-channels.ts), or plain forward.
 * Sends are not here: every `POST /message/...` (any spelling or body framing) is served before Hono by
 * the one send pipeline, fast-send.ts, with the same `ProxyChecks`. What reaches this catch-all on
 * /message/* is another method (GET, HEAD, PUT...: unlisted, so 403 for users, forwarded for admins);
 * a send that got here anyway is refused (500) rather than forwarded unlogged.
 * Nothing is ever forwarded anonymously here, and only the upstream key (never the client's) goes upstream.
 * (The one anonymous forward, Meta's signed /webhook/meta callbacks, is a native route: routes/meta-webhook.)
 */
import type { Context, Next } from 'hono'
import type { Deps } from '../../deps.js'
import type { AppEnv, AuthUser } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import type { Router } from '../../lib/route.js'
import { ipLimiter } from '../../middleware/ip-rate-limit/index.js'
import { ADMIN_REQUIRED } from '../../middleware/require-admin/index.js'
import { fetchInstances } from './fetch-instances.js'
import { breakerOpenError, hop, relay, requestBody, upstreamMethod } from './forward.js'
import { createInstance } from './instance-create.js'
import { deleteInstance, NOT_OWNER } from './instance-delete.js'
import { sendInvite } from './invite.js'
import { SessionGate, type GateResult } from '../../middleware/session-rate-limit/index.js'
import { isNativePath, matchRoute } from './route-table.js'
import { parseUpstreamPath, rawTarget } from './upstream-path.js'
import { header } from '../../lib/request-header.js'
import { readJsonObject } from '../../lib/body.js'
import { checkTargets, routeTargets, targetRoute } from './side-channels.js'
import { isLogout, loggedOut, notifyLive } from './live-notify.js'
import { connectionStateWithPause, isConnectionState } from './connection-state.js'
import { sendPausesOf } from '../../services/send-pauses/index.js'

/**
 * The checks every proxied request passes before its route is looked at, shared by the Hono catch-all
 * below and the send pipeline (fast-send.ts) so both count against the same buckets and hints.
 */
export type ProxyChecks = {
  /** Session + per-user limit (with its token hints); app.ts guards native routes with the same one. */
  gate: SessionGate
  /** Per-IP /message/* limit (D8), then breaker, then session + per-user limit: see `admit`. */
  admit(isMessage: boolean, clientIp: string, token: string | undefined, onUser: (u: AuthUser) => void): Promise<GateResult>
}

export function proxyChecks(deps: Deps): ProxyChecks {
  const gate = new SessionGate({ sessions: deps.sessions, limiter: deps.limiter, onReject: () => deps.metrics?.rateLimitRejected('user') })
  const messageIpLimit = ipLimiter({ rate: deps.config.MESSAGE_IP_RATE, burst: deps.config.MESSAGE_IP_BURST })
  return {
    gate,
    // Not `async`: the refusals below reject the returned promise like the gate's own do, without an
    // extra promise around the gate's.
    admit(isMessage, clientIp, token, onUser) {
      if (isMessage) {
        try {
          messageIpLimit(clientIp)
        } catch (err) {
          deps.metrics?.rateLimitRejected('ip')
          return Promise.reject(err)
        }
      }
      if (deps.breaker.isOpen()) return Promise.reject(breakerOpenError(deps.breaker.retryAfterSeconds()))
      return gate.check(token, onUser)
    },
  }
}

export function proxyRoutes(r: Router, deps: Deps, checks: ProxyChecks = proxyChecks(deps)): void {
  r.app.all('*', async function upstreamProxy(c: Context<AppEnv>, next: Next) {
    const raw = rawTarget(c.req.url)
    const target = parseUpstreamPath(raw)
    if (!target) {
      if (isNativePath(raw.split('?')[0]!.split('/').filter(Boolean))) return next()
      throw new ApiError(400, 'Invalid path')
    }
    if (isNativePath(target.segments)) return next()
    const { segments } = target
    const admitted = await checks.admit(isSendPath(segments), c.get('clientIp'), header(c, 'apikey'), (u) => c.set('user', u))
    if (admitted.rateLimit) c.set('rateLimit', admitted.rateLimit)

    const user = c.get('user')
    const isAdmin = user.role === 'admin'
    const match = matchRoute(upstreamMethod(c), segments)
    if (!match || match.rule.adminOnly) {
      if (!isAdmin) throw new ApiError(403, ADMIN_REQUIRED)
    }
    const rule = match?.rule
    if (rule?.kind === 'create') return createInstance(c)
    // A logout or delete asked for here is no ban signal (services/send-pauses): marked, for those who may, before the close it causes.
    if (rule?.kind === 'delete' && (await deps.instances.mayDelete(user, match!.instance!))) await sendPausesOf(deps).expectLogout(match!.instance!)
    if (rule?.kind === 'delete') return deleteInstance(c, match!.instance!)
    if (match?.instance && !(await deps.instances.mayUse(user, match.instance))) {
      throw new ApiError(403, NOT_OWNER)
    }
    if (match?.instance && rule?.ownerOnly && !(await deps.instances.mayDelete(user, match.instance))) throw new ApiError(403, NOT_OWNER)
    if (match?.instance && isLogout(upstreamMethod(c), segments)) await sendPausesOf(deps).expectLogout(match.instance)
    if (rule?.kind === 'fetchInstances') return fetchInstances(c, target)
    // Unreachable: http-server.ts hands every POST /message/* to fast-send.ts, which never declines a send.
    if (rule?.kind === 'message') throw new Error('a /message send reached the Hono catch-all')
    if (rule?.kind === 'invite') return sendInvite(c, target, match!.instance!)
    const pause = match?.instance && isConnectionState(upstreamMethod(c), segments) ? sendPausesOf(deps).store.get(match.instance) : undefined
    if (pause) return connectionStateWithPause(c, target, pause)
    const checked = targetRoute(upstreamMethod(c), segments)
    if (checked) {
      // /webhook/set: admins only (adminOnly above); /proxy/set: the owner or an admin, the host checked for
      // both. Read as JSON and forwarded re-serialised as JSON, so
      // the upstream acts on exactly what was checked (no urlencoded or duplicate-key second reading).
      const body = await readJsonObject(c)
      await checkTargets(routeTargets(checked, body), deps.config.WEBHOOK_ALLOWED_HOSTS)
      const json = Buffer.from(reserialise(body))
      const res = await hop(c, { url: target.forwardUrl, method: rule?.upstreamMethod, body: json, extraHeaders: { 'content-type': 'application/json' } })
      return relay(c, res)
    }
    const res = await hop(c, { url: target.forwardUrl, method: rule?.upstreamMethod, body: requestBody(c) })
    if (match?.instance && res.status < 300 && isLogout(upstreamMethod(c), segments)) notifyLive(deps, loggedOut(match.instance))
    return relay(c, res)
  })
}

/** Paths that send messages, under the per-IP /message/ limit (D8): /message/* and /group/sendInvite. */
function isSendPath(segments: readonly string[]): boolean {
  const family = segments[0]?.toLowerCase()
  return family === 'message' || (family === 'group' && segments[1]?.toLowerCase() === 'sendinvite')
}

export const TOO_DEEP = 'Request body is nested too deeply'

/**
 * JSON.stringify recurses: a body nested deeper than the call stack (JSON.parse accepts any depth)
 * throws RangeError, which is the client's input, not our failure: 400.
 */
function reserialise(body: unknown): string {
  try {
    return JSON.stringify(body)
  } catch (err) {
    if (err instanceof RangeError) throw new ApiError(400, TOO_DEEP)
    throw err
  }
}
