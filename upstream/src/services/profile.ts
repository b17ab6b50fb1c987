/**
 * @module upstream/services/profile
 * The profile and privacy routes under /chat and POST /instance/setPresence (Evolution v2): the driver acts
 * (driver/profile-actions.ts) and the instance row keeps the account's name and picture up to date, so the
 * next fetchProfile / fetchInstances shows a change at once. Evolution's answers, status codes and error
 * wrappers are kept (`[<route's text>, "Error: <reason>"]`). Quirks fixed: a picture given as a URL is
 * downloaded through the outbound guard (never by Baileys) and a picture that is not an image is the caller's
 * 400 (Evolution: 500 "[object Object]", Q7); fetchBusinessProfile's error text names the right operation and
 * fetchProfile without `number` gives the about text in `status`, not the connection state (Q18); the socket
 * is not restarted after a picture or privacy change (Q20). A backend without a profile operation: NA-400.
 */
import { contactCards } from '../db/groups.js'
import { updateInstanceProfile } from '../db/instance-profile.js'
import type { InstanceRow, Tx } from '../db/instances.js'
import type { Presence } from '../driver/chat-actions.js'
import { ConnectionClosedError, notAvailable } from '../driver/errors.js'
import type { BusinessProfile, PictureSource, PrivacySettings, ProfileActions } from '../driver/profile-actions.js'
import type { DriverSession } from '../driver/types.js'
import { EvoError, badRequest, internal } from '../lib/errors.js'
import { createJid, jidUser } from '../lib/jid.js'
import type { InstanceManager } from './instances.js'
import type { MediaDownloader } from './media-download.js'

export type ProfileDeps = { sql: Tx; instances: InstanceManager; media: MediaDownloader }

type Ctx = { profile: ProfileActions; session: DriverSession; self: string }

const success = { update: 'success' }

function profileOf(deps: ProfileDeps, row: InstanceRow): Ctx {
  const { session, ctx } = deps.instances.entry(row)
  if (!session.profile) throw notAvailable()
  return { profile: session.profile, session, self: ctx.src.ownerJid ?? row.ownerJid ?? '' }
}

/** Our own EvoErrors (NA-400, a Meta error, a bad picture) pass through; anything else gets the route's wrapper. */
async function wrapped<T>(fn: () => Promise<T>, wrap: (text: string) => EvoError): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof EvoError) throw err
    // Evolution shows the error as `String(err)`.
    throw wrap(err instanceof ConnectionClosedError ? 'Error: Connection Closed' : String(err))
  }
}

const fail500 = (what: string) => (t: string) => new EvoError(500, [what, t])

/** The stored pushName of a contact (Evolution's existence record carries it as `name`). */
async function pushNameOf(sql: Tx, row: InstanceRow, jid: string): Promise<string | null> {
  return (await contactCards(sql, row.id, [jid])).get(jid)?.pushName ?? null
}

export async function fetchBusinessProfile(deps: ProfileDeps, row: InstanceRow, body: { number?: string | undefined }) {
  const { profile, session, self } = profileOf(deps, row)
  const jid = body.number ? createJid(body.number) : self
  return wrapped(async () => {
    const business = await profile.businessProfile(jid)
    if (business) return { isBusiness: true, ...business }
    const [check] = await session.checkNumbers([jid])
    return {
      isBusiness: false, message: 'Not is business profile', jid: check?.jid ?? jid, exists: check?.exists ?? false,
      number: jidUser(jid), name: await pushNameOf(deps.sql, row, jid),
    }
  }, fail500('Error fetching business profile'))
}

/** The business fields fetchProfile adds (null for a personal account). */
const businessFields = (b: BusinessProfile | null) => ({
  isBusiness: b !== null, email: b?.email ?? null, description: b?.description ?? null, website: b?.website ?? null,
})

/** Picture first (a backend without it answers its 400 before anything else is asked), then about and business. */
async function lookUp(profile: ProfileActions, jid: string) {
  const picture = await profile.pictureUrl(jid)
  const [status, business] = await Promise.all([profile.status(jid), profile.businessProfile(jid)])
  return [picture, status, business] as const
}

export async function fetchProfile(deps: ProfileDeps, row: InstanceRow, body: { number?: string | undefined }) {
  const { profile, session, self } = profileOf(deps, row)
  if (!body.number) {
    return wrapped(async () => {
      const [picture, status, business] = await lookUp(profile, self)
      return { wuid: self, name: row.profileName, numberExists: true, picture: picture ?? row.profilePicUrl, status, ...businessFields(business) }
    }, (t) => new EvoError(500, ['Error fetching profile', t]))
  }
  const jid = createJid(body.number)
  const [check] = await wrapped(() => session.checkNumbers([jid]), (t) => badRequest(t))
  if (!check?.exists) throw badRequest({ jid, exists: false, number: jidUser(jid) })
  try {
    const [[picture, status, business], name] = await Promise.all([lookUp(profile, jid), pushNameOf(deps.sql, row, jid)])
    return { wuid: jid, name, numberExists: true, picture, status, ...businessFields(business) }
  } catch (err) {
    if (err instanceof EvoError) throw err
    // Evolution answers 200 with this fallback when a step after the existence check fails.
    return { wuid: jid, name: null, picture: null, status: null, os: null, isBusiness: false }
  }
}

