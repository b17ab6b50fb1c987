/**
 * @module services/backups/names
 * Backup file names: `taguato_backup_<YYYYMMDD_HHMMSS>.sql.gz` (manual) and `taguato_auto_...`
 * (scheduled), with `_N` when two land in the same second. Every name from a URL is checked against
 * the strict pattern before it touches the file system (no path traversal).
 */

export const BACKUP_NAME = /^taguato_(backup|auto)_\d{8}_\d{6}(_\d+)?\.sql\.gz$/
export type BackupKind = 'backup' | 'auto'

export const isBackupName = (name: string): boolean => BACKUP_NAME.test(name)

export function kindOf(name: string): BackupKind | null {
  const m = BACKUP_NAME.exec(name)
  return m ? (m[1] as BackupKind) : null
}

const pad = (n: number) => String(n).padStart(2, '0')

/** UTC timestamp `YYYYMMDD_HHMMSS`. */
export function stamp(d: Date): string {
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}_${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
}

export function backupName(kind: BackupKind, at: Date, seq = 0): string {
  return `taguato_${kind}_${stamp(at)}${seq > 0 ? `_${seq}` : ''}.sql.gz`
}

/** Names of `kind` beyond the newest `keep` (names sort by time; mtime breaks nothing here). */
export function beyondRetention(names: string[], kind: BackupKind, keep: number): string[] {
  const mine = names.filter((n) => kindOf(n) === kind).sort(compareNewestFirst)
  return mine.slice(keep)
}

function seqOf(n: string): number {
  const m = /_(\d+)\.sql\.gz$/.exec(n.replace(/^taguato_(backup|auto)_\d{8}_\d{6}/, ''))
  return m ? Number(m[1]) : 0
}

export function compareNewestFirst(a: string, b: string): number {
  const ta = a.replace(/^taguato_(backup|auto)_/, '').slice(0, 15)
  const tb = b.replace(/^taguato_(backup|auto)_/, '').slice(0, 15)
  if (ta !== tb) return ta < tb ? 1 : -1
  return seqOf(b) - seqOf(a)
}

/**
 * node-cron expression for "every `seconds`": the largest whole unit that divides it (minutes, hours,
 * days), rounded to a whole minute at least. 86400 -> "0 0 * * *".
 */
export function intervalToCron(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60))
  if (minutes % 1440 === 0) {
    const days = minutes / 1440
    return days === 1 ? '0 0 * * *' : `0 0 */${Math.min(days, 31)} * *`
  }
  if (minutes % 60 === 0) return `0 */${minutes / 60} * * *`
  if (minutes < 60) return `*/${minutes} * * * *`
  // Not a whole number of hours: the nearest whole hour keeps a regular schedule.
  return `0 */${Math.min(23, Math.max(1, Math.round(minutes / 60)))} * * *`
}
