/** @module services/webhooks/events tests: validation, aliases, matching and the upstream union. */
import { describe, expect, it } from 'vitest'
import { eventConfigName, parseCreateEvents, parseEvents, unionEvents, upstreamEvents, wants } from './events.js'
import { upstreamBody } from './sync.js'

describe('parseEvents', () => {
  it('accepts v2 names and the reference spelling, drops duplicates', () => {
    expect(parseEvents(['MESSAGES_UPSERT', 'GROUPS_UPDATE', 'GROUP_UPDATE', 'MESSAGES_UPSERT', 'STATUS_INSTANCE'])).toEqual([
      'MESSAGES_UPSERT', 'GROUPS_UPDATE', 'GROUP_UPDATE', 'STATUS_INSTANCE',
    ])
    expect(parseEvents(undefined)).toEqual([])
    expect(parseEvents([])).toEqual([])
  })
  it.each([
    ['MESSAGES_UPSERT', 'events must be an array'],
    [{}, 'events must be an array'],
    [null, 'events must be an array'],
    [['messages.upsert'], 'Invalid event: messages.upsert'],
    [['NOPE'], 'Invalid event: NOPE'],
    [['MESSAGES_UPSERT', 7], 'Invalid event: 7'],
    [['A,B'], 'Invalid event: A,B'],
  ])('rejects %j', (value, msg) => {
    expect(() => parseEvents(value)).toThrow(msg)
  })
})

describe('matching', () => {
  it('maps envelope names to config names', () => {
    expect(eventConfigName('messages.update')).toBe('MESSAGES_UPDATE')
    expect(eventConfigName('group-participants.update')).toBe('GROUP_PARTICIPANTS_UPDATE')
    expect(eventConfigName('groups.update')).toBe('GROUP_UPDATE')
  })
  it('treats [] as all and the GROUPS/GROUP spellings alike', () => {
    expect(wants([], 'CALL')).toBe(true)
    expect(wants(['GROUPS_UPDATE'], 'GROUP_UPDATE')).toBe(true)
    expect(wants(['MESSAGES_UPSERT'], 'CALL')).toBe(false)
  })
  it('unions the events of every active webhook of an instance', () => {
    expect(unionEvents([['MESSAGES_UPSERT'], ['GROUPS_UPDATE', 'CALL']])).toEqual(['CALL', 'GROUP_UPDATE', 'MESSAGES_UPSERT'])
    expect(unionEvents([['CALL'], []])).toEqual([])
  })
})

describe('create events (as the reference: any names)', () => {
  it('keeps unknown names and reports them; a non-array is [] (all)', () => {
    expect(parseCreateEvents(['MESSAGE', 'MESSAGES_UPSERT', 'MESSAGE', 'messages.upsert'])).toEqual({
      events: ['MESSAGE', 'MESSAGES_UPSERT', 'messages.upsert'], ignored: ['MESSAGE', 'messages.upsert'],
    })
    expect(parseCreateEvents('CALL')).toEqual({ events: [], ignored: [] })
    expect(parseCreateEvents(undefined)).toEqual({ events: [], ignored: [] })
    expect(() => parseCreateEvents(['CALL', 7])).toThrow('Invalid event: 7')
  })
  it('unknown names never reach the upstream, and a list of only unknown names is not "all"', () => {
    expect(upstreamEvents([])).toEqual([])
    expect(upstreamEvents(['MESSAGE', 'CALL'])).toEqual(['CALL'])
    expect(upstreamEvents(['MESSAGE'])).toBeNull()
    expect(upstreamBody('http://gw/r', [['MESSAGE'], ['CALL', 'X']]).webhook).toMatchObject({ enabled: true, events: ['CALL'] })
    expect(upstreamBody('http://gw/r', [['MESSAGE']]).webhook).toMatchObject({ enabled: false, events: [] })
    expect(wants(['MESSAGE'], 'MESSAGES_UPSERT')).toBe(false)
  })
})
