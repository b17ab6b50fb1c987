/**
 * @module routes/dashboards
 * GET /api/user/dashboard, GET /admin/dashboard, GET /api/instance/stats/:name (R5, docs/decisions.md#r5), with
 * real delivery rates: delivery_rate = (delivered + read) / (sent + delivered + read + failed), from the
 * statuses the upstream's acks set (services/webhooks/delivery-status). `connected` reads the v2
 * fetchInstances rows (`connectionStatus`, or the v1-style `instance.state` alias).
 */
import type { Deps } from '../../deps.js'
import {
  adminTotals, deliveryRate, instanceCounts, instanceDetails, ownedInstanceCount, recentActivity, recentReconnections, userDaily, userMessageStats,
} from '../../db/queries/dashboards.js'
import { ApiError } from '../../errors/api-error.js'
import { register, type Router } from '../../lib/route.js'

/** Counts instances from the upstream; zeros when it cannot answer (reference). */
async function upstreamInstances(deps: Deps): Promise<{ total: number; connected: number }> {
  try {
    const res = await deps.upstream.request('GET', '/instance/fetchInstances', undefined, { timeoutMs: 5000 })
    if (res.status !== 200 || !Array.isArray(res.body)) return { total: 0, connected: 0 }
    const rows = res.body as Array<Record<string, unknown>>
    const state = (r: Record<string, unknown>) => r.connectionStatus ?? (r.instance as Record<string, unknown> | undefined)?.state
    return { total: rows.length, connected: rows.filter((r) => state(r) === 'open').length }
  } catch {
    return { total: 0, connected: 0 }
  }
}

export function dashboardRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'GET', path: '/api/user/dashboard', access: 'session', tags: ['dashboards'], summary: "The caller's sending statistics",
    response: { status: 200, description: '{messages_today, messages_week, messages_month, messages_total, delivery_rate, sent, delivered, read, failed, unconfirmed, instances, max_instances, daily}' } }, async (c) => {
    const user = c.get('user')
    const [s, daily, instances] = await Promise.all([userMessageStats(deps.sql, user.id), userDaily(deps.sql, user.id), ownedInstanceCount(deps.sql, user.id)])
    return c.json({
      messages_today: s.today,
      messages_week: s.week,
      messages_month: s.month,
      messages_total: s.total,
      delivery_rate: deliveryRate(s),
      sent: s.accepted,
      delivered: s.delivered,
      read: s.read,
      failed: s.failed,
      // No server ack within STUCK_MESSAGE_TIMEOUT_SECONDS (workers/stuck-messages).
      unconfirmed: s.unconfirmed,
      instances,
      max_instances: user.max_instances ?? 1,
      daily,
    })
  })

  register(r, { method: 'GET', path: '/admin/dashboard', access: 'admin', tags: ['dashboards'], summary: 'Platform-wide statistics',
    response: { status: 200, description: '{users, instances, uptime_30d, messages, recent_activity, recent_reconnections}' } }, async (c) => {
    const [t, up, activity, reconnections] = await Promise.all([adminTotals(deps.sql), upstreamInstances(deps), recentActivity(deps.sql), recentReconnections(deps.sql)])
    const m = t.messages
    return c.json({
      users: { total: t.users.total, active: t.users.active },
      instances: { total_registered: t.registered, total_evolution: up.total, connected: up.connected },
      uptime_30d: t.uptime,
      messages: { today: m.today, total: m.total, sent: m.accepted, failed: m.failed, delivered: m.delivered, read: m.read, delivery_rate: deliveryRate(m, 2) },
      recent_activity: activity,
      recent_reconnections: reconnections,
    })
  })

  const noName = async () => {
    throw new ApiError(400, 'Instance name required')
  }
  register(r, { method: 'GET', path: '/api/instance/stats', access: 'session', tags: ['dashboards'], summary: '400: the instance name is missing' }, noName)
  register(r, { method: 'GET', path: '/api/instance/stats/', access: 'session', tags: ['dashboards'], summary: '400: the instance name is missing' }, noName)
  register(r, { method: 'GET', path: '/api/instance/stats/:name', access: 'session', tags: ['dashboards'], summary: 'Statistics of one instance the caller may use (admins: all users)',
    response: { status: 200, description: '{instance_name,total,sent,delivered,read,failed,cancelled,unconfirmed,delivery_rate,registered_at,recent_errors,reconnections,daily}' } }, async (c) => {
    const user = c.get('user')
    const name = c.req.param('name') ?? ''
    if (!(await deps.instances.mayUse(user, name))) throw new ApiError(403, 'Instance not found or not owned by you')
    const scope = user.role === 'admin' ? null : user.id
    const [counts, details] = await Promise.all([instanceCounts(deps.sql, name, scope), instanceDetails(deps.sql, name, scope)])
    return c.json({
      instance_name: name,
      total: counts.total,
      sent: counts.accepted,
      delivered: counts.delivered,
      read: counts.read,
      failed: counts.failed,
      cancelled: counts.cancelled,
      unconfirmed: counts.unconfirmed,
      delivery_rate: deliveryRate(counts),
      ...details,
    })
  })
}
