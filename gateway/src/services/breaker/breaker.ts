/**
 * @module services/breaker
 * D9 (docs/decisions.md#d9): the circuit breaker around the proxy's upstream hop, on opossum. Closed -> open after
 * `threshold` CONSECUTIVE failures (upstream 5xx, timeouts, connection errors; 4xx are answers, not
 * failures) -> half-open after `resetSeconds`, where opossum lets exactly one probe through: success
 * closes, failure re-opens for another period.
 *
 * The breaker is per gateway process: each replica judges the upstream from its own traffic (no shared
 * state to go stale or to become a single point of failure; N replicas need N x threshold failures
 * in the worst case before all of them stop calling).
 */
import CircuitBreaker from 'opossum'
import type { Logger } from 'pino'

export type BreakerState = 'closed' | 'open' | 'half_open'

export type BreakerOptions = { threshold: number; resetSeconds: number; log: Logger }

export type BreakerListener = (state: BreakerState, info: { previous: BreakerState; consecutiveFailures: number }) => void

/** Thrown by `run` when the breaker refuses the call (open, or half-open with the probe in flight). */
export class BreakerOpenError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Service temporarily unavailable, please retry later')
    this.name = 'BreakerOpenError'
  }
}

/** Wraps a result that is a failure for the breaker but must still reach the client (an upstream 5xx). */
class CountedFailure<T> extends Error {
  constructor(readonly result: T) {
    super('upstream failure')
  }
}

export class UpstreamBreaker {
  private readonly cb: CircuitBreaker<[() => Promise<unknown>], unknown>
  private consecutive = 0
  private openedAt = 0
  private current: BreakerState = 'closed'
  private readonly listeners: BreakerListener[] = []

  constructor(private readonly opts: BreakerOptions) {
    this.cb = new CircuitBreaker((fn: () => Promise<unknown>) => fn(), {
      // Timeouts are the proxy's own (connect/read); opossum must not race them.
      timeout: false,
      resetTimeout: opts.resetSeconds * 1000,
      // Never open on a percentage: we open on consecutive failures ourselves (reference semantics).
      errorThresholdPercentage: 100,
      volumeThreshold: Number.MAX_SAFE_INTEGER,
      allowWarmUp: false,
    })
    // Calls through opossum (half-open probes) count here too.
    this.cb.on('failure', () => this.countFailure())
    this.cb.on('success', () => {
      this.consecutive = 0
    })
    this.cb.on('open', () => this.transition('open'))
    this.cb.on('halfOpen', () => this.transition('half_open'))
    this.cb.on('close', () => this.transition('closed'))
  }

  state(): BreakerState {
    return this.current
  }

  /** Open and still cooling down: callers answer 503 before doing any work. */
  isOpen(): boolean {
    return this.current === 'open'
  }

  retryAfterSeconds(): number {
    if (this.current !== 'open') return 1
    const left = this.opts.resetSeconds - (Date.now() - this.openedAt) / 1000
    return Math.max(1, Math.ceil(left))
  }

  stats(): { state: BreakerState; consecutiveFailures: number; threshold: number; resetSeconds: number; openedAt: Date | null } {
    return {
      state: this.current,
      consecutiveFailures: this.consecutive,
      threshold: this.opts.threshold,
      resetSeconds: this.opts.resetSeconds,
      openedAt: this.openedAt ? new Date(this.openedAt) : null,
    }
  }

  /** Alerts and metrics subscribe here; listeners must not throw (errors are logged and ignored). */
  onStateChange(fn: BreakerListener): void {
    this.listeners.push(fn)
  }

  /**
   * Runs one upstream hop. `isFailure(result)` marks results that count as failures (5xx) while still
   * being returned; thrown errors always count. Throws BreakerOpenError when refused.
   *
   * perf: while closed, opossum would only add per-call work (its own timeout and percentage rule are
   * off, consecutive failures are counted here), so the hop runs directly and only the threshold's
   * `open()` goes to opossum; open and half-open (the single probe, the re-open) stay opossum's.
   */
  run<T>(fn: () => Promise<T>, isFailure: (r: T) => boolean = () => false): Promise<T> {
    if (this.current !== 'closed' || !this.cb.closed) return this.runGuarded(fn, isFailure)
    let hop: Promise<T>
    try {
      hop = fn()
    } catch (err) {
      hop = Promise.reject(err)
    }
    return hop.then(
      (r) => {
        if (isFailure(r)) this.countFailure()
        else this.consecutive = 0
        return r
      },
      (err: unknown) => {
        this.countFailure()
        throw err
      },
    )
  }

  private async runGuarded<T>(fn: () => Promise<T>, isFailure: (r: T) => boolean): Promise<T> {
    try {
      return (await this.cb.fire(async () => {
        const r = await fn()
        if (isFailure(r)) throw new CountedFailure(r)
        return r
      })) as T
    } catch (err) {
      if (err instanceof CountedFailure) return err.result as T
      if ((err as { code?: string }).code === 'EOPENBREAKER') throw new BreakerOpenError(this.retryAfterSeconds())
      throw err
    }
  }

  /** One more consecutive failure; the threshold opens the breaker (opossum runs the cool-down). */
  private countFailure(): void {
    this.consecutive += 1
    if (this.consecutive >= this.opts.threshold && this.cb.closed) this.cb.open()
  }

  shutdown(): void {
    this.cb.shutdown()
  }

  private transition(next: BreakerState): void {
    const previous = this.current
    if (previous === next) return
    this.current = next
    if (next === 'open') this.openedAt = Date.now()
    if (next === 'closed') this.consecutive = 0
    const info = { previous, consecutiveFailures: this.consecutive }
    const line = { breaker: next, previous, consecutiveFailures: this.consecutive }
    if (next === 'open') this.opts.log.warn(line, 'circuit breaker opened')
    else this.opts.log.info(line, `circuit breaker ${next === 'closed' ? 'closed' : 'half-open'}`)
    for (const fn of this.listeners) {
      try {
        fn(next, info)
      } catch (err) {
        this.opts.log.error({ err: (err as Error).message }, 'breaker listener failed')
      }
    }
  }
}
