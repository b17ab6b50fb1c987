/**
 * @module upstream/db/groups
 * Queries on upstream.groups (db/upstream/0005_groups.sql): the groups store behind fetchAllGroups. Metadata
 * is stored whole (Baileys' GroupMetadata); a partial update is merged with jsonb `||`, so fields WhatsApp did
 * not mention keep their value. Read-modify-write of participants runs on the instance's event queue
 * (services/group-events.ts), which already serialises an instance's writes.
 */
import type postgres from 'postgres'
import type { Tx } from './instances.js'

/** Baileys' GroupMetadata as stored (driver/group-actions.ts has the full type; db/ does not import drivers). */
export type GroupMetadata = {
  id: string
  subject: string
  participants: { id: string; phoneNumber?: string | undefined; lid?: string | undefined; admin?: 'admin' | 'superadmin' | null | undefined }[]
  [more: string]: unknown
}

export type GroupRow = { jid: string; metadata: GroupMetadata; pictureUrl: string | null }

/** Stores whole metadata (new groups, or a fresh read of known ones). */
export async function upsertGroups(sql: Tx, instanceId: string, groups: GroupMetadata[]): Promise<void> {
  for (const g of groups) {
    await sql`
      insert into upstream.groups (instance_id, jid, metadata)
      values (${instanceId}, ${g.id}, ${sql.json(g as postgres.JSONValue)})
      on conflict (instance_id, jid) do update set metadata = excluded.metadata, updated_at = now()`
  }
}

/** Merges a partial update into a stored group; answers false when the group is not stored. */
export async function patchGroup(sql: Tx, instanceId: string, jid: string, patch: Record<string, unknown>): Promise<boolean> {
  const rows = await sql`
    update upstream.groups set metadata = metadata || ${sql.json(patch as postgres.JSONValue)}, updated_at = now()
     where instance_id = ${instanceId} and jid = ${jid}
    returning jid`
  return rows.length > 0
}

export async function setGroupPicture(sql: Tx, instanceId: string, jid: string, url: string | null): Promise<void> {
  await sql`update upstream.groups set picture_url = ${url} where instance_id = ${instanceId} and jid = ${jid}`
}

export async function findGroup(sql: Tx, instanceId: string, jid: string): Promise<GroupRow | null> {
  const rows = await sql<GroupRow[]>`select jid, metadata, picture_url from upstream.groups where instance_id = ${instanceId} and jid = ${jid}`
  return rows[0] ?? null
}

/** Every stored group, by JID (a stable order for clients that page through it). */
export async function listGroups(sql: Tx, instanceId: string): Promise<GroupRow[]> {
  return sql<GroupRow[]>`select jid, metadata, picture_url from upstream.groups where instance_id = ${instanceId} order by jid`
}

export async function deleteGroup(sql: Tx, instanceId: string, jid: string): Promise<void> {
  await sql`delete from upstream.groups where instance_id = ${instanceId} and jid = ${jid}`
}

/** Stored contacts' names and pictures for these JIDs (participants' `name` / `imgUrl`). */
export async function contactCards(sql: Tx, instanceId: string, jids: string[]): Promise<Map<string, { pushName: string | null; profilePicUrl: string | null }>> {
  if (jids.length === 0) return new Map()
  const rows = await sql<{ remoteJid: string; pushName: string | null; profilePicUrl: string | null }[]>`
    select remote_jid, push_name, profile_pic_url from upstream.contacts where instance_id = ${instanceId} and remote_jid = any(${jids}::text[])`
  return new Map(rows.map((r) => [r.remoteJid, { pushName: r.pushName, profilePicUrl: r.profilePicUrl }]))
}
