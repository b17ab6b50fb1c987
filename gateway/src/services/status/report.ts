/**
 * @module services/status/report
 * Builds the /api/status body: the reference's keys (overall_status, services, active_incidents,
 * recent_incidents, scheduled_maintenances, uptime, uptime_daily, response_time_history, cached,
 * checked_at) plus per-service windows and 90 daily bars, maintenance state and the breaker.
 * Public: services carry their public names (STATUS_SERVICE_NAMES, also in incidents, maintenances and
 * the uptime keys) and a `state` that folds in the open incidents naming them; the banner counts only
 * incidents that name a service; a figure needs an hour of measured time (null = "no data" until then).
 */
import type { Deps } from '../../deps.js'
import { publicIncidents } from '../../db/queries/incidents.js'
import { publicMaintenances } from '../../db/queries/maintenance.js'
import { dailyCounts, hourlyLatency, windowCounts, type WindowCounts } from '../../db/queries/uptime-checks.js'
import { publicNamer, statusBranding } from './branding.js'
import { breakerView } from './breaker-view.js'
import { overallStatus } from './overall.js'
import { probeAll, SERVICE_NAMES } from './probes.js'
import { enoughData, serviceState } from './service-state.js'
import { dailyBuckets, uptimePct, type DayBucket } from './uptime-math.js'
import { publicIncidentList, withMaintenanceServices } from './views.js'

const BAR_DAYS = 90
const REFERENCE_DAYS = 30
const RECENT_RESOLVED = 20

/** Each window over the checks it holds (measured time only); all null before an hour of data. */
const windows = (w: WindowCounts | undefined, now: Date) => {
  const ok = !!w && enoughData(w.first_at, now)
  return {
    '24h': ok ? uptimePct(w.ok_1, w.n_1) : null,
    '7d': ok ? uptimePct(w.ok_7, w.n_7) : null,
    '30d': ok ? uptimePct(w.ok_30, w.n_30) : null,
    '90d': ok ? uptimePct(w.ok_90, w.n_90) : null,
  }
}

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
    // Public shape: names only (withMaintenanceServices' `true`), typed as such here.
    const named = maintenances.map((m) => ({ ...m, affected_services: m.affected_services.map((x) => (typeof x === 'string' ? x : x.name)) }))
    return { active, recent, maintenances: named }
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, 'status: incidents unavailable')
    return { active: [], recent: [], maintenances: [] }
  }
}

export async function buildStatusReport(deps: Deps, now = new Date()) {
  const [probes, hist, im] = await Promise.all([probeAll(deps, 3000), history(deps), incidentsAndMaintenance(deps)])
  const shown = publicNamer(deps.config)
  const byService = new Map(hist.w.map((w) => [w.service_name, w]))
  const bars = new Map<string, DayBucket[]>()
  for (const name of SERVICE_NAMES) {
    bars.set(name, dailyBuckets(hist.d.filter((r) => r.service_name === name), now, BAR_DAYS))
  }
  const maintenanceInProgress = im.maintenances.some((m) => m.in_progress)
  // Incidents without a service (created before they were required) stay listed but move no state.
  const naming = im.active.filter((i) => i.affected_services.length > 0)

  const uptime: Record<string, number> = {}
  const uptimeDaily: Record<string, { day: string; pct: number }[]> = {}
  const responseTimes: Record<string, { hour: Date; avg_ms: number }[]> = {}
  for (const name of SERVICE_NAMES) {
    const pct30 = windows(byService.get(name), now)['30d']
    if (pct30 !== null) uptime[shown(name)] = pct30
    const last30 = (bars.get(name) ?? []).slice(-REFERENCE_DAYS).filter((b): b is { day: string; pct: number } => b.pct !== null)
    if (last30.length) uptimeDaily[shown(name)] = last30
  }
  for (const r of hist.h) (responseTimes[shown(r.service_name)] ??= []).push({ hour: r.hour, avg_ms: r.avg_ms })
  const rename = <T extends { affected_services: string[] }>(x: T): T => ({ ...x, affected_services: x.affected_services.map(shown) })

  return {
    page: statusBranding(deps.config),
    overall_status: overallStatus({ services: probes, openIncidents: naming, maintenanceInProgress }),
    maintenance_in_progress: maintenanceInProgress,
    services: probes.map((p) => ({
      name: shown(p.name),
      status: p.status,
      state: serviceState(
        p.status,
        naming.filter((i) => i.affected_services.includes(p.name)),
        im.maintenances.some((m) => m.in_progress && m.affected_services.includes(p.name)),
      ),
      response_time: p.response_time,
      uptime: windows(byService.get(p.name), now),
      measured_since: byService.get(p.name)?.first_at ?? null,
      daily: bars.get(p.name) ?? [],
    })),
    active_incidents: im.active.map(rename),
    recent_incidents: im.recent.map(rename),
    scheduled_maintenances: im.maintenances.map(({ created_by_name: _c, created_at: _a, updated_at: _u, ...m }) => ({
      ...rename(m),
      status: m.in_progress ? 'in_progress' : 'scheduled',
    })),
    uptime,
    uptime_daily: uptimeDaily,
    response_time_history: responseTimes,
    breaker: breakerView(deps),
    cached: false,
    checked_at: now,
  }
}

export type StatusReport = Awaited<ReturnType<typeof buildStatusReport>>
