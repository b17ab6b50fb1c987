/**
 * @module db/queries/inbound-messages
 * What contacts wrote to an instance (0005_inbound_messages). The insert ignores a key already stored
 * (the global and the per-instance webhook deliver the same message). The list is filtered by the
 * may-use-instance rule in the statement itself: an instance the caller owns or was granted; admins
 * (usable = null) see every row.
 */
import type { Queryable } from '../client.js'

export type InboundInsert = {
  instance_name: string
  key_id: string
  remote_jid: string
  from_number: string
  push_name: string | null
  message_type: string
  text: string | null
  received_at: Date
}

export type InboundRow = InboundInsert & { id: number }

export type InboundFilters = {
  instance: string | null
  /** Digits; matches anywhere in from_number. */
  number: string | null
  from: Date | null
  /** Exclusive upper bound. */
  before: Date | null
}

/** Stores one inbound message; false when that key of that instance was already stored. */
export async function insertInbound(q: Queryable, m: InboundInsert): Promise<boolean> {
  const rows = await q`
    insert into taguato.inbound_messages (instance_name, key_id, remote_jid, from_number, push_name, message_type, text, received_at)
    values (${m.instance_name}, ${m.key_id}, ${m.remote_jid}, ${m.from_number}, ${m.push_name}, ${m.message_type}, ${m.text}, ${m.received_at})
    on conflict (instance_name, key_id) do nothing
    returning id`
  return rows.length === 1
}

function where(q: Queryable, viewer: { userId: number; all: boolean }, f: InboundFilters) {
  return q`where true
    ${viewer.all ? q`` : q`and instance_name in (
      select instance_name from taguato.user_instances where user_id = ${viewer.userId}
      union select instance_name from taguato.instance_permissions where grantee_user_id = ${viewer.userId})`}
    ${f.instance ? q`and instance_name = ${f.instance}` : q``}
    ${f.number ? q`and from_number like ${`%${f.number}%`}` : q``}
    ${f.from ? q`and received_at >= ${f.from}` : q``}
    ${f.before ? q`and received_at < ${f.before}` : q``}`
}

/** A page of the visible inbound messages, newest first, and how many match in all. */
export async function listInbound(q: Queryable, viewer: { userId: number; all: boolean }, f: InboundFilters, limit: number, offset: number) {
  const [rows, [count]] = await Promise.all([
    q<InboundRow[]>`
      select id, instance_name, key_id, remote_jid, from_number, push_name, message_type, text, received_at
      from taguato.inbound_messages ${where(q, viewer, f)}
      order by received_at desc, id desc limit ${limit} offset ${offset}`,
    q<{ total: number }[]>`select count(*) as total from taguato.inbound_messages ${where(q, viewer, f)}`,
  ])
  return { rows, total: count?.total ?? 0 }
}
