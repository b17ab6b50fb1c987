/**
 * @module services/status/service-state
 * One service's state as the public page shows it, so the service rows and the banner tell the same
 * story: its live check, raised by the open incidents that name it (by severity), and "maintenance"
 * while a maintenance window on it is running and nothing is worse. Also the uptime figures' rule:
 * a percentage only over measured time, and none before an hour has been measured.
 */
import { SEVERITY_EFFECT, worst, type OverallState, type ServiceState, type Severity } from './overall.js'

export type PublicServiceState = OverallState | 'maintenance'

export function serviceState(check: ServiceState | string, incidents: { severity: Severity | string }[], maintenance: boolean): PublicServiceState {
  let state: OverallState = check === 'operational' ? 'operational' : 'major_outage'
  for (const i of incidents) {
    const effect = SEVERITY_EFFECT[i.severity as Severity]
    if (effect) state = worst(state, effect)
  }
  return state === 'operational' && maintenance ? 'maintenance' : state
}

/** Measured time a figure needs before it is shown: minutes of checks would read a meaningless 100.00%. */
export const MIN_MEASURED_MS = 60 * 60_000

/** Whether checks that began at `firstAt` cover enough time to publish percentages at `now`. */
export function enoughData(firstAt: Date | null | undefined, now: Date): boolean {
  return !!firstAt && now.getTime() - new Date(firstAt).getTime() >= MIN_MEASURED_MS
}
