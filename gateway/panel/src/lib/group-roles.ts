/**
 * Pure helpers of the Groups screens: who a participant is (a phone JID, or a LID with its phone
 * number beside it), the instance's own role in a group (found by its own number, since Baileys may
 * name it by JID with a device suffix or by LID), the invite link of a code, and the words for
 * updateParticipant's per-member failures (the route answers 201 even when some members failed).
 */
import type { GroupParticipant, GroupRow, ParticipantAction, ParticipantResult } from '../api/groups.js'

export type OwnRole = 'superadmin' | 'admin' | 'member'

/** The user part of a JID: `5959…:12@s.whatsapp.net` -> `5959…`. */
export function jidUser(jid: string | null | undefined): string {
  return (jid ?? '').split('@')[0]!.split(':')[0]!
}

/** The phone number to show for a participant (its `phoneNumber` when its id is a LID), or the LID itself. */
export function participantNumber(p: GroupParticipant): string {
  if (p.id.endsWith('@lid') && p.phoneNumber) return jidUser(p.phoneNumber)
  return jidUser(p.id)
}

/** The instance's role in a group; null when its number is unknown or not among the participants. */
export function ownRole(group: Pick<GroupRow, 'participants'>, ownNumber: string | null): OwnRole | null {
  if (!ownNumber) return null
  const me = (group.participants ?? []).find((p) => jidUser(p.id) === ownNumber || jidUser(p.phoneNumber) === ownNumber)
  if (!me) return null
  return me.admin === 'superadmin' ? 'superadmin' : me.admin === 'admin' ? 'admin' : 'member'
}

export const isAdminRole = (r: OwnRole | null): boolean => r === 'admin' || r === 'superadmin'

/** A group's participant count: `size` when the upstream gave it, else the list's length. */
export const participantCount = (g: GroupRow): number => (typeof g.size === 'number' ? g.size : (g.participants?.length ?? 0))

export const inviteLink = (code: string): string => `https://chat.whatsapp.com/${code}`

const FAILURES: Record<string, Partial<Record<ParticipantAction, string>> & { any: string }> = {
  '403': { any: 'not allowed (WhatsApp refused it)', add: 'cannot be added (their privacy settings refuse it; send an invite link instead)' },
  '404': { any: 'is not a member of the group', add: 'is not on WhatsApp' },
  '408': { any: 'did not answer in time', add: 'left the group recently and cannot be added back yet' },
  '409': { any: 'is already in that state', add: 'is already a member' },
}

/** One line per member the action did not apply to (status other than "200"); [] when all went through. */
export function participantFailures(action: ParticipantAction, results: readonly ParticipantResult[] | null | undefined): string[] {
  return (results ?? [])
    .filter((r) => String(r.status) !== '200')
    .map((r) => {
      const words = FAILURES[String(r.status)]
      return `+${jidUser(r.jid)} ${words ? (words[action] ?? words.any) : `failed (WhatsApp answered ${r.status})`}`
    })
}
