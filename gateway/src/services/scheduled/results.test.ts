/** @module services/scheduled tests: results math and input rules. */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { ruleError } from '../../lib/rules.js'
import { finalStatus, summarize } from './results.js'
import { checkContentForType, parseIsoDateTime, RecipientsRule, ScheduledAtRule } from './validate.js'

describe('summarize / finalStatus', () => {
  it('counts a fresh run', () => {
    const r = summarize(3, [{ kind: 'sent' }, { kind: 'failed', number: '595981000002', error: 'status 400' }, { kind: 'sent' }])
    expect(r).toEqual({ total: 3, sent: 2, failed: 1, unconfirmed: 0, skipped: 0, errors: ['595981000002: status 400'] })
    expect(finalStatus(r, false)).toBe('completed')
  })
  it('counts recipients of an earlier run as skipped plus their recorded outcome', () => {
    const r = summarize(4, [
      { kind: 'previous', number: '1', status: 'delivered', error: null },
      { kind: 'previous', number: '2', status: 'failed', error: 'status 500 (after 3 attempts)' },
      { kind: 'duplicate' },
      { kind: 'sent' },
    ])
    expect(r).toEqual({ total: 4, sent: 2, failed: 1, unconfirmed: 0, skipped: 3, errors: ['2: status 500 (after 3 attempts)'] })
  })
  it('counts an unconfirmed recipient (or one another worker holds in flight) as unconfirmed, never as sent', () => {
    const r = summarize(3, [
      { kind: 'previous', number: '1', status: 'unconfirmed', error: 'unconfirmed: ...' },
      { kind: 'previous', number: '2', status: 'sending', error: null },
      { kind: 'sent' },
    ])
    expect(r).toEqual({ total: 3, sent: 1, failed: 0, unconfirmed: 2, skipped: 2, errors: ['1: unconfirmed', '2: unconfirmed'] })
    expect(finalStatus(r, false)).toBe('completed')
  })
  it('is failed only when nothing was sent and something failed; cancelled wins', () => {
    const all = summarize(2, [
      { kind: 'failed', number: 'a', error: 'x' },
      { kind: 'failed', number: 'b', error: 'y' },
    ])
    expect(finalStatus(all, false)).toBe('failed')
    expect(finalStatus(all, true)).toBe('cancelled')
    expect(finalStatus(summarize(1, []), false)).toBe('completed')
    expect(summarize(0, []).errors).toEqual([])
  })
})

describe('scheduled input rules', () => {
  it('parses ISO 8601; no zone means UTC', () => {
    expect(parseIsoDateTime('2030-01-15T10:30')?.toISOString()).toBe('2030-01-15T10:30:00.000Z')
    expect(parseIsoDateTime('2030-01-15 10:30:05.5')?.toISOString()).toBe('2030-01-15T10:30:05.500Z')
    expect(parseIsoDateTime('2030-01-15T10:30:00-03:00')?.toISOString()).toBe('2030-01-15T13:30:00.000Z')
    expect(parseIsoDateTime('2030-01-15T10:30:00+0530')?.toISOString()).toBe('2030-01-15T05:00:00.000Z')
    expect(parseIsoDateTime('2030-01-15')?.toISOString()).toBe('2030-01-15T00:00:00.000Z')
    for (const bad of ['2030-02-30T00:00', '2030-13-01', '2030-01-15T24:00', 'tomorrow', '15/01/2030', '']) expect(parseIsoDateTime(bad)).toBeNull()
    expect(ruleError(ScheduledAtRule, 'nope')).toMatch(/ISO 8601/)
    expect(ruleError(ScheduledAtRule, 5)).toMatch(/ISO 8601/)
    for (const missing of [undefined, null, '']) expect(ruleError(ScheduledAtRule, missing)).toBe('scheduled_at is required')
    expect(v.parse(ScheduledAtRule, '2030-01-15T10:30').toISOString()).toBe('2030-01-15T10:30:00.000Z')
    expect(Math.abs(v.parse(ScheduledAtRule, 'now').getTime() - Date.now())).toBeLessThan(1000)
  })
  it('validates recipients', () => {
    expect(v.parse(RecipientsRule, [' 595981000001 ', 595981000002])).toEqual(['595981000001', '595981000002'])
    expect(ruleError(RecipientsRule, [])).toBe('recipients must be a non-empty array')
    expect(ruleError(RecipientsRule, '595981000001')).toBe('recipients must be a non-empty array')
    expect(ruleError(RecipientsRule, Array(501).fill('595981000001'))).toBe('Maximum 500 recipients allowed')
    // The count comes before the numbers, as in the reference.
    expect(ruleError(RecipientsRule, Array(501).fill('abc'))).toBe('Maximum 500 recipients allowed')
    expect(ruleError(RecipientsRule, ['595981000001', 'abc'])).toBe('Invalid recipient: Phone number must contain only digits')
    expect(ruleError(RecipientsRule, ['595981000001', null])).toBe('Invalid recipient: Phone number is required')
    expect(ruleError(RecipientsRule, [1.5])).toBe('Invalid recipient: Phone number must contain only digits')
    // Groups are recipients too: current and older JIDs; anything else after the digits is still refused.
    expect(v.parse(RecipientsRule, ['120363000000000001@g.us', ' 595981000001-1600000000@g.us'])).toEqual(['120363000000000001@g.us', '595981000001-1600000000@g.us'])
    expect(ruleError(RecipientsRule, ['120363000000000001@s.whatsapp.net'])).toBe('Invalid recipient: Phone number must contain only digits')
    expect(ruleError(RecipientsRule, ['abc@g.us'])).toBe('Invalid recipient: Phone number must contain only digits')
  })
  it('validates media content', () => {
    expect(checkContentForType('text', '{oops')).toBeNull()
    expect(checkContentForType('image', '{"mediatype":"image","media":"https://x/y.png","caption":"hi"}')).toMatchObject({ media: 'https://x/y.png' })
    expect(() => checkContentForType('image', 'hello')).toThrow(/JSON object/)
    expect(() => checkContentForType('image', '{"mediatype":"video","media":"https://x"}')).toThrow(/mediatype must be "image"/)
    expect(() => checkContentForType('document', '{"mediatype":"document"}')).toThrow('media is required')
    expect(() => checkContentForType('image', '{"mediatype":"image","media":"data:image/png;base64,AAA"}')).toThrow(/URL or base64/)
    expect(() => checkContentForType('image', '{"mediatype":"image","media":"QUJD","caption":5}')).toThrow('caption must be a string')
  })
})
