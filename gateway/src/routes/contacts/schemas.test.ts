/** @module routes/contacts/schemas tests: the bodies the routes validate with keep the reference's reading and messages (R5, docs/decisions.md#r5). */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { ruleError } from '../../lib/rules.js'
import { AddItemsBody, ImportCsvBody, ListNameBody } from './schemas.js'

describe('AddItemsBody', () => {
  it('accepts an array or a single item, skips entries without a phone, trims', () => {
    expect(v.parse(AddItemsBody, { items: [{ phone_number: ' 595981000001 ', label: 'a' }, { phone_number: '' }, { label: 'x' }, 'x', null, [1]] })).toEqual([
      { phone_number: '595981000001', label: 'a' },
    ])
    expect(v.parse(AddItemsBody, { phone_number: 595981000002 })).toEqual([{ phone_number: '595981000002', label: '' }])
    expect(v.parse(AddItemsBody, { items: 'x', phone_number: '595981000003', label: null })).toEqual([{ phone_number: '595981000003', label: '' }])
    expect(v.parse(AddItemsBody, { items: [] })).toEqual([])
    expect(v.parse(AddItemsBody, {})).toEqual([])
  })

  it.each([
    [{ items: [{ phone_number: '595981000001' }, { phone_number: '+595981' }] }, 'Phone number must contain only digits (+595981)'],
    [{ items: [{ phone_number: '1234' }] }, 'Phone number must be between 8 and 20 digits (1234)'],
    [{ items: [{ phone_number: '5959 8100 0001 2345 678' }] }, 'Phone number must be at most 20 characters (5959 8100 0001 2345 678)'],
    [{ items: [{ phone_number: '595981000001', label: 'x'.repeat(101) }] }, `label must be at most 100 characters (595981000001)`],
    [{ items: [{ phone_number: '595981000001', label: 5 }] }, 'label must be a string (595981000001)'],
    [{ phone_number: true }, 'Phone number is required (true)'],
    [{ items: [{ phone_number: {} }] }, 'Phone number is required ([object Object])'],
    // The count comes first, whatever the items hold.
    [{ items: Array(10_001).fill({ phone_number: 'x' }) }, 'Maximum 10000 items per request'],
  ])('%#: -> %s', (body, message) => expect(ruleError(AddItemsBody, body)).toBe(message))
})

describe('ImportCsvBody / ListNameBody', () => {
  it.each([
    [ImportCsvBody, {}, 'csv is required'],
    [ImportCsvBody, { csv: 5 }, 'csv is required'],
    [ImportCsvBody, { csv: '' }, null], // the import answers "CSV is empty"
    [ListNameBody, {}, 'name is required'],
    [ListNameBody, { name: '' }, 'name must be at least 1 characters'],
  ] as const)('%#: %j -> %s', (schema, body, message) => expect(ruleError(schema, body)).toBe(message))
})
