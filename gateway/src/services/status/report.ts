/**
 * @module services/status/report
 * Builds the /api/status body: the reference's keys (overall_status, services, active_incidents,
 * recent_incidents, scheduled_maintenances, uptime, uptime_daily, response_time_history, cached,
 * checked_at) plus per-service windows and 90 daily bars, maintenance state and the breaker.
 */
import type { Deps } from '../../deps.js'
import { publicIncidents } from '../../db/queries/incidents.js'
import { publicMaintenances } from '../../db/queries/maintenance.js'
import { dailyCounts, hourlyLatency, windowCounts, type WindowCounts } from '../../db/queries/uptime-checks.js'
import { breakerView } from './breaker-view.js'
import { overallStatus } from './overall.js'
import { probeAll, SERVICE_NAMES } from './probes.js'
import { dailyBuckets, uptimePct, type DayBucket } from './uptime-math.js'
import { publicIncidentList, withMaintenanceServices } from './views.js'

const BAR_DAYS = 90
const REFERENCE_DAYS = 30
const RECENT_RESOLVED = 20

const windows = (w: WindowCounts | undefined) => ({
  '24h': w ? uptimePct(w.ok_1, w.n_1) : null,
  '7d': w ? uptimePct(w.ok_7, w.n_7) : null,
  '30d': w ? uptimePct(w.ok_30, w.n_30) : null,
  '90d': w ? uptimePct(w.ok_90, w.n_90) : null,
})

/** Uptime history must not take the page down with it: a failed read is reported as no data. */
async function history(deps: Deps) {
  try {
    const [w, d, h] = await Promise.all([windowCounts(deps.sql), dailyCounts(deps.sql, BAR_DAYS), hourlyLatency(deps.sql)])
    return { w, d, h }
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, 'status: uptime history unavailable')
    return { w: [], d: [], h: [] }
  }
}

async function incidentsAndMaintenance(deps: Deps) {
  try {
    const [inc, maint] = await Promise.all([publicIncidents(deps.sql, RECENT_RESOLVED), publicMaintenances(deps.sql)])
    const [active, recent, maintenances] = await Promise.all([
      publicIncidentList(deps.sql, inc.open),
      publicIncidentList(deps.sql, inc.resolved),
      withMaintenanceServices(deps.sql, maint, true),
    ])
    return { active, recent, maintenances }
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, 'status: incidents unavailable')
    return { active: [], recent: [], maintenances: [] }
  }
}

export async function buildStatusReport(deps: Deps, now = new Date()) {
  const [probes, hist, im] = await Promise.all([probeAll(deps, 3000), history(deps), incidentsAndMaintenance(deps)])
  const byService = new Map(hist.w.map((w) => [w.service_name, w]))
  const bars = new Map<string, DayBucket[]>()
  for (const name of SERVICE_NAMES) {
    bars.set(name, dailyBuckets(hist.d.filter((r) => r.service_name === name), now, BAR_DAYS))
  }
  const maintenanceInProgress = im.maintenances.some((m) => m.in_progress)

  const uptime: Record<string, number> = {}
  const uptimeDaily: Record<string, { day: string; pct: number }[]> = {}
  const responseTimes: Record<string, { hour: Date; avg_ms: number }[]> = {}
  for (const name of SERVICE_NAMES) {
    const pct30 = windows(byService.get(name))['30d']
    if (pct30 !== null) uptime[name] = pct30
    const last30 = (bars.get(name) ?? []).slice(-REFERENCE_DAYS).filter((b): b is { day: string; pct: number } => b.pct !== null)
    if (last30.length) uptimeDaily[name] = last30
  }
  for (const r of hist.h) (responseTimes[r.service_name] ??= []).push({ hour: r.hour, avg_ms: r.avg_ms })

  return {
    overall_status: overallStatus({ services: probes, openIncidents: im.active, maintenanceInProgress }),
    maintenance_in_progress: maintenanceInProgress,
    services: probes.map((p) => ({
      name: p.name,
      status: p.status,
      response_time: p.response_time,
      uptime: windows(byService.get(p.name)),
      daily: bars.get(p.name) ?? [],
    })),
    active_incidents: im.active,
    recent_incidents: im.recent,
    scheduled_maintenances: im.maintenances.map(({ created_by_name: _c, created_at: _a, updated_at: _u, ...m }) => m),
    uptime,
    uptime_daily: uptimeDaily,
    response_time_history: responseTimes,
    breaker: breakerView(deps),
    cached: false,
    checked_at: now,
  }
}

export type StatusReport = Awaited<ReturnType<typeof buildStatusReport>>
