/**
 * @module upstream/routes/group
 * Evolution v2's /group routes, with its methods and status codes: POST create, updateGroupPicture,
 * updateGroupSubject, updateGroupDescription, revokeInviteCode, updateParticipant, updateSetting,
 * toggleEphemeral (201), sendInvite (200: Evolution's, Q19); GET inviteCode, inviteInfo, acceptInviteCode,
 * findGroupInfos, fetchAllGroups, participants (200); DELETE leaveGroup (200). Guards as every instance route (404, then 401); `groupJid` from the body, else the query
 * (`@g.us` appended); failures are Evolution's flat `[{property, message}]` 400 (lib/validation.ts
 * validateGroup); sendInvite reads `groupJid` from its body only, as Evolution. The work is in services/groups.ts.
 */
import { Hono, type Context } from 'hono'
import type * as v from 'valibot'
import * as G from '../../../common/src/evolution/group-bodies.js'
import type { InstanceRow } from '../db/instances.js'
import type { UpstreamDeps } from '../deps.js'
import type { UpstreamEnv } from '../env.js'
import { badRequest } from '../lib/errors.js'
import { readBody, validateGroup } from '../lib/validation.js'
import { instanceGuard } from '../middleware/auth.js'
import * as S from '../services/groups.js'

type Ctx = Context<UpstreamEnv>

/** The group JID: body first, then the query; `@g.us` appended; the pattern checked unless `loose` (leaveGroup). */
function groupJidOf(c: Ctx, body: unknown, loose = false): string {
  const fromBody = body && typeof body === 'object' ? (body as { groupJid?: unknown }).groupJid : undefined
  const raw = typeof fromBody === 'string' && fromBody !== '' ? fromBody : c.req.query('groupJid')
  if (!raw) throw badRequest('The group id needs to be informed in the query', 'ex: "groupJid=120362@g.us"')
  const jid = raw.includes('@g.us') ? raw : `${raw}@g.us`
  return loose ? jid : validateGroup(G.GroupJidQuery, { groupJid: jid }).groupJid
}

function inviteCodeOf(c: Ctx): string {
  const code = c.req.query('inviteCode')
  if (!code) {
    throw badRequest('The group invite code id needs to be informed in the query', 'ex: "inviteCode=F1EX5QZxO181L3TMVP31gY" (Obtained from group join link)')
  }
  return validateGroup(G.InviteCodeQuery, { inviteCode: code }).inviteCode
}

export function groupRoutes(deps: UpstreamDeps) {
  const r = new Hono<UpstreamEnv>({ strict: false })
  const guard = instanceGuard(deps.sql, deps.config.AUTHENTICATION_API_KEY)

  /** A group-JID route with a body schema: groupJid, then the body, then the Cloud API's NA-400, then the work. */
  function onGroup<Sch extends v.GenericSchema>(method: 'post' | 'get' | 'delete', action: string, schema: Sch | null, status: 200 | 201,
    run: (jid: string, b: v.InferOutput<Sch>, row: InstanceRow) => Promise<unknown>, loose = false) {
    r[method](`/${action}/:instanceName`, guard, async (c: Ctx) => {
      const body = method === 'get' ? {} : await readBody(c)
      const jid = groupJidOf(c, body, loose)
      const b = schema ? validateGroup(schema, body) : (undefined as v.InferOutput<Sch>)
      S.requireGroups(deps, c.var.instance)
      return c.json(await run(jid, b, c.var.instance), status)
    })
  }

  r.post('/create/:instanceName', guard, async (c) => {
    const b = validateGroup(G.CreateGroupBody, await readBody(c))
    return c.json(await S.createGroup(deps, c.var.instance, b), 201)
  })
  onGroup('post', 'updateGroupPicture', G.GroupPictureBody, 201, (jid, b, row) =>
    S.updateGroupPicture({ ...deps, guard: deps.outbound.rules }, row, jid, b.image))
  onGroup('post', 'updateGroupSubject', G.GroupSubjectBody, 201, (jid, b, row) => S.updateSubject(deps, row, jid, b.subject))
  onGroup('post', 'updateGroupDescription', G.GroupDescriptionBody, 201, (jid, b, row) => S.updateDescription(deps, row, jid, b.description))
  onGroup('get', 'inviteCode', null, 200, (jid, _b, row) => S.inviteCode(deps, row, jid))
  onGroup('post', 'revokeInviteCode', null, 201, (jid, _b, row) => S.revokeInviteCode(deps, row, jid))
  onGroup('post', 'updateParticipant', G.GroupParticipantsBody, 201, (jid, b, row) => S.updateParticipant(deps, row, jid, b))
  onGroup('post', 'updateSetting', G.GroupSettingBody, 201, (jid, b, row) => S.updateSetting(deps, row, jid, b.action))
  onGroup('post', 'toggleEphemeral', G.GroupEphemeralBody, 201, (jid, b, row) => S.toggleEphemeral(deps, row, jid, b.expiration))
  onGroup('get', 'findGroupInfos', null, 200, (jid, _b, row) => S.findGroupInfos(deps, row, jid))
  onGroup('get', 'participants', null, 200, (jid, _b, row) => S.participants(deps, row, jid))
  onGroup('delete', 'leaveGroup', null, 200, (jid, _b, row) => S.leaveGroup(deps, row, jid), true)

  r.post('/sendInvite/:instanceName', guard, async (c) => {
    const b = validateGroup(G.SendInviteBody, await readBody(c))
    S.requireGroups(deps, c.var.instance)
    return c.json(await S.sendInvite(deps, c.var.instance, b), 200)
  })
  r.get('/inviteInfo/:instanceName', guard, async (c) => {
    const code = inviteCodeOf(c)
    return c.json(await S.inviteInfo(deps, c.var.instance, code))
  })
  r.get('/acceptInviteCode/:instanceName', guard, async (c) => {
    const code = inviteCodeOf(c)
    return c.json(await S.acceptInviteCode(deps, c.var.instance, code))
  })
  r.get('/fetchAllGroups/:instanceName', guard, async (c) => {
    const flag = c.req.query('getParticipants')
    if (flag === undefined) throw badRequest('The getParticipants needs to be informed in the query')
    const { getParticipants } = validateGroup(G.GetParticipantsQuery, { getParticipants: flag })
    return c.json(await S.fetchAllGroups(deps, c.var.instance, getParticipants === 'true'))
  })

  return r
}
