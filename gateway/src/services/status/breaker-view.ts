/**
 * @module services/status/breaker-view
 * The upstream circuit breaker (D9, docs/decisions.md#d9) as the status page and /health/detailed show it, and its
 * transitions forwarded to the alerts (open, and closed again after having been open).
 */
import type { Config } from '../../config.js'
import type { AlertService } from '../alerts/alerts.js'
import type { UpstreamBreaker } from '../breaker/breaker.js'

// Narrow parameter types rather than Deps: deps.ts calls wireBreakerAlerts while building itself, and
// importing its type here would close a cycle.
export function breakerView(deps: { breaker: UpstreamBreaker }) {
  const s = deps.breaker.stats()
  return { state: s.state, consecutive_failures: s.consecutiveFailures, threshold: s.threshold, reset_seconds: s.resetSeconds, opened_at: s.openedAt }
}

/** Called once per process when deps are built. */
export function wireBreakerAlerts(deps: {
  breaker: UpstreamBreaker
  alerts: AlertService
  config: Pick<Config, 'BREAKER_THRESHOLD' | 'BREAKER_RESET_SECONDS'>
}): void {
  deps.breaker.onStateChange((state, info) => {
    if (state === 'open') {
      const failures = Math.max(info.consecutiveFailures, deps.config.BREAKER_THRESHOLD)
      void deps.alerts.notify({ kind: 'breaker_open', failures, resetSeconds: deps.config.BREAKER_RESET_SECONDS })
    } else if (state === 'closed') {
      void deps.alerts.notify({ kind: 'breaker_closed' })
    }
  })
}
