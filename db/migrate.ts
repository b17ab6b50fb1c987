/**
 * @module db/migrate
 * Applies the plain SQL files of one folder in name order, each in its own transaction, recorded in
 * `<schema>.schema_migrations`. An advisory lock serialises concurrent starters (two gateways booting
 * together): the second waits, then finds everything applied.
 *
 * The recorded history must be this folder's: a version recorded under another name (another
 * program's migrations in a table of the same name, as TAGUATO-SEND's own schema_migrations) or a
 * version this folder does not have (a newer release) stops everything with a MigrationHistoryError,
 * because taking foreign versions as "applied" would skip our whole schema and fail later, per request.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Sql, TransactionSql } from 'postgres'

export type MigrateOptions = {
  /** Folder holding `NNNN_name.sql` files. */
  dir: string
  /** Schema that owns the tracking table (created when missing). */
  schema: string
  /** Advisory-lock key; one per schema so the gateway and the upstream never wait on each other. */
  lockKey: number
}

const FILE_RE = /^(\d+)_([\w-]+)\.sql$/

export type Migration = { version: number; name: string; file: string }

/** One row of `<schema>.schema_migrations`. */
export type RecordedMigration = { version: number; filename: string }

/** The recorded history is not this folder's; nothing was applied. */
export class MigrationHistoryError extends Error {
  constructor(
    readonly schema: string,
    readonly problems: string[],
  ) {
    super(`${schema}.schema_migrations does not match ${schema}'s migrations: ${problems.join('; ')}`)
    this.name = 'MigrationHistoryError'
  }
}

/** Lists the migrations of a folder in version order; rejects duplicate versions. */
export async function listMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => FILE_RE.test(f))
  const out = files.map((file) => {
    const m = FILE_RE.exec(file)!
    return { version: Number(m[1]), name: m[2]!, file }
  })
  out.sort((a, b) => a.version - b.version)
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.version === out[i - 1]!.version) throw new Error(`duplicate migration version ${out[i]!.version} in ${dir}`)
  }
  return out
}

/** What is wrong with a recorded history against the folder's migrations ([] = it is ours). */
export function historyProblems(recorded: readonly RecordedMigration[], migrations: readonly Migration[]): string[] {
  const byVersion = new Map(migrations.map((m) => [m.version, m]))
  const problems: string[] = []
  for (const r of [...recorded].sort((a, b) => a.version - b.version)) {
    const ours = byVersion.get(r.version)
    if (!ours) problems.push(`version ${r.version} "${r.filename}" is not one of ours (a newer release, or another program's)`)
    else if (ours.name !== r.filename) problems.push(`version ${r.version} is recorded as "${r.filename}", ours is "${ours.name}"`)
  }
  return problems
}

type Conn = Sql | TransactionSql

async function readHistory(conn: Conn, schema: string): Promise<RecordedMigration[]> {
  const table = conn(`${schema}.schema_migrations`)
  await conn`create schema if not exists ${conn(schema)}`
  await conn`create table if not exists ${table} (
    version int primary key, filename varchar(255) not null, applied_at timestamptz not null default now())`
  const rows = await conn<{ version: number; filename: string }[]>`select version, filename from ${table}`
  return rows.map((r) => ({ version: Number(r.version), filename: r.filename }))
}

/** The migrations still to apply; throws MigrationHistoryError when the history is not ours. */
async function pending(conn: Conn, opts: Pick<MigrateOptions, 'dir' | 'schema'>): Promise<Migration[]> {
  const migrations = await listMigrations(opts.dir)
  const recorded = await readHistory(conn, opts.schema)
  const problems = historyProblems(recorded, migrations)
  if (problems.length > 0) throw new MigrationHistoryError(opts.schema, problems)
  const done = new Set(recorded.map((r) => r.version))
  return migrations.filter((m) => !done.has(m.version))
}

async function applyOne(conn: Conn, opts: Pick<MigrateOptions, 'dir' | 'schema'>, m: Migration): Promise<void> {
  const text = await readFile(join(opts.dir, m.file), 'utf8')
  // A migration file is trusted SQL with several statements: the one place `unsafe` is right.
  await conn.unsafe(text)
  await conn`insert into ${conn(`${opts.schema}.schema_migrations`)} (version, filename) values (${m.version}, ${m.name})`
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(sql: Sql, opts: MigrateOptions): Promise<string[]> {
  const applied: string[] = []
  // reserve() pins one connection: advisory locks belong to a session.
  const conn = await sql.reserve()
  try {
    await conn`select pg_advisory_lock(${opts.lockKey})`
    for (const m of await pending(conn, opts)) {
      await conn`begin`
      try {
        await applyOne(conn, opts, m)
        await conn`commit`
      } catch (err) {
        await conn`rollback`
        throw new Error(`migration ${m.file} failed: ${(err as Error).message}`)
      }
      applied.push(m.file)
    }
  } finally {
    await conn`select pg_advisory_unlock(${opts.lockKey})`.catch(() => undefined)
    conn.release()
  }
  return applied
}

/**
 * The same inside a transaction the caller owns (no lock, no commit): a dry run applies our schema and
 * rolls everything back with the rest of its work.
 */
export async function migrateInTransaction(tx: TransactionSql, opts: Pick<MigrateOptions, 'dir' | 'schema'>): Promise<string[]> {
  const applied: string[] = []
  for (const m of await pending(tx, opts)) {
    await applyOne(tx, opts, m)
    applied.push(m.file)
  }
  return applied
}
