/**
 * @module upstream/db/contacts
 * Queries on upstream.contacts, one row per (instance, JID). `upsertContacts` answers which rows it created
 * or changed, so the caller emits contacts.upsert / contacts.update only for real changes.
 */
import type postgres from 'postgres'
import type { Tx } from './instances.js'

export type ContactRow = {
  id: string
  instanceId: string
  remoteJid: string
  pushName: string | null
  profilePicUrl: string | null
  lid: string | null
  createdAt: Date
  updatedAt: Date
}

/** What is known of a contact (the driver seam's ContactInfo): an absent field keeps the stored value. */
export type ContactPatch = {
  /** The phone JID when known, else the LID. */
  remoteJid: string
  /** The name to show (the phone's saved name, else the contact's own); empty or absent = unknown. */
  pushName?: string | null | undefined
  /** A URL, or null = no picture. */
  profilePicUrl?: string | null | undefined
  lid?: string | null | undefined
}

export type ChangedContact = ContactRow & { created: boolean }

/**
 * Creates or updates contacts. `weak`: a name only fills an empty one (history carries old names);
 * otherwise a non-empty name replaces the stored one (a live message carries the current push name).
 */
export async function upsertContacts(sql: Tx, instanceId: string, contacts: ContactPatch[], opts: { weak?: boolean } = {}): Promise<ChangedContact[]> {
  if (contacts.length === 0) return []
  const byJid = new Map<string, ContactPatch>()
  for (const c of contacts) {
    const prev = byJid.get(c.remoteJid)
    byJid.set(c.remoteJid, { ...prev, ...c, pushName: c.pushName || prev?.pushName || null })
  }
  const json = [...byJid.values()].map((c) => ({
    remote_jid: c.remoteJid, push_name: c.pushName || null, pic: c.profilePicUrl ?? null, pic_set: c.profilePicUrl !== undefined, lid: c.lid ?? null,
  }))
  return sql<ChangedContact[]>`
    with src as (
      select * from jsonb_to_recordset(${sql.json(json as postgres.JSONValue)}) as x(remote_jid text, push_name text, pic text, pic_set boolean, lid text)
    ), next as (
      select c.id,
             case when s.push_name is null then c.push_name
                  when ${opts.weak ?? false} then coalesce(c.push_name, s.push_name)
                  else s.push_name end as push_name,
             case when s.pic_set then s.pic else c.profile_pic_url end as profile_pic_url,
             coalesce(s.lid, c.lid) as lid
        from upstream.contacts c join src s on s.remote_jid = c.remote_jid
       where c.instance_id = ${instanceId}
    ), upd as (
      update upstream.contacts c
         set push_name = n.push_name, profile_pic_url = n.profile_pic_url, lid = n.lid, updated_at = now()
        from next n
       where c.id = n.id and (c.push_name, c.profile_pic_url, c.lid) is distinct from (n.push_name, n.profile_pic_url, n.lid)
      returning c.*, false as created
    ), ins as (
      insert into upstream.contacts (instance_id, remote_jid, push_name, profile_pic_url, lid)
      select ${instanceId}::uuid, s.remote_jid, s.push_name, s.pic, s.lid
        from src s
       where not exists (select 1 from upstream.contacts c where c.instance_id = ${instanceId} and c.remote_jid = s.remote_jid)
      on conflict (instance_id, remote_jid) do nothing
      returning *, true as created
    )
    select * from upd union all select * from ins`
}

export type ContactFilter = { remoteJid?: string | undefined; id?: string | undefined; pushName?: string | undefined }

/** findContacts: the instance's contacts, oldest first; no limit when `limit` is null. */
export async function listContacts(sql: Tx, instanceId: string, f: ContactFilter, page: { limit: number | null; offset: number }): Promise<ContactRow[]> {
  const and = (cond: boolean, frag: postgres.PendingQuery<postgres.Row[]>) => (cond ? frag : sql``)
  return sql<ContactRow[]>`
    select * from upstream.contacts
     where instance_id = ${instanceId}
       ${and(f.remoteJid !== undefined, sql`and remote_jid = ${f.remoteJid ?? ''}`)}
       ${and(f.id !== undefined, sql`and id::text = ${f.id ?? ''}`)}
       ${and(f.pushName !== undefined, sql`and push_name = ${f.pushName ?? ''}`)}
     order by created_at, remote_jid
     limit ${page.limit} offset ${page.offset}`
}
