/**
 * @module routes/send-settings
 * GET/PUT /admin/instances/{name}/send-settings: an instance's pacing budgets and default send mode
 * (docs/delivery-guarantees.md#queued-sends-and-budgets). Each field null = the config default
 * (SEND_BUDGET_PER_MINUTE, SEND_BUDGET_NEW_RECIPIENTS_PER_DAY, SEND_WARMUP_DAYS, synchronous sends);
 * 0 = unlimited / no warm-up. The answer also says what applies right now (`effective`: after the
 * warm-up ramp and the Cloud API exemption). Admin only; the change applies at once in this process
 * and within 10 s in the others.
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { readSendSettings, saveSendSettings, type SettingsRow } from '../../db/queries/queued-sends.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody } from '../../lib/body.js'
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
    effective: { per_minute: effective.perMinute, new_recipients_per_day: effective.perDay, send_mode: row.send_mode ?? 'sync' },
  }
}

export function sendSettingsRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'GET', path: '/admin/instances/:name/send-settings', access: 'admin', tags,
    summary: "An instance's send budgets and default send mode (null = the default)",
    response: { status: 200, description: '{instance, integration, per_minute, new_recipients_per_day, warmup_days, send_mode, linked_at, effective:{per_minute, new_recipients_per_day, send_mode}}' } }, async (c) => {
    const row = await readSendSettings(deps.sql, c.req.param('name') ?? '')
    if (!row) throw new ApiError(404, 'Instance not found')
    return c.json(view(deps, row))
  })

  register(r, { method: 'PUT', path: '/admin/instances/:name/send-settings', access: 'admin', tags, body: SendSettingsBody,
    summary: "Set an instance's send budgets and default send mode (absent = unchanged, null = default, 0 = unlimited)",
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
}
