/**
 * @module upstream/db/message-updates
 * Queries on upstream.message_updates, the status history of messages (Evolution's MessageUpdate): acks
 * (written by messages.applyAck), revokes (DELETED), edits (EDITED) and poll votes.
 */
import type postgres from 'postgres'
import type { Tx } from './instances.js'

export type MessageUpdateRow = {
  seq: string
  id: string
  instanceId: string
  messageId: string | null
  keyId: string
  remoteJid: string
  fromMe: boolean
  participant: string | null
  status: string
  pollUpdates: unknown[] | null
  createdAt: Date
}

export type NewMessageUpdate = Pick<MessageUpdateRow, 'messageId' | 'keyId' | 'remoteJid' | 'fromMe' | 'participant' | 'status' | 'pollUpdates'>

/** Writes status history rows of one instance. */
export async function insertMessageUpdates(sql: Tx, instanceId: string, rows: NewMessageUpdate[]): Promise<MessageUpdateRow[]> {
  if (rows.length === 0) return []
  const json = rows.map((r) => ({
    message_id: r.messageId, key_id: r.keyId, remote_jid: r.remoteJid, from_me: r.fromMe, participant: r.participant, status: r.status, poll_updates: r.pollUpdates,
  }))
  return sql<MessageUpdateRow[]>`
    insert into upstream.message_updates (instance_id, message_id, key_id, remote_jid, from_me, participant, status, poll_updates)
    select ${instanceId}::uuid, x.message_id, x.key_id, x.remote_jid, x.from_me, x.participant, x.status, x.poll_updates
      from jsonb_to_recordset(${sql.json(json as postgres.JSONValue)})
        as x(message_id uuid, key_id text, remote_jid text, from_me boolean, participant text, status text, poll_updates jsonb)
    returning *`
}

/** The statuses of these messages, oldest first (findMessages' `MessageUpdate` per record). */
export async function statusesOf(sql: Tx, messageIds: string[]): Promise<{ messageId: string; status: string }[]> {
  if (messageIds.length === 0) return []
  return sql<{ messageId: string; status: string }[]>`
    select message_id, status from upstream.message_updates where message_id = any(${messageIds}::uuid[]) order by seq`
}

export type StatusFilter = {
  remoteJid?: string | undefined
  keyId?: string | undefined
  fromMe?: boolean | undefined
  participant?: string | undefined
  status?: string | undefined
}

/** findStatusMessage: one page of the instance's status history, oldest first. */
export async function findStatusMessages(sql: Tx, instanceId: string, f: StatusFilter, page: { limit: number; offset: number }): Promise<MessageUpdateRow[]> {
  const and = (cond: boolean, frag: postgres.PendingQuery<postgres.Row[]>) => (cond ? frag : sql``)
  return sql<MessageUpdateRow[]>`
    select * from upstream.message_updates
     where instance_id = ${instanceId}
       ${and(f.remoteJid !== undefined, sql`and remote_jid = ${f.remoteJid ?? ''}`)}
       ${and(f.keyId !== undefined, sql`and key_id = ${f.keyId ?? ''}`)}
       ${and(f.fromMe !== undefined, sql`and from_me = ${f.fromMe ?? false}`)}
       ${and(f.participant !== undefined, sql`and participant = ${f.participant ?? ''}`)}
       ${and(f.status !== undefined, sql`and status = ${f.status ?? ''}`)}
     order by seq
     limit ${page.limit} offset ${page.offset}`
}
