/**
 * @module upstream/services/groups
 * The /group routes (Evolution v2): the driver acts (driver/group-actions.ts), WhatsApp's group events
 * keep the groups store (services/group-events.ts), and the event queue is flushed before answering so the
 * store already shows what the action changed. Evolution's answers, status codes and error wrappers are kept
 * (`[<route's text>, "Error: <reason>"]`). Quirks fixed: fetchAllGroups answers from the store (one
 * groupFetchAllParticipating per session, pictures fetched 4 at a time instead of one by one: Q12); errors
 * carry the inner text, never "[object Object]" (Q7). A backend without groups (the Cloud API): NA-400.
 * updateGroupPicture takes a link (downloaded through the outbound guard and the instance's proxy, as media
 * are) or base64; sendInvite checks every number before sending the first invite, so a bad number sends none.
 */
import { contactCards, deleteGroup, findGroup, listGroups, setGroupPicture, upsertGroups } from '../db/groups.js'
import type { InstanceRow, Tx } from '../db/instances.js'
import { ConnectionClosedError, notAvailable } from '../driver/errors.js'
import type { GroupActions, GroupMetadata, GroupSetting, ParticipantAction } from '../driver/group-actions.js'
import type { DriverSession } from '../driver/types.js'
import { EvoError, badRequest, internal } from '../lib/errors.js'
import { createJid, isGroupJid } from '../lib/jid.js'
import { groupObject, participantJson } from './group-events.js'
import type { InstanceManager } from './instances.js'
import type { MediaDownloader } from './media-download.js'
import { resolveMedia } from './media.js'
import type { GuardRules } from './outbound.js'
import { sendMessage, type SendDeps } from './send.js'

export type GroupDeps = { sql: Tx; instances: InstanceManager }

/** An error as Evolution's `String(err)` shows it inside its wrapped messages. */
const errText = (err: unknown): string => (err instanceof ConnectionClosedError ? 'Error: Connection Closed' : String(err))

/** Sessions whose groups were read from WhatsApp once: fetchAllGroups answers from the store after that. */
const synced = new WeakSet<DriverSession>()

function groupsOf(deps: GroupDeps, row: InstanceRow): { groups: GroupActions; session: DriverSession; flush: () => Promise<void> } {
  const { session, ctx } = deps.instances.entry(row)
  if (!session.groups) throw notAvailable()
  return { groups: session.groups, session, flush: () => ctx.queue.flush() }
}

/** Runs the driver call; our own EvoErrors pass through, anything else gets the route's wrapper. */
async function wrapped<T>(fn: () => Promise<T>, wrap: (text: string) => EvoError): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof EvoError) throw err
    throw wrap(errText(err))
  }
}

const success = { update: 'success' }

/** An EvoError's message as one line (the second item of a wrapping error). */
function reasonOf(err: EvoError): string {
  const m = err.toJSON().response.message
  const items = Array.isArray(m) ? m.flat() : [m]
  return items.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('; ')
}

/** Refuses a Cloud API instance before anything else happens (Evolution: NA-400 from its Meta service). */
export function requireGroups(deps: GroupDeps, row: InstanceRow): void {
  groupsOf(deps, row)
}

export async function createGroup(deps: GroupDeps, row: InstanceRow, b: { subject: string; participants: string[]; description?: string | undefined; promoteParticipants?: boolean | undefined }) {
  const { groups, session, flush } = groupsOf(deps, row)
  const fail = (t: string) => new EvoError(500, ['Error creating group', t])
  return wrapped(async () => {
    const jids = b.participants.map(createJid)
    // Members not on WhatsApp are dropped silently, as Evolution does.
    const members = (await session.checkNumbers(jids)).filter((c) => c.exists).map((c) => c.jid)
    const created = await groups.create(b.subject, members)
    if (b.description) await groups.updateDescription(created.id, b.description)
    if (b.promoteParticipants && members.length) await groups.updateParticipants(created.id, members, 'promote')
    const meta = await groups.metadata(created.id)
    await flush()
    await upsertGroups(deps.sql, row.id, [meta])
    return meta
  }, fail)
}

export async function updateSubject(deps: GroupDeps, row: InstanceRow, jid: string, subject: string) {
  const { groups, flush } = groupsOf(deps, row)
  await wrapped(() => groups.updateSubject(jid, subject), (t) => new EvoError(500, ['Error updating group subject', t]))
  await flush()
  return success
}

