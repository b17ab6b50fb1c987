/**
 * @module services/backups
 * D16 (docs/decisions.md#d16): pg_dump of the taguato schema to BACKUP_DIR (list, download, restore, delete, retention).
 * Restore = one psql transaction: `drop schema taguato cascade` then the dump; afterwards newer
 * migrations are applied, every session but the caller's is revoked, and caches are dropped.
 * One backup or restore at a time per process; the file is written under a temporary name and only
 * renamed into place once pg_dump succeeded and the archive verified.
 */
import { readdir, rm, stat } from 'node:fs/promises'
import { resolve, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Deps } from '../../deps.js'
import { migrate } from '../../../../db/migrate.js'
import { serverVersionNum } from '../../db/queries/server.js'
import { deactivateSessionsExcept, upsertSession } from '../../db/queries/sessions.js'
import { isActiveUser } from '../../db/queries/users.js'
import { ApiError } from '../../errors/api-error.js'
import { STATUS_CACHE_KEY } from '../status/cache.js'
import { beyondRetention, isBackupName, type BackupKind } from './names.js'
import { findPgTool, pgEnv } from './pg-tools.js'
import { restoreFrom, verifyArchive } from './run.js'
import { writeBackup } from './write.js'

const SCHEMA = 'taguato'
const MIGRATIONS_DIR = fileURLToPath(new URL('../../../../db/migrations', import.meta.url))
/** Same key as server.ts: a restore's re-migration waits for (and excludes) a booting replica. */
const MIGRATION_LOCK = 727_000

export type BackupInfo = { filename: string; size: number; created_at: Date }

let queue: Promise<unknown> = Promise.resolve()
/** Serialises backups and restores in this process (a restore must never run beside a dump). */
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn)
  queue = run.catch(() => undefined)
  return run
}

export const backupDir = (deps: Deps): string => resolve(deps.config.BACKUP_DIR)

async function serverMajor(deps: Deps): Promise<number> {
  return Math.floor((await serverVersionNum(deps.sql)) / 10000)
}

export async function listBackups(deps: Deps): Promise<BackupInfo[]> {
  const dir = backupDir(deps)
  let names: string[]
  try {
    names = (await readdir(dir)).filter(isBackupName)
  } catch {
    return []
  }
  const infos = await Promise.all(
    names.map(async (filename) => {
      const s = await stat(join(dir, filename)).catch(() => null)
      return s ? { filename, size: s.size, created_at: s.mtime } : null
    }),
  )
  return infos.filter((x): x is BackupInfo => x !== null).sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a.filename < b.filename ? 1 : -1))
}

/** Absolute path of an existing backup; 400 for a bad name, 404 when missing. */
export async function backupPath(deps: Deps, name: string): Promise<{ path: string; size: number }> {
  if (!isBackupName(name)) throw new ApiError(400, 'Invalid backup filename')
  const path = join(backupDir(deps), name)
  const s = await stat(path).catch(() => null)
  if (!s?.isFile()) throw new ApiError(404, 'Backup not found')
  return { path, size: s.size }
}

export function createBackup(deps: Deps, kind: BackupKind): Promise<BackupInfo> {
  return exclusive(async () => {
    try {
      return await dumpNew(deps, kind)
    } catch (err) {
      deps.log.error({ err: (err as Error).message, kind }, 'backup failed')
      void deps.alerts.notify({ kind: 'backup_failed', error: (err as Error).message })
      throw err
    }
  })
}

async function dumpNew(deps: Deps, kind: BackupKind): Promise<BackupInfo> {
  const { filename, size, created_at } = await writeBackup({ databaseUrl: deps.config.DATABASE_URL, dir: backupDir(deps), kind, serverMajor: await serverMajor(deps), schema: SCHEMA })
  deps.log.info({ filename, size }, 'backup created')
  return { filename, size, created_at }
}

/** Deletes `kind` backups beyond the newest `keep`; returns the names removed. */
export async function applyRetention(deps: Deps, kind: BackupKind, keep: number): Promise<string[]> {
  const dir = backupDir(deps)
  const names = await readdir(dir).catch(() => [] as string[])
  const old = beyondRetention(names, kind, keep)
  for (const n of old) await rm(join(dir, n), { force: true })
  return old
}

export async function deleteBackup(deps: Deps, name: string): Promise<void> {
  const { path } = await backupPath(deps, name)
  await rm(path, { force: true })
}

export type Caller = { userId: number; tokenHash: string; ip: string; userAgent: string }

export function restoreBackup(deps: Deps, name: string, caller: Caller): Promise<{ migrations: string[]; callerKept: boolean }> {
  return exclusive(async () => {
    const { path } = await backupPath(deps, name)
    await verifyArchive(path).catch((err: Error) => {
      throw new ApiError(400, `Backup is not restorable: ${err.message}`)
    })
    const { env, cleanup } = await pgEnv(deps.config.DATABASE_URL)
    // Waiting forever for a lock held by a long query would hang the request: fail instead (rolled back).
    env.PGOPTIONS = '-c lock_timeout=30000'
    try {
      await restoreFrom(findPgTool('psql', await serverMajor(deps)), env, path, `DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE;\n`)
    } finally {
      await cleanup()
    }
    const migrations = await migrate(deps.sql, { dir: MIGRATIONS_DIR, schema: SCHEMA, lockKey: MIGRATION_LOCK })
    const callerKept = await keepOnlyCallerSession(deps, caller)
    await deps.sessions.forgetAll().catch(() => undefined)
    await deps.redis.del(STATUS_CACHE_KEY).catch(() => undefined)
    return { migrations, callerKept }
  })
}

/**
 * Sessions in the restored table belong to the past: revoke all but the caller's, whose row is
 * re-created when the backup predates it (possible only if their user exists in the backup).
 */
async function keepOnlyCallerSession(deps: Deps, c: Caller): Promise<boolean> {
  const ttlHours = deps.config.SESSION_TTL_HOURS
  return deps.sql.begin(async (tx) => {
    await deactivateSessionsExcept(tx, c.tokenHash)
    if (!(await isActiveUser(tx, c.userId))) return false
    await upsertSession(tx, { userId: c.userId, tokenHash: c.tokenHash, ip: c.ip, userAgent: c.userAgent, ttlHours })
    return true
  })
}
