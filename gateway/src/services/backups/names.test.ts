import { describe, expect, it } from 'vitest'
import { backupName, beyondRetention, intervalToCron, isBackupName } from './names.js'

describe('backup names', () => {
  it('accepts only the strict pattern', () => {
    expect(isBackupName('taguato_backup_20250115_103000.sql.gz')).toBe(true)
    expect(isBackupName('taguato_auto_20250115_103000_2.sql.gz')).toBe(true)
    for (const bad of [
      '../taguato_backup_20250115_103000.sql.gz',
      'taguato_backup_20250115_103000.sql.gz/../../etc/passwd',
      '..%2Fetc%2Fpasswd',
      '/etc/passwd',
      'taguato_backup_2025011_103000.sql.gz',
      'taguato_weekly_20250115_103000.sql.gz',
      'taguato_backup_20250115_103000.sql',
      'taguato_backup_20250115_103000.sql.gz\n',
      '',
    ]) expect(isBackupName(bad)).toBe(false)
  })
  it('builds UTC names with a sequence suffix', () => {
    const d = new Date('2025-01-15T10:30:05Z')
    expect(backupName('backup', d)).toBe('taguato_backup_20250115_103005.sql.gz')
    expect(backupName('auto', d, 2)).toBe('taguato_auto_20250115_103005_2.sql.gz')
  })
  it('keeps the newest N of a kind only', () => {
    const names = [
      'taguato_auto_20250101_000000.sql.gz',
      'taguato_auto_20250103_000000.sql.gz',
      'taguato_auto_20250103_000000_1.sql.gz',
      'taguato_auto_20250102_000000.sql.gz',
      'taguato_backup_20240101_000000.sql.gz',
    ]
    expect(beyondRetention(names, 'auto', 2)).toEqual(['taguato_auto_20250102_000000.sql.gz', 'taguato_auto_20250101_000000.sql.gz'])
    expect(beyondRetention(names, 'backup', 2)).toEqual([])
  })
})

describe('intervalToCron', () => {
  it('maps common intervals', () => {
    expect(intervalToCron(86400)).toBe('0 0 * * *')
    expect(intervalToCron(3600)).toBe('0 */1 * * *')
    expect(intervalToCron(21600)).toBe('0 */6 * * *')
    expect(intervalToCron(300)).toBe('*/5 * * * *')
    expect(intervalToCron(60)).toBe('*/1 * * * *')
    expect(intervalToCron(172800)).toBe('0 0 */2 * *')
  })
})