export async function updateDescription(deps: GroupDeps, row: InstanceRow, jid: string, description: string) {
  const { groups, flush } = groupsOf(deps, row)
  await wrapped(() => groups.updateDescription(jid, description), (t) => new EvoError(500, ['Error updating group description', t]))
  await flush()
  return success
}

const inviteUrl = (code: string) => `https://chat.whatsapp.com/${code}`

export async function inviteCode(deps: GroupDeps, row: InstanceRow, jid: string) {
  const { groups } = groupsOf(deps, row)
  const code = await wrapped(async () => (await groups.inviteCode(jid)) ?? '', (t) => new EvoError(404, ['No invite code', t]))
  return { inviteUrl: inviteUrl(code), inviteCode: code }
}

export async function revokeInviteCode(deps: GroupDeps, row: InstanceRow, jid: string) {
  const { groups } = groupsOf(deps, row)
  const code = await wrapped(async () => (await groups.revokeInvite(jid)) ?? '', (t) => new EvoError(404, ['Revoke error', t]))
  return { revoked: true, inviteCode: code }
}

export async function inviteInfo(deps: GroupDeps, row: InstanceRow, code: string) {
  const { groups } = groupsOf(deps, row)
  // Evolution puts the code (not the error) in the second item.
  return wrapped(() => groups.inviteInfo(code), () => new EvoError(404, ['No invite info', code]))
}

export async function acceptInviteCode(deps: GroupDeps, row: InstanceRow, code: string) {
  const { groups, flush } = groupsOf(deps, row)
  const groupJid = await wrapped(() => groups.acceptInvite(code), (t) => new EvoError(404, ['Accept invite error', t]))
  await flush()
  return { accepted: true, groupJid }
}

export async function updateParticipant(deps: GroupDeps, row: InstanceRow, jid: string, b: { action: ParticipantAction; participants: string[] }) {
  const { groups, flush } = groupsOf(deps, row)
  const results = await wrapped(() => groups.updateParticipants(jid, b.participants.map(createJid), b.action), (t) => badRequest('Error updating participants', t))
  await flush()
  // 201 even when every member failed: each item's `status` says (Evolution's shape, #1239).
  return { updateParticipants: results }
}

export async function updateSetting(deps: GroupDeps, row: InstanceRow, jid: string, setting: GroupSetting) {
  const { groups, flush } = groupsOf(deps, row)
  await wrapped(() => groups.updateSetting(jid, setting), (t) => badRequest('Error updating setting', t))
  await flush()
  // Evolution answers the undefined result of the socket call, which JSON renders as {} (Q16).
  return {}
}

export async function toggleEphemeral(deps: GroupDeps, row: InstanceRow, jid: string, expiration: number) {
  const { groups, flush } = groupsOf(deps, row)
  await wrapped(() => groups.toggleEphemeral(jid, expiration), (t) => badRequest('Error updating setting', t))
  await flush()
  return { success: true }
}

/** The picture's bytes: base64 (or a data: URL) decoded, a link downloaded through the guard (and the instance's proxy). */
async function pictureBytes(deps: { media: MediaDownloader; guard: GuardRules }, row: InstanceRow, image: string): Promise<Buffer> {
  const { source } = resolveMedia(image, 'image', { guard: deps.guard })
  if ('url' in source) return deps.media.bytes(source.url, row.id)
  if ('base64' in source) return Buffer.from(source.base64, 'base64')
  return source.downloaded
}

export async function updateGroupPicture(deps: GroupDeps & { media: MediaDownloader; guard: GuardRules }, row: InstanceRow, jid: string, image: string) {
  const { groups, flush } = groupsOf(deps, row)
  // A picture we cannot read is the caller's 400 (Evolution: 500 "[object Object]", Q7).
  const bytes = await pictureBytes(deps, row, image).catch((err: unknown) => {
    throw err instanceof EvoError ? badRequest('Error update group picture', reasonOf(err)) : err
  })
  await wrapped(() => groups.updatePicture(jid, bytes), (t) => new EvoError(500, ['Error update group picture', t]))
  await flush()
  await setGroupPicture(deps.sql, row.id, jid, await groups.pictureUrl(jid))
  return success
}

/**
 * POST /group/sendInvite (200): the invite link as a text message to each number (`<description>\n\n<link>`),
 * each stored and reported (send.message) like any send. Every failure is Evolution's 404 "No send invite",
 * with the reason beside it. Every number is checked before the first send.
 */
