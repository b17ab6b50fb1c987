/**
 * @module upstream/services/group-events
 * A driver's group reports -> the groups store (db/groups.ts) and Evolution's webhooks:
 *   upsert -> stored whole, `groups.upsert` with the array of raw metadata;
 *   update -> merged, `groups.update` with the partial items (delivered to GROUP_UPDATE subscribers: Evolution
 *             never delivers it, its config name GROUPS_UPDATE is not in the allowed list; quirk Q11 fixed);
 *   participants -> the member list changed (a member who left or was removed is taken out; our own account
 *             leaving deletes the group), `group-participants.update` with Baileys' payload `{id, author,
 *             authorPn?, participants (objects), action}` plus `participantsData` [{jid, phoneNumber, name?,
 *             imgUrl?}], the enrichment Evolution means to send but loses with Baileys' participant objects (Q11b).
 */
import { contactCards, deleteGroup, findGroup, patchGroup, upsertGroups } from '../db/groups.js'
import type { GroupMetadata, GroupParticipant } from '../driver/group-actions.js'
import type { GroupsEvent } from '../driver/types.js'
import type { StoreContext } from './store-notify.js'

const userOf = (jid: string | undefined) => (jid ?? '').split('@')[0]?.split(':')[0] ?? ''

/** Is this participant our own account (by phone JID, or by LID when only that is known)? */
function isSelf(p: GroupParticipant, ownerJid: string | null | undefined): boolean {
  const me = userOf(ownerJid ?? undefined)
  return me !== '' && [p.id, p.phoneNumber].some((j) => j?.endsWith('@s.whatsapp.net') && userOf(j) === me)
}

/** The member list after an action (`modify` = a number change: WhatsApp sends the new ids, nothing to drop). */
export function applyParticipants(list: GroupParticipant[], changed: GroupParticipant[], action: string): GroupParticipant[] {
  const ids = new Set(changed.map((p) => p.id))
  if (action === 'remove') return list.filter((p) => !ids.has(p.id))
  if (action === 'add') return [...list.filter((p) => !ids.has(p.id)), ...changed.map((p) => ({ ...p, admin: p.admin ?? null }))]
  if (action === 'promote' || action === 'demote') {
    return list.map((p) => (ids.has(p.id) ? { ...p, admin: action === 'promote' ? 'admin' : null } : p))
  }
  return list
}

export async function onGroups(ctx: StoreContext, ev: GroupsEvent): Promise<void> {
  const { sql, src, webhooks } = ctx
  if (ev.type === 'upsert') {
    await upsertGroups(sql, src.id, ev.groups)
    webhooks.emit(src, 'groups.upsert', ev.groups)
    return
  }
  if (ev.type === 'update') {
    for (const u of ev.updates) {
      const { author: _a, authorPn: _p, ...fields } = u
      await patchGroup(sql, src.id, u.id, fields)
    }
    webhooks.emit(src, 'groups.update', ev.updates)
    return
  }
  const stored = await findGroup(sql, src.id, ev.id)
  if (ev.action === 'remove' && ev.participants.some((p) => isSelf(p, src.ownerJid))) {
    await deleteGroup(sql, src.id, ev.id)
  } else if (stored) {
    const participants = applyParticipants(stored.metadata.participants ?? [], ev.participants, ev.action)
    await patchGroup(sql, src.id, ev.id, { participants, size: participants.length })
  }
  const phones = ev.participants.map((p) => (p.id.endsWith('@lid') ? p.phoneNumber : p.id) ?? p.id)
  const cards = await contactCards(sql, src.id, phones)
  const participantsData = ev.participants.map((p, i) => {
    const phone = phones[i]!
    const card = cards.get(phone)
    return { jid: p.id, phoneNumber: phone, ...(card?.pushName ? { name: card.pushName } : {}), ...(card?.profilePicUrl ? { imgUrl: card.profilePicUrl } : {}) }
  })
  webhooks.emit(src, 'group-participants.update', {
    id: ev.id, author: ev.author, ...(ev.authorPn ? { authorPn: ev.authorPn } : {}), participants: ev.participants, action: ev.action, participantsData,
  })
}

/** The group object findGroupInfos / fetchAllGroups answer (Evolution's shape: raw metadata's public fields plus `pictureUrl`). */
export function groupObject(g: GroupMetadata, pictureUrl: string | null, withParticipants = true) {
  const keep = ['id', 'subject', 'subjectOwner', 'subjectTime', 'size', 'creation', 'owner', 'desc', 'descId', 'restrict', 'announce', 'isCommunity', 'isCommunityAnnounce', 'linkedParent']
  const out: Record<string, unknown> = {}
  for (const k of keep) if (g[k] !== undefined) out[k] = g[k]
  out.pictureUrl = pictureUrl
  out.size = g.size ?? g.participants?.length ?? 0
  if (withParticipants) out.participants = (g.participants ?? []).map(participantJson)
  return out
}

export function participantJson(p: GroupParticipant) {
  return { id: p.id, ...(p.phoneNumber ? { phoneNumber: p.phoneNumber } : {}), ...(p.lid ? { lid: p.lid } : {}), admin: p.admin ?? null }
}
