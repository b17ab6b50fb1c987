/**
 * @module routes/send-settings
 * The operator's pacing budgets and default send mode (docs/delivery-guarantees.md#queued-sends-and-budgets):
 *  - GET/PUT /admin/instances/{name}/send-settings: one instance's own settings;
 *  - GET/PUT /admin/users/{id}/send-settings: a user's, for all of their instances.
 * What applies to an instance, field by field: its own setting, else its owner's, else the config default
 * (SEND_BUDGET_PER_MINUTE, SEND_BUDGET_NEW_RECIPIENTS_PER_DAY, SEND_WARMUP_DAYS, synchronous sends).
 * null = not set at this level; 0 = unlimited / no warm-up. The instance answer also says what applies
 * right now (`effective`: after the warm-up ramp and the Cloud API exemption). Admin only; a change
 * applies at once in this process and within 10 s in the others.
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import {
  ownedInstanceSettings,
  readSendSettings,
  readUserSendSettings,
  saveSendSettings,
  saveUserSendSettings,
  type SettingsRow,
} from '../../db/queries/send-settings.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody, parseId } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { sendControls, toSettings } from '../../services/send-budget/controls.js'
import { limitsFor } from '../../services/send-budget/limits.js'

const tags = ['admin', 'instances']
const Count = (max: number) => v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(max)))

export const SendSettingsBody = v.strictObject({
  per_minute: v.optional(Count(100_000)),
  new_recipients_per_day: v.optional(Count(10_000_000)),
  warmup_days: v.optional(Count(365)),
  send_mode: v.optional(v.nullable(v.picklist(['sync', 'queue']))),
})

function view(deps: Deps, row: SettingsRow): Record<string, unknown> {
  const s = toSettings(row)
  const effective = limitsFor(deps.config, s)
  return {
    instance: row.instance_name,
    integration: row.integration,
    per_minute: row.per_minute,
    new_recipients_per_day: row.new_recipients_per_day,
    warmup_days: row.warmup_days,
    send_mode: row.send_mode,
    linked_at: row.linked_at,
    owner: row.user ?? { per_minute: null, new_recipients_per_day: null, warmup_days: null, send_mode: null },
    effective: { per_minute: effective.perMinute, new_recipients_per_day: effective.perDay, send_mode: s.sendMode ?? 'sync' },
  }
}

export function sendSettingsRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'GET', path: '/admin/instances/:name/send-settings', access: 'admin', tags,
    summary: "An instance's send budgets and default send mode (null = its owner's, else the default)",
    response: { status: 200, description: '{instance, integration, per_minute, new_recipients_per_day, warmup_days, send_mode, linked_at, owner:{per_minute, new_recipients_per_day, warmup_days, send_mode}, effective:{per_minute, new_recipients_per_day, send_mode}}' } }, async (c) => {
    const row = await readSendSettings(deps.sql, c.req.param('name') ?? '')
    if (!row) throw new ApiError(404, 'Instance not found')
    return c.json(view(deps, row))
  })

  register(r, { method: 'PUT', path: '/admin/instances/:name/send-settings', access: 'admin', tags, body: SendSettingsBody,
    summary: "Set an instance's send budgets and default send mode (absent = unchanged, null = its owner's or the default, 0 = unlimited)",
    response: { status: 200, description: 'The settings, as GET answers them' } }, async (c) => {
    const name = c.req.param('name') ?? ''
    const body = await parseBody(c, SendSettingsBody)
    if (!(await readSendSettings(deps.sql, name))) throw new ApiError(404, 'Instance not found')
    const row = (await saveSendSettings(deps.sql, name, body))!
    sendControls(deps).put(name, toSettings(row))
    const admin = c.get('user')
    await deps.audit.record({ userId: admin.id, username: admin.username, action: 'instance_send_settings_updated', resourceType: 'instance', resourceId: name, details: body, ip: c.get('clientIp') })
    return c.json(view(deps, row))
  })

  const userTags = ['admin', 'users']
  register(r, { method: 'GET', path: '/admin/users/:id/send-settings', access: 'admin', tags: userTags,
    summary: "A user's send budgets and default send mode, for all of their instances (null = the default)",
    response: { status: 200, description: '{user_id, per_minute, new_recipients_per_day, warmup_days, send_mode, instances:[instance settings, as the instance route answers them]}' } }, async (c) => {
    const id = parseId(c.req.param('id'), 'User not found')
    const settings = await readUserSendSettings(deps.sql, id)
    if (!settings) throw new ApiError(404, 'User not found')
    const instances = await ownedInstanceSettings(deps.sql, id)
    return c.json({ user_id: id, ...settings, instances: instances.map((row) => view(deps, row)) })
  })

  register(r, { method: 'PUT', path: '/admin/users/:id/send-settings', access: 'admin', tags: userTags, body: SendSettingsBody,
    summary: "Set a user's send budgets and default send mode for all of their instances (absent = unchanged, null = the default, 0 = unlimited); an instance's own setting still wins",
    response: { status: 200, description: 'The settings, as GET answers them' } }, async (c) => {
    const id = parseId(c.req.param('id'), 'User not found')
    const body = await parseBody(c, SendSettingsBody)
    if (!(await readUserSendSettings(deps.sql, id))) throw new ApiError(404, 'User not found')
    const settings = (await saveUserSendSettings(deps.sql, id, body))!
    const instances = await ownedInstanceSettings(deps.sql, id)
    for (const row of instances) sendControls(deps).put(row.instance_name, toSettings(row))
    const admin = c.get('user')
    await deps.audit.record({ userId: admin.id, username: admin.username, action: 'user_send_settings_updated', resourceType: 'user', resourceId: String(id), details: body, ip: c.get('clientIp') })
    return c.json({ user_id: id, ...settings, instances: instances.map((row) => view(deps, row)) })
  })
}
