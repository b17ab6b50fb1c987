/**
 * @module upstream/db/instances
 * Queries on upstream.instances. Each takes the sql handle (or a transaction) first.
 */
import type postgres from 'postgres'
import type { Sql } from './client.js'

/** A pool or a transaction: queries compose inside sql.begin. */
export type Tx = Sql | postgres.TransactionSql

export type ConnectionStatus = 'open' | 'connecting' | 'close'

export type InstanceRow = {
  id: string
  name: string
  integration: string
  token: string
  number: string | null
  businessId: string | null
  connectionStatus: ConnectionStatus
  ownerJid: string | null
  profileName: string | null
  profilePicUrl: string | null
  disconnectionReasonCode: number | null
  disconnectionObject: string | null
  disconnectionAt: Date | null
  session: unknown
  createdAt: Date
  updatedAt: Date
}

export type NewInstance = Pick<InstanceRow, 'id' | 'name' | 'integration' | 'token' | 'number' | 'businessId' | 'connectionStatus'> & {
  session: unknown
}

export async function insertInstance(sql: Tx, i: NewInstance): Promise<InstanceRow> {
  const [row] = await sql<InstanceRow[]>`
    insert into upstream.instances (id, name, integration, token, number, business_id, connection_status, session)
    values (${i.id}, ${i.name}, ${i.integration}, ${i.token}, ${i.number}, ${i.businessId}, ${i.connectionStatus},
            ${i.session === null ? null : sql.json(i.session as postgres.JSONValue)})
    returning *`
  return row!
}

export async function findInstanceByName(sql: Tx, name: string): Promise<InstanceRow | null> {
  const [row] = await sql<InstanceRow[]>`select * from upstream.instances where name = ${name}`
  return row ?? null
}

/** WHATSAPP-BUSINESS instances of a Cloud API phone number id (Meta webhooks are routed by it). */
export async function findBusinessInstancesByNumber(sql: Tx, phoneNumberId: string): Promise<InstanceRow[]> {
  return sql<InstanceRow[]>`
    select * from upstream.instances
     where integration = 'WHATSAPP-BUSINESS' and number = ${phoneNumberId}
     order by created_at`
}

export async function instanceNameTaken(sql: Tx, name: string): Promise<boolean> {
  const [row] = await sql`select 1 from upstream.instances where name = ${name}`
  return row !== undefined
}

export type InstanceFilter = { name?: string | undefined; id?: string | undefined; number?: string | undefined }

/** fetchInstances' `_count`: rows of the instance's chat store. */
export type InstanceCounts = { messageCount: number; contactCount: number; chatCount: number }

/** Instances in creation order, with message/contact/chat counts for `_count`. */
export async function listInstances(sql: Tx, f: InstanceFilter = {}): Promise<(InstanceRow & InstanceCounts)[]> {
  return sql<(InstanceRow & InstanceCounts)[]>`
    select i.*,
           (select count(*)::int from upstream.messages m where m.instance_id = i.id) as message_count,
           (select count(*)::int from upstream.contacts c where c.instance_id = i.id) as contact_count,
           (select count(*)::int from upstream.chats c where c.instance_id = i.id) as chat_count
      from upstream.instances i
     where (${f.name ?? null}::text is null or i.name = ${f.name ?? null})
       and (${f.id ?? null}::text is null or i.id::text = ${f.id ?? null})
       and (${f.number ?? null}::text is null or i.number = ${f.number ?? null} or i.owner_jid like ${`${f.number ?? ''}@%`})
     order by i.created_at, i.name`
}

/** Instances the boot sequence reconnects (Evolution 2.3.7: DB status open or connecting). */
export async function listInstancesToResume(sql: Tx): Promise<InstanceRow[]> {
  return sql<InstanceRow[]>`
    select * from upstream.instances where connection_status in ('open', 'connecting') order by created_at`
}

export type StatusPatch = {
  connectionStatus: ConnectionStatus
  ownerJid?: string | null
  profileName?: string | null
  profilePicUrl?: string | null
  disconnection?: { code: number; object: string } | null
}

/** Writes a state transition; identity/disconnection columns change only when given. */
export async function updateInstanceStatus(sql: Tx, id: string, p: StatusPatch): Promise<InstanceRow | null> {
  const setIdentity = p.ownerJid !== undefined
  const setDisc = p.disconnection !== undefined
  const [row] = await sql<InstanceRow[]>`
    update upstream.instances set
      connection_status = ${p.connectionStatus},
      owner_jid = case when ${setIdentity} then ${p.ownerJid ?? null} else owner_jid end,
      profile_name = case when ${setIdentity} then ${p.profileName ?? null} else profile_name end,
      profile_pic_url = case when ${setIdentity} then ${p.profilePicUrl ?? null} else profile_pic_url end,
      disconnection_reason_code = case when ${setDisc} then ${p.disconnection?.code ?? null}::int else disconnection_reason_code end,
      disconnection_object = case when ${setDisc} then ${p.disconnection?.object ?? null} else disconnection_object end,
      disconnection_at = case when ${setDisc} then (case when ${p.disconnection ? true : false} then now() else null end) else disconnection_at end,
      updated_at = now()
    where id = ${id}
    returning *`
  return row ?? null
}

/** Stores (or wipes, with null) the driver's auth state. */
export async function updateInstanceSession(sql: Tx, id: string, session: unknown): Promise<void> {
  await sql`
    update upstream.instances
       set session = ${session === null ? null : sql.json(session as postgres.JSONValue)}, updated_at = now()
     where id = ${id}`
}

export async function deleteInstance(sql: Tx, id: string): Promise<void> {
  await sql`delete from upstream.instances where id = ${id}`
}
