/**
 * @module common/db/pg-resilience
 * What the gateway and the upstream put around their postgres.js pool so a PostgreSQL outage costs a
 * fast, well-named error instead of a crash or a long wait. Shared because both processes use the same
 * driver the same way; the rest of db/ (migrations) is shared for the same reason.
 *
 * 1. The crash guard. postgres.js 3.4.x (3.4.10 included; the upstream fix is an open pull request)
 *    buffers a small write and flushes it in a `setImmediate`. A transaction whose connection has
 *    closed (a PostgreSQL fast stop, a killed backend) still routes the callback's next query to that
 *    connection: the write is buffered, the connection's socket is already null, and the flush throws a
 *    TypeError from the timer, which no caller can catch and which ends the process. The guard makes a
 *    transaction refuse queries once its connection has failed or once `begin` has settled: such a
 *    query is rejected with CONNECTION_CLOSED before it reaches the connection.
 * 2. The circuit. After a connection-level failure every query would open a socket and fail on its
 *    own (or wait for the connect timeout, then for postgres.js' growing reconnect delay). Instead the
 *    pool fails every query at once with `DATABASE_UNAVAILABLE` for a short period while a background
 *    probe (`select 1`, every `probeMs`) watches for PostgreSQL to return; the first success closes it.
 *
 * Both work by replacing, on each Query object the pool creates, the function that hands it to a
 * connection (`handler`, called when the query is awaited) and observing its `reject`: fragments built
 * with the same tag are never executed, so they are unaffected.
 */
import type postgres from 'postgres'

/** postgres.js error codes and SQLSTATEs that mean "no usable connection", not "this query is wrong". */
const CONNECTION_CODES = new Set([
  'DATABASE_UNAVAILABLE', // our circuit
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '53300', // too_many_connections
  '08000', '08001', '08003', '08004', '08006', // connection exceptions
])

/** Whether `err` means the database could not be reached (answer 503), as opposed to a query error. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true
  // An AggregateError (several addresses refused) carries its causes in `errors`.
  const errors = (err as { errors?: unknown }).errors
  return Array.isArray(errors) && errors.length > 0 && errors.every(isDatabaseUnavailable)
}

/** The error an open circuit answers with: no host or port in it, so it can be logged and mapped safely. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE'
  constructor(readonly retryAfterSeconds: number) {
    super('Database unavailable')
    this.name = 'DatabaseUnavailableError'
  }
}

export type CircuitState = { open: boolean; since: Date | null; lastError: string | null }

export type ResilienceOptions = {
  /** How long the circuit fails queries at once after a connection failure before letting one through. */
  openMs?: number
  /** Interval of the background probe while the circuit is open. */
  probeMs?: number
  /**
   * Opens the one-connection pool behind a `reserve()`; `onClose` must be the pool's `onclose` option
   * (and its idle timeout off) so the reservation learns that its session ended.
   */
  reserve?: (onClose: () => void) => postgres.Sql
  /** Told when the circuit opens (with the cause's code) and closes. */
  onChange?: (open: boolean, cause: string | null) => void
}

type QueryLike = Promise<unknown> & { handler: (q: QueryLike) => unknown; reject: (e: unknown) => void }
type SqlFn = (...args: unknown[]) => unknown

function isQuery(x: unknown): x is QueryLike {
  return x instanceof Promise && typeof (x as Partial<QueryLike>).handler === 'function' && typeof (x as Partial<QueryLike>).reject === 'function'
}

function closedError(): Error {
  return Object.assign(new Error('write CONNECTION_CLOSED (transaction connection lost)'), { code: 'CONNECTION_CLOSED' })
}

