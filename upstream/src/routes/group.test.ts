// The /group routes on the sandbox: a group created with members (unknown numbers dropped) shows in
// findGroupInfos, fetchAllGroups (from the groups store) and participants; subject, description, settings,
// participants, invites and leaving change it and reach a webhook receiver (groups.upsert, groups.update via a
// GROUP_UPDATE subscription, group-participants.update); sendText to the group carries mentions; bad input is
// Evolution's flat 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { openInstance, startReceiver, startUpstream, waitFor, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream
let sink: Awaited<ReturnType<typeof startReceiver>>
let gid = ''
const A = '595981000101@s.whatsapp.net'
const B = '595981000102@s.whatsapp.net'

beforeAll(async () => {
  db = await withDb()
  sink = await startReceiver()
  up = await startUpstream(db)
  await openInstance(up, 'g1')
  await up.req('POST', '/webhook/set/g1', {
    body: { webhook: { enabled: true, url: sink.url, events: ['GROUPS_UPSERT', 'GROUP_UPDATE', 'GROUP_PARTICIPANTS_UPDATE'] } },
  })
})
afterAll(async () => {
  await up?.close()
  await sink?.close()
  await db?.drop()
})

const hooks = (event: string) => sink.received.filter((r) => r.body?.event === event).map((r) => r.body.data)
const g = (method: string, route: string, body?: unknown) => up.req(method, `/group/${route}`, body === undefined ? {} : { body })

