/**
 * @module upstream/db/labels
 * Queries on upstream.labels (an instance's WhatsApp Business labels) and on the label ids a chat carries
 * (upstream.chats.labels). Both writers answer only real changes, so the caller emits labels.edit /
 * chats.update once per change and a repeated report (Baileys echoes our own handleLabel) emits nothing.
 */
import type { ChangedChat } from './chats.js'
import type { Tx } from './instances.js'

export type LabelRow = { labelId: string; name: string; color: number; predefinedId: string | null }

/** Stores new or changed labels; answers those that were new or differed. */
export async function upsertLabels(sql: Tx, instanceId: string, labels: LabelRow[]): Promise<LabelRow[]> {
  const changed: LabelRow[] = []
  for (const l of labels) {
    const rows = await sql<LabelRow[]>`
      insert into upstream.labels (instance_id, label_id, name, color, predefined_id)
      values (${instanceId}, ${l.labelId}, ${l.name}, ${l.color}, ${l.predefinedId})
      on conflict (instance_id, label_id) do update
        set name = excluded.name, color = excluded.color, predefined_id = excluded.predefined_id, updated_at = now()
        where (upstream.labels.name, upstream.labels.color, upstream.labels.predefined_id)
              is distinct from (excluded.name, excluded.color, excluded.predefined_id)
      returning label_id, name, color, predefined_id`
    if (rows[0]) changed.push(rows[0])
  }
  return changed
}

/** Removes deleted labels (and their id from every chat of the instance); answers the ones that existed. */
export async function deleteLabels(sql: Tx, instanceId: string, labelIds: string[]): Promise<LabelRow[]> {
  if (labelIds.length === 0) return []
  const gone = await sql<LabelRow[]>`
    delete from upstream.labels where instance_id = ${instanceId} and label_id = any(${labelIds}::text[])
    returning label_id, name, color, predefined_id`
  if (gone.length) {
    await sql`
      update upstream.chats
         set labels = coalesce((select jsonb_agg(l) from jsonb_array_elements_text(labels) l where l <> all(${labelIds}::text[])), '[]'::jsonb),
             updated_at = now()
       where instance_id = ${instanceId} and labels ?| ${labelIds}::text[]`
  }
  return gone
}

/** The instance's labels, by id (numeric ids in number order). */
export function listLabels(sql: Tx, instanceId: string): Promise<LabelRow[]> {
  return sql<LabelRow[]>`
    select label_id, name, color, predefined_id from upstream.labels where instance_id = ${instanceId}
     order by length(label_id), label_id`
}

export async function labelExists(sql: Tx, instanceId: string, labelId: string): Promise<boolean> {
  const [row] = await sql`select 1 from upstream.labels where instance_id = ${instanceId} and label_id = ${labelId}`
  return row !== undefined
}

/**
 * Adds or removes one label id on a chat in one statement (no read-modify-write race with the session's
 * own events); opens the chat when it is not stored yet. Null when nothing changed.
 */
export async function setChatLabel(sql: Tx, instanceId: string, remoteJid: string, labelId: string, add: boolean): Promise<ChangedChat | null> {
  const [row] = await sql<ChangedChat[]>`
    with ins as (
      insert into upstream.chats (instance_id, remote_jid, labels)
      select ${instanceId}::uuid, ${remoteJid}, jsonb_build_array(${labelId}::text)
       where ${add}
      on conflict (instance_id, remote_jid) do nothing
      returning *, true as created
    ), upd as (
      update upstream.chats
         set labels = case when ${add} then labels || jsonb_build_array(${labelId}::text) else labels - ${labelId}::text end,
             updated_at = now()
       where instance_id = ${instanceId} and remote_jid = ${remoteJid} and (labels ? ${labelId}::text) = not ${add}
         and not exists (select 1 from ins)
      returning *, false as created
    )
    select * from ins union all select * from upd`
  return row ?? null
}
