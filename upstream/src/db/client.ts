/**
 * @module upstream/db/client
 * The postgres pool and the start-up migration of schema `upstream` (db/upstream/*.sql).
 */
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { migrate } from '../../../db/migrate.js'

export type Sql = postgres.Sql

/** Advisory-lock key of the upstream schema; distinct from the gateway's so the two never wait on each other. */
export const UPSTREAM_MIGRATION_LOCK = 727_001

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../db/upstream', import.meta.url))

/** Opens a pool; column names come back camelCased so rows map straight onto JSON shapes. */
export function createSql(url: string, max = 5): Sql {
  return postgres(url, {
    max,
    onnotice: () => undefined,
    transform: { column: { from: postgres.toCamel } },
  })
}

/** Applies pending migrations of schema `upstream`; returns the files applied. */
export function migrateUpstream(sql: Sql): Promise<string[]> {
  return migrate(sql, { dir: MIGRATIONS_DIR, schema: 'upstream', lockKey: UPSTREAM_MIGRATION_LOCK })
}

/** Whether `err` is PostgreSQL's unique violation (23505), so callers need not import the driver. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof postgres.PostgresError && err.code === '23505'
}
