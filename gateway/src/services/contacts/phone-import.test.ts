/** @module services/contacts/phone-import tests: number normalisation and the duplicates report. */
import { describe, expect, it } from 'vitest'
import { normalizePhone, splitDuplicates } from './phone-import.js'

describe('normalizePhone', () => {
  it('keeps the digits of written numbers', () => {
    expect(normalizePhone('+595 981 000032')).toBe('595981000032')
    expect(normalizePhone(' (0981) 000-032 ')).toBe('0981000032')
    expect(normalizePhone('595.981.000.032')).toBe('595981000032')
  })
  it('leaves other characters for the phone rule to refuse', () => {
    expect(normalizePhone('59598x000032')).toBe('59598x000032')
  })
})

describe('splitDuplicates', () => {
  it('keeps the first of a number, reports later ones and the ones already in the list', () => {
    const rows = [
      { row: 2, phone_number: '595981000032' },
      { row: 3, phone_number: '595981000033' },
      { row: 4, phone_number: '595981000032' },
      { row: 5, phone_number: '595981000099' },
    ]
    const r = splitDuplicates(rows, ['+595 981 000099'])
    expect(r.fresh.map((x) => x.row)).toEqual([2, 3])
    expect(r.duplicates).toEqual([
      { row: 4, phone_number: '595981000032', reason: 'duplicate of row 2' },
      { row: 5, phone_number: '595981000099', reason: 'already in the list' },
    ])
  })
})
