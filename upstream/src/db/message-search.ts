/**
 * @module upstream/db/message-search
 * findMessages' query: one instance's messages filtered by the `where` keys the route honours, newest
 * first, one page at a time. Only the filters given become SQL conditions, so each combination keeps
 * its index (instance + chat + time, instance + time, instance + key id).
 */
import type postgres from 'postgres'
import type { Tx } from './instances.js'
import type { MessageRow } from './messages.js'

export type MessageFilter = {
  /** The row id (Evolution's Message.id). */
  id?: string | undefined
  keyId?: string | undefined
  remoteJid?: string | undefined
  fromMe?: boolean | undefined
  participant?: string | undefined
  messageType?: string | undefined
  source?: string | undefined
  /** Epoch seconds, inclusive. */
  from?: number | undefined
  to?: number | undefined
}

function conditions(sql: Tx, f: MessageFilter) {
  const and = (cond: boolean, frag: postgres.PendingQuery<postgres.Row[]>) => (cond ? frag : sql``)
  return sql`
    ${and(f.id !== undefined, sql`and id::text = ${f.id ?? ''}`)}
    ${and(f.keyId !== undefined, sql`and key_id = ${f.keyId ?? ''}`)}
    ${and(f.remoteJid !== undefined, sql`and remote_jid = ${f.remoteJid ?? ''}`)}
    ${and(f.fromMe !== undefined, sql`and from_me = ${f.fromMe ?? false}`)}
    ${and(f.participant !== undefined, sql`and participant = ${f.participant ?? ''}`)}
    ${and(f.messageType !== undefined, sql`and message_type = ${f.messageType ?? ''}`)}
    ${and(f.source !== undefined, sql`and source = ${f.source ?? ''}`)}
    ${and(f.from !== undefined, sql`and message_timestamp >= ${f.from ?? 0}`)}
    ${and(f.to !== undefined, sql`and message_timestamp <= ${f.to ?? 0}`)}`
}

/** How many of the instance's messages match. */
export async function countMessages(sql: Tx, instanceId: string, f: MessageFilter): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from upstream.messages where instance_id = ${instanceId} ${conditions(sql, f)}`
  return row?.n ?? 0
}

/** One page of the matching messages, newest first (ties: the later stored first). */
export async function findMessages(sql: Tx, instanceId: string, f: MessageFilter, page: { limit: number; offset: number }): Promise<MessageRow[]> {
  return sql<MessageRow[]>`
    select * from upstream.messages
     where instance_id = ${instanceId} ${conditions(sql, f)}
     order by message_timestamp desc, seq desc
     limit ${page.limit} offset ${page.offset}`
}
