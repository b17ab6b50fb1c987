/**
 * @module upstream/routes/instance
 * /instance/*: create, fetchInstances, connect, connectionState, restart (POST, PUT alias), logout, delete,
 * setPresence (201, the account presence: services/profile.ts).
 */
import { Hono } from 'hono'
import { forward, HOPS_HEADER } from '../services/placement/routing.js'
import type { UpstreamDeps } from '../deps.js'
import { instanceNameTaken, listInstances } from '../db/instances.js'
import { listSettings } from '../db/settings.js'
import type { UpstreamEnv } from '../env.js'
import { notFound, unauthorized } from '../lib/errors.js'
import { safeEqual } from '../lib/secrets.js'
import { parseBody, readBody, validate } from '../lib/validation.js'
import { instanceGuard, requireGlobalKey } from '../middleware/auth.js'
import { createInstance, nameTaken } from '../services/create-instance.js'
import { instanceRowJson, stateJson } from '../services/instance-json.js'
import { setPresence } from '../services/profile.js'
import { SetPresenceBody } from '../../../common/src/evolution/profile-bodies.js'
import { CreateBody } from './instance-schemas.js'

export function instanceRoutes(deps: UpstreamDeps) {
  const { sql, instances, config } = deps
  const key = config.AUTHENTICATION_API_KEY
  const guard = instanceGuard(sql, key)
  const r = new Hono<UpstreamEnv>({ strict: false })

  r.post('/create', async (c) => {
    const body = await readBody(c)
    // v2 guard order: a taken name is 403 before the apikey is even looked at.
    const name = (body as { instanceName?: unknown } | null)?.instanceName
    if (typeof name === 'string' && name !== '' && (await instanceNameTaken(sql, name))) throw nameTaken(name)
    await requireGlobalKey(key)(c, async () => undefined)
    const b = validate(CreateBody, body)
    // Created on the replica placement puts it on, so its first session is not moved right away.
    const home = deps.placement.placeNew(b.instanceName)
    const homeUrl = home === deps.placement.nodeId ? null : deps.placement.urlOf(home)
    const hops = Number(c.req.header(HOPS_HEADER) ?? 0) || 0
    if (homeUrl && hops === 0) {
      try {
        return await forward(c.req.raw, homeUrl, hops, JSON.stringify(body))
      } catch {
        // That replica is unreachable: create here; placement moves it later if it must.
      }
    }
    const { rejectCall, msgCall, groupsIgnore, alwaysOnline, readMessages, readStatus, syncFullHistory, wavoipToken } = b
    const settings = Object.fromEntries(
      Object.entries({ rejectCall, msgCall, groupsIgnore, alwaysOnline, readMessages, readStatus, syncFullHistory, wavoipToken }).filter(([, val]) => val !== undefined),
    )
    const out = await createInstance(sql, instances, deps.webhooks, { ...b, settings })
    return c.json(out, 201)
  })

  r.get('/fetchInstances', async (c) => {
    const apikey = c.req.header('apikey')
    if (!apikey) throw unauthorized()
    const q = c.req.query()
    let rows = await listInstances(sql, { name: q.instanceName, id: q.instanceId, number: q.number })
    if (!safeEqual(apikey, key)) {
      // An instance token sees only the instances it belongs to (DATABASE_SAVE_DATA_INSTANCE=true).
      const all = q.instanceName || q.instanceId || q.number ? await listInstances(sql) : rows
      if (!all.some((row) => safeEqual(apikey, row.token))) throw unauthorized()
      rows = rows.filter((row) => safeEqual(apikey, row.token))
    }
    if (q.instanceName && rows.length === 0) throw notFound(`Instance "${q.instanceName}" not found`)
    const settings = new Map((await listSettings(sql, rows.map((row) => row.id))).map((s) => [s.instanceId, s]))
    return c.json(rows.map((row) => instanceRowJson(row, settings.get(row.id) ?? null, config.DATABASE_CONNECTION_CLIENT_NAME)))
  })

  r.get('/connect/:instanceName', guard, async (c) => {
    return c.json(await instances.connect(c.var.instance, c.req.query('number') || undefined))
  })

  r.get('/connectionState/:instanceName', guard, (c) => {
    return c.json(stateJson(c.var.instance.name, instances.state(c.var.instance)))
  })

  // POST is v2; PUT is the tolerant alias the reference panel sends (D14, docs/decisions.md#d14).
  r.on(['POST', 'PUT'], '/restart/:instanceName', guard, async (c) => {
    return c.json(await instances.restart(c.var.instance))
  })

  r.post('/setPresence/:instanceName', guard, async (c) => {
    return c.json(await setPresence(deps, c.var.instance, (await parseBody(c, SetPresenceBody)).presence), 201)
  })

  r.delete('/logout/:instanceName', guard, async (c) => {
    return c.json(await instances.logout(c.var.instance))
  })

  r.delete('/delete/:instanceName', guard, async (c) => {
    return c.json(await instances.remove(c.var.instance))
  })

  return r
}
