/**
 * @module upstream/db/chats
 * Queries on upstream.chats, one row per conversation of an instance. Two ways in: `upsertChats` applies
 * what the phone says about chats (its list, history, archive/pin/mute changes: authoritative), and
 * `touchChats` records that messages arrived (opens missing chats, counts unread). Both answer which rows
 * they created or changed, so the caller emits chats.upsert / chats.update only for real changes.
 */
import type postgres from 'postgres'
import type { Tx } from './instances.js'

export type ChatRow = {
  id: string
  instanceId: string
  remoteJid: string
  name: string | null
  unreadMessages: number
  archived: boolean
  pinned: boolean
  markedUnread: boolean
  muteEndTime: string | null
  labels: string[]
  createdAt: Date
  updatedAt: Date
}

/** What is known of a chat (the driver seam's ChatInfo): an absent field keeps the stored value. */
export type ChatPatch = {
  remoteJid: string
  /** The phone's name (group subject, saved contact name); null clears it. */
  name?: string | null | undefined
  /** A count (not a change). */
  unreadMessages?: number | undefined
  archived?: boolean | undefined
  pinned?: boolean | undefined
  markedUnread?: boolean | undefined
  /** As WhatsApp gives it (epoch ms, -1 = forever); null = not muted. */
  muteEndTime?: number | null | undefined
  /** Label ids. */
  labels?: string[] | undefined
}

export type ChangedChat = ChatRow & { created: boolean }

/** Applies the phone's view of chats; creates the missing ones. Returns the rows created or changed. */
export async function upsertChats(sql: Tx, instanceId: string, chats: ChatPatch[]): Promise<ChangedChat[]> {
  if (chats.length === 0) return []
  const byJid = new Map<string, ChatPatch>()
  for (const c of chats) byJid.set(c.remoteJid, { ...byJid.get(c.remoteJid), ...c })
  const json = [...byJid.values()].map((c) => ({
    remote_jid: c.remoteJid, name: c.name ?? null, name_set: c.name !== undefined, unread: c.unreadMessages ?? null, archived: c.archived ?? null,
    pinned: c.pinned ?? null, marked_unread: c.markedUnread ?? null, mute_end_time: c.muteEndTime ?? null, mute_set: c.muteEndTime !== undefined,
    labels: c.labels ?? null,
  }))
  return sql<ChangedChat[]>`
    with src as (
      select * from jsonb_to_recordset(${sql.json(json as postgres.JSONValue)}) as x(remote_jid text, name text, name_set boolean,
        unread int, archived boolean, pinned boolean, marked_unread boolean, mute_end_time bigint, mute_set boolean, labels jsonb)
    ), next as (
      select c.id,
             case when s.name_set then s.name else c.name end as name,
             coalesce(s.unread, c.unread_messages) as unread_messages,
             coalesce(s.archived, c.archived) as archived,
             coalesce(s.pinned, c.pinned) as pinned,
             coalesce(s.marked_unread, c.marked_unread) as marked_unread,
             case when s.mute_set then s.mute_end_time else c.mute_end_time end as mute_end_time,
             coalesce(s.labels, c.labels) as labels
        from upstream.chats c join src s on s.remote_jid = c.remote_jid
       where c.instance_id = ${instanceId}
    ), upd as (
      update upstream.chats c
         set name = n.name, unread_messages = n.unread_messages, archived = n.archived, pinned = n.pinned,
             marked_unread = n.marked_unread, mute_end_time = n.mute_end_time, labels = n.labels, updated_at = now()
        from next n
       where c.id = n.id
         and (c.name, c.unread_messages, c.archived, c.pinned, c.marked_unread, c.mute_end_time, c.labels)
             is distinct from (n.name, n.unread_messages, n.archived, n.pinned, n.marked_unread, n.mute_end_time, n.labels)
      returning c.*, false as created
    ), ins as (
      insert into upstream.chats (instance_id, remote_jid, name, unread_messages, archived, pinned, marked_unread, mute_end_time, labels)
      select ${instanceId}::uuid, s.remote_jid, s.name, coalesce(s.unread, 0), coalesce(s.archived, false), coalesce(s.pinned, false),
             coalesce(s.marked_unread, false), s.mute_end_time, coalesce(s.labels, '[]'::jsonb)
        from src s
       where not exists (select 1 from upstream.chats c where c.instance_id = ${instanceId} and c.remote_jid = s.remote_jid)
      on conflict (instance_id, remote_jid) do nothing
      returning *, true as created
    )
    select * from upd union all select * from ins`
}

