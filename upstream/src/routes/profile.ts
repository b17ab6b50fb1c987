/**
 * @module upstream/routes/profile
 * The profile and privacy routes under /chat, with Evolution v2's methods and status codes: POST
 * fetchBusinessProfile, fetchProfile, updateProfileName, updateProfileStatus, updateProfilePicture (200), DELETE
 * removeProfilePicture (200, JSON body), GET fetchPrivacySettings (200), POST updatePrivacySettings (201).
 * Guards as every instance route (404, then 401); a bad body is the nested-array 400. POST /instance/setPresence
 * lives with the instance routes (routes/instance.ts). The work is in services/profile.ts.
 */
import { Hono, type Context } from 'hono'
import type * as v from 'valibot'
import * as P from '../../../common/src/evolution/profile-bodies.js'
import type { InstanceRow } from '../db/instances.js'
import type { UpstreamDeps } from '../deps.js'
import type { UpstreamEnv } from '../env.js'
import { parseBody } from '../lib/validation.js'
import { instanceGuard } from '../middleware/auth.js'
import * as S from '../services/profile.js'

export function profileRoutes(deps: UpstreamDeps) {
  const r = new Hono<UpstreamEnv>({ strict: false })
  const guard = instanceGuard(deps.sql, deps.config.AUTHENTICATION_API_KEY)

  function route<Sch extends v.GenericSchema>(method: 'post' | 'delete', action: string, schema: Sch, status: 200 | 201, run: (b: v.InferOutput<Sch>, row: InstanceRow) => Promise<unknown>) {
    r[method](`/${action}/:instanceName`, guard, async (c: Context<UpstreamEnv>) => c.json(await run(await parseBody(c, schema), c.var.instance), status))
  }

  route('post', 'fetchBusinessProfile', P.FetchBusinessProfileBody, 200, (b, row) => S.fetchBusinessProfile(deps, row, b))
  route('post', 'fetchProfile', P.FetchProfileBody, 200, (b, row) => S.fetchProfile(deps, row, b))
  route('post', 'updateProfileName', P.ProfileNameBody, 200, (b, row) => S.updateProfileName(deps, row, b.name))
  route('post', 'updateProfileStatus', P.ProfileStatusBody, 200, (b, row) => S.updateProfileStatus(deps, row, b.status))
  route('post', 'updateProfilePicture', P.ProfilePictureUpdateBody, 200, (b, row) => S.updateProfilePicture(deps, row, b.picture))
  route('delete', 'removeProfilePicture', P.RemoveProfilePictureBody, 200, (_b, row) => S.removeProfilePicture(deps, row))
  // Evolution answers 201 here while the other profile POSTs answer 200 (Q19: kept).
  route('post', 'updatePrivacySettings', P.PrivacySettingsBody, 201, (b, row) => S.updatePrivacySettings(deps, row, b))
  r.get('/fetchPrivacySettings/:instanceName', guard, async (c) => c.json(await S.fetchPrivacySettings(deps, c.var.instance)))

  return r
}
