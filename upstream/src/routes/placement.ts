/**
 * @module upstream/routes/placement
 * Not part of Evolution's surface: how the upstream replicas share the instances.
 *   GET  /health/live   the process answers
 *   GET  /health/ready  200 once this replica has joined placement and took its share; 503 while
 *                       starting or draining (orchestrators stop routing to it)
 *   GET  /placement     (global key) replicas and each instance's owner: what the gateway routes by
 *   POST /placement/move (global key) {instanceName, nodeId|null}: pin an instance to a replica (null unpins)
 */
import { Hono } from 'hono'
import * as v from 'valibot'
import { listPlacement, listReplicas, notifyPlacement, setPin } from '../db/placement.js'
import type { UpstreamDeps } from '../deps.js'
import type { UpstreamEnv } from '../env.js'
import { badRequest, notFound } from '../lib/errors.js'
import { parseBody } from '../lib/validation.js'
import { requireGlobalKey } from '../middleware/auth.js'

const MoveBody = v.object({
  instanceName: v.pipe(v.string(), v.minLength(1)),
  nodeId: v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
})

export function placementRoutes(deps: UpstreamDeps) {
  const { sql, placement } = deps
  const r = new Hono<UpstreamEnv>({ strict: false })
  const guard = requireGlobalKey(deps.config.AUTHENTICATION_API_KEY)

  r.get('/health/live', (c) => c.json({ status: 'ok' }))

  r.get('/health/ready', (c) => {
    const body = { status: placement.ready ? 'ready' : placement.isDraining ? 'draining' : 'starting', node: placement.nodeId, instances: placement.leases.size }
    return c.json(body, placement.ready ? 200 : 503)
  })

  r.get('/placement', guard, async (c) => {
    const ttl = deps.config.LEASE_TTL_MS
    const [replicas, instances] = await Promise.all([listReplicas(sql, ttl), listPlacement(sql)])
    const urls = new Map(replicas.filter((x) => x.live).map((x) => [x.nodeId, x.url]))
    return c.json({
      node: placement.nodeId,
      leaseTtlMs: ttl,
      replicas: replicas.map((x) => ({
        nodeId: x.nodeId, url: x.url, live: x.live, draining: x.draining, heartbeatAt: x.heartbeatAt, startedAt: x.startedAt,
        instances: instances.filter((i) => i.leaseLive && i.leaseNode === x.nodeId).length, rssBytes: Number(x.rssBytes),
      })),
      instances: instances.map((i) => {
        const owner = i.leaseLive && i.leaseNode && urls.has(i.leaseNode) ? i.leaseNode : null
        return { name: i.name, nodeId: owner, url: owner ? urls.get(owner)! : null, generation: i.generation, pinnedNode: i.pinnedNode, connectionStatus: i.connectionStatus }
      }),
    })
  })

  r.post('/placement/move', guard, async (c) => {
    const body = await parseBody(c, MoveBody)
    if (body.nodeId !== null) {
      const live = (await listReplicas(sql, deps.config.LEASE_TTL_MS)).find((x) => x.nodeId === body.nodeId)
      if (!live?.live || live.draining) throw badRequest(`Replica "${body.nodeId}" is not live`)
    }
    if (!(await setPin(sql, body.instanceName, body.nodeId))) throw notFound(`The "${body.instanceName}" instance does not exist`)
    await notifyPlacement(sql)
    placement.kick()
    return c.json({ instanceName: body.instanceName, pinnedNode: body.nodeId })
  })

  return r
}
