// The /group routes on a Cloud API instance: every one is Evolution's NA-400, and no Graph request is made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FakeGraph } from '../../../../tests/support/fake-graph.js'
import { startCloudRig, type CloudRig } from '../../testing/cloud-rig.js'
import type { Upstream } from '../../testing/upstream-harness.js'

let rig: CloudRig
let up: Upstream
let graph: FakeGraph

beforeAll(async () => {
  rig = await startCloudRig()
  ;({ up, graph } = rig)
})
afterAll(async () => {
  await rig?.close()
})

const NA = { status: 400, error: 'Bad Request', response: { message: ['Method not available on WhatsApp Business API'] } }
const G = '120363000000000001@g.us'

describe('Cloud API groups', () => {
  it.each([
    ['POST', '/group/create/biz', { subject: 'T', participants: ['595981000101'] }],
    ['POST', `/group/updateGroupSubject/biz?groupJid=${G}`, { subject: 'x' }],
    ['POST', `/group/updateParticipant/biz?groupJid=${G}`, { action: 'add', participants: ['595981000101'] }],
    ['GET', `/group/findGroupInfos/biz?groupJid=${G}`, undefined],
    ['GET', '/group/fetchAllGroups/biz?getParticipants=true', undefined],
    ['GET', '/group/inviteInfo/biz?inviteCode=F1EX5QZxO181L3TMVP31gY', undefined],
    ['DELETE', `/group/leaveGroup/biz?groupJid=${G}`, undefined],
    ['POST', `/group/updateGroupPicture/biz?groupJid=${G}`, { image: 'iVBORw0KGgo=' }],
    ['POST', '/group/sendInvite/biz', { groupJid: G, description: 'd', numbers: ['595981000101'] }],
  ])('%s %s -> NA-400', async (method, path, body) => {
    graph.requests.length = 0
    const res = await up.req(method, path, body === undefined ? {} : { body })
    expect([res.status, res.body]).toEqual([400, NA])
    expect(graph.requests).toEqual([])
  })
})
