/**
 * @module upstream/driver/group-actions
 * What a session does for the /group routes (Evolution v2): the Baileys socket's group calls, or the
 * sandbox's simulation. The Cloud API has no groups: its sessions leave `DriverSession.groups` undefined and
 * the routes answer Evolution's "Method not available on WhatsApp Business API" 400. The groups store and the
 * webhooks are the service's job (services/groups.ts, services/group-events.ts).
 */

/** A group member as Baileys describes it: `id` a LID or phone JID, the other form beside it when known. */
export type GroupParticipant = { id: string; phoneNumber?: string | undefined; lid?: string | undefined; admin?: 'admin' | 'superadmin' | null | undefined }

/**
 * Baileys' GroupMetadata (Evolution's "raw group metadata"): the fields Evolution answers, all optional but
 * `id`, `subject` and `participants`; other fields WhatsApp adds pass through untouched.
 */
export type GroupMetadata = {
  id: string
  subject: string
  participants: GroupParticipant[]
  owner?: string | undefined
  subjectOwner?: string | undefined
  subjectTime?: number | undefined
  creation?: number | undefined
  desc?: string | undefined
  descId?: string | undefined
  restrict?: boolean | undefined
  announce?: boolean | undefined
  size?: number | undefined
  ephemeralDuration?: number | undefined
  [more: string]: unknown
}

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote'
export type GroupSetting = 'announcement' | 'not_announcement' | 'locked' | 'unlocked'

/** One participant's outcome of groupParticipantsUpdate (`status` "200", or "403"/"404"/"408"/"409" for that one). */
export type ParticipantResult = { status: string; jid: string | undefined; content: unknown }

export interface GroupActions {
  create(subject: string, participants: string[]): Promise<GroupMetadata>
  metadata(jid: string): Promise<GroupMetadata>
  /** Every group the account is in (Baileys groupFetchAllParticipating). */
  fetchAll(): Promise<GroupMetadata[]>
  updateParticipants(jid: string, participants: string[], action: ParticipantAction): Promise<ParticipantResult[]>
  updateSubject(jid: string, subject: string): Promise<void>
  updateDescription(jid: string, description: string): Promise<void>
  inviteCode(jid: string): Promise<string | undefined>
  revokeInvite(jid: string): Promise<string | undefined>
  inviteInfo(code: string): Promise<GroupMetadata>
  /** Joins by invite; answers the group's JID. */
  acceptInvite(code: string): Promise<string | undefined>
  updateSetting(jid: string, setting: GroupSetting): Promise<void>
  toggleEphemeral(jid: string, expiration: number): Promise<void>
  leave(jid: string): Promise<void>
  /** The group's picture URL; null when it has none (or it cannot be seen). */
  pictureUrl(jid: string): Promise<string | null>
  /** Sets the group's picture (Baileys updateProfilePicture on the group JID); admins only. */
  updatePicture(jid: string, image: Buffer): Promise<void>
}
