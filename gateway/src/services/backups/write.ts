/**
 * @module services/backups/write
 * Writes one new backup file of schema `taguato` into a folder: pg_dump -> gzip under a temporary name,
 * the archive verified, then renamed into place. Takes plain values (no Deps) because it has two
 * callers: the API and backup job (./backups.ts) and the reference import (scripts/import-reference),
 * which backs a TAGUATO-SEND database up with the very same code before it changes anything.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { backupName, type BackupKind } from './names.js'
import { findPgTool, pgEnv } from './pg-tools.js'
import { dumpTo, verifyArchive } from './run.js'

export type WrittenBackup = { filename: string; path: string; size: number; created_at: Date }

export type WriteBackupOptions = {
  databaseUrl: string
  dir: string
  kind: BackupKind
  /** The server's major version: pg_dump must be at least as new. */
  serverMajor: number
  schema?: string
}

export async function writeBackup(o: WriteBackupOptions): Promise<WrittenBackup> {
  await mkdir(o.dir, { recursive: true, mode: 0o700 })
  const now = new Date()
  let filename = backupName(o.kind, now)
  for (let seq = 1; await stat(join(o.dir, filename)).then(() => true, () => false); seq++) filename = backupName(o.kind, now, seq)
  const final = join(o.dir, filename)
  const partial = join(o.dir, `.${filename}.partial`)
  const { env, cleanup } = await pgEnv(o.databaseUrl)
  try {
    await dumpTo(findPgTool('pg_dump', o.serverMajor), env, o.schema ?? 'taguato', partial)
    await verifyArchive(partial)
    await rename(partial, final)
  } catch (err) {
    await rm(partial, { force: true })
    throw err
  } finally {
    await cleanup()
  }
  const s = await stat(final)
  return { filename, path: final, size: s.size, created_at: s.mtime }
}
