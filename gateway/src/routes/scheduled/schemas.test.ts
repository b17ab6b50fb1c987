/** @module routes/scheduled/schemas tests: the bodies keep the reference's check order and messages (R5, docs/decisions.md#r5). */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { ruleError } from '../../lib/rules.js'
import { CreateScheduledBody, CreateScheduledTarget, UpdateScheduledBody, UpdateScheduledTarget } from './schemas.js'

const ok = { instance_name: 'shop', recipients: ['595981000001'], message_content: 'Hola', scheduled_at: '2030-01-15T10:30:00Z' }
const TYPES = 'message_type must be one of: text, image, document, audio, video'

describe('CreateScheduledTarget / CreateScheduledBody', () => {
  it.each([
    [{}, 'instance_name is required'],
    [{ ...ok, recipients: [] }, 'recipients must be a non-empty array'],
    [{ ...ok, recipients: ['12'] }, 'Invalid recipient: Phone number must be between 8 and 20 digits'],
    [{ ...ok, message_content: '' }, 'message_content is required'],
    [{ ...ok, message_content: 'x'.repeat(5001) }, 'message_content must be at most 5000 characters'],
    [{ ...ok, scheduled_at: null }, 'scheduled_at is required'],
    [{ ...ok, scheduled_at: 'tomorrow' }, 'scheduled_at must be an ISO 8601 date-time (e.g. 2025-01-15T10:30:00Z)'],
  ])('%j -> %s (before the instance check)', (body, message) => {
    expect(ruleError(CreateScheduledTarget, body)).toBe(message)
    expect(ruleError(CreateScheduledBody, body)).toBe(message)
  })

  it.each([
    [{ ...ok, message_type: 'sticker' }, TYPES],
    [{ ...ok, message_type: null }, TYPES],
    [{ ...ok, message_type: 'image' }, 'message_content must be a JSON object {mediatype, media, caption?, fileName?} for media messages'],
    [{ ...ok, message_type: 'image', message_content: '{"mediatype":"video","media":"QUJD"}' }, 'mediatype must be "image" (the message_type)'],
  ])('%j -> %s (after the instance check)', (body, message) => {
    expect(ruleError(CreateScheduledTarget, body)).toBeNull()
    expect(ruleError(CreateScheduledBody, body)).toBe(message)
  })

  it('defaults message_type to text and reads the time and the numbers', () => {
    const f = v.parse(CreateScheduledBody, { ...ok, recipients: [' 595981000001 ', 595981000002] })
    expect(f).toEqual({ instance_name: 'shop', recipients: ['595981000001', '595981000002'], message_content: 'Hola', scheduled_at: new Date('2030-01-15T10:30:00Z'), message_type: 'text' })
  })
})

describe('UpdateScheduledTarget / UpdateScheduledBody', () => {
  it.each([
    [UpdateScheduledTarget, { instance_name: '' }, 'instance_name is required'],
    [UpdateScheduledTarget, { recipients: null }, 'recipients must be a non-empty array'],
    [UpdateScheduledTarget, { scheduled_at: '' }, 'scheduled_at is required'],
    [UpdateScheduledTarget, { message_type: 'x' }, null],
    [UpdateScheduledBody, { message_type: 'x' }, TYPES],
    [UpdateScheduledBody, { message_type: 'image' }, null], // checked against the stored content by the route
  ] as const)('%#: %j -> %s', (schema, body, message) => expect(ruleError(schema, body)).toBe(message))
})
