/**
 * @module upstream/db/client
 * The postgres pool and the start-up migration of schema `upstream` (db/upstream/*.sql).
 * The pool sits behind common/src/db/pg-resilience: a short connect timeout, a circuit that fails queries at once
 * while PostgreSQL is unreachable (app.ts answers those with Evolution's 503 envelope), and the guard
 * against postgres.js' null-socket crash for transactions and reserved connections (the owner locks).
 */
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { migrate } from '../../../db/migrate.js'
import { withResilience, type PoolCircuit } from '../../../common/src/db/pg-resilience.js'

export type Sql = postgres.Sql

/** Advisory-lock key of the upstream schema; distinct from the gateway's so the two never wait on each other. */
export const UPSTREAM_MIGRATION_LOCK = 727_001

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../db/upstream', import.meta.url))

export type SqlOptions = {
  /** Connect timeout per connection attempt (DATABASE_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number
  /** Told when the circuit opens (with the failure's code) and when it closes. */
  onCircuit?: (open: boolean, cause: string | null) => void
}

const circuits = new WeakMap<Sql, PoolCircuit>()

/** Opens a pool; column names come back camelCased so rows map straight onto JSON shapes. */
export function createSql(url: string, max = 5, o: SqlOptions = {}): Sql {
  const base = {
    connect_timeout: (o.connectTimeoutMs ?? 1000) / 1000,
    // Reconnect quickly once PostgreSQL answers (postgres.js would wait up to 20 s); the circuit keeps
    // the load off a dead server meanwhile.
    backoff: (retries: number) => Math.min(0.1 * retries, 0.5),
    onnotice: () => undefined,
    transform: { column: { from: postgres.toCamel } },
  }
  const { sql, circuit } = withResilience(postgres(url, { ...base, max }), {
    onChange: o.onCircuit,
    reserve: (onClose) => postgres(url, { ...base, max: 1, idle_timeout: 0, max_lifetime: null, onclose: onClose }),
  })
  circuits.set(sql, circuit)
  return sql
}

/** Stops the pool's background probe (at shutdown, before `sql.end`). */
export function stopSqlCircuit(sql: Sql): void {
  circuits.get(sql)?.stop()
}

/** Applies pending migrations of schema `upstream`; returns the files applied. */
export function migrateUpstream(sql: Sql): Promise<string[]> {
  return migrate(sql, { dir: MIGRATIONS_DIR, schema: 'upstream', lockKey: UPSTREAM_MIGRATION_LOCK })
}

/** Whether `err` is PostgreSQL's unique violation (23505), so callers need not import the driver. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof postgres.PostgresError && err.code === '23505'
}
