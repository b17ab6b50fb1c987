/**
 * @module services/backups/pg-tools
 * Finds pg_dump/psql (the server's major version under /usr/lib/postgresql first, then PATH, then the
 * newest installed) and turns DATABASE_URL into PG* environment variables. The password goes into a
 * mode-600 PGPASSFILE that the caller removes: it never appears on a command line (R8, docs/decisions.md#r8).
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const PG_ROOT = '/usr/lib/postgresql'

function majorOf(bin: string): number | null {
  try {
    const out = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 5000 })
    const m = /(\d+)(?:\.\d+)?/.exec(out.replace(/^[^\d]*/, ''))
    return m ? Number(m[1]) : null
  } catch {
    return null
  }
}

function onPath(tool: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, tool))) return join(dir, tool)
  }
  return null
}

/** A `tool` binary whose major version is >= the server's (pg_dump refuses older clients). */
export function findPgTool(tool: 'pg_dump' | 'psql', serverMajor: number): string {
  const exact = join(PG_ROOT, String(serverMajor), 'bin', tool)
  if (existsSync(exact)) return exact
  const path = onPath(tool)
  if (path && (majorOf(path) ?? 0) >= serverMajor) return path
  const versions = existsSync(PG_ROOT) ? readdirSync(PG_ROOT).filter((v) => /^\d+$/.test(v)).map(Number).sort((a, b) => b - a) : []
  for (const v of versions) {
    const bin = join(PG_ROOT, String(v), 'bin', tool)
    if (v >= serverMajor && existsSync(bin)) return bin
  }
  if (path) return path
  throw new Error(`${tool} not found (install postgresql-client ${serverMajor} or newer)`)
}

export type PgEnv = { env: NodeJS.ProcessEnv; cleanup: () => Promise<void> }

const escPass = (s: string) => s.replace(/\\/g, '\\\\').replace(/:/g, '\\:')

/** PGHOST/PGPORT/PGUSER/PGDATABASE (+ PGPASSFILE, PGSSLMODE) for DATABASE_URL. */
export async function pgEnv(databaseUrl: string): Promise<PgEnv> {
  const u = new URL(databaseUrl)
  const params = u.searchParams
  const env: NodeJS.ProcessEnv = { ...process.env, PGCONNECT_TIMEOUT: '10' }
  for (const k of ['PGPASSWORD', 'PGSERVICE', 'PGOPTIONS']) delete env[k]
  const host = params.get('host') ?? decodeURIComponent(u.hostname.replace(/^\[|\]$/g, ''))
  env.PGHOST = host || '127.0.0.1'
  env.PGPORT = u.port || params.get('port') || '5432'
  env.PGUSER = decodeURIComponent(u.username) || params.get('user') || 'postgres'
  env.PGDATABASE = decodeURIComponent(u.pathname.replace(/^\//, '')) || env.PGUSER
  const ssl = params.get('sslmode') ?? params.get('ssl')
  if (ssl) env.PGSSLMODE = ssl === 'true' ? 'require' : ssl
  const password = decodeURIComponent(u.password) || params.get('password') || ''
  if (!password) return { env, cleanup: async () => undefined }
  const file = join(tmpdir(), `.taguato_pgpass_${process.pid}_${randomBytes(6).toString('hex')}`)
  await writeFile(file, `*:*:*:*:${escPass(password)}\n`, { mode: 0o600 })
  env.PGPASSFILE = file
  return { env, cleanup: () => rm(file, { force: true }) }
}
