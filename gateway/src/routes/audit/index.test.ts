/** @module routes/audit tests: the date filter parser (a bad date is a 400, never a silent empty list). */
import { describe, expect, it } from 'vitest'
import { parseAuditDate } from './index.js'

describe('parseAuditDate', () => {
  it.each([
    ['2025-01-15', '2025-01-15T00:00:00.000Z', true],
    ['2025-01-15T10:30', '2025-01-15T10:30:00.000Z', false],
    ['2025-01-15 10:30:05', '2025-01-15T10:30:05.000Z', false],
    ['2025-01-15T10:30:05.123Z', '2025-01-15T10:30:05.123Z', false],
    ['2025-01-15T10:30:05-03:00', '2025-01-15T13:30:05.000Z', false],
  ])('%s -> %s', (raw, iso, dateOnly) => expect(parseAuditDate(raw)).toEqual({ at: new Date(iso), dateOnly }))
  it.each(['', 'yesterday', '2025-02-30', '2025-13-01', '2025-01-15T25:00', '15/01/2025', "2025-01-01' or 1=1"])('refuses %j', (raw) =>
    expect(parseAuditDate(raw)).toBeNull(),
  )
})
