/**
 * @module services/status/breaker-view
 * Reads the upstream circuit breaker (owned by the proxy work, `deps.breaker`) without depending on its
 * type: a `snapshot()`/`stats()` method or a `state` property is used when present, else null. Also
 * forwards its open/close events to the alerts when it is an event emitter.
 */
import type { Deps } from '../../deps.js'

type BreakerLike = {
  snapshot?: () => unknown
  stats?: () => unknown
  state?: unknown
  on?: (event: string, fn: (...args: unknown[]) => void) => unknown
}

const breakerOf = (deps: Deps): BreakerLike | null => {
  const b = (deps as unknown as { breaker?: unknown }).breaker
  return b && typeof b === 'object' ? (b as BreakerLike) : null
}

export type BreakerView = { state: string } & Record<string, unknown>

export function breakerView(deps: Deps): BreakerView | null {
  const b = breakerOf(deps)
  if (!b) return null
  try {
    const snap = typeof b.snapshot === 'function' ? b.snapshot() : typeof b.stats === 'function' ? b.stats() : null
    if (snap && typeof snap === 'object') {
      const s = snap as Record<string, unknown>
      return { ...s, state: String(s.state ?? (typeof b.state === 'function' ? (b.state as () => unknown)() : b.state) ?? 'unknown') }
    }
    const st = typeof b.state === 'function' ? (b.state as () => unknown)() : b.state
    return { state: String(st ?? 'unknown') }
  } catch {
    return { state: 'unknown' }
  }
}

/** Alerts on breaker open/close when the breaker emits 'open' / 'close' (opossum-style events). */
export function wireBreakerAlerts(deps: Deps): boolean {
  const b = breakerOf(deps)
  if (!b || typeof b.on !== 'function') return false
  b.on('open', (...args: unknown[]) => {
    const failures = typeof args[0] === 'number' ? args[0] : deps.config.BREAKER_THRESHOLD
    void deps.alerts.notify({ kind: 'breaker_open', failures, resetSeconds: deps.config.BREAKER_RESET_SECONDS })
  })
  b.on('close', () => void deps.alerts.notify({ kind: 'breaker_closed' }))
  return true
}
