/**
 * @module services/breaker
 * D9 (docs/decisions.md#d9): the circuit breaker around the proxy's upstream hop, on opossum. Closed -> open after
 * `threshold` CONSECUTIVE failures -> half-open after `resetSeconds`, where opossum lets exactly one probe
 * through: success closes, failure re-opens for another period. What is a failure is the caller's
 * classification (`RunOptions`; the proxy's rule is in ./README.md): only what says the upstream itself
 * is unhealthy, never an answer about one request.
 *
 * Slow calls (issue 31): a watched call still unanswered `slowCallMs` after it started counts as one
 * failure AT THAT MOMENT, not when it ends, so a stalled upstream opens the breaker within seconds
 * instead of after `threshold` full timeouts. It counts once, whatever it later returns, and does not
 * reset the count when it finally succeeds; a slow half-open probe re-opens at once. One timer serves
 * every in-flight call (lib/fifo-deadlines).
 *
 * The breaker is per gateway process: each replica judges the upstream from its own traffic (no shared
 * state to go stale or to become a single point of failure; N replicas need N x threshold failures
 * in the worst case before all of them stop calling).
 */
import CircuitBreaker from 'opossum'
import type { Logger } from 'pino'
import { FifoDeadlines } from '../../lib/fifo-deadlines.js'

export type BreakerState = 'closed' | 'open' | 'half_open'

export type BreakerOptions = {
  threshold: number
  resetSeconds: number
  /** A watched call unanswered this long counts as a failure; 0 or absent = no slow-call rule. */
  slowCallMs?: number
  log: Logger
}

/** How one call is judged. Defaults: no result is a failure, every thrown error is, not watched for slowness. */
export type RunOptions<T> = {
  /** Results that count as failures while still being returned (e.g. an upstream 502). */
  isFailure?: (r: T) => boolean
  /** Thrown errors that count (false: the error is not the upstream's, e.g. the client's 413). */
  countsError?: (err: unknown) => boolean
  /** Apply the slow-call rule to this call. */
  watchSlow?: boolean
}

/** What the breaker knows about the upstream right now (for /health/ready). */
export type UpstreamCondition = 'ok' | 'stalled' | 'unavailable'

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

/**
 * Carries an outcome through opossum without counting it as a failure (its errorFilter lets this one
 * pass, as a success): an error that is not the upstream's (the client's 413), which happens before any
 * upstream contact.
 */
class Uncounted extends Error {
  constructor(readonly error: unknown) {
    super('not counted')
  }
}

/** One in-flight watched call: `slow` once the slow-call deadline passed (counted then, never again). */
type Call = { slow: boolean }

const every = () => true
const never = () => false

export class UpstreamBreaker {
  private readonly cb: CircuitBreaker<[() => Promise<unknown>], unknown>
  private consecutive = 0
  private openedAt = 0
  private current: BreakerState = 'closed'
  private readonly listeners: BreakerListener[] = []
  private readonly slow: FifoDeadlines
  /** Watched calls past the slow-call deadline and still in flight: the upstream is stalled right now. */
  private slowInFlight = 0

