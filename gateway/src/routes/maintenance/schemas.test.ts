/** @module routes/maintenance/schemas tests: create/update bodies, the reference's order and messages (R7, docs/decisions.md#r7). */
import { describe, expect, it } from 'vitest'
import { ruleError } from '../../lib/rules.js'
import { readCreate, UpdateMaintenanceBody } from './schemas.js'

const REQUIRED = 'title, scheduled_start, and scheduled_end are required'

describe('readCreate', () => {
  it.each([
    [{ title: 'x' }, REQUIRED],
    [{ title: 5, scheduled_start: 'a', scheduled_end: 'b' }, REQUIRED],
    [{ title: 'x', scheduled_start: null, scheduled_end: '2030-01-01' }, REQUIRED],
    [{ title: 'x', scheduled_start: 'tomorrow', scheduled_end: '2030-01-01T00:00:00Z' }, 'scheduled_start must be an ISO 8601 date'],
    [{ title: 'x', scheduled_start: '2030-01-02', scheduled_end: '2030-01-01' }, 'scheduled_end must be after scheduled_start'],
    [{ title: 'x', scheduled_start: '2030-01-01', scheduled_end: '2030-01-02', description: 5 }, 'description must be a string'],
    [{ title: 'x', scheduled_start: '2030-01-01', scheduled_end: '2030-01-02', status: 'later' }, 'status must be one of: scheduled, in_progress, completed'],
  ])('%j -> %s', (body, message) => expect(() => readCreate(body)).toThrow(message))

  it('defaults description to "" (null too) and status to scheduled', () => {
    expect(readCreate({ title: 'x', scheduled_start: '2030-01-01', scheduled_end: '2030-01-02', description: null })).toEqual({
      title: 'x', scheduled_start: new Date('2030-01-01T00:00:00Z'), scheduled_end: new Date('2030-01-02T00:00:00Z'), description: '', status: 'scheduled',
    })
  })
})

describe('UpdateMaintenanceBody', () => {
  it.each([
    [{}, null], // the route answers "No fields to update"
    [{ title: '' }, 'title must not be empty'],
    [{ description: null }, 'description must be a string'],
    [{ status: 'later' }, 'status must be one of: scheduled, in_progress, completed'],
    [{ scheduled_end: 'soon' }, 'scheduled_end must be an ISO 8601 date'],
    [{ service_ids: [2, 4] }, null],
  ])('%j -> %s', (body, message) => expect(ruleError(UpdateMaintenanceBody, body)).toBe(message))
})
