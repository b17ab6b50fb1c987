/**
 * @module db/client
 * The one postgres.js pool of a gateway process. timestamptz columns come back as Date, which JSON
 * renders as ISO 8601 UTC with `Z` (D11, docs/decisions.md#d11); bigint counts are parsed to numbers.
 *
 * Outages (docs/operations.md#what-each-outage-does-to-users): the pool has a short connect timeout and
 * a short reconnect delay, and sits behind common/src/db/pg-resilience: a circuit that fails queries at once with
 * DATABASE_UNAVAILABLE (routes answer 503 "Database unavailable") while PostgreSQL is unreachable and
 * closes by itself when a background probe gets through, and the guard against postgres.js' null-socket
 * crash (transactions and reserved connections refuse queries once their connection is gone).
 */
import postgres, { type Options, type PostgresType, type Sql, type TransactionSql } from 'postgres'
import { withResilience, type CircuitState, type PoolCircuit } from '../../../common/src/db/pg-resilience.js'

export type Db = Sql
/** A pool or a transaction: query modules accept either so calls compose inside `sql.begin`. */
export type Queryable = Sql | TransactionSql
export type DbCircuit = Pick<PoolCircuit, 'state' | 'retryAfterSeconds'>
export type { CircuitState }

export type DbOptions = {
  /** Connect timeout per connection attempt (DATABASE_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number
  /** Told when the circuit opens (with the failure's code) and when it closes. */
  onCircuit?: (open: boolean, cause: string | null) => void
}

/** The circuit of each pool createDb built (health and metrics read it without another dependency). */
const circuits = new WeakMap<Db, PoolCircuit>()

export function createDb(url: string, max: number, o: DbOptions = {}): Db {
  const base: Options<Record<string, PostgresType>> = {
    connect_timeout: (o.connectTimeoutMs ?? 1000) / 1000,
    // postgres.js waits up to 20 s between reconnects after repeated failures; the circuit already
    // keeps the load off a dead server, so come back quickly once it answers.
    backoff: (retries: number) => Math.min(0.1 * retries, 0.5),
    onnotice: () => undefined,
    // count(*) is int8 and round()/avg() are numeric: small enough here to be plain JSON numbers.
    types: {
      count: { to: 20, from: [20, 1700], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
    },
    connection: { application_name: 'taguato-gateway', TimeZone: 'UTC' },
  }
  const { sql, circuit } = withResilience(postgres(url, { ...base, max, idle_timeout: 30 }), {
    onChange: o.onCircuit,
    reserve: (onClose) => postgres(url, { ...base, max: 1, idle_timeout: 0, max_lifetime: null, onclose: onClose }),
  })
  circuits.set(sql, circuit)
  return sql
}

/** The pool's circuit: open while PostgreSQL is unreachable. */
export function dbCircuit(sql: Db): DbCircuit | undefined {
  return circuits.get(sql)
}

/** Stops the circuit's background probe (at shutdown, before `sql.end`). */
export function stopDbCircuit(sql: Db): void {
  circuits.get(sql)?.stop()
}
