/**
 * @module upstream/services/placement/routing
 * Any replica answers any request: one naming an instance this replica does not run is forwarded to the
 * replica that does (one internal hop; the answer carries `X-Upstream-Owner` so the gateway learns the
 * owner and goes there directly next time). While the instance is between owners (a handover, a dead
 * replica's lease running out) the request waits up to HANDOVER_WAIT_MS, then gets 503 + Retry-After.
 *
 * Which requests name an instance: `/{resource}/{action}/{instance}` under the Evolution resources
 * (instance create and fetchInstances excepted: they name none), the sandbox's per-instance control
 * routes, and the sandbox ack route (by message id).
 */
import type { MiddlewareHandler } from 'hono'
import type { Sql } from '../../db/client.js'
import { findInstanceByName, lastKnownInstance } from '../../db/instances.js'
import { findMessageByKeyId } from '../../db/messages.js'
import { ownerOf } from '../../db/placement.js'
import type { UpstreamEnv } from '../../env.js'
import { EvoError, instanceMoving } from '../../lib/errors.js'
import type { Placement } from './coordinator.js'

/** Hops a request has made between replicas; a request is never forwarded a third time. */
export const HOPS_HEADER = 'x-taguato-hops'
/** On a forwarded answer: the URL of the replica that owns the instance. */
export const OWNER_HEADER = 'x-upstream-owner'
const MAX_HOPS = 2

const RESOURCES = new Set(['instance', 'message', 'chat', 'group', 'label', 'proxy', 'webhook', 'settings'])
const INSTANCE_LESS = new Set(['create', 'fetchinstances'])

/** The instance name a path names, or a message id (sandbox ack), or nothing. */
export function instanceTarget(path: string): { name: string } | { messageId: string } | null {
  const seg = path.split('/').filter(Boolean)
  try {
    if (seg.length === 3 && RESOURCES.has(seg[0]!) && !INSTANCE_LESS.has(seg[1]!.toLowerCase())) return { name: decodeURIComponent(seg[2]!) }
    if (seg[0] === 'sandbox' && seg.length === 4 && seg[1] === 'instances') return { name: decodeURIComponent(seg[2]!) }
    if (seg[0] === 'sandbox' && seg.length === 4 && seg[1] === 'messages' && seg[3] === 'ack') return { messageId: decodeURIComponent(seg[2]!) }
  } catch {
    // A malformed escape: the route itself answers it.
  }
  return null
}

export function placementRouting(sql: Sql, placement: Placement): MiddlewareHandler<UpstreamEnv> {
  const waitMs = placement.opts.handoverWaitMs
  const ttlMs = placement.opts.leaseTtlMs

  return async function placementRoutingMiddleware(c, next) {
    const target = instanceTarget(c.req.path)
    if (!target) return next()
    let name: string
    if ('name' in target) name = target.name
    else {
      const msg = await findMessageByKeyId(sql, target.messageId).catch(() => null)
      if (!msg) return next()
      name = msg.instanceName
    }
    // Hot path: a send for an instance this replica runs needs no query (the row is remembered).
    const known = lastKnownInstance(name)
    let id = known && placement.servesLocally(known.id) ? known.id : null
    const hops = Number(c.req.header(HOPS_HEADER) ?? 0) || 0
    let body: ArrayBuffer | null | undefined
    if (!id) {
      const row = await findInstanceByName(sql, name).catch(() => known)
      if (!row) return next()
      const deadline = Date.now() + waitMs
      for (;;) {
        // The caller gave up (the gateway's send deadline): forwarding now would act on a request nobody
        // waits for, and the caller may already be resending it.
        if (c.req.raw.signal.aborted) throw callerGone(name)
        if (placement.servesLocally(row.id)) {
          id = row.id
          break
        }
        if (!placement.isMoving(row.id)) {
          const owner = await ownerOf(sql, name, ttlMs).catch(() => null)
          if (owner && owner.nodeId !== placement.nodeId && hops < MAX_HOPS) {
            // Read once, so a refused connection can be retried at the next owner.
            body ??= hasBody(c.req.raw) ? await c.req.raw.arrayBuffer() : null
            try {
              return await forward(c.req.raw, owner.url, hops, body ?? undefined)
            } catch (err) {
              // Refused: nothing reached the owner (it died); wait for its lease to run out. Anything
              // else may have reached it: the outcome is unknown, and a retry could send twice.
              if (!connectionRefused(err)) throw ownerSilent(name)
            }
          } else if (!owner && placement.view().assignment.get(name) === placement.nodeId && !placement.isDraining) {
            // Ours and free (just created elsewhere, or its holder gone): take it now rather than at the next tick.
            if (await placement.acquire(row).catch(() => false)) continue
          }
        }
        if (Date.now() >= deadline) {
          c.header('Retry-After', '1')
          throw instanceMoving(name)
        }
        await placement.nextTick(Math.min(250, Math.max(10, deadline - Date.now())))
      }
    }
    // A forward attempt read the body, then this replica became the owner: the route reads it from here.
    if (body) c.req.raw = new Request(c.req.raw, { body })
    const done = placement.enter(id)
    try {
      await placement.settled(id, Date.now() + waitMs)
      // Waiting for the session may have outlasted the caller: acting now would surprise its resend.
      if (c.req.raw.signal.aborted) throw callerGone(name)
      await next()
    } finally {
      done()
    }
  }
}

function hasBody(req: Request): boolean {
  return req.method !== 'GET' && req.method !== 'HEAD'
}

function connectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } }).cause
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'UND_ERR_CONNECT_TIMEOUT' || cause?.code === 'EHOSTUNREACH'
}

/** The owner took the request and did not answer: it may have acted on it (a send may be out). */
const callerGone = (name: string) => new EvoError(499, [`The caller of "${name}" left before its owner was found`])

const ownerSilent = (name: string) => new EvoError(504, [`The replica running "${name}" did not answer`])

/** Hop-by-hop headers are not forwarded (RFC 9110 7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host'])

/** The request, as received, to the owner; its answer, with the owner's URL. Throws when the owner is unreachable. */
export async function forward(req: Request, ownerUrl: string, hops: number, body?: BodyInit): Promise<Response> {
  const src = new URL(req.url)
  const url = new URL(src.pathname + src.search, ownerUrl)
  const headers = new Headers()
  req.headers.forEach((value, key) => {
    if (!HOP_BY_HOP.has(key)) headers.set(key, value)
  })
  headers.set(HOPS_HEADER, String(hops + 1))
  if (typeof body === 'string') {
    // A re-serialised JSON body (instance create): its own type and length.
    headers.set('content-type', 'application/json')
    headers.delete('content-length')
  }
  // The caller leaving aborts the hop too: the owner then sees it gone, like any client that left.
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, redirect: 'manual', signal: req.signal }
  if (hasBody(req)) {
    init.body = body ?? req.body
    init.duplex = 'half'
  }
  const res = await fetch(url, init)
  const out = new Headers(res.headers)
  // fetch already decoded the body and framed it anew.
  out.delete('content-encoding')
  out.delete('transfer-encoding')
  out.set(OWNER_HEADER, ownerUrl)
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers: out })
}
