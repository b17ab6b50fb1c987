// The reference's wall-clock timestamps read in a zone.
import { describe, expect, it } from 'vitest'
import { wallToInstant } from './wall-clock.js'

describe('wallToInstant', () => {
  it('reads the text PostgreSQL gives for TIMESTAMP in the given zone', () => {
    expect(wallToInstant('2025-01-15T10:30:00', 'UTC')?.toISOString()).toBe('2025-01-15T10:30:00.000Z')
    expect(wallToInstant('2025-01-15T10:30:00', 'America/Bogota')?.toISOString()).toBe('2025-01-15T15:30:00.000Z')
    expect(wallToInstant('2025-01-15 10:30:00.123456', 'Asia/Tokyo')?.toISOString()).toBe('2025-01-15T01:30:00.123Z')
    expect(wallToInstant('2025-07-01T12:00', 'Europe/Madrid')?.toISOString()).toBe('2025-07-01T10:00:00.000Z')
  })

  it('null for anything that is not a wall-clock text', () => {
    for (const x of [null, undefined, 5, '', '2025-01-15', 'soon']) expect(wallToInstant(x, 'UTC')).toBeNull()
  })
})
