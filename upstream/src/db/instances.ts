/**
 * @module upstream/db/instances
 * Queries on upstream.instances. Each takes the sql handle (or a transaction) first.
 *
 * Every row read or written here is also remembered in memory (`lastKnownInstance`), for one use only:
 * the send routes' instance guard answers from it while PostgreSQL is unavailable (middleware/auth.ts),
 * never while it is up, so normal operation never sees a stale row. Writes keep it right: a delete
 * forgets the instance before it runs; a status or session write that fails (PostgreSQL down) is applied
 * to the remembered copy, except a logout (status 401, or the session wiped), which forgets it.
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

/** Remembered rows by instance name (last read or written), oldest first; bounded. */
const lastKnown = new Map<string, InstanceRow>()
const LAST_KNOWN_MAX = 10_000

function remember(row: InstanceRow): void {
  lastKnown.delete(row.name)
  lastKnown.set(row.name, row)
  if (lastKnown.size > LAST_KNOWN_MAX) lastKnown.delete(lastKnown.keys().next().value!)
}

function forget(id: string): void {
  for (const [name, row] of lastKnown) if (row.id === id) lastKnown.delete(name)
}

function patchKnown(id: string, patch: Partial<InstanceRow>): void {
  const rows = [...lastKnown.values()].filter((r) => r.id === id)
  for (const row of rows) remember({ ...row, ...patch, updatedAt: new Date() })
}

/** The instance's row as last read or written by this process (for use only while PostgreSQL is unavailable). */
export function lastKnownInstance(name: string): InstanceRow | null {
  return lastKnown.get(name) ?? null
}

export async function insertInstance(sql: Tx, i: NewInstance): Promise<InstanceRow> {
  const [row] = await sql<InstanceRow[]>`
    insert into upstream.instances (id, name, integration, token, number, business_id, connection_status, session)
    values (${i.id}, ${i.name}, ${i.integration}, ${i.token}, ${i.number}, ${i.businessId}, ${i.connectionStatus},
            ${i.session === null ? null : sql.json(i.session as postgres.JSONValue)})
    returning *`
  remember(row!)
  return row!
}

export async function findInstanceByName(sql: Tx, name: string): Promise<InstanceRow | null> {
  const [row] = await sql<InstanceRow[]>`select * from upstream.instances where name = ${name}`
  if (row) remember(row)
  else lastKnown.delete(name)
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
  let rows: InstanceRow[]
  try {
    rows = await sql<InstanceRow[]>`
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
  } catch (err) {
    if (p.disconnection?.code === 401) forget(id)
    else {
      patchKnown(id, {
        connectionStatus: p.connectionStatus,
        ...(setIdentity ? { ownerJid: p.ownerJid ?? null, profileName: p.profileName ?? null, profilePicUrl: p.profilePicUrl ?? null } : {}),
      })
    }
    throw err
  }
  const [row] = rows
  if (row) remember(row)
  else forget(id)
  return row ?? null
}

/** Stores (or wipes, with null) the driver's auth state. */
export async function updateInstanceSession(sql: Tx, id: string, session: unknown): Promise<void> {
  // Applied to the remembered row whatever the outcome (a wipe is a logout: forgotten).
  if (session === null) forget(id)
  else patchKnown(id, { session })
  await sql`
    update upstream.instances
       set session = ${session === null ? null : sql.json(session as postgres.JSONValue)}, updated_at = now()
     where id = ${id}`
}

export async function deleteInstance(sql: Tx, id: string): Promise<void> {
  forget(id)
  await sql`delete from upstream.instances where id = ${id}`
}