/** The pool's circuit: opened by connection failures, closed by the first successful probe. */
export class PoolCircuit {
  private openUntil = 0
  private since: Date | null = null
  private lastError: string | null = null
  private probing: NodeJS.Timeout | null = null
  private stopped = false
  private readonly openMs: number
  private readonly probeMs: number

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly opts: ResilienceOptions = {},
  ) {
    this.openMs = opts.openMs ?? 2000
    this.probeMs = opts.probeMs ?? 500
  }

  /** Whether queries are refused right now. After `openMs` one query at a time may try again. */
  refusing(): boolean {
    if (this.since === null) return false
    if (Date.now() < this.openUntil) return true
    // Half-open: let this query through and refuse the others for another period.
    this.openUntil = Date.now() + this.openMs
    return false
  }

  state(): CircuitState {
    return { open: this.since !== null, since: this.since, lastError: this.lastError }
  }

  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(Math.max(this.openMs, this.probeMs) / 1000))
  }

  /** A connection-level failure was seen: open (or keep open) and probe until PostgreSQL answers. */
  trip(err: unknown): void {
    const code = String((err as { code?: unknown }).code ?? 'unknown')
    // Our own refusal, or the pool was ended on purpose (shutdown): nothing to watch for.
    if (code === 'DATABASE_UNAVAILABLE' || code === 'CONNECTION_ENDED' || code === 'CONNECTION_DESTROYED') return
    this.lastError = code
    this.openUntil = Date.now() + this.openMs
    if (this.since === null) {
      this.since = new Date()
      this.opts.onChange?.(true, code)
    }
    if (!this.probing) this.schedule()
  }

  /** A query succeeded: PostgreSQL is back. */
  succeeded(): void {
    if (this.since === null) return
    this.since = null
    this.openUntil = 0
    this.opts.onChange?.(false, null)
  }

  stop(): void {
    this.stopped = true
    if (this.probing) clearTimeout(this.probing)
    this.probing = null
  }

  private schedule(): void {
    if (this.stopped) return
    this.probing = setTimeout(() => {
      this.probe().then(
        () => {
          this.probing = null
          this.succeeded()
        },
        (err: unknown) => {
          const code = String((err as { code?: unknown }).code)
          // The pool was ended (shutdown): stop probing.
          if (code === 'CONNECTION_ENDED' || code === 'CONNECTION_DESTROYED') return void (this.probing = null)
          if (isDatabaseUnavailable(err)) this.lastError = code
          // A query error (not a connection error) still proves the server answers.
          if (!isDatabaseUnavailable(err)) {
            this.probing = null
            return this.succeeded()
          }
          this.schedule()
        },
      )
    }, this.probeMs)
    this.probing.unref()
  }
}

/**
 * Wraps a pool: queries fail fast while the circuit is open, transactions refuse queries after their
 * connection failed (the crash guard). Returns the same pool type; `circuit` exposes the state.
 */
