/**
 * The WhatsApp groups of one instance, through the gateway's proxy to the upstream's Evolution v2
 * `/group/*` routes: list (fetchAllGroups with participants), create, subject, description, picture,
 * invite code (read and revoke), participants (list and add/remove/promote/demote) and leave. Every
 * route but create names the group in the `groupJid` query parameter, as Evolution reads it.
 * The bodies mirror the upstream's group schemas (common/src/evolution/group-bodies.ts); they are typed
 * here by hand because the gateway's document does not list them yet. Answers are typed from the
 * Evolution v2 contract, optional where Evolution may leave a field out.
 */
import { api, seg, withQuery } from './client.js'

export type GroupRole = 'superadmin' | 'admin' | null

/** One participant of a group object (`phoneNumber` only when `id` is a LID, `lid` only when it is a phone JID). */
export type GroupParticipant = { id: string; phoneNumber?: string | null; lid?: string | null; admin?: GroupRole }

/** A group object of fetchAllGroups / findGroupInfos. */
export type GroupRow = {
  id: string
  subject?: string | null
  subjectOwner?: string | null
  subjectTime?: number | null
  pictureUrl?: string | null
  size?: number | null
  creation?: number | null
  owner?: string | null
  desc?: string | null
  descId?: string | null
  restrict?: boolean
  announce?: boolean
  participants?: GroupParticipant[]
}

/** One row of GET /group/participants: the participant plus its stored contact card. */
export type ParticipantRow = GroupParticipant & { name?: string | null; imgUrl?: string | null }

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote'

/** One item of updateParticipant's answer: `status` "200" when done, else WhatsApp's code ("403", "404", "409"...). */
export type ParticipantResult = { status: string; jid: string; content?: unknown }

export type CreateGroupBody = { subject: string; participants: string[]; description?: string; promoteParticipants?: boolean }
export type InviteAnswer = { inviteUrl?: string; inviteCode: string }

const path = (action: string, instance: string, groupJid?: string) => withQuery(`/group/${action}/${seg(instance)}`, groupJid ? { groupJid } : undefined)

export const groupsApi = {
  list: (instance: string) => api.get<GroupRow[]>(`/group/fetchAllGroups/${seg(instance)}`, { getParticipants: 'true' }),
  info: (instance: string, groupJid: string) => api.get<GroupRow>(path('findGroupInfos', instance, groupJid)),
  create: (instance: string, body: CreateGroupBody) => api.post<GroupRow>(path('create', instance), body),
  updateSubject: (instance: string, groupJid: string, subject: string) => api.post<{ update?: string }>(path('updateGroupSubject', instance, groupJid), { subject }),
  updateDescription: (instance: string, groupJid: string, description: string) =>
    api.post<{ update?: string }>(path('updateGroupDescription', instance, groupJid), { description }),
  /** `image`: a URL or raw base64 (no data: prefix). */
  updatePicture: (instance: string, groupJid: string, image: string) => api.post<{ update?: string }>(path('updateGroupPicture', instance, groupJid), { image }),
  inviteCode: (instance: string, groupJid: string) => api.get<InviteAnswer>(path('inviteCode', instance, groupJid)),
  revokeInviteCode: (instance: string, groupJid: string) => api.post<{ revoked?: boolean; inviteCode: string }>(path('revokeInviteCode', instance, groupJid)),
  participants: (instance: string, groupJid: string) => api.get<{ participants: ParticipantRow[] }>(path('participants', instance, groupJid)),
  updateParticipants: (instance: string, groupJid: string, action: ParticipantAction, participants: string[]) =>
    api.post<{ updateParticipants?: ParticipantResult[] }>(path('updateParticipant', instance, groupJid), { action, participants }),
  leave: (instance: string, groupJid: string) => api.del<{ groupJid?: string; leave?: boolean }>(path('leaveGroup', instance, groupJid)),
}
