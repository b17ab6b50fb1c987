// The /group routes on the Baileys driver with the scripted socket: each route makes the socket call Evolution
// makes, with the exact arguments, and answers Evolution's shape; Baileys' group events reach the store and a
// webhook receiver (groups.update delivered to GROUP_UPDATE subscribers); socket errors get the route's wrapper.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startBaileysRig, type BaileysRig } from '../../testing/baileys-rig.js'
import { FAKE_GROUP, fakeGroup } from '../../testing/fake-baileys.js'
import { waitFor, type Upstream } from '../../testing/upstream-harness.js'

let rig: BaileysRig
let up: Upstream
const sock = () => rig.sock()
const M1 = '595981111111@s.whatsapp.net'

beforeAll(async () => {
  rig = await startBaileysRig({ instance: 'b1', events: ['GROUPS_UPSERT', 'GROUP_UPDATE', 'GROUP_PARTICIPANTS_UPDATE'] })
  up = rig.up
})
afterAll(async () => {
  await rig?.close()
})
beforeEach(() => {
  sock().groupCalls.length = 0
  sock().groupImpl = {}
})

const hooks = (event: string) => rig.hooks(event)
const g = (method: string, route: string, body?: unknown) => up.req(method, `/group/${route}`, body === undefined ? {} : { body })

describe('socket calls', () => {
  it('create: onWhatsApp drops unknown numbers, then groupCreate, groupUpdateDescription, promote, groupMetadata', async () => {
    const res = await g('POST', 'create/b1', { subject: 'Team', participants: ['595981111111', '595981110000'], description: 'About', promoteParticipants: true })
    expect(res.status).toBe(201)
    expect(sock().groupCalls).toEqual([
      ['groupCreate', 'Team', [M1]],
      ['groupUpdateDescription', FAKE_GROUP, 'About'],
      ['groupParticipantsUpdate', FAKE_GROUP, [M1], 'promote'],
      ['groupMetadata', FAKE_GROUP],
    ])
    expect(res.body).toEqual(fakeGroup(FAKE_GROUP))
  })

  it('updates and invites: exact arguments and answers', async () => {
    const q = `b1?groupJid=${FAKE_GROUP}`
    expect((await g('POST', `updateGroupSubject/${q}`, { subject: 'S' })).body).toEqual({ update: 'success' })
    expect((await g('POST', `updateGroupDescription/${q}`, { description: 'D' })).status).toBe(201)
    expect((await g('POST', `updateSetting/${q}`, { action: 'locked' })).body).toEqual({})
    expect((await g('POST', `toggleEphemeral/${q}`, { expiration: 0 })).body).toEqual({ success: true })
    expect((await g('GET', `inviteCode/${q}`)).body).toEqual({ inviteUrl: 'https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv', inviteCode: 'AbCdEfGhIjKlMnOpQrStUv' })
    expect((await g('POST', `revokeInviteCode/${q}`)).body).toEqual({ revoked: true, inviteCode: 'NewCodeNewCodeNewCode1' })
    expect((await g('GET', 'inviteInfo/b1?inviteCode=F1EX5QZxO181L3TMVP31gY')).body.id).toBe(FAKE_GROUP)
    expect((await g('GET', 'acceptInviteCode/b1?inviteCode=F1EX5QZxO181L3TMVP31gY')).body).toEqual({ accepted: true, groupJid: FAKE_GROUP })
    const upd = await g('POST', `updateParticipant/${q}`, { action: 'remove', participants: ['595981111111'] })
    expect(upd.body).toEqual({ updateParticipants: [{ status: '200', jid: M1, content: { tag: 'participant', attrs: { jid: M1 } } }] })
    expect(sock().groupCalls).toEqual([
      ['groupUpdateSubject', FAKE_GROUP, 'S'],
      ['groupUpdateDescription', FAKE_GROUP, 'D'],
      ['groupSettingUpdate', FAKE_GROUP, 'locked'],
      ['groupToggleEphemeral', FAKE_GROUP, 0],
      ['groupInviteCode', FAKE_GROUP],
      ['groupRevokeInvite', FAKE_GROUP],
      ['groupGetInviteInfo', 'F1EX5QZxO181L3TMVP31gY'],
      ['groupAcceptInvite', 'F1EX5QZxO181L3TMVP31gY'],
      ['groupParticipantsUpdate', FAKE_GROUP, [M1], 'remove'],
    ])
  })

  it('findGroupInfos: groupMetadata + profilePictureUrl -> the group object (LID ids with phoneNumber)', async () => {
    const res = await g('GET', `findGroupInfos/b1?groupJid=${FAKE_GROUP}`)
    expect(sock().groupCalls).toEqual([['groupMetadata', FAKE_GROUP]])
    expect(res.body).toMatchObject({ id: FAKE_GROUP, subject: 'Team', pictureUrl: 'https://pps.whatsapp.net/v/120363000000000001.jpg', size: 2, owner: '11111@lid' })
    expect(res.body.participants[0]).toEqual({ id: '11111@lid', phoneNumber: '595981000999@s.whatsapp.net', admin: 'superadmin' })
    expect(res.body.ownerPn).toBeUndefined()
  })

  it('fetchAllGroups: groupFetchAllParticipating once per session, then the store', async () => {
    const other = '120363000000000002@g.us'
    sock().groupImpl.groupFetchAllParticipating = () => ({ [FAKE_GROUP]: fakeGroup(FAKE_GROUP), [other]: fakeGroup(other, 'Other') })
    const first = await g('GET', 'fetchAllGroups/b1?getParticipants=true')
    expect(first.body.map((x: { subject: string }) => x.subject)).toEqual(['Team', 'Other'])
    const second = await g('GET', 'fetchAllGroups/b1?getParticipants=false')
    expect(second.body).toHaveLength(2)
    expect(sock().groupCalls.filter((c) => c[0] === 'groupFetchAllParticipating')).toHaveLength(1)
  })

  it('errors: the route wrapper with the Baileys text; leaveGroup', async () => {
    sock().groupImpl.groupUpdateSubject = () => { throw new Error('not-authorized') }
    const res = await g('POST', `updateGroupSubject/b1?groupJid=${FAKE_GROUP}`, { subject: 'x' })
    expect([res.status, res.body.response.message]).toEqual([500, ['Error updating group subject', 'Error: not-authorized']])
    sock().groupImpl.groupMetadata = () => { throw new Error('item-not-found') }
    expect((await g('GET', `participants/b1?groupJid=${FAKE_GROUP}`)).body.response.message).toEqual(['No participants', 'Error: item-not-found'])
    const leave = await g('DELETE', 'leaveGroup/b1?groupJid=120363000000000002')
    expect([leave.status, leave.body]).toEqual([200, { groupJid: '120363000000000002@g.us', leave: true }])
    expect(sock().groupCalls.at(-1)).toEqual(['groupLeave', '120363000000000002@g.us'])
  })

  it('sendText to a group: {text, mentions}', async () => {
    sock().sent.length = 0
    const res = await up.req('POST', '/message/sendText/b1', { body: { number: FAKE_GROUP, text: 'all', mentionsEveryOne: true } })
    expect(res.status).toBe(201)
    expect(sock().sent[0]).toEqual([FAKE_GROUP, expect.objectContaining({ text: 'all', mentions: ['11111@lid', '22222@lid'] })])
  })
})

