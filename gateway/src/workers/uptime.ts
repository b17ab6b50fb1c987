/**
 * @module workers/uptime
 * Every UPTIME_CRON (5 min): probes Gateway, Evolution API (GET /), PostgreSQL and Redis, stores one
 * uptime_checks row each, and alerts on operational <-> down transitions. The previous state comes from
 * the last stored rows (shared by replicas), or from this process's memory when Postgres is the one
 * down, so a database outage alerts too (R8 (docs/decisions.md#r8) quirk fixed).
 */
import type { Deps } from '../deps.js'
import { insertChecks, lastStatuses } from '../db/queries/uptime-checks.js'
import { probeAll } from '../services/status/probes.js'
import type { Job } from './scheduler.js'

const seen = new Map<string, string>()

export async function runUptime(deps: Deps): Promise<Record<string, unknown>> {
  const probes = await probeAll(deps, 5000)
  const previous = await lastStatuses(deps.sql).catch(() => seen)
  let stored = true
  try {
    await insertChecks(deps.sql, probes.map((p) => ({ service: p.name, status: p.status, responseTime: p.response_time })))
  } catch (err) {
    stored = false
    deps.log.error({ err: (err as Error).message }, 'uptime: could not store checks')
  }
  const alerts: string[] = []
  for (const p of probes) {
    const before = previous.get(p.name) ?? seen.get(p.name)
    seen.set(p.name, p.status)
    if (!before || before === p.status) continue
    if (p.status !== 'operational') {
      deps.log.warn({ service: p.name, error: p.error }, 'service down')
      alerts.push(`${p.name}:down`)
      void deps.alerts.notify({ kind: 'service_down', service: p.name, details: p.error ? `${p.status} (${p.error})` : p.status })
    } else if (before !== 'operational') {
      deps.log.info({ service: p.name }, 'service recovered')
      alerts.push(`${p.name}:up`)
      void deps.alerts.notify({ kind: 'service_recovered', service: p.name })
    }
  }
  return { stored, checks: Object.fromEntries(probes.map((p) => [p.name, `${p.status} ${p.response_time}ms`])), transitions: alerts }
}

export function uptimeJob(deps: Deps): Job {
  return { name: 'uptime', schedule: deps.config.UPTIME_CRON, run: () => runUptime(deps) }
}