export async function sendInvite(deps: GroupDeps & SendDeps, row: InstanceRow, b: { groupJid: string; description: string; numbers: string[] }) {
  const { groups, session } = groupsOf(deps, row)
  const fail = (t: string) => new EvoError(404, ['No send invite', t])
  try {
    const code = await groups.inviteCode(b.groupJid)
    if (!code) throw new Error('no invite code')
    const link = inviteUrl(code)
    const users = b.numbers.map(createJid).filter((j) => !isGroupJid(j))
    const missing = (await session.checkNumbers(users)).find((c) => !c.exists)
    if (missing) throw new Error(`${missing.jid} is not on WhatsApp`)
    const text = `${b.description}\n\n${link}`
    for (const number of b.numbers) await sendMessage(deps, row, { number, content: { kind: 'text', text }, payload: { number, text }, skipCheck: true })
    return { send: true, inviteUrl: link }
  } catch (err) {
    throw fail(err instanceof EvoError ? reasonOf(err) : errText(err))
  }
}

export async function findGroupInfos(deps: GroupDeps, row: InstanceRow, jid: string) {
  const { groups, flush } = groupsOf(deps, row)
  return wrapped(async () => {
    const [meta, picture] = await Promise.all([groups.metadata(jid), groups.pictureUrl(jid)])
    await flush()
    await upsertGroups(deps.sql, row.id, [meta])
    await setGroupPicture(deps.sql, row.id, jid, picture)
    return groupObject(meta, picture)
  }, (t) => new EvoError(404, ['Error fetching group', t]))
}

export async function participants(deps: GroupDeps, row: InstanceRow, jid: string) {
  const { groups } = groupsOf(deps, row)
  const meta = await wrapped(() => groups.metadata(jid), (t) => new EvoError(404, ['No participants', t]))
  const phone = (p: GroupMetadata['participants'][number]) => (p.id.endsWith('@lid') ? (p.phoneNumber ?? p.id) : p.id)
  const cards = await contactCards(deps.sql, row.id, meta.participants.map(phone))
  return {
    participants: meta.participants.map((p) => {
      const card = cards.get(phone(p))
      return { ...participantJson(p), name: card?.pushName ?? undefined, imgUrl: card?.profilePicUrl ?? undefined }
    }),
  }
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function capped<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item)
  }))
}

export async function fetchAllGroups(deps: GroupDeps, row: InstanceRow, withParticipants: boolean) {
  const { groups, session, flush } = groupsOf(deps, row)
  await flush()
  if (!synced.has(session)) {
    let all: GroupMetadata[]
    try {
      all = await groups.fetchAll()
    } catch (err) {
      // Evolution lets the Baileys error through: 500 with the plain message (e.g. `rate-overlimit`).
      throw err instanceof EvoError ? err : internal(err instanceof ConnectionClosedError ? 'Connection Closed' : (err as Error).message)
    }
    const known = new Set(all.map((g) => g.id))
    for (const g of await listGroups(deps.sql, row.id)) if (!known.has(g.jid)) await deleteGroup(deps.sql, row.id, g.jid)
    await upsertGroups(deps.sql, row.id, all)
    await capped(all, 4, async (g) => setGroupPicture(deps.sql, row.id, g.id, await groups.pictureUrl(g.id)))
    synced.add(session)
  }
  return (await listGroups(deps.sql, row.id)).map((g) => groupObject(g.metadata, g.pictureUrl, withParticipants))
}

export async function leaveGroup(deps: GroupDeps, row: InstanceRow, jid: string) {
  const { groups, flush } = groupsOf(deps, row)
  await wrapped(() => groups.leave(jid), (t) => badRequest('Unable to leave the group', t))
  await flush()
  // WhatsApp's own "we left" event may come later (Baileys): the store forgets the group now.
  await deleteGroup(deps.sql, row.id, jid)
  return { groupJid: jid, leave: true }
}

/** mentionsEveryOne: every member of the group, from the store, else WhatsApp. */
export async function groupMemberJids(deps: GroupDeps, row: InstanceRow, jid: string): Promise<string[]> {
  const stored = await findGroup(deps.sql, row.id, jid)
  const { session } = deps.instances.entry(row)
  const meta = stored?.metadata ?? (session.groups ? await session.groups.metadata(jid).catch(() => null) : null)
  return (meta?.participants ?? []).map((p) => p.id)
}
