/** @module services/webhooks/events tests: validation, aliases, matching and the upstream union. */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { ruleError } from '../../lib/rules.js'
import { CreateEventsRule, EventsRule, eventConfigName, ignoredEvents, unionEvents, upstreamEvents, wants } from './events.js'
import { upstreamBody } from './sync.js'

describe('EventsRule (update)', () => {
  it('accepts v2 names and the reference spelling, drops duplicates', () => {
    expect(v.parse(EventsRule, ['MESSAGES_UPSERT', 'GROUPS_UPDATE', 'GROUP_UPDATE', 'MESSAGES_UPSERT', 'STATUS_INSTANCE'])).toEqual([
      'MESSAGES_UPSERT', 'GROUPS_UPDATE', 'GROUP_UPDATE', 'STATUS_INSTANCE',
    ])
    expect(v.parse(EventsRule, [])).toEqual([])
  })
  it.each([
    ['MESSAGES_UPSERT', 'events must be an array'],
    [{}, 'events must be an array'],
    [null, 'events must be an array'],
    [['messages.upsert'], 'Invalid event: messages.upsert'],
    [['NOPE'], 'Invalid event: NOPE'],
    [['MESSAGES_UPSERT', 7], 'Invalid event: 7'],
    [['A,B'], 'Invalid event: A,B'],
    [['MESSAGES_UPSERT', null], 'Invalid event: null'],
  ])('rejects %j', (value, msg) => {
    expect(ruleError(EventsRule, value)).toBe(msg)
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
    const events = v.parse(CreateEventsRule, ['MESSAGE', 'MESSAGES_UPSERT', 'MESSAGE', 'messages.upsert'])
    expect(events).toEqual(['MESSAGE', 'MESSAGES_UPSERT', 'messages.upsert'])
    expect(ignoredEvents(events)).toEqual(['MESSAGE', 'messages.upsert'])
    for (const x of ['CALL', undefined, null, {}]) expect(v.parse(CreateEventsRule, x)).toEqual([])
    expect(ruleError(CreateEventsRule, ['CALL', 7])).toBe('Invalid event: 7')
    expect(ruleError(CreateEventsRule, [{ a: 1 }])).toBe('Invalid event: {"a":1}')
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

describe('the gateway\'s own events', () => {
  it('are subscribable and delivered, never asked of the upstream', () => {
    expect(ignoredEvents(['SENDING_PAUSED', 'SENDING_RESUMED', 'MESSAGE_UNCONFIRMED'])).toEqual([])
    expect(upstreamEvents(['SEND_MESSAGE', 'SENDING_PAUSED'])).toEqual(['SEND_MESSAGE'])
    expect(upstreamEvents(['MESSAGE_UNCONFIRMED'])).toBeNull()
    expect(wants(['SENDING_PAUSED'], eventConfigName('sending.paused'))).toBe(true)
    expect(wants(['MESSAGE_UNCONFIRMED'], eventConfigName('message.unconfirmed'))).toBe(true)
    expect(v.safeParse(EventsRule, ['SENDING_RESUMED']).success).toBe(true)
  })
})
