import { readFile, stat } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { pgEnv } from './pg-tools.js'

describe('pgEnv', () => {
  it('maps the URL to PG* vars and keeps the password in a 600 file', async () => {
    const { env, cleanup } = await pgEnv('postgres://app:s3c:r%40t@db.local:6543/taguato?sslmode=require')
    try {
      expect(env).toMatchObject({ PGHOST: 'db.local', PGPORT: '6543', PGUSER: 'app', PGDATABASE: 'taguato', PGSSLMODE: 'require' })
      expect(env.PGPASSWORD).toBeUndefined()
      expect(await readFile(env.PGPASSFILE!, 'utf8')).toBe('*:*:*:*:s3c\\:r@t\n')
      expect((await stat(env.PGPASSFILE!)).mode & 0o777).toBe(0o600)
    } finally {
      await cleanup()
    }
  })
  it('needs no file without a password', async () => {
    const { env } = await pgEnv('postgres://postgres@127.0.0.1:5432/taguato')
    expect(env.PGPASSFILE).toBeUndefined()
    expect(env.PGHOST).toBe('127.0.0.1')
  })
})
