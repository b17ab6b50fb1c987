/**
 * @module services/status/overall
 * The public status page's overall state: the worst of the live checks, open incidents and in-progress
 * maintenance, by rank (R7, docs/decisions.md#r7: max severity, not the reference's order-dependent walk).
 */

export const OVERALL_STATES = ['operational', 'degraded', 'partial_outage', 'major_outage'] as const
export type OverallState = (typeof OVERALL_STATES)[number]
export type ServiceState = 'operational' | 'major_outage'
export type Severity = 'minor' | 'major' | 'critical'

const rank = (s: OverallState): number => OVERALL_STATES.indexOf(s)
export const worst = (a: OverallState, b: OverallState): OverallState => (rank(a) >= rank(b) ? a : b)

/** What an open incident of each severity does to the overall state. */
export const SEVERITY_EFFECT: Record<Severity, OverallState> = {
  critical: 'major_outage',
  major: 'partial_outage',
  minor: 'degraded',
}

export type OverallInput = {
  services: { status: ServiceState | string }[]
  openIncidents: { severity: Severity | string }[]
  maintenanceInProgress: boolean
}

/**
 * Checks: every service down -> major_outage, some down -> partial_outage. Open incidents raise it by
 * severity. In-progress maintenance raises it to at least `degraded`: the four reference values stay the
 * only ones (clients switch on them); the page tells maintenance apart with `maintenance_in_progress`.
 */
export function overallStatus(input: OverallInput): OverallState {
  const down = input.services.filter((s) => s.status !== 'operational').length
  let state: OverallState = 'operational'
  if (input.services.length > 0 && down === input.services.length) state = 'major_outage'
  else if (down > 0) state = 'partial_outage'
  for (const i of input.openIncidents) {
    const effect = SEVERITY_EFFECT[i.severity as Severity]
    if (effect) state = worst(state, effect)
  }
  if (input.maintenanceInProgress) state = worst(state, 'degraded')
  return state
}
