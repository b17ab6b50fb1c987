// Recognising TAGUATO-SEND's schema and the message the gateway stops with (the database checks
// themselves run on real PostgreSQL in tests/integration/reference-start-refusal.test.ts).
import { describe, expect, it } from 'vitest'
import { hasReferenceShape, isReferenceHistory, REFERENCE_MIGRATIONS, refusalMessage } from './schema-check.js'

describe('the reference', () => {
  it('by its migration names, all 14 or the first few of an older install', () => {
    const all = [...REFERENCE_MIGRATIONS].map(([version, filename]) => ({ version, filename }))
    expect(isReferenceHistory(all)).toBe(true)
    expect(isReferenceHistory(all.slice(0, 6))).toBe(true)
    expect(isReferenceHistory([])).toBe(false)
    expect(isReferenceHistory([{ version: 1, filename: 'init' }])).toBe(false)
    expect(isReferenceHistory([...all, { version: 15, filename: 'init' }])).toBe(false)
  })

  it('by its tables when it has no history: users with api_token and without our totp_last_step', () => {
    expect(hasReferenceShape(['users', 'sessions', 'schema_migrations'], ['id', 'username', 'api_token', 'totp_secret'])).toBe(true)
    expect(hasReferenceShape(['users', 'job_runs'], ['id', 'api_token'])).toBe(false)
    expect(hasReferenceShape(['users'], ['id', 'api_token', 'totp_last_step'])).toBe(false)
  })
})

describe('refusalMessage', () => {
  it('names the import command and the guide for a reference database', () => {
    const m = refusalMessage({ kind: 'reference', why: 'x' })
    expect(m).toContain('npm run import:reference -- --dry-run')
    expect(m).toContain('docs/operations.md, "Migrating from TAGUATO-SEND"')
  })

  it('says to run the import again when one did not finish', () => {
    expect(refusalMessage({ kind: 'import-unfinished', why: 'y' })).toContain('Run the import again (it resumes where it stopped)')
  })
})
