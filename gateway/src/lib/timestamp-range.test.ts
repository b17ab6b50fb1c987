import { describe, expect, it } from 'vitest'
import { parseIsoDateTime } from '../services/scheduled/validate.js'
import { boundAfter, MAX_TIMESTAMP_MS, storable } from './timestamp-range.js'

describe('timestamp range', () => {
  it('year 0 and years past 9999 are not storable; 0001 and 9999 are', () => {
    expect(storable(new Date('0000-06-01T00:00:00Z'))).toBe(false)
    expect(storable(new Date('+010000-01-01T00:00:00Z'))).toBe(false)
    expect(storable(new Date('0001-01-01T00:00:00Z'))).toBe(true)
    expect(storable(new Date('9999-12-31T23:59:59Z'))).toBe(true)
  })
  it('parsers refuse what PostgreSQL cannot store (found by the generated bad-input suite)', () => {
    expect(parseIsoDateTime('0000-01-01T00:00:00Z')).toBeNull()
    expect(parseIsoDateTime('2025-01-15T10:30:00Z')?.toISOString()).toBe('2025-01-15T10:30:00.000Z')
  })
  it('a bound computed past 9999-12-31 is clamped', () => {
    expect(boundAfter(MAX_TIMESTAMP_MS + 86_400_000).getTime()).toBe(MAX_TIMESTAMP_MS)
  })
})