export function withResilience<S extends postgres.Sql>(sql: S, opts: ResilienceOptions = {}): { sql: S; circuit: PoolCircuit } {
  const circuit = new PoolCircuit(() => sql`select 1`, opts)

  /** Gates one query: refused while the circuit is open or its transaction is dead; observes the outcome. */
  const gate = (q: QueryLike, tx?: { dead: boolean }): void => {
    const handler = q.handler
    const reject = q.reject
    q.reject = (e: unknown) => {
      if (isDatabaseUnavailable(e)) {
        if (tx) tx.dead = true
        circuit.trip(e)
      }
      reject(e)
    }
    q.handler = (query: QueryLike) => {
      if (tx?.dead) return query.reject(closedError())
      if (!tx && circuit.refusing()) return query.reject(new DatabaseUnavailableError(circuit.retryAfterSeconds()))
      const r = handler(query)
      // Resolution proves the connection works; observed without changing what the caller awaits.
      query.then(() => circuit.succeeded(), () => undefined)
      return r
    }
  }

  const wrapQueries = <T extends object>(target: T, tx?: { dead: boolean }): T =>
    new Proxy(target, {
      apply(t, thisArg, args: unknown[]) {
        const r: unknown = Reflect.apply(t as SqlFn, thisArg, args)
        if (isQuery(r)) gate(r, tx)
        return r
      },
      get(t, prop, receiver) {
        const value: unknown = Reflect.get(t, prop, receiver)
        if (typeof value !== 'function') return value
        if (prop === 'unsafe' || prop === 'file') {
          return (...args: unknown[]) => {
            const r: unknown = (value as SqlFn).apply(t, args)
            if (isQuery(r)) gate(r, tx)
            return r
          }
        }
        if (prop === 'begin' || prop === 'savepoint') return wrapScope(t, value as SqlFn, tx)
        if (prop === 'reserve' && !tx) return wrapReserve(t, value as SqlFn)
        return value
      },
    })

  /**
   * `reserve`: postgres.js' own reserved connection cannot be told apart once it has closed while idle
   * (the pool takes it back, the reserved handle keeps writing to it: the null-socket crash again). So a
   * reservation is a one-connection pool of its own (`opts.reserve`), opened for it and ended by
   * `release()`: when its connection closes it is dead for good (a session-level lock on it is gone too),
   * and every later query is refused with CONNECTION_CLOSED instead of silently opening a new session.
   */
  const wrapReserve = (t: object, fn: SqlFn) => async () => {
    if (circuit.refusing()) throw new DatabaseUnavailableError(circuit.retryAfterSeconds())
    if (!opts.reserve) return wrapQueries((await fn.apply(t, [])) as object, { dead: false })
    const state = { dead: false }
    const own = opts.reserve(() => {
      state.dead = true
    })
    try {
      await own`select 1`
    } catch (err) {
      void own.end({ timeout: 0 }).catch(() => undefined)
      if (isDatabaseUnavailable(err)) circuit.trip(err)
      throw err
    }
    const release = () => void own.end({ timeout: 5 }).catch(() => undefined)
    return wrapQueries(Object.assign(own, { release }), state)
  }

  /** `begin` / `savepoint`: the callback gets a guarded transaction that dies with its connection. */
  const wrapScope = (t: object, fn: SqlFn, parent?: { dead: boolean }) =>
    (...args: unknown[]) => {
      if (!parent && circuit.refusing()) return Promise.reject(new DatabaseUnavailableError(circuit.retryAfterSeconds()))
      const state = parent ?? { dead: false }
      const i = args.findIndex((a) => typeof a === 'function')
      if (i >= 0) {
        const cb = args[i] as (tx: object) => unknown
        // Once the connection is gone, postgres.js would answer the callback's outcome with ROLLBACK or
        // COMMIT on it (the crash again): the outcome is withheld instead. `begin` itself has already
        // rejected with the connection error, so nobody waits on it.
        const withheld = () => new Promise<never>(() => undefined)
        args[i] = (tx: object) => {
          const x = cb(wrapQueries(tx, state))
          // postgres.js' own convention: an array of queries is awaited together.
          return Promise.resolve(Array.isArray(x) ? Promise.all(x) : x).then(
            (v) => (state.dead ? withheld() : v),
            (e: unknown) => (state.dead ? withheld() : Promise.reject(e)),
          )
        }
      }
      const p = fn.apply(t, args) as Promise<unknown>
      if (parent) return p
      return p.then(
        (v) => {
          state.dead = true
          return v
        },
        (e: unknown) => {
          state.dead = true
          if (isDatabaseUnavailable(e)) circuit.trip(e)
          throw e
        },
      )
    }

  return { sql: wrapQueries(sql), circuit }
}

type WarnLog = { warn(obj: object, msg: string): void; fatal(obj: object, msg: string): void }

/**
 * The last line for the driver's own promises nobody awaits: when a connection opens as PostgreSQL goes
 * away, postgres.js 3.4 starts its type lookup (`pg_catalog.pg_type`) without a listener, and its
 * failure would be an unhandled rejection, which ends a Node 20 process. Such a rejection that is a
 * database outage is logged and dropped (the next query meets the circuit); any other unhandled
 * rejection still ends the process, as Node would, and the cluster primary starts a new worker.
 */
export function survivePoolOrphanRejections(log: WarnLog): void {
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnavailable(reason)) {
      log.warn({ err: reason instanceof Error ? reason.message : String(reason) }, 'database outage: a driver promise nobody awaited failed (ignored)')
      return
    }
    log.fatal({ err: reason instanceof Error ? { message: reason.message, stack: reason.stack } : String(reason) }, 'unhandled rejection: stopping')
    process.exit(1)
  })
}
