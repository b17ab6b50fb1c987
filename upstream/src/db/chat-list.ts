/**
 * @module upstream/db/chat-list
 * findChats' query: the instance's chats with their contact and their newest message (within the time
 * range, when one is given), most recent activity first. Driven by the chats table, so a chat the phone
 * listed but with no stored message is still answered (Evolution drops those).
 */
import type postgres from 'postgres'
import type { ChatRow } from './chats.js'
import type { Tx } from './instances.js'

export type ChatListFilter = {
  remoteJid?: string | undefined
  /** Epoch seconds, inclusive: only chats with a message in the range, and that message as the last one. */
  from?: number | undefined
  to?: number | undefined
}

export type ChatListRow = ChatRow & {
  contactId: string | null
  contactPushName: string | null
  profilePicUrl: string | null
  /** The newest message (null columns when the chat has none). */
  lastId: string | null
  lastKey: Record<string, unknown> | null
  lastPushName: string | null
  lastParticipant: string | null
  lastMessageType: string | null
  lastMessage: Record<string, unknown> | null
  lastContextInfo: Record<string, unknown> | null
  lastSource: string | null
  lastMessageTimestamp: string | null
  lastStatus: string | null
  lastFromMe: boolean | null
  lastDeleted: boolean | null
  /** The newest received message's sender name and time (the 24-hour window starts there). */
  lastReceivedPushName: string | null
  lastReceivedAt: string | null
}

export async function listChats(sql: Tx, instanceId: string, f: ChatListFilter, page: { limit: number | null; offset: number }): Promise<ChatListRow[]> {
  const and = (cond: boolean, frag: postgres.PendingQuery<postgres.Row[]>) => (cond ? frag : sql``)
  const ranged = f.from !== undefined || f.to !== undefined
  return sql<ChatListRow[]>`
    select c.*,
           ct.id as contact_id, ct.push_name as contact_push_name, ct.profile_pic_url,
           lm.id as last_id, lm.key as last_key, lm.push_name as last_push_name, lm.participant as last_participant,
           lm.message_type as last_message_type, lm.message as last_message, lm.context_info as last_context_info,
           lm.source as last_source, lm.message_timestamp as last_message_timestamp, lm.status as last_status,
           lm.from_me as last_from_me, lm.deleted as last_deleted,
           lr.push_name as last_received_push_name, lr.message_timestamp as last_received_at
      from upstream.chats c
      left join upstream.contacts ct on ct.instance_id = c.instance_id and ct.remote_jid = c.remote_jid
      left join lateral (
        select * from upstream.messages m
         where m.instance_id = c.instance_id and m.remote_jid = c.remote_jid
           ${and(f.from !== undefined, sql`and m.message_timestamp >= ${f.from ?? 0}`)}
           ${and(f.to !== undefined, sql`and m.message_timestamp <= ${f.to ?? 0}`)}
         order by m.message_timestamp desc, m.seq desc
         limit 1
      ) lm on true
      left join lateral (
        select m.push_name, m.message_timestamp from upstream.messages m
         where m.instance_id = c.instance_id and m.remote_jid = c.remote_jid and not m.from_me
         order by m.message_timestamp desc, m.seq desc
         limit 1
      ) lr on true
     where c.instance_id = ${instanceId}
       ${and(f.remoteJid !== undefined, sql`and c.remote_jid = ${f.remoteJid ?? ''}`)}
       ${and(ranged, sql`and lm.id is not null`)}
     order by coalesce(lm.message_timestamp, extract(epoch from c.updated_at)::bigint) desc, c.remote_jid
     limit ${page.limit} offset ${page.offset}`
}
