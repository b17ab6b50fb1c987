/**
 * @module upstream/routes/settings
 * POST /settings/set (201, echoes what was sent) and GET /settings/find (the eight values or null).
 */
import { Hono } from 'hono'
import type { UpstreamDeps } from '../deps.js'
import { DEFAULT_SETTINGS, findSettings, settingsValues, upsertSettings } from '../db/settings.js'
import type { UpstreamEnv } from '../env.js'
import { parseBody } from '../lib/validation.js'
import { instanceGuard } from '../middleware/auth.js'
import { SettingsBody } from './instance-schemas.js'

export function settingsRoutes(deps: UpstreamDeps) {
  const r = new Hono<UpstreamEnv>({ strict: false })
  const guard = instanceGuard(deps.sql, deps.config.AUTHENTICATION_API_KEY)

  r.post('/set/:instanceName', guard, async (c) => {
    const body = await parseBody(c, SettingsBody)
    await upsertSettings(deps.sql, c.var.instance.id, { ...DEFAULT_SETTINGS, ...body, msgCall: body.msgCall ?? '', wavoipToken: body.wavoipToken ?? '' })
    return c.json({ settings: { instanceName: c.var.instance.name, settings: body } }, 201)
  })

  r.get('/find/:instanceName', guard, async (c) => {
    const row = await findSettings(deps.sql, c.var.instance.id)
    return c.json(row ? settingsValues(row) : null)
  })

  return r
}
