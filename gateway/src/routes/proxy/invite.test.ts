/** @module routes/proxy/invite tests: which sendInvite bodies are logged, and the route table's entries for sendInvite and /proxy. */
import { describe, expect, it } from 'vitest'
import { inviteNumbers } from './invite.js'
import { matchRoute } from './route-table.js'

describe('inviteNumbers', () => {
  it('the numbers of a well-formed body, else none (the upstream refuses it, nothing is sent)', () => {
    expect(inviteNumbers({ groupJid: 'g', description: 'd', numbers: ['595981000101', '595981000102'] })).toEqual(['595981000101', '595981000102'])
    for (const body of [undefined, null, [], 'x', {}, { numbers: 'x' }, { numbers: ['1', 2] }, { numbers: [''] }]) expect(inviteNumbers(body)).toEqual([])
  })
})

describe('route table', () => {
  it('sendInvite is an invite send on its instance; /proxy/set is owner-only, /proxy/find any user of the instance', () => {
    expect(matchRoute('POST', ['group', 'SENDINVITE', 'i1'])).toMatchObject({ rule: { kind: 'invite' }, instance: 'i1' })
    expect(matchRoute('POST', ['proxy', 'set', 'i1'])).toMatchObject({ rule: { kind: 'forward', ownerOnly: true }, instance: 'i1' })
    expect(matchRoute('GET', ['proxy', 'find', 'i1'])?.rule.ownerOnly).toBeUndefined()
    expect(matchRoute('GET', ['proxy', 'set', 'i1'])).toBeNull()
  })
})
