/**
 * @module common/evolution/group-bodies
 * The bodies and query parameters of Evolution v2's /group routes as valibot schemas (the upstream validates
 * with them; failures are rendered as Evolution's flat `[{property, message}]` 400 by
 * upstream/src/lib/validation.ts `validateGroup`). Participant numbers follow Evolution's rule: at least 10
 * characters containing a digit run (unanchored, so full JIDs pass; quirk Q21 kept, it breaks no client).
 */
import * as v from 'valibot'

/** Evolution's group JID pattern (after `@g.us` was appended). */
export const GROUP_JID_PATTERN = /^[\d-]+@g.us$/
export const INVITE_CODE_PATTERN = /^[a-zA-Z0-9]{22}$/

const member = v.pipe(v.string(), v.minLength(10), v.regex(/\d+/))
const members = v.pipe(v.array(member), v.minLength(1))

export const GroupJidQuery = v.object({ groupJid: v.pipe(v.string(), v.regex(GROUP_JID_PATTERN)) })
export const InviteCodeQuery = v.object({ inviteCode: v.pipe(v.string(), v.regex(INVITE_CODE_PATTERN)) })
export const GetParticipantsQuery = v.object({ getParticipants: v.picklist(['true', 'false']) })

export const CreateGroupBody = v.object({
  subject: v.string(),
  participants: v.pipe(members, v.check((a) => new Set(a).size === a.length, 'participants contains duplicate item')),
  description: v.optional(v.string()),
  promoteParticipants: v.optional(v.boolean()),
  /** Accepted and ignored, as Evolution does. */
  profilePicture: v.optional(v.string()),
})
export const GroupSubjectBody = v.object({ subject: v.string() })
export const GroupDescriptionBody = v.object({ description: v.string() })
export const GroupParticipantsBody = v.object({ action: v.picklist(['add', 'remove', 'promote', 'demote']), participants: members })
export const GroupSettingBody = v.object({ action: v.picklist(['announcement', 'not_announcement', 'locked', 'unlocked']) })
export const GroupEphemeralBody = v.object({ expiration: v.picklist([0, 86400, 604800, 7776000]) })
export const GroupPictureBody = v.object({ image: v.string() })
export const SendInviteBody = v.object({ groupJid: v.string(), description: v.string(), numbers: members })
export const SetPresenceBody = v.object({ presence: v.picklist(['unavailable', 'available', 'composing', 'recording', 'paused']) })
