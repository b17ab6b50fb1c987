// The import's command line: defaults, every problem at once, passwords never printed.
import { describe, expect, it } from 'vitest'
import { readOptions, redactUrl, UsageError } from './options.js'

describe('readOptions', () => {
  it('defaults: in place on DATABASE_URL, sessions kept, Evolution schema public', () => {
    const o = readOptions([], { DATABASE_URL: 'postgres://u:p@db:5432/evolution', BACKUP_DIR: '/backups', WEBHOOK_ALLOWED_HOSTS: 'a:1, b' })
    expect(o).toMatchObject({ databaseUrl: 'postgres://u:p@db:5432/evolution', dryRun: false, revokeSessions: false, evolutionSchema: 'public', backupDir: '/backups', webhookAllowedHosts: ['a:1', 'b'] })
    expect(o !== 'help' && o.from).toBeUndefined()
  })

  it('reads every flag', () => {
    const o = readOptions(['--dry-run', '--revoke-sessions', '--from', 'postgres://old/evolution', '--timezone', 'America/Asuncion',
      '--evolution-from', 'postgresql://old/evolution', '--evolution-redis', 'redis://old:6379', '--evolution-redis-prefix', 'taguato'], {})
    expect(o).toMatchObject({ dryRun: true, revokeSessions: true, from: 'postgres://old/evolution', timezone: 'America/Asuncion', evolutionRedisPrefix: 'taguato' })
    expect(readOptions(['--help'], {})).toBe('help')
  })

  it('refuses bad values, listing each', () => {
    expect(() => readOptions(['--from', 'mysql://x', '--timezone', 'Mars/Olympus'], {})).toThrow(UsageError)
    try {
      readOptions(['--from', 'mysql://x', '--timezone', 'Mars/Olympus'], {})
    } catch (err) {
      expect((err as Error).message.split('\n')).toEqual(['--from must be a postgres:// URL', '--timezone must be an IANA zone such as UTC or America/Asuncion'])
    }
    expect(() => readOptions(['--nope'], {})).toThrow(UsageError)
    expect(() => readOptions(['--evolution-redis', 'redis://x'], {})).toThrow('--evolution-redis needs --evolution-from')
  })

  it('never shows a password', () => {
    expect(redactUrl('postgres://taguato:s3cret@db:5432/evolution')).toBe('postgres://taguato:***@db:5432/evolution')
  })
})
