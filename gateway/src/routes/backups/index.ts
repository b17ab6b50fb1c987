/**
 * @module routes/backups
 * /admin/backup (D16, docs/decisions.md#d16, R8 (docs/decisions.md#r8) extended): create, list, download, restore, delete. Admin only.
 * Names in the URL must match the strict backup pattern (no path traversal); changes are audited.
 */
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import { register, type Router } from '../../lib/route.js'
import { backupPath, createBackup, deleteBackup, listBackups, restoreBackup } from '../../services/backups/backups.js'

const tags = ['admin', 'backups']

export function backupRoutes(r: Router, deps: Deps): void {
  // `date` is the reference's name for the time (its panel's backup table shows it): the same instant as created_at.
  register(r, { method: 'GET', path: '/admin/backup', access: 'admin', summary: 'List backups, newest first', tags, response: { status: 200, description: '{backups:[{filename, size, created_at, date}]}' } }, async (c) =>
    c.json({ backups: (await listBackups(deps)).map((b) => ({ ...b, date: b.created_at })) }),
  )

  register(r, { method: 'POST', path: '/admin/backup', access: 'admin', summary: 'Dump the taguato schema now', tags, response: { status: 201, description: '{message, filename, size, created_at}' } }, async (c) => {
    const user = c.get('user')
    let info
    try {
      info = await createBackup(deps, 'backup')
    } catch {
      throw new ApiError(500, 'Backup failed')
    }
    await deps.audit.record({ userId: user.id, username: user.username, action: 'backup_created', resourceType: 'backup', resourceId: info.filename, details: { size: info.size }, ip: c.get('clientIp') })
    return c.json({ message: 'Backup created', ...info }, 201)
  })

  register(r, { method: 'GET', path: '/admin/backup/:name/download', access: 'admin', summary: 'Download a backup (gzipped SQL)', tags, produces: 'application/gzip' }, async (c) => {
    const name = c.req.param('name') ?? ''
    const { path, size } = await backupPath(deps, name)
    return c.body(Readable.toWeb(createReadStream(path)) as ReadableStream, 200, {
      'Content-Type': 'application/gzip',
      'Content-Length': String(size),
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    })
  })

  register(r, { method: 'POST', path: '/admin/backup/:name/restore', access: 'admin', summary: 'Replace the taguato schema with a backup (one transaction)', tags, response: { status: 200, description: '{message, filename}' } }, async (c) => {
    const name = c.req.param('name') ?? ''
    const user = c.get('user')
    const ip = c.get('clientIp')
    await backupPath(deps, name)
    let result
    try {
      result = await restoreBackup(deps, name, { userId: user.id, tokenHash: user.token_hash, ip, userAgent: c.req.header('user-agent') ?? '' })
    } catch (err) {
      if (err instanceof ApiError) throw err
      c.get('log').error({ err: (err as Error).message, filename: name }, 'restore failed')
      throw new ApiError(500, 'Restore failed')
    }
    // Written after the restore so the row lives in the restored database.
    await deps.audit.record({ userId: result.callerKept ? user.id : null, username: user.username, action: 'backup_restored', resourceType: 'backup', resourceId: name, details: { migrations_applied: result.migrations }, ip })
    return c.json({ message: 'Backup restored', filename: name })
  })

  register(r, { method: 'DELETE', path: '/admin/backup/:name', access: 'admin', summary: 'Delete a backup file', tags, response: { status: 200, description: '{message, filename}' } }, async (c) => {
    const name = c.req.param('name') ?? ''
    const user = c.get('user')
    await deleteBackup(deps, name)
    await deps.audit.record({ userId: user.id, username: user.username, action: 'backup_deleted', resourceType: 'backup', resourceId: name, ip: c.get('clientIp') })
    return c.json({ message: 'Backup deleted', filename: name })
  })
}
