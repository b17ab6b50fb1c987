/**
 * @module upstream/db/messages
 * Queries on upstream.messages: every message a send route accepted (from_me) and every simulated
 * inbound one, with its ack status.
 */
import type postgres from 'postgres'
import type { Tx } from './instances.js'

export type AckStatus = 'PENDING' | 'SERVER_ACK' | 'DELIVERY_ACK' | 'READ' | 'PLAYED' | 'ERROR'

export type MessageRow = {
  seq: string
  id: string
  instanceId: string
  keyId: string
  remoteJid: string
  number: string
  fromMe: boolean
  kind: string
  messageType: string
  payload: unknown
  raw: Record<string, unknown>
  status: AckStatus
  createdAt: Date
  updatedAt: Date
}

export type NewMessage = Omit<MessageRow, 'seq' | 'createdAt' | 'updatedAt'>

export async function insertMessage(sql: Tx, m: NewMessage): Promise<MessageRow> {
  const [row] = await sql<MessageRow[]>`
    insert into upstream.messages (id, instance_id, key_id, remote_jid, number, from_me, kind, message_type, payload, raw, status)
    values (${m.id}, ${m.instanceId}, ${m.keyId}, ${m.remoteJid}, ${m.number}, ${m.fromMe}, ${m.kind}, ${m.messageType},
            ${sql.json(m.payload as postgres.JSONValue)}, ${sql.json(m.raw as postgres.JSONValue)}, ${m.status})
    returning *`
  return row!
}

/** Ack ranks: an automatic ack never moves a message backwards, and ERROR is final. */
const RANK: Record<AckStatus, number> = { PENDING: 0, SERVER_ACK: 1, DELIVERY_ACK: 2, READ: 3, PLAYED: 4, ERROR: 99 }

/**
 * Applies an ack. Without `force` it only moves forward (atomically, so concurrent acks cannot
 * regress a message); with `force` (the sandbox ack route) it always applies. Null when not applied.
 */
export async function applyAck(sql: Tx, keyId: string, status: AckStatus, force: boolean): Promise<MessageRow | null> {
  const lower = (Object.keys(RANK) as AckStatus[]).filter((s) => RANK[s] < RANK[status])
  const [row] = await sql<MessageRow[]>`
    update upstream.messages set status = ${status}, updated_at = now()
     where key_id = ${keyId} and (${force} or status = any(${lower}::text[]))
    returning *`
  return row ?? null
}

export async function findMessageByKeyId(sql: Tx, keyId: string): Promise<(MessageRow & { instanceName: string }) | null> {
  const [row] = await sql<(MessageRow & { instanceName: string })[]>`
    select m.*, i.name as instance_name
      from upstream.messages m join upstream.instances i on i.id = m.instance_id
     where m.key_id = ${keyId}`
  return row ?? null
}

/** True when this instance has already exchanged messages with the JID (Evolution's onWhatsApp cache). */
export async function jidKnown(sql: Tx, instanceId: string, jid: string): Promise<boolean> {
  const [row] = await sql`select 1 from upstream.messages where instance_id = ${instanceId} and remote_jid = ${jid} limit 1`
  return row !== undefined
}

/** Sent messages, oldest first, optionally for one instance name and/or one number. */
export async function listSentMessages(sql: Tx, f: { instance?: string | undefined; number?: string | undefined }) {
  return sql<(MessageRow & { instanceName: string })[]>`
    select m.*, i.name as instance_name
      from upstream.messages m join upstream.instances i on i.id = m.instance_id
     where m.from_me
       and (${f.instance ?? null}::text is null or i.name = ${f.instance ?? null})
       and (${f.number ?? null}::text is null or m.number = ${f.number ?? null})
     order by m.seq`
}

/** Removes sent messages (all, or one instance's); returns how many. */
export async function deleteSentMessages(sql: Tx, instance?: string): Promise<number> {
  const res = await sql`
    delete from upstream.messages m using upstream.instances i
     where i.id = m.instance_id and m.from_me and (${instance ?? null}::text is null or i.name = ${instance ?? null})`
  return res.count
}
