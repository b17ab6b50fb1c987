/**
 * @module upstream/services/mentions
 * sendText's `mentioned` / `mentionsEveryOne` (also spelled `everyOne`, the schema's name Evolution never
 * reads: quirk Q13 fixed) -> the JIDs tagged in the text. Everyone = the group's members (groups store,
 * else WhatsApp); outside a group it tags nobody, as WhatsApp would ignore it.
 */
import type { InstanceRow } from '../db/instances.js'
import { createJid, isGroupJid } from '../lib/jid.js'
import { groupMemberJids, type GroupDeps } from './groups.js'

type MentionFields = { number: string; mentioned?: string[] | undefined; mentionsEveryOne?: boolean | undefined; everyOne?: boolean | undefined }

export async function textMentions(deps: GroupDeps, row: InstanceRow, b: MentionFields): Promise<string[] | undefined> {
  const jid = createJid(b.number)
  if ((b.mentionsEveryOne || b.everyOne) && isGroupJid(jid)) return groupMemberJids(deps, row, jid)
  const list = (b.mentioned ?? []).map(createJid)
  return list.length ? list : undefined
}
