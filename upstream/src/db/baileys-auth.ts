/**
 * @module upstream/db/baileys-auth
 * Queries on upstream.baileys_auth: one row per (instance, key type, key id) holding the JSON text of
 * a Baileys creds object or signal key (serialised by the caller with BufferJSON).
 */
import type { Sql } from './client.js'

/** Creds live in the same table under this type and the empty id. */
export const CREDS_TYPE = 'creds'

/** One write of a keys.set call: `json` null deletes the row. */
export type AuthWrite = { type: string; id: string; json: string | null }

/** The JSON text of the creds row, or null when the instance never paired (or was wiped). */
export async function readCredsJson(sql: Sql, instanceId: string): Promise<string | null> {
  const [row] = await sql<{ value: string }[]>`
    select value::text as value from upstream.baileys_auth
     where instance_id = ${instanceId} and type = ${CREDS_TYPE} and id = ''`
  return row?.value ?? null
}

/** The JSON text of the given keys of one type (ids without a row are absent from the map). */
export async function readKeysJson(sql: Sql, instanceId: string, type: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await sql<{ id: string; value: string }[]>`
    select id, value::text as value from upstream.baileys_auth
     where instance_id = ${instanceId} and type = ${type} and id = any(${ids}::text[])`
  return new Map(rows.map((r) => [r.id, r.value]))
}

/**
 * Applies the writes of one keys.set (or a creds save) in a single transaction: one bulk upsert and
 * one bulk delete, so the 800-odd pre-keys of a first login are two statements, not 800.
 */
export async function writeAuth(sql: Sql, instanceId: string, writes: AuthWrite[]): Promise<void> {
  const upserts = writes.filter((w): w is AuthWrite & { json: string } => w.json !== null)
  const deletes = writes.filter((w) => w.json === null)
  if (writes.length === 0) return
  await sql.begin(async (tx) => {
    if (upserts.length > 0) {
      // `::text::jsonb`: the values are JSON text already; a bare jsonb parameter would be re-encoded.
      await tx`
        insert into upstream.baileys_auth (instance_id, type, id, value)
        select ${instanceId}, u.type, u.id, u.value::jsonb
          from unnest(${upserts.map((w) => w.type)}::text[], ${upserts.map((w) => w.id)}::text[], ${upserts.map((w) => w.json)}::text[])
            as u(type, id, value)
        on conflict (instance_id, type, id) do update set value = excluded.value, updated_at = now()`
    }
    if (deletes.length > 0) {
      await tx`
        delete from upstream.baileys_auth a
         using unnest(${deletes.map((w) => w.type)}::text[], ${deletes.map((w) => w.id)}::text[]) as d(type, id)
         where a.instance_id = ${instanceId} and a.type = d.type and a.id = d.id`
    }
  })
}

/** Deletes the creds and every key of an instance (logout, bad session). */
export async function wipeAuth(sql: Sql, instanceId: string): Promise<void> {
  await sql`delete from upstream.baileys_auth where instance_id = ${instanceId}`
}