describe('Baileys group events', () => {
  it('groups.upsert / groups.update / group-participants.update -> store and webhooks', async () => {
    const jid = '120363000000000003@g.us'
    sock().ev.emit('groups.upsert', [fakeGroup(jid, 'Joined')])
    sock().ev.emit('groups.update', [{ id: jid, subject: 'Renamed', author: '11111@lid' }])
    sock().ev.emit('group-participants.update', { id: jid, author: '11111@lid', participants: [{ id: '33333@lid', phoneNumber: '595981333333@s.whatsapp.net', admin: null }], action: 'add' })
    const ev = await waitFor(() => hooks('group-participants.update').find((d) => d.id === jid))
    expect(ev).toEqual({ id: jid, author: '11111@lid', action: 'add', participants: [{ id: '33333@lid', phoneNumber: '595981333333@s.whatsapp.net', admin: null }],
      participantsData: [{ jid: '33333@lid', phoneNumber: '595981333333@s.whatsapp.net' }] })
    expect(hooks('groups.upsert').flat().some((x) => x.id === jid)).toBe(true)
    expect(hooks('groups.update')).toContainEqual([{ id: jid, subject: 'Renamed', author: '11111@lid' }])
    const all = (await g('GET', 'fetchAllGroups/b1?getParticipants=true')).body
    const stored = all.find((x: { id: string }) => x.id === jid)
    expect(stored).toMatchObject({ subject: 'Renamed', size: 3 })
    // Our own account removed: the group leaves the store.
    sock().ev.emit('group-participants.update', { id: jid, author: '11111@lid', participants: [{ id: '99999@lid', phoneNumber: '595981000999@s.whatsapp.net' }], action: 'remove' })
    await waitFor(async () => !(await g('GET', 'fetchAllGroups/b1?getParticipants=false')).body.some((x: { id: string }) => x.id === jid) || null)
  })
})
