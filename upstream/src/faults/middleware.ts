/**
 * @module upstream/faults/middleware
 * Applies the active faults to every non-sandbox request, before auth (a broken network does not
 * care about keys): hang, then latency, then a forced status or a random 500.
 */
import type { MiddlewareHandler } from 'hono'
import { EvoError } from '../lib/errors.js'
import { sleep } from '../lib/sleep.js'
import type { FaultStore } from './store.js'

/** Waits until the client gives up, the faults are cleared, or the app stops; never answers on its own. */
function hang(store: FaultStore, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      forget()
      signal.removeEventListener('abort', done)
      resolve()
    }
    const forget = store.holdHung(done)
    signal.addEventListener('abort', done, { once: true })
  })
}

export function faultsMiddleware(store: FaultStore): MiddlewareHandler {
  return async function faults(c, next) {
    if (c.req.path.startsWith('/sandbox/')) return next()
    const f = store.activeFor(c.req.path)
    if (!f) return next()
    const signal = c.req.raw.signal
    if (f.hang) {
      await hang(store, signal)
      throw new EvoError(503, ['Sandbox fault: hung request released'])
    }
    if (f.latencyMs > 0) await sleep(f.latencyMs, signal)
    if (f.forceStatus !== null) throw new EvoError(f.forceStatus, [`Sandbox fault: forced status ${f.forceStatus}`])
    if (f.errorRate > 0 && Math.random() < f.errorRate) throw new EvoError(500, ['Sandbox fault: injected error'])
    return next()
  }
}
