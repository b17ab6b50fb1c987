/** @module routes/incidents/schemas tests: the bodies the routes validate with keep the reference's order and messages (R7, docs/decisions.md#r7). */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { ruleError } from '../../lib/rules.js'
import { AT_LEAST_ONE_SERVICE } from '../../services/status/inputs.js'
import { AddUpdateBody, CreateIncidentBody, UpdateIncidentBody } from './schemas.js'

const TITLE_SEVERITY = 'title and severity are required'
const SEVERITY = 'severity must be one of: minor, major, critical'
const STATUS = 'status must be one of: investigating, identified, monitoring, resolved'

describe('CreateIncidentBody', () => {
  it.each([
    [{}, TITLE_SEVERITY],
    [{ severity: 'minor', message: 'm' }, TITLE_SEVERITY],
    [{ title: '', severity: 'minor' }, TITLE_SEVERITY],
    [{ title: 5 }, TITLE_SEVERITY],
    [{ title: 'x', message: 'm' }, TITLE_SEVERITY],
    [{ title: 'x', severity: null }, TITLE_SEVERITY],
    [{ title: 'x', severity: 'huge', message: 'm' }, SEVERITY],
    [{ title: 'x', severity: 'minor', status: 'done', message: 'm' }, STATUS],
    [{ title: 'x', severity: 'minor', status: null, message: 'm' }, STATUS],
    [{ title: 'x', severity: 'minor' }, 'message is required (initial update)'],
    [{ title: 'x', severity: 'minor', message: '' }, 'message is required (initial update)'],
    [{ title: 'x'.repeat(256), severity: 'minor', message: 'm' }, 'title must be at most 255 characters'],
    [{ title: 'x', severity: 'minor', message: 'm', service_ids: '1' }, 'service_ids must be an array of service ids'],
    [{ title: 'x', severity: 'minor', message: 'm', service_ids: [0] }, 'service_ids must be an array of service ids'],
    [{ title: 'x', severity: 'minor', message: 'm' }, AT_LEAST_ONE_SERVICE],
    [{ title: 'x', severity: 'minor', message: 'm', service_ids: null }, AT_LEAST_ONE_SERVICE],
    [{ title: 'x', severity: 'minor', message: 'm', service_ids: [] }, AT_LEAST_ONE_SERVICE],
  ])('%j -> %s', (body, message) => expect(ruleError(CreateIncidentBody, body)).toBe(message))

  it('defaults status to investigating', () => {
    expect(v.parse(CreateIncidentBody, { title: 't', severity: 'major', message: 'm', service_ids: [2] })).toEqual({ title: 't', severity: 'major', status: 'investigating', message: 'm', service_ids: [2] })
  })
})

describe('UpdateIncidentBody / AddUpdateBody', () => {
  it.each([
    [UpdateIncidentBody, {}, null], // the route answers "No fields to update"
    [UpdateIncidentBody, { severity: 'meh' }, SEVERITY],
    [UpdateIncidentBody, { title: '' }, TITLE_SEVERITY],
    [UpdateIncidentBody, { service_ids: [4] }, null],
    [UpdateIncidentBody, { service_ids: [] }, AT_LEAST_ONE_SERVICE],
    [AddUpdateBody, { status: 'identified' }, 'status and message are required'],
    [AddUpdateBody, { message: 'x' }, 'status and message are required'],
    [AddUpdateBody, { status: '', message: 'x' }, 'status and message are required'],
    [AddUpdateBody, { status: 'nah', message: 'x' }, STATUS],
    [AddUpdateBody, { status: 'resolved', message: 'Fixed' }, null],
  ] as const)('%#: %j -> %s', (schema, body, message) => expect(ruleError(schema, body)).toBe(message))
})
