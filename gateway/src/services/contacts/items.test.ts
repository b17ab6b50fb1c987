/** @module services/contacts/items tests: the CSV import parser (JSON items: routes/contacts/schemas.test.ts). */
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../errors/api-error.js'
import { parseImportCsv } from './items.js'

const err = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    return e instanceof ApiError ? `${e.status} ${e.message}` : String(e)
  }
  return 'no error'
}

describe('parseImportCsv', () => {
  it('splits accepted and rejected rows with their line numbers', () => {
    const csv = 'label,Phone_Number\nAna,595981000001\n"Bob, Jr",+5959\n,\nCarl,5959810000\n"=cmd",595981000009'
    expect(parseImportCsv(csv)).toEqual({
      accepted: [
        { row: 2, phone_number: '595981000001', label: 'Ana' },
        { row: 5, phone_number: '5959810000', label: 'Carl' },
        { row: 6, phone_number: '595981000009', label: '=cmd' },
      ],
      rejected: [
        { row: 3, phone_number: '+5959', error: 'Phone number must be between 8 and 20 digits' },
        { row: 4, phone_number: '', error: 'Phone number is required' },
      ],
    })
  })
  it('keeps the other columns as fields (placeholder keys, lower-cased)', () => {
    expect(parseImportCsv('Name,phone,label,Ciudad,bad col\nAna,595981000001,x, Asunción ,z\n').accepted).toEqual([
      { row: 2, phone_number: '595981000001', label: 'x', fields: { name: 'Ana', ciudad: 'Asunción' } },
    ])
  })
  it('accepts a phone-only file', () => {
    expect(parseImportCsv('phone_number\r\n595981000001\r\n').accepted).toEqual([{ row: 2, phone_number: '595981000001', label: '' }])
  })
  it.each([
    ['', '400 CSV is empty'],
    ['name,label\nx,y', '400 CSV header must include phone_number'],
    ['phone_number,label\n', '400 CSV has no data rows'],
    ['phone_number\n"595981', '400 Invalid CSV: line 2: unclosed quoted field'],
  ])('refuses %j', (csv, msg) => {
    expect(err(() => parseImportCsv(csv))).toBe(msg)
  })
})
