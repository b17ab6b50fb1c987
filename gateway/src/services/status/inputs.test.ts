import { describe, expect, it } from 'vitest'
import { parseIsoDate } from './inputs.js'

describe('parseIsoDate', () => {
  it('reads zoned and zone-less (UTC) forms', () => {
    expect(parseIsoDate('2025-01-15T10:30:00Z')?.toISOString()).toBe('2025-01-15T10:30:00.000Z')
    expect(parseIsoDate('2025-01-15T10:30:00')?.toISOString()).toBe('2025-01-15T10:30:00.000Z')
    expect(parseIsoDate('2025-01-15 10:30')?.toISOString()).toBe('2025-01-15T10:30:00.000Z')
    expect(parseIsoDate('2025-01-15T10:30:00-03:00')?.toISOString()).toBe('2025-01-15T13:30:00.000Z')
    expect(parseIsoDate('2025-01-15')?.toISOString()).toBe('2025-01-15T00:00:00.000Z')
  })
  it('refuses anything else', () => {
    for (const bad of ['2025-02-30T00:00:00Z', 'tomorrow', '2025-13-01T00:00:00Z', '15/01/2025', '', '2025-01-15T25:00:00Z']) expect(parseIsoDate(bad)).toBeNull()
  })
})