describe('sandbox groups', () => {
  it('create: 201 raw metadata, us superadmin, unknown numbers dropped, description set, groups.upsert sent', async () => {
    const res = await g('POST', 'create/g1', { subject: 'Team', participants: ['595981000101', '595981000102', '595981110000'], description: 'About' })
    expect(res.status).toBe(201)
    gid = res.body.id
    expect(gid).toMatch(/^120363\d{12}@g.us$/)
    expect(res.body).toMatchObject({ subject: 'Team', desc: 'About', size: 3 })
    expect(res.body.participants.map((p: { id: string }) => p.id).slice(1)).toEqual([A, B])
    expect(res.body.participants[0].admin).toBe('superadmin')
    const [upsert] = await waitFor(() => (hooks('groups.upsert').length ? hooks('groups.upsert') : null))
    expect(upsert[0]).toMatchObject({ id: gid, subject: 'Team' })
  })

  it('findGroupInfos, participants, fetchAllGroups answer Evolution shapes from the same group', async () => {
    const info = await g('GET', `findGroupInfos/g1?groupJid=${gid}`)
    expect(info.status).toBe(200)
    expect(info.body).toMatchObject({ id: gid, subject: 'Team', desc: 'About', size: 3, pictureUrl: expect.stringContaining('pps.whatsapp.net') })
    expect(info.body.participants[1]).toEqual({ id: A, admin: null })
    const parts = await g('GET', `participants/g1?groupJid=${gid.replace('@g.us', '')}`)
    expect(parts.body.participants).toHaveLength(3)
    const all = await g('GET', 'fetchAllGroups/g1?getParticipants=false')
    expect(all.status).toBe(200)
    expect(all.body).toHaveLength(1)
    expect(all.body[0]).toMatchObject({ id: gid, subject: 'Team' })
    expect(all.body[0].participants).toBeUndefined()
    const withP = await g('GET', 'fetchAllGroups/g1?getParticipants=true')
    expect(withP.body[0].participants).toHaveLength(3)
  })

  it('subject, description, setting, ephemeral: answers, groups.update delivered to GROUP_UPDATE, store updated', async () => {
    expect((await g('POST', `updateGroupSubject/g1?groupJid=${gid}`, { subject: 'Team 2' })).body).toEqual({ update: 'success' })
    expect((await g('POST', 'updateGroupDescription/g1', { groupJid: gid, description: 'New' })).status).toBe(201)
    const set = await g('POST', `updateSetting/g1?groupJid=${gid}`, { action: 'announcement' })
    expect([set.status, set.body]).toEqual([201, {}])
    expect((await g('POST', `toggleEphemeral/g1?groupJid=${gid}`, { expiration: 86400 })).body).toEqual({ success: true })
    // create's description was the first one.
    await waitFor(() => hooks('groups.update').length >= 5 || null)
    expect(hooks('groups.update').flat()).toContainEqual(expect.objectContaining({ id: gid, subject: 'Team 2' }))
    expect(hooks('groups.update').flat()).toContainEqual(expect.objectContaining({ id: gid, ephemeralDuration: 86400 }))
    const [stored] = (await g('GET', 'fetchAllGroups/g1?getParticipants=false')).body
    expect(stored).toMatchObject({ subject: 'Team 2', desc: 'New', announce: true })
  })

  it('updateParticipant: per-member statuses (200, 409, 404), promote, remove, group-participants.update with participantsData', async () => {
    const add = await g('POST', `updateParticipant/g1?groupJid=${gid}`, { action: 'add', participants: ['595981000103', '595981000101', '595981220000'] })
    expect(add.status).toBe(201)
    expect(add.body.updateParticipants.map((p: { status: string }) => p.status)).toEqual(['200', '409', '404'])
    expect(add.body.updateParticipants[0]).toMatchObject({ jid: '595981000103@s.whatsapp.net', content: { tag: 'participant' } })
    await g('POST', `updateParticipant/g1?groupJid=${gid}`, { action: 'promote', participants: [A] })
    await g('POST', `updateParticipant/g1?groupJid=${gid}`, { action: 'remove', participants: [B] })
    const ev = await waitFor(() => (hooks('group-participants.update').length >= 3 ? hooks('group-participants.update') : null))
    expect(ev[0]).toMatchObject({ id: gid, action: 'add', participants: [{ id: '595981000103@s.whatsapp.net' }], participantsData: [{ jid: '595981000103@s.whatsapp.net', phoneNumber: '595981000103@s.whatsapp.net' }] })
    const parts = (await g('GET', `participants/g1?groupJid=${gid}`)).body.participants
    expect(parts.map((p: { id: string; admin: unknown }) => [p.id, p.admin])).toEqual([[expect.any(String), 'superadmin'], [A, 'admin'], ['595981000103@s.whatsapp.net', null]])
    const [stored] = (await g('GET', 'fetchAllGroups/g1?getParticipants=true')).body
    expect(stored.size).toBe(3)
  })

  it('sendText to the group: mentioned and mentionsEveryOne / everyOne', async () => {
    const one = await up.req('POST', '/message/sendText/g1', { body: { number: gid, text: 'hi @A', mentioned: ['595981000101'] } })
    expect(one.status).toBe(201)
    expect(one.body.message.extendedTextMessage.contextInfo.mentionedJid).toEqual([A])
    const all = await up.req('POST', '/message/sendText/g1', { body: { number: gid, text: 'all', everyOne: true } })
    expect(all.body.message.extendedTextMessage.contextInfo.mentionedJid).toHaveLength(3)
    const plain = await up.req('POST', '/message/sendText/g1', { body: { number: gid, text: 'plain' } })
    expect(plain.body.messageType).toBe('conversation')
  })

  it('invites: code, revoke, info, accept of a foreign group (groups.upsert), unknown code 404', async () => {
    const code = await g('GET', `inviteCode/g1?groupJid=${gid}`)
    expect(code.body.inviteUrl).toBe(`https://chat.whatsapp.com/${code.body.inviteCode}`)
    expect(code.body.inviteCode).toMatch(/^[a-f0-9]{22}$/)
    const rev = await g('POST', `revokeInviteCode/g1?groupJid=${gid}`)
    expect([rev.status, rev.body.revoked]).toEqual([201, true])
    expect(rev.body.inviteCode).not.toBe(code.body.inviteCode)
    expect((await g('GET', `inviteInfo/g1?inviteCode=${rev.body.inviteCode}`)).body.id).toBe(gid)
    const foreign = 'F1EX5QZxO181L3TMVP31gY'
    const info = await g('GET', `inviteInfo/g1?inviteCode=${foreign}`)
    expect(info.body).toMatchObject({ subject: 'Sandbox Invite F1EX5Q', size: 2 })
    const acc = await g('GET', `acceptInviteCode/g1?inviteCode=${foreign}`)
    expect(acc.body).toEqual({ accepted: true, groupJid: info.body.id })
    expect((await g('GET', 'fetchAllGroups/g1?getParticipants=false')).body).toHaveLength(2)
    // Not admin there: WhatsApp refuses.
    const sub = await g('POST', `updateGroupSubject/g1?groupJid=${info.body.id}`, { subject: 'x' })
    expect([sub.status, sub.body.response.message]).toEqual([500, ['Error updating group subject', 'Error: not-authorized']])
    const bad = await g('GET', 'inviteInfo/g1?inviteCode=AAAAAAAAAAAAAAAAAA0000')
    expect([bad.status, bad.body.response.message]).toEqual([404, ['No invite info', 'AAAAAAAAAAAAAAAAAA0000']])
  })

  it('leaveGroup: 200, the group leaves the store, unknown group 400', async () => {
    const res = await g('DELETE', `leaveGroup/g1?groupJid=${gid}`)
    expect([res.status, res.body]).toEqual([200, { groupJid: gid, leave: true }])
    expect((await g('GET', 'fetchAllGroups/g1?getParticipants=false')).body.map((x: { id: string }) => x.id)).not.toContain(gid)
    const again = await g('DELETE', `leaveGroup/g1?groupJid=${gid}`)
    expect([again.status, again.body.response.message]).toEqual([400, ['Unable to leave the group', 'Error: item-not-found']])
    const info = await g('GET', `findGroupInfos/g1?groupJid=${gid}`)
    expect([info.status, info.body.response.message]).toEqual([404, ['Error fetching group', 'Error: item-not-found']])
  })
})

