/**
 * @module scripts/lib/pg-admin
 * Server-level PostgreSQL chores: is it there, create or drop a database. Uses the `postgres` client
 * (no psql needed) and always talks to the `postgres` maintenance database for DDL on others.
 */
import postgres from 'postgres'

export type Probe = { ok: true } | { ok: false; unreachable: boolean; reason: string }

/** Same server URL, another database. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url)
  u.pathname = `/${db}`
  return u.toString()
}

/** The database named in a URL (default `postgres`, like libpq when the path is empty). */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''))
  return name || 'postgres'
}

/** Error codes that mean "nobody is listening there", as opposed to "someone answered no". */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'CONNECT_TIMEOUT', 'ENOENT'])

function connect(url: string) {
  return postgres(url, { max: 1, connect_timeout: 3, idle_timeout: 1, onnotice: () => undefined })
}

/** Asks the server behind `url` for `select 1` through its maintenance database. */
export async function probePostgres(url: string): Promise<Probe> {
  const sql = connect(withDatabase(url, 'postgres'))
  try {
    await sql`select 1`
    return { ok: true }
  } catch (err) {
    const e = err as { code?: string; message?: string; errors?: { code?: string }[] }
    // Node reports a refused dual-stack connect as an AggregateError holding one error per address.
    const codes = [e.code, ...(e.errors?.map((x) => x.code) ?? [])].filter((c): c is string => Boolean(c))
    const unreachable = codes.some((c) => UNREACHABLE.has(c))
    return { ok: false, unreachable, reason: e.message || codes.join(',') || 'unknown error' }
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined)
  }
}

/** Creates the database named in `url` unless it exists. Returns true when it was created. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url)
  const sql = connect(withDatabase(url, 'postgres'))
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`
    if (rows.length > 0) return false
    await sql`create database ${sql(name)}`
    return true
  } catch (err) {
    // Two launchers racing to create it: the loser sees duplicate_database, which is fine.
    if ((err as { code?: string }).code === '42P04') return false
    throw err
  } finally {
    await sql.end({ timeout: 2 }).catch(() => undefined)
  }
}

/** Drops the database named in `url`, kicking out leftover connections (PostgreSQL 13+). */
export async function dropDatabase(url: string): Promise<void> {
  const sql = connect(withDatabase(url, 'postgres'))
  try {
    await sql`drop database if exists ${sql(databaseName(url))} with (force)`
  } finally {
    await sql.end({ timeout: 2 }).catch(() => undefined)
  }
}

/** Whether the gateway's users table already holds this username (false when the schema is not there yet). */
export async function userExists(url: string, username: string): Promise<boolean> {
  const sql = connect(url)
  try {
    const [t] = await sql<{ ok: boolean }[]>`select to_regclass('taguato.users') is not null as ok`
    if (!t?.ok) return false
    const rows = await sql`select 1 from taguato.users where username = ${username}`
    return rows.length > 0
  } finally {
    await sql.end({ timeout: 2 }).catch(() => undefined)
  }
}