/**
 * Messages arrived in these chats: opens the missing ones (named after the first pushName seen when the
 * phone gave no name) and moves the unread count: `unreadSet` (null = keep) then `+ unreadAdd`.
 */
export type ChatTouch = { remoteJid: string; name: string | null; unreadSet: number | null; unreadAdd: number }

export async function touchChats(sql: Tx, instanceId: string, touches: ChatTouch[]): Promise<ChangedChat[]> {
  if (touches.length === 0) return []
  const json = touches.map((t) => ({ remote_jid: t.remoteJid, name: t.name, unread_set: t.unreadSet, unread_add: t.unreadAdd }))
  return sql<ChangedChat[]>`
    with src as (
      select * from jsonb_to_recordset(${sql.json(json as postgres.JSONValue)}) as x(remote_jid text, name text, unread_set int, unread_add int)
    ), upd as (
      update upstream.chats c
         set name = coalesce(c.name, s.name),
             unread_messages = coalesce(s.unread_set, c.unread_messages) + s.unread_add,
             marked_unread = case when s.unread_set = 0 then false else c.marked_unread end,
             updated_at = now()
        from src s
       where c.instance_id = ${instanceId} and c.remote_jid = s.remote_jid
      returning c.*, false as created
    ), ins as (
      insert into upstream.chats (instance_id, remote_jid, name, unread_messages)
      select ${instanceId}::uuid, s.remote_jid, s.name, coalesce(s.unread_set, 0) + s.unread_add
        from src s
       where not exists (select 1 from upstream.chats c where c.instance_id = ${instanceId} and c.remote_jid = s.remote_jid)
      on conflict (instance_id, remote_jid) do nothing
      returning *, true as created
    )
    select * from upd union all select * from ins`
}

/**
 * A received message was read (on the phone, or through the API): WhatsApp reads are cumulative, so the
 * chat keeps as unread only the received messages newer than it. Null when nothing changed.
 */
export async function readChatUpTo(sql: Tx, instanceId: string, remoteJid: string, readTimestamp: number): Promise<ChatRow | null> {
  const [row] = await sql<ChatRow[]>`
    with n as (
      select c.id, least(c.unread_messages, (
               select count(*)::int from upstream.messages m
                where m.instance_id = c.instance_id and m.remote_jid = c.remote_jid and not m.from_me
                  and m.message_timestamp > ${readTimestamp})) as unread
        from upstream.chats c
       where c.instance_id = ${instanceId} and c.remote_jid = ${remoteJid}
    )
    update upstream.chats c set unread_messages = n.unread, marked_unread = false, updated_at = now()
      from n
     where c.id = n.id and (c.unread_messages <> n.unread or c.marked_unread)
    returning c.*`
  return row ?? null
}

/** Deletes chats (the phone deleted them); their messages stay. Returns the JIDs deleted. */
export async function deleteChats(sql: Tx, instanceId: string, remoteJids: string[]): Promise<string[]> {
  if (remoteJids.length === 0) return []
  const rows = await sql<{ remoteJid: string }[]>`
    delete from upstream.chats where instance_id = ${instanceId} and remote_jid = any(${remoteJids}::text[]) returning remote_jid`
  return rows.map((r) => r.remoteJid)
}