describe('bad input: Evolution flat 400s', () => {
  const msg = async (method: string, route: string, body?: unknown) => {
    const res = await g(method, route, body)
    return [res.status, res.body.response?.message]
  }
  it('groupJid, invite codes, getParticipants, bodies', async () => {
    expect(await msg('GET', 'findGroupInfos/g1')).toEqual([400, ['The group id needs to be informed in the query', 'ex: "groupJid=120362@g.us"']])
    expect(await msg('GET', 'findGroupInfos/g1?groupJid=abc')).toEqual([400, [{ property: 'groupJid', message: 'groupJid does not match pattern "^[\\\\d-]+@g.us$"' }]])
    expect(await msg('GET', 'inviteInfo/g1')).toEqual([400, ['The group invite code id needs to be informed in the query', 'ex: "inviteCode=F1EX5QZxO181L3TMVP31gY" (Obtained from group join link)']])
    expect(await msg('GET', 'inviteInfo/g1?inviteCode=short')).toEqual([400, [{ property: 'inviteCode', message: 'inviteCode does not match pattern "^[a-zA-Z0-9]{22}$"' }]])
    expect(await msg('GET', 'fetchAllGroups/g1')).toEqual([400, ['The getParticipants needs to be informed in the query']])
    expect(await msg('GET', 'fetchAllGroups/g1?getParticipants=yes')).toEqual([400, [{ property: 'getParticipants', message: 'getParticipants is not one of enum values: true,false' }]])
    expect(await msg('POST', 'create/g1', { participants: ['595981000101'] })).toEqual([400, [{ property: 'instance', message: 'instance requires property "subject"' }]])
    expect(await msg('POST', 'updateParticipant/g1?groupJid=120363000000000009', { action: 'kick', participants: ['595981000101'] }))
      .toEqual([400, [{ property: 'action', message: 'action is not one of enum values: add,remove,promote,demote' }]])
    expect(await msg('POST', 'toggleEphemeral/g1?groupJid=120363000000000009', { expiration: 5 }))
      .toEqual([400, [{ property: 'expiration', message: 'expiration is not one of enum values: 0,86400,604800,7776000' }]])
  })
  it('guards: unknown instance 404, wrong key 401', async () => {
    expect((await g('GET', 'fetchAllGroups/nope?getParticipants=true')).status).toBe(404)
    expect((await up.req('GET', '/group/fetchAllGroups/g1?getParticipants=true', { key: 'wrong' })).status).toBe(401)
  })
})
