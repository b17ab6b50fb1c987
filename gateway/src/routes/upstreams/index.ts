/**
 * @module routes/upstreams
 * GET /admin/upstreams: the upstream replicas (heartbeat, live, draining, instance counts, memory) and
 * which replica runs each instance, as the upstream's placement reports it. POST /admin/upstreams/move
 * {instance, node}: pins an instance to a replica (node null: back to automatic placement); the
 * replica running it hands it over within a placement period. Admin only; moves are audited.
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { UpstreamError } from '../../services/upstream-client/upstream-client.js'

const tags = ['admin', 'upstreams']

export const MoveInstanceBody = v.object({
  instance: v.pipe(v.string('instance must be a string'), v.trim(), v.minLength(1, 'instance is required'), v.maxLength(200, 'instance is too long')),
  node: v.nullable(v.pipe(v.string('node must be a string or null'), v.trim(), v.minLength(1, 'node must not be empty'), v.maxLength(200, 'node is too long'))),
})

const UNAVAILABLE = 'Upstream placement unavailable'

export function upstreamRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'GET', path: '/admin/upstreams', access: 'admin', summary: 'Upstream replicas and which one runs each instance', tags, response: { status: 200, description: '{replicas:[...], instances:[...]}' } }, async (c) => {
    const res = await call(deps, 'GET', '/placement')
    if (res.status === 404) throw new ApiError(501, 'The upstream does not report placement (not a taguato upstream)')
    if (res.status !== 200 || typeof res.body !== 'object' || res.body === null) throw new ApiError(502, UNAVAILABLE)
    const body = res.body as { replicas?: unknown[]; instances?: unknown[]; leaseTtlMs?: unknown }
    return c.json({ replicas: body.replicas ?? [], instances: body.instances ?? [], lease_ttl_ms: body.leaseTtlMs ?? null })
  })

  register(r, { method: 'POST', path: '/admin/upstreams/move', access: 'admin', summary: 'Pin an instance to an upstream replica (node null: automatic)', tags, body: MoveInstanceBody, response: { status: 200, description: '{instance, node}' } }, async (c) => {
    const body = await parseBody(c, MoveInstanceBody)
    const res = await call(deps, 'POST', '/placement/move', { instanceName: body.instance, nodeId: body.node })
    if (res.status === 404) throw new ApiError(404, 'Instance not found')
    if (res.status === 400) throw new ApiError(400, `Replica "${body.node}" is not live`)
    if (res.status !== 200) throw new ApiError(502, UNAVAILABLE)
    const user = c.get('user')
    await deps.audit.record({ userId: user.id, username: user.username, action: 'instance_moved', resourceType: 'instance', resourceId: body.instance, details: { node: body.node }, ip: c.get('clientIp') })
    deps.owners.refresh().catch(() => undefined)
    return c.json({ instance: body.instance, node: body.node })
  })
}

async function call(deps: Deps, method: string, path: string, body?: unknown) {
  try {
    return await deps.upstream.request(method, path, body)
  } catch (err) {
    if (err instanceof UpstreamError) throw new ApiError(502, UNAVAILABLE)
    throw err
  }
}