  constructor(private readonly opts: BreakerOptions) {
    this.slow = new FifoDeadlines(opts.slowCallMs ?? 0)
    this.cb = new CircuitBreaker((fn: () => Promise<unknown>) => fn(), {
      // Timeouts are the proxy's own (connect/read); opossum must not race them.
      timeout: false,
      resetTimeout: opts.resetSeconds * 1000,
      // Never open on a percentage: we open on consecutive failures ourselves (reference semantics).
      errorThresholdPercentage: 100,
      volumeThreshold: Number.MAX_SAFE_INTEGER,
      allowWarmUp: false,
      // Passed through uncounted (opossum reports them as successes; a re-opened breaker stays open).
      errorFilter: (err: unknown) => err instanceof Uncounted,
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

  stats(): {
    state: BreakerState
    consecutiveFailures: number
    threshold: number
    resetSeconds: number
    openedAt: Date | null
    slowCallMs: number
    slowInFlight: number
  } {
    return {
      state: this.current,
      consecutiveFailures: this.consecutive,
      threshold: this.opts.threshold,
      resetSeconds: this.opts.resetSeconds,
      openedAt: this.openedAt ? new Date(this.openedAt) : null,
      slowCallMs: this.opts.slowCallMs ?? 0,
      slowInFlight: this.slowInFlight,
    }
  }

  /**
   * `unavailable` while open or half-open, `stalled` while a watched call is past the slow-call
   * deadline and still unanswered, else `ok`. From this process's own traffic: no call, no news.
   */
  condition(): UpstreamCondition {
    if (this.current !== 'closed') return 'unavailable'
    return this.slowInFlight > 0 ? 'stalled' : 'ok'
  }

  /** Alerts and metrics subscribe here; listeners must not throw (errors are logged and ignored). */
  onStateChange(fn: BreakerListener): void {
    this.listeners.push(fn)
  }

  /**
   * Runs one upstream hop, judged by `o` (RunOptions). Failure results are still returned and uncounted
   * errors still thrown. Throws BreakerOpenError when refused.
   *
   * perf: while closed, opossum would only add per-call work (its own timeout and percentage rule are
   * off, consecutive failures are counted here), so the hop runs directly and only the threshold's
   * `open()` goes to opossum; open and half-open (the single probe, the re-open) stay opossum's.
   */
  run<T>(fn: () => Promise<T>, o: RunOptions<T> = {}): Promise<T> {
    const isFailure = o.isFailure ?? never
    const countsError = o.countsError ?? every
    const call: Call = { slow: false }
    const watch = o.watchSlow === true && this.slow.enabled ? this.slow.add(() => this.slowCall(call)) : undefined
    const done = watch === undefined ? undefined : () => this.slow.remove(watch)
    if (this.current !== 'closed' || !this.cb.closed) return this.runGuarded(fn, isFailure, countsError, call, done)
    let hop: Promise<T>
    try {
      hop = fn()
    } catch (err) {
      hop = Promise.reject(err)
    }
    return hop.then(
      (r) => {
        this.settled(call, done, isFailure(r))
        return r
      },
      (err: unknown) => {
        this.settled(call, done, countsError(err))
        throw err
      },
    )
  }

  private async runGuarded<T>(
    fn: () => Promise<T>,
    isFailure: (r: T) => boolean,
    countsError: (err: unknown) => boolean,
    call: Call,
    done: (() => void) | undefined,
  ): Promise<T> {
    try {
      return (await this.cb.fire(async () => {
        // A probe already counted as slow still reports its end to opossum as it is: reported as a
        // success, a probe that then timed out would close the NEXT half-open period it ends in.
        let r: T
        try {
          r = await fn()
        } catch (err) {
          if (!countsError(err)) throw new Uncounted(err)
          throw err
        }
        if (isFailure(r)) throw new CountedFailure(r)
        return r
      })) as T
    } catch (err) {
      if (err instanceof CountedFailure) return err.result as T
      if (err instanceof Uncounted) throw err.error
      if ((err as { code?: string }).code === 'EOPENBREAKER') throw new BreakerOpenError(this.retryAfterSeconds())
      throw err
    } finally {
      done?.()
      if (call.slow) this.slowInFlight -= 1
    }
  }

  /** The end of a call run while closed: a slow one was counted already and resets nothing. */
  private settled(call: Call, done: (() => void) | undefined, failed: boolean): void {
    done?.()
    if (call.slow) {
      this.slowInFlight -= 1
      return
    }
    if (failed) this.countFailure()
    else this.consecutive = 0
  }

  /** A watched call passed the slow-call deadline: one failure now; a slow half-open probe re-opens. */
  private slowCall(call: Call): void {
    call.slow = true
    this.slowInFlight += 1
    if (this.cb.halfOpen) {
      this.consecutive += 1
      this.cb.open()
      return
    }
    this.countFailure()
  }

  /** One more consecutive failure; the threshold opens the breaker (opossum runs the cool-down). */
  private countFailure(): void {
    this.consecutive += 1
    if (this.consecutive >= this.opts.threshold && this.cb.closed) this.cb.open()
  }

  shutdown(): void {
    this.slow.close()
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
