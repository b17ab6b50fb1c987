/**
 * @module workers/backup
 * Every BACKUP_INTERVAL seconds (as a cron: 86400 -> daily at 00:00 UTC): an automatic backup
 * `taguato_auto_<ts>.sql.gz`, then only the newest BACKUP_RETENTION automatic ones are kept (manual
 * backups are never pruned). A failure alerts (inside createBackup) and marks the run failed.
 */
import type { Deps } from '../deps.js'
import { applyRetention, createBackup } from '../services/backups/backups.js'
import { intervalToCron } from '../services/backups/names.js'
import type { Job } from './scheduler.js'

export async function runBackup(deps: Deps): Promise<Record<string, unknown>> {
  const info = await createBackup(deps, 'auto')
  const removed = await applyRetention(deps, 'auto', deps.config.BACKUP_RETENTION)
  return { filename: info.filename, size: info.size, removed }
}

export function backupJob(deps: Deps): Job {
  return { name: 'backup', schedule: intervalToCron(deps.config.BACKUP_INTERVAL), run: () => runBackup(deps) }
}