export async function updateProfileName(deps: ProfileDeps, row: InstanceRow, name: string) {
  const { profile } = profileOf(deps, row)
  await wrapped(() => profile.updateName(name), fail500('Error updating profile name'))
  await updateInstanceProfile(deps.sql, row.id, { profileName: name })
  return success
}

export async function updateProfileStatus(deps: ProfileDeps, row: InstanceRow, status: string) {
  const { profile } = profileOf(deps, row)
  await wrapped(() => profile.updateStatus(status), fail500('Error updating profile status'))
  return success
}

const PICTURE_FAIL = 'Error updating profile picture'
const DATA_URL = /^data:[\w.+-]+\/[\w.+-]+;base64,/i
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** JPEG, PNG, WebP or GIF, by their first bytes: what WhatsApp can make a profile picture of. */
function isImage(b: Buffer): boolean {
  const head = b.toString('latin1', 0, 12)
  return head.startsWith('\xff\xd8\xff') || head.startsWith('\x89PNG') || head.startsWith('GIF8') || (head.startsWith('RIFF') && head.slice(8) === 'WEBP')
}

/** The picture's bytes: a URL downloaded through the outbound guard (and the instance's proxy), or base64 decoded. */
async function loadPicture(deps: ProfileDeps, row: InstanceRow, session: DriverSession, picture: string): Promise<PictureSource> {
  let bytes: Buffer
  if (/^https?:\/\//i.test(picture)) {
    // The offline sandbox keeps a link whose host cannot be reached (as for media sends); every other driver gets bytes.
    const policy = session.mediaLinks === 'download-if-reachable' ? 'download-if-reachable' : 'download'
    const prepared = await deps.media.prepare({ kind: 'media', mediatype: 'image', media: { url: picture }, mimetype: 'image/jpeg' }, policy, row.id)
    const media = (prepared as { media: { downloaded?: Buffer } }).media
    if (!media.downloaded) return { url: picture }
    bytes = media.downloaded
  } else {
    const b64 = picture.replace(DATA_URL, '').replace(/\s+/g, '')
    if (!BASE64.test(b64)) throw badRequest(PICTURE_FAIL, 'The picture is neither an http(s) URL nor base64')
    bytes = Buffer.from(b64, 'base64')
  }
  if (!isImage(bytes)) throw badRequest(PICTURE_FAIL, 'The picture is not a JPEG, PNG, WebP or GIF image')
  return { bytes }
}

export async function updateProfilePicture(deps: ProfileDeps, row: InstanceRow, picture: string) {
  const { profile, session, self } = profileOf(deps, row)
  await wrapped(() => profile.updatePicture(self, () => loadPicture(deps, row, session, picture.trim())), fail500(PICTURE_FAIL))
  await updateInstanceProfile(deps.sql, row.id, { profilePicUrl: await profile.pictureUrl(self).catch(() => null) })
  return success
}

export async function removeProfilePicture(deps: ProfileDeps, row: InstanceRow) {
  const { profile, self } = profileOf(deps, row)
  await wrapped(() => profile.removePicture(self), fail500('Error removing profile picture'))
  await updateInstanceProfile(deps.sql, row.id, { profilePicUrl: null })
  return success
}

const PRIVACY_KEYS = ['readreceipts', 'profile', 'status', 'online', 'last', 'groupadd'] as const

export async function fetchPrivacySettings(deps: ProfileDeps, row: InstanceRow) {
  const { profile } = profileOf(deps, row)
  let all: Record<string, string>
  try {
    all = await profile.privacy()
  } catch (err) {
    // Evolution catches nothing here: the plain message as a 500 string.
    throw err instanceof EvoError ? err : internal(err instanceof ConnectionClosedError ? 'Connection Closed' : (err as Error).message)
  }
  // Only Evolution's six, though WhatsApp answers more categories.
  return Object.fromEntries(PRIVACY_KEYS.map((k) => [k, all[k]]))
}

export async function updatePrivacySettings(deps: ProfileDeps, row: InstanceRow, settings: PrivacySettings) {
  const { profile } = profileOf(deps, row)
  await wrapped(() => profile.updatePrivacy(settings), fail500('Error updating privacy settings'))
  return { update: 'success', data: settings }
}

export async function setPresence(deps: ProfileDeps, row: InstanceRow, presence: Presence) {
  const { profile } = profileOf(deps, row)
  await wrapped(() => profile.setPresence(presence), (t) => badRequest(t))
  return { presence }
}
